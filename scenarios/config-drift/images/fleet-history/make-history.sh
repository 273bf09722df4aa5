#!/bin/bash
# Build the fleet-config repository with its history, dated relative to now (the story happened
# "two weeks ago" whenever the lab runs), and push it to the bare repository the git service serves.
#
#   main          -> the last commit before PLAT-288 (what the edges run when the lab starts)
#   refs/drift/*  -> hidden from clients (uploadpack.hideRefs): `final` is main after the last two weeks
#                    (PLAT-288, then the runbook), `baseline` is main at start. The fault moves main to
#                    `final`; its revert moves it back.
set -euo pipefail
tree=$1 history=$2 bare=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
git init -q -b main
at() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
commit() { # commit <when> <name> <email> <message>
  GIT_AUTHOR_DATE=$(at "$1") GIT_COMMITTER_DATE=$(at "$1") \
    git -c user.name="$2" -c user.email="$3" commit -q -m "$4"
}

# 1. The edge tier as first written: no upstream keepalive, one 5 s read timeout for everything.
cp -r "$tree"/. .
sed -i -e '/^# PERF-118/d' -e 's/^upstream_keepalive: 16 */upstream_keepalive: 0/' \
       -e '/^# REP-64/d' -e 's/^reports_read_timeout: 30s */reports_read_timeout: 5s/' group_vars/edge.yml
git add -A
commit '-118 days -3 hours' 'Nadia Haddad' 'nadia@shop.example' 'edge tier: nginx on edge-1..3 from Ansible (PLAT-201)

The reconciler applies main every 2 minutes; see README.md.'

# 2. PERF-118: keepalive to the upstreams.
sed -i -e 's/^upstream_keepalive: 0/# PERF-118: keep connections to the upstreams open (0 turns keepalive off).\nupstream_keepalive: 16/' group_vars/edge.yml
git add -A
commit '-61 days -5 hours' 'Tom Brandt' 'tom@shop.example' 'PERF-118: keepalive to app and reports

Every new connection to reports costs a session handshake (~0.3 s).'

# 3. REP-64: reports are generated on request and take 2-4 s.
cp "$tree"/group_vars/edge.yml group_vars/edge.yml
git add -A
commit '-44 days -2 hours' 'Ravi Iyer' 'ravi@shop.example' 'REP-64: reports get a 30 s read timeout

Reports are generated on request now and take 2-4 s; 5 s was too close.'
diff -r --exclude=.git "$tree" . >/dev/null || { echo "make-history: step 3 is not the fleet-config tree" >&2; exit 1; }
baseline=$(git rev-parse HEAD)

# 4. PLAT-288: edge-2 rebuilt; its host_vars carry the old host's values (keepalive off, 2 s for reports).
mkdir -p host_vars && cp "$history"/host_vars-edge-2.yml host_vars/edge-2.yml
git add -A
commit '-14 days -50 minutes' 'Lukas Meyer' 'lukas@shop.example' 'edge-2: rebuilt on bookworm (PLAT-288)

New VM, same name. Carry over the settings of the old host.'

# 5. A runbook, a week later (it changes nothing on the hosts).
cp "$history"/RUNBOOK.md RUNBOOK.md
git add -A
commit '-6 days -4 hours' 'Nadia Haddad' 'nadia@shop.example' 'docs: runbook for the edge tier and the reconciler'
final=$(git rev-parse HEAD)

git init -q --bare -b main "$bare"
git -C "$bare" config receive.denyNonFastForwards true
git -C "$bare" config receive.denyDeletes true
git push -q "$bare" "$final:refs/drift/final" "$baseline:refs/drift/baseline" "$baseline:refs/heads/main"
git -C "$bare" config uploadpack.hideRefs refs/drift
git -C "$bare" config receive.hideRefs refs/drift
echo "fleet-config: main at $(git log -1 --format='%h %s' "$baseline"), final $(git log -1 --format='%h %s' "$final")"
