#!/bin/bash
# nginx in the background (it daemonizes), mtail in the foreground reading nginx's access log.
set -euo pipefail
: > /var/log/nginx/lb.log
nginx
exec mtail --progs /etc/mtail/lb.mtail --logs /var/log/nginx/lb.log --port 3903 --emit_prog_label=false --logtostderr
