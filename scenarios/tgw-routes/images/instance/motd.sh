#!/bin/sh
# Writes /etc/motd for this instance (called by the entrypoint with the role, address and VPC).
cat > /etc/motd <<MOTD

  $1.shop.internal  ($2, $3)
  $4
  Logs: /var/log/shop/   Tools: curl, psql, ping, traceroute, ip, nc

MOTD
