#!/bin/bash
# Start: a host key of its own, the repository with its history dated relative to now, then sshd.
set -euo pipefail
[[ -f /etc/ssh/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
if [[ ! -d /srv/git/fleet-config.git ]]; then
  runuser -u git -- /usr/share/fleet-config/history/make-history.sh \
    /usr/share/fleet-config/tree /usr/share/fleet-config/history /srv/git/fleet-config.git
fi
touch /run/fleet-config.ready
exec /usr/sbin/sshd -D -e
