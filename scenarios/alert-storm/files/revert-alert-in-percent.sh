#!/bin/bash
# Undoes alert-in-percent.sh on main of the monitoring repository (run in config-repo).
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q --no-local /srv/git/monitoring.git "$work"
cd "$work"
commit=$(git log --format=%H --grep='OBS-231' -1)
[[ -n $commit ]] || { echo "no OBS-231 commit to revert"; exit 0; }
# The learner may have fixed the same lines already: then there is nothing left to undo.
if ! git -c user.name="Firedrill" -c user.email="firedrill@shop.example" revert --no-edit "$commit" >/dev/null 2>&1; then
  echo "OBS-231 no longer reverts cleanly (the rule was changed since); leaving main as it is"; exit 0
fi
git push -q origin main
git log --oneline -1
