#!/bin/bash
# Fault step (reconciler host, root), after the reconciler was paused and main moved to the PLAT-288 history:
# lay down the last two weeks.
#  1. The run log before the pause: runs at REP-64 with no change, the run that applied PLAT-288 to edge-2
#     (its whole output is no longer kept: the reconciler keeps outputs 7 days), more quiet runs.
#  2. The hand edits, over SSH as the reconciler's deploy user (sudo), dated when they happened:
#     edge-2  the INC-2291 hot-fix: /reports read timeout 2s -> 30s, keepalive to reports (never committed)
#     edge-1  harmless: server_tokens off (a scanner finding)
#     edge-3  wrong: the app upstream pointed at the decommissioned v1 listener (app:8081)
#     plus the backups Ansible left on edge-2 when it applied PLAT-288.
set -euo pipefail
log=/var/log/reconciler/reconciler.log
work=$(mktemp -d)
trap 'rm -rf -- "$work" "$0"' EXIT   # the script does not outlive the step
export GIT_SSH_COMMAND="ssh -i /var/lib/reconciler/.ssh/id_ed25519 -o LogLevel=ERROR -o BatchMode=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=$work/known_hosts"
git clone -q git@git:fleet-config.git "$work/fleet-config"
cd "$work/fleet-config"
plat288=$(git log -1 --format=%H --grep 'PLAT-288' main)
rep64=$(git rev-parse "$plat288~1")
t0=$(git log -1 --format=%ct "$plat288")   # when PLAT-288 was committed
stamp() { date -u -d "@$(( t0 + $1 ))" +%Y-%m-%dT%H:%M:%SZ; }
subject() { git log -1 --format='%s (%an' "$1"; }
ago() { # ago <seconds>: like the reconciler prints commit ages
  local s=$1
  if ((s >= 86400)); then echo "$((s / 86400)) days ago"; elif ((s >= 3600)); then echo "$((s / 3600)) hours ago";
  elif ((s >= 60)); then echo "$((s / 60)) minutes ago"; else echo "$s s ago"; fi
}

quiet_run() { # quiet_run <n> <offset s> <commit>: a run that changed nothing is three lines
  local n=$1 at=$2 commit=$3
  printf '==> run #%s started %s (trigger: schedule)\n' "$n" "$(stamp "$at")"
  printf '    fleet-config %s %s, %s)\n' "$(git rev-parse --short "$commit")" "$(subject "$commit")" \
    "$(ago $(( t0 + at - $(git log -1 --format=%ct "$commit") )))"
  printf '<== run #%s succeeded in %ss at %s: changed=0 failed=0 unreachable=0\n' "$n" "$(( 5 + n % 3 )).$(( n % 7 ))" \
    "$(git rev-parse --short "$commit")"
}

{
  quiet_run 70409 -170 "$rep64"
  quiet_run 70410 -50 "$rep64"
  printf '==> run #70411 started %s (trigger: schedule)\n' "$(stamp 70)"
  printf '    fleet-config %s %s, %s)\n' "$(git rev-parse --short "$plat288")" "$(subject "$plat288")" "$(ago 70)"
  printf '    edge-2: Upstream pools, Edge site, Reload nginx (handler)\n'
  printf '    whole output with diffs: reconciler show 70411\n'
  printf '<== run #70411 succeeded in 7.4s at %s: changed=3 (edge-2: 3) failed=0 unreachable=0\n' \
    "$(git rev-parse --short "$plat288")"
  n=70412
  for at in $(seq 190 120 2590); do quiet_run $n "$at" "$plat288"; n=$((n + 1)); done
  cat "$log" 2>/dev/null || true   # the pause line the previous step wrote
} > "$work/log"
install -m 0644 -o recon -g recon "$work/log" "$log"
last=$((n - 1))
python3 - "$last" "$(stamp 2590)" "$(stamp 2596)" "$(git rev-parse --short "$plat288")" <<'PY'
import json, sys
n, started, finished, commit = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
path = "/var/lib/reconciler/state.json"
state = json.load(open(path))
state["runs"] = n
state["last_run"] = {"n": n, "trigger": "schedule", "commit": commit, "started": started, "finished": finished,
                     "seconds": 6.1, "rc": 0, "changed": 0, "failed": 0, "unreachable": 0,
                     "hosts": {h: {"ok": 4, "changed": 0, "unreachable": 0, "failed": 0} for h in ("edge-1", "edge-2", "edge-3")}}
