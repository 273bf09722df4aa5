#!/bin/bash
# Start an edge: its own host key, the configuration Ansible rendered for this host (first start
# only), nginx as a service (so `service nginx reload` from Ansible works), then sshd in the foreground.
set -euo pipefail
host=$(hostname)
[[ -f /etc/ssh/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
mkdir -p /run/sshd
if [[ ! -f /etc/nginx/conf.d/edge.conf ]]; then
  render=/usr/local/share/firedrill/render/baseline/$host
  [[ -d $render ]] || { echo "edge: no configuration rendered for host '$host'" >&2; exit 1; }
  install -m 0644 -o root -g root "$render"/upstreams.conf "$render"/edge.conf /etc/nginx/conf.d/
fi
# nginx resolves its upstreams once, when it starts: wait (up to 60 s) until their names exist, so the
# sandbox can start every host at once instead of upstreams first.
for name in app reports; do
  for _ in $(seq 300); do getent hosts "$name" >/dev/null && break; sleep 0.2; done
done
service nginx start
exec /usr/sbin/sshd -D -e
