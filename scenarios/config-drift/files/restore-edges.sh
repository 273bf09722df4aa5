#!/bin/bash
# Revert of the hand-edits step (reconciler host, root): every edge back to what fleet-config's baseline
# renders (the files its image started with), Ansible's backups removed, nginx reloaded.
set -euo pipefail
trap 'rm -f -- "$0"' EXIT
for host in edge-1 edge-2 edge-3; do
  ssh -i /var/lib/reconciler/.ssh/id_ed25519 -o LogLevel=ERROR -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
    -o UserKnownHostsFile=/var/cache/fleet-verify/known_hosts "deploy@$host" sudo bash -s <<EOS
set -euo pipefail
r=/usr/local/share/firedrill/render/baseline/$host
install -m 0644 -o root -g root \$r/upstreams.conf \$r/edge.conf /etc/nginx/conf.d/
rm -f /etc/nginx/conf.d/*.conf.*~
nginx -t -q && service nginx reload >/dev/null
EOS
done
rm -f /run/firedrill-drift-laid
echo "edges restored to fleet-config's baseline render"
