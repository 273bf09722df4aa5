#!/bin/bash
# Bastion start: write a plausible deploy history (times relative to now), then run CMD.
log=/var/log/deploys/deploys.log
if [[ ! -s $log ]]; then
  at() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
  {
    printf '%-20s  %-9s  %-8s  %-40s  %s\n' "# time (UTC)" service version "by" "notes"
    printf '%-20s  %-9s  %-8s  %-40s  %s\n' "$(at '-41 days 3 hours')" orders   v1.0.0 "deploy-bot (pipeline #3981, P. Raman)" "pre-deploy: none"
    printf '%-20s  %-9s  %-8s  %-40s  %s\n' "$(at '-12 days 5 hours')" catalog  v7.3.0 "deploy-bot (pipeline #4040, L. Chen)" "pre-deploy: none"
    printf '%-20s  %-9s  %-8s  %-40s  %s\n' "$(at '-6 days 2 hours')"  payments v3.4.1 "deploy-bot (pipeline #4088, A. Novak)" "pre-deploy: none"
    printf '%-20s  %-9s  %-8s  %-40s  %s\n' "$(at '-2 days 7 hours')"  frontend v5.12.0 "deploy-bot (pipeline #4109, M. Diaz)" "pre-deploy: none"
    printf '%-20s  %-9s  %-8s  %-40s  %s\n' "$(at '-19 hours')"        catalog  v7.3.1 "deploy-bot (pipeline #4119, L. Chen)" "pre-deploy: none"
  } > "$log"
fi
exec "$@"
