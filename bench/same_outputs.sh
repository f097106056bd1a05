#!/bin/sh
# Do two evcsim binaries give the same outputs? Runs the small shipped
# scenarios, refresh-2y and stress-failures with each binary (from the same
# checkout, so paths inside the outputs agree) and compares summary.txt,
# results.json, every CSV, the .dot graphs, junit.xml and `evcsim events`
# output, byte for byte. For refactorings that must not change behaviour.
#   bench/same_outputs.sh OLD_EVCSIM NEW_EVCSIM [WORK_DIR]
set -eu
old=$1
new=$2
here=$(cd "$(dirname "$0")/.." && pwd)
work=${3:-$(mktemp -d)}
cd "$here"
for which in old new; do
  eval bin=\$$which
  rm -rf "$work/$which"
  mkdir -p "$work/$which"
  for f in scenarios/*.textproto; do
    s=$(basename "$f" .textproto)
    [ "$s" = refresh-10y ] && continue
    "$bin" run "$f" --quiet --out "$work/$which/$s" --format text,json,csv,dot,junit >"$work/$which/$s.stdout" 2>&1 || true
    "$bin" events "$work/$which/$s/events.sqlite" >"$work/$which/$s.events.txt" 2>&1 || true
    rm -f "$work/$which/$s/events.sqlite" "$work/$which/$s/.evcsim-run"  # the store is compared through its export
  done
done
if diff -r "$work/old" "$work/new" >"$work/diff.txt"; then
  echo "same outputs: $(ls "$work/new" | grep -c stdout) scenarios ($work)"
else
  head -40 "$work/diff.txt"
  echo "outputs differ (all of it: $work/diff.txt)"
  exit 1
fi
