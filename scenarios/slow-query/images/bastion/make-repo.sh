#!/bin/bash
# Build /srv/orders as a git repository with two tagged releases, from one source tree:
# v1.0.0 = the tree without 0007 and without the "v2: recent orders" blocks; v2.0.0 = the tree as is.
set -euo pipefail
src=$1 dst=$2
mkdir -p "$dst" && cd "$dst" && git init -q -b main
git config user.name "Priya Raman" && git config user.email "priya@shop.example"
export GIT_AUTHOR_DATE="2026-09-02T10:14:00Z" GIT_COMMITTER_DATE="2026-09-02T10:14:00Z"
cp -r "$src"/. . && rm -f migrations/0007_*.sql
sed -i '/# --- v2: recent orders/,/# --- end v2 ---/d' orders/app.py
sed -i '/^## v2.0.0/,/^## v1.0.0/{/^## v1.0.0/!d}' CHANGELOG.md
git add -A && git commit -qm "orders v1.0.0: checkout data endpoint, order lookup" && git tag v1.0.0
git config user.name "Sam Okafor" && git config user.email "sam@shop.example"
export GIT_AUTHOR_DATE="2026-11-19T15:41:00Z" GIT_COMMITTER_DATE="2026-11-19T15:41:00Z"
cp "$src"/migrations/0007_*.sql migrations/
git add -A && git commit -qm "migrations: 0007 index orders (customer_email, created_at DESC) for recent orders"
cp "$src"/orders/app.py orders/app.py && cp "$src"/CHANGELOG.md CHANGELOG.md
git add -A && git commit -qm "checkout: show the customer's recent orders (PRODUCT-412)

Adds GET /orders/recent?email= and includes recent_orders in /checkout.
Needs migration 0007." && git tag v2.0.0
git config --unset user.name && git config --unset user.email
git log --oneline --decorate
