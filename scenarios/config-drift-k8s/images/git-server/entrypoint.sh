#!/bin/sh
# Build shop-config's history from /seed/shop-config/ (once, dated relative to now), then run sshd.
set -eu
repo=/srv/git/shop-config.git
seed=/seed/shop-config
if [ ! -d "$repo" ]; then
  work=$(mktemp -d)
  git -C "$work" init -q -b main
  commit() { # DAYS-AGO AUTHOR MESSAGE
    at=$(date -u -d "@$(( $(date +%s) - $1 * 86400 ))" '+%Y-%m-%dT%H:%M:%SZ')
    GIT_AUTHOR_DATE=$at GIT_COMMITTER_DATE=$at git -C "$work" -c user.name="$2" -c user.email="$(echo "$2" | tr ' ' . | tr A-Z a-z)@shop.example" \
      commit -q -m "$3"
  }
  for f in kustomization.yaml orders.yaml reports.yaml shop.pl; do cp -L "$seed/$f" "$work/"; done
  git -C "$work" add -A
  commit 97 'A Mensah' 'shop: orders and reports under Flux (PLAT-101)'
  cp -L "$seed/README.md" "$work/"
  git -C "$work" add README.md
  commit 41 'A Mensah' 'README: how shop-config reaches the cluster'
  git clone -q --bare "$work" "$repo"
  git -C "$repo" config receive.denyNonFastForwards true
  git -C "$repo" config receive.denyDeletes true
  rm -rf "$work"
  chown -R git:git "$repo"
  echo "git-server: seeded $repo"
fi
touch /run/git-server.ready
exec /usr/sbin/sshd -D -e
