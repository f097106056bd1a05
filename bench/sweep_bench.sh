#!/bin/sh
# The local backend's speedup: the same sweep (8 policies x 2 seeds of
# refresh-2y, 16 runs of about 4 s) with --jobs 1 and --jobs N, side by side,
# and the two merges compared (they must be equal).
# usage: bench/sweep_bench.sh [EVCSIM] [N]   (default build/evcsim, N = the cores)
set -eu
evcsim=${1:-build/evcsim}
jobs=${2:-$(nproc)}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -e "s|^scenario: .*|scenario: \"$src/scenarios/refresh-2y.textproto\"|" -e 's/^seeds: 5/seeds: 2/' \
  "$src/experiments/masking-policies.textproto" >"$work/bench.textproto"
now() { date +%s.%N; }
t0=$(now)
"$evcsim" sweep "$work/bench.textproto" --out "$work/one" --jobs 1 >/dev/null 2>&1
t1=$(now)
"$evcsim" sweep "$work/bench.textproto" --out "$work/many" --jobs "$jobs" >/dev/null 2>&1
t2=$(now)
cmp -s "$work/one/sweep.csv" "$work/many/sweep.csv" || { echo "the merges differ" >&2; exit 1; }
awk -v a="$t0" -v b="$t1" -v c="$t2" -v j="$jobs" 'BEGIN {
  one = b - a; many = c - b;
  printf "sweep of 16 runs (8 policies x 2 seeds of refresh-2y): --jobs 1 %.1f s, --jobs %d %.1f s, speedup %.2fx; merges equal\n", one, j, many, one / many }'
