#!/bin/sh
# A split run against the whole run, side by side in one sitting: runs
# SCENARIO whole and with `--split N` (local processes), ROUNDS times in
# turn, with its default outputs (summary, the event store), and prints each
# wall time, the medians and their ratio (issue 26's target: <= 0.6 for
# refresh-10y in 2 parts on a 2-core machine), checking every round that
# the split's summary.txt, results.json, CSVs and `evcsim events` output are
# the whole run's bytes. Appends the medians to bench/history.csv.
#   bench/split_bench.sh [build/evcsim] [SCENARIO] [N] [ROUNDS]
set -eu
evcsim=$(realpath "${1:-build/evcsim}")
here=$(cd "$(dirname "$0")/.." && pwd)
scenario=$(realpath "${2:-$here/scenarios/refresh-10y.textproto}")
parts=${3:-2}
rounds=${4:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/bench/lib.sh"
name=$(basename "$scenario" .textproto)
echo "evcsim $("$evcsim" --version | awk '{print $2}') on $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg): $name whole and --split $parts, $rounds rounds"
wall() {  # OUT [run options]: the wall time of one run into OUT
  out=$1
  shift
  rm -rf "$work/$out"
  /usr/bin/time -f "%e" -o "$work/time" "$evcsim" run "$scenario" --out "$work/$out" --format text,json,csv --quiet "$@" \
    >"$work/$out.stdout" 2>"$work/$out.stderr" || { code=$?; [ $code -le 3 ] || { cat "$work/$out.stderr"; exit 1; }; }
  tail -n 1 "$work/time"
}
whole="" split=""
r=1
while [ $r -le $rounds ]; do
  w=$(wall whole)
  s=$(wall split --split "$parts" --jobs "$parts")
  for f in "$work"/whole/*; do
    n=$(basename "$f")
    [ "$n" = events.sqlite ] && continue
    cmp -s "$f" "$work/split/$n" || { echo "round $r: $n differs between the whole and the split run"; exit 1; }
  done
  "$evcsim" events "$work/whole/events.sqlite" >"$work/whole.events"
  "$evcsim" events "$work/split/events.sqlite" >"$work/split.events"
  cmp -s "$work/whole.events" "$work/split.events" || { echo "round $r: the events differ"; exit 1; }
  echo "round $r: whole $w s, split $s s (outputs equal byte for byte, load $(cut -d' ' -f1 /proc/loadavg))"
  whole="$whole $w" split="$split $s"
  r=$((r + 1))
done
median() { echo "$@" | tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
mw=$(median $whole)
ms=$(median $split)
echo "median: whole $mw s, split $ms s, ratio $(echo "$ms $mw" | awk '{printf "%.2f", $1 / $2}')"
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$commit,\"$name whole (split bench)\",$mw,," >>"$history"
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$commit,\"$name --split $parts\",$ms,," >>"$history"
