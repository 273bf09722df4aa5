#!/bin/sh
# Seed each /seed/<name>/ into a bare repository /srv/git/<name>.git (once), then run sshd.
set -eu
for dir in /seed/*/; do
  [ -d "$dir" ] || continue
  name=$(basename "$dir")
  repo=/srv/git/$name.git
  [ -d "$repo" ] && continue
  work=$(mktemp -d)
  # Not "$dir." : a ConfigMap volume also holds its ..data links, which are not content.
  for f in "$dir"*; do cp -rL "$f" "$work/"; done
  git -C "$work" init -q -b main
  git -C "$work" -c user.name=firedrill -c user.email=firedrill@example.invalid add -A
  git -C "$work" -c user.name=firedrill -c user.email=firedrill@example.invalid commit -q -m "Initial import of $name"
  git clone -q --bare "$work" "$repo"
  rm -rf "$work"
  chown -R git:git "$repo"
  echo "git-server: seeded $repo"
done
exec /usr/sbin/sshd -D -e
