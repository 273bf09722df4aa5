#!/bin/bash
# Builds the monitoring repository's history from this folder (the current state): the same commits,
# byte for byte, wherever it runs (fixed authors and dates), so the bastion's clone matches config-repo.
set -euo pipefail
src=$1 dst=$2
mkdir -p "$dst" && cd "$dst" && git init -q -b main
commit() { GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" git -c user.name="$2" -c user.email="$3" commit -qm "$4"; }
mkdir -p prometheus/rules alertmanager
cp "$src"/README.md "$src"/prometheus/prometheus.yml . 2>/dev/null; mv prometheus.yml prometheus/
cp "$src"/alertmanager/alertmanager.yml alertmanager/
cp "$src"/prometheus/rules/postgres.yml "$src"/prometheus/rules/checkout.yml prometheus/rules/
git add -A && commit "2025-03-04T10:20:00Z" "Lena Fischer" "lena@shop.example" "monitoring: prometheus and alertmanager for shop-prod"
cp "$src"/prometheus/rules/payments.yml prometheus/rules/
git add -A && commit "2025-06-17T14:02:00Z" "Ana Novak" "ana@shop.example" "payments: alerts (copied from checkout)"
cp "$src"/prometheus/rules/inventory.yml prometheus/rules/
git add -A && commit "2025-09-09T11:31:00Z" "Tom Berg" "tom@shop.example" "inventory: alerts like payments"
cp "$src"/prometheus/rules/orders.yml prometheus/rules/
git add -A && commit "2026-02-02T09:45:00Z" "Priya Raman" "priya@shop.example" "orders: alerts, plus a page when a replica keeps restarting"
git log --oneline
