#!/bin/bash
# false-alarm variant: a colleague's change to checkout's error-rate alert lands on main of the monitoring
# repository (run in config-repo, which holds the bare repository). The expression now computes a percentage,
# but the threshold stayed a fraction: `> 0.01` means "more than 0.01 %", so normal noise pages.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q --no-local /srv/git/monitoring.git "$work"
cd "$work"
python3 - prometheus/rules/checkout.yml <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
old = '''      - alert: CheckoutHighErrorRate
        expr: >-
          sum(rate(http_requests_total{job="checkout", code=~"5.."}[1m]))
          / sum(rate(http_requests_total{job="checkout"}[1m])) > 0.01
'''
new = '''      - alert: CheckoutHighErrorRate
        # In percent, like the checkout SLO dashboard (OBS-231); a 5m window so one bad scrape does not flap it.
        expr: >-
          100 * sum(rate(http_requests_total{job="checkout", code=~"5.."}[5m]))
          / sum(rate(http_requests_total{job="checkout"}[5m])) > 0.01
'''
assert old in text, "checkout.yml does not have the rule this change expects"
text = text.replace(old, new).replace(
    "summary: 'checkout: {{ $value | humanizePercentage }} of requests fail (threshold 1 %)'",
    "summary: 'checkout: {{ $value | printf \"%.2f\" }} % of requests fail (threshold 1 %)'")
open(path, "w").write(text)
PY
git -c user.name="Dana Ivanova" -c user.email="dana@shop.example" commit -qam "checkout: error-rate alert in percent, like the SLO dashboard (OBS-231)"
git push -q origin main
git log --oneline -1
