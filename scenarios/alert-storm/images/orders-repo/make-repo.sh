#!/bin/bash
# Builds /srv/orders as a git repository with two tagged releases from one source tree (the v2.0.0 tree):
# v1.0.0 has pool_size 10 and no pool in /healthz. Fixed authors and dates: the same commits in every image.
set -euo pipefail
src=$1 dst=$2
mkdir -p "$dst" && cd "$dst" && git init -q -b main
commit() { GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" git -c user.name="$2" -c user.email="$3" commit -qm "$4"; }
cp -r "$src"/. . && rm -f make-repo.sh
sed -i 's/"pool_size": 50/"pool_size": 10/' config/production.json
sed -i '/^## v2.0.0/,/^## v1.0.0/{/^## v1.0.0/!d}' CHANGELOG.md
git add -A && commit "2026-08-11T09:02:00Z" "Priya Raman" "priya@shop.example" "orders v1.0.0: orders API with a pooled database client" && git tag v1.0.0
cp "$src"/config/production.json config/production.json
git add -A && commit "2026-11-20T16:47:00Z" "Sam Okafor" "sam@shop.example" "db: raise the pool to 50 connections per replica (PERF-88)

Checkout bursts queued for a connection in the Black Friday load test (staging, one replica):
p99 of POST /orders went from 180 ms to 45 ms with 50 connections."
cp "$src"/CHANGELOG.md CHANGELOG.md
git add -A && commit "2026-11-20T17:05:00Z" "Sam Okafor" "sam@shop.example" "release v2.0.0" && git tag v2.0.0
git log --oneline --decorate
