#!/bin/sh
# refresh-10y with its default outputs, two checkouts side by side in one
# sitting: each tree's binary on each tree's own scenario, alternated
# (old, new, old, new) so the shared machine's drift falls on both.
# Usage: bench/refresh_side_by_side.sh OLD_TREE NEW_TREE [ROUNDS]
set -eu
old=$1 new=$2 rounds=${3:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {  # tree label
  rm -rf "$work/out"
  /usr/bin/time -f "%e %M" -o "$work/time" "$1/build/evcsim" run "$1/scenarios/refresh-10y.textproto" -q \
    --out "$work/out" > /dev/null 2>&1 || true
  read -r secs kib < "$work/time"
  printf '%-4s %8.1f s %8.0f MiB peak  (%s)\n' "$2" "$secs" "$((kib / 1024))" "$(git -C "$1" log --oneline -1 | cut -c1-60)"
}
i=0
while [ "$i" -lt "$rounds" ]; do
  run "$old" old
  run "$new" new
  i=$((i + 1))
done
