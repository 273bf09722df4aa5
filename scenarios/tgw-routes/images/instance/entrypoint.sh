#!/bin/sh
# An instance starts: private DNS, its motd, sshd, then its service in the foreground (as its own user).
set -eu
role=${1:?usage: lab-instance web|api|db|monitoring}
ip=${INSTANCE_IP:?INSTANCE_IP must be the instance address in its VPC}

grep -q 'shop.internal' /etc/hosts || cat /etc/lab/hosts >> /etc/hosts
case $role in
  web) where='vpc-a (10.10.0.0/16), subnet vpc-a-web'
       what='Shop frontend: GET /checkout on port 80 (calls api:8080 for prices, writes orders to db:5432).' ;;
  api) where='vpc-b (10.20.0.0/16), subnet vpc-b-app'
       what='Pricing API: GET /quote on port 8080 (reads prices from db:5432).' ;;
  db) where='vpc-b (10.20.0.0/16), subnet vpc-b-db'
      what='PostgreSQL 15, database shop (read-only login: psql -h localhost).' ;;
  monitoring) where='vpc-shared (10.30.0.0/16), subnet shared-monitoring'
      what='Probes web and api every 5 s: curl -s localhost:9090/status' ;;
  *) echo "unknown role $role" >&2; exit 2 ;;
esac
sh /etc/lab/motd.sh "$role" "$ip" "$where" "$what"
/usr/sbin/sshd -E /var/log/sshd.log

case $role in
  db)
    touch /var/log/shop/db.log && chown postgres /var/log/shop/db.log && chmod 0644 /var/log/shop/db.log
    exec setpriv --reuid postgres --regid postgres --init-groups \
      postgres -D "$PGDATA" -c "listen_addresses=$ip,127.0.0.1" >>/var/log/shop/db.log 2>&1 ;;
  *)
    exec setpriv --reuid app --regid app --init-groups python3 "/opt/apps/$role.py" ;;
esac
