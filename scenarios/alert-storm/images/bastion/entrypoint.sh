#!/bin/bash
# Bastion start: write a plausible deploy history (times relative to now), then run CMD.
log=/var/log/deploys/deploys.log
if [[ ! -s $log ]]; then
  at() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
  line() { printf '%-20s  %-10s  %-8s  %s\n' "$@"; }
  {
    line "# time (UTC)" service version "by"
    line "$(at '-97 days 4 hours')"  orders    v1.0.0 "deploy-bot (pipeline #3902, P. Raman)"
    line "$(at '-15 days 2 hours')"  payments  v3.4.1 "deploy-bot (pipeline #4071, A. Novak)"
    line "$(at '-6 days 6 hours')"   inventory v2.2.0 "deploy-bot (pipeline #4103, T. Berg)"
    line "$(at '-2 days 1 hours')"   checkout  v4.9.0 "deploy-bot (pipeline #4118, L. Chen)"
    line "$(at '-20 hours')"         checkout  v4.9.1 "deploy-bot (pipeline #4122, L. Chen)"
  } > "$log"
fi
exec "$@"
