#!/bin/bash
# nginx in the background (it daemonizes), mtail in the foreground reading nginx's access log.
set -euo pipefail
: > /var/log/nginx/lb.log
# nginx resolves the edges once, when it starts: wait (up to 60 s) until their names exist.
for name in edge-1 edge-2 edge-3; do
  for _ in $(seq 300); do getent hosts "$name" >/dev/null && break; sleep 0.2; done
done
nginx
exec mtail --progs /etc/mtail/lb.mtail --logs /var/log/nginx/lb.log --port 3903 --emit_prog_label=false --logtostderr