json.dump(state, open(path, "w"), indent=2)
PY

edge() { # edge <host>: run stdin as a root script on the host
  ssh -i /var/lib/reconciler/.ssh/id_ed25519 -o LogLevel=ERROR -o BatchMode=yes -o StrictHostKeyChecking=accept-new \
    -o UserKnownHostsFile="$work/known_hosts" "deploy@$1" sudo bash -s
}
when() { date -u -d "$1" +%Y%m%d%H%M.%S; }

# edge-2: as PLAT-288 left it, then the INC-2291 hot-fix on top; Ansible's backups of the REP-64 files.
edge edge-2 <<EOF
set -euo pipefail
cd /etc/nginx/conf.d
r=/usr/local/share/firedrill/render
backup="\$(date -d @$((t0 + 71)) +%Y-%m-%d@%H:%M:%S)~"
install -m 0644 \$r/baseline/edge-2/upstreams.conf "upstreams.conf.2214.\$backup"
install -m 0644 \$r/baseline/edge-2/edge.conf "edge.conf.2214.\$backup"
touch -t $(when "@$((t0 + 71))") "upstreams.conf.2214.\$backup" "edge.conf.2214.\$backup"
sed -e 's|^\(    server reports:8080;\)$|\1\n    keepalive 16;  # HOTFIX INC-2291 (mk)|' \$r/plat-288/edge-2/upstreams.conf > upstreams.conf
sed -e 's|^    proxy_read_timeout 5s;$|&\n    # HOTFIX INC-2291 (mk): keepalive to reports, a new connection costs ~0.3 s\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";|' \
    -e 's|^        proxy_read_timeout 2s;$|        proxy_read_timeout 30s;  # HOTFIX INC-2291 (mk): reports take 3-4 s, 2s cut them off|' \
    \$r/plat-288/edge-2/edge.conf > edge.conf
grep -q 'keepalive 16;  # HOTFIX' upstreams.conf && grep -q 'proxy_read_timeout 30s;  # HOTFIX' edge.conf
touch -t $(when '-14 days -3 minutes') upstreams.conf edge.conf
nginx -t -q && service nginx reload >/dev/null
EOF

# edge-1: a harmless hand edit (it hides nginx's version).
edge edge-1 <<EOF
set -euo pipefail
cd /etc/nginx/conf.d
sed -i 's|^    server_name _;$|&\n    server_tokens off;  # SEC-77: the scanner flagged the nginx version (tb)|' edge.conf
grep -q 'server_tokens off' edge.conf
touch -t $(when '-9 days -2 hours') edge.conf
nginx -t -q && service nginx reload >/dev/null
EOF

# edge-3: the storefront upstream still on the decommissioned v1 listener.
edge edge-3 <<EOF
set -euo pipefail
cd /etc/nginx/conf.d
sed -i 's|^    server app:8080;$|    server app:8081;  # OPS-1187: back on v1 while the v2 cutover settles (ri)|' upstreams.conf
grep -q 'server app:8081;' upstreams.conf
touch -t $(when '-5 days -7 hours') upstreams.conf
nginx -t -q && service nginx reload >/dev/null
EOF
touch /run/firedrill-drift-laid   # the resume step waits for this on a slow machine
echo "drift laid down: history to run #$last, hand edits on edge-1, edge-2 (INC-2291 hot-fix), edge-3"
