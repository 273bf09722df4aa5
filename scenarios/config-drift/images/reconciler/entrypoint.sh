#!/bin/bash
# Start: a host key, sshd (for on-call's `reconciler` command), then the daemon as recon.
set -euo pipefail
[[ -f /etc/ssh/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key
mkdir -p /run/sshd
install -d -m 0755 -o recon -g recon /run/reconciler
/usr/sbin/sshd -e
exec runuser -u recon -- env HOME=/var/lib/reconciler USER=recon LOGNAME=recon /usr/local/bin/reconciler daemon
