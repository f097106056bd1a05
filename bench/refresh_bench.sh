#!/bin/sh
# Wall time and peak memory of scenarios/refresh-10y, without outputs and
# with --out the way a user runs it (targets: <= 60 s, <= 2 GiB peak, <= 300
# MiB of outputs on a 2-core machine), and how the cost grows with the number
# of hosts (x0.5 .. x10 over one simulated year) and with DRS passes (every
# 20, 10 and 5 minutes over one year; these scale the hosts inside each
# cluster -- bench/fleet.sh and bench/throughput.sh scale the number of
# clusters instead). Each figure is appended to bench/history.csv with the
# commit, so a regression shows.
# Usage: bench/refresh_bench.sh [build/evcsim] [--quick: refresh-10y only | --big: refresh-10y at 10x, 10 years]
set -eu
evcsim=${1:-build/evcsim}
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/scenarios/refresh-10y.textproto"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$here/bench/lib.sh"

one_year() {  # scale interval [years] -> file
  sed -e "s/end_date: \"2018-01-01\"/end_date: \"$((2008 + ${3:-1}))-01-01\"/" \
      -e 's/graph_at_date: \[[^]]*\]//' \
      -e "s/interval_s: 300 /interval_s: $2 /" "$src" |
  awk -v f="$1" '{
      n = split($0, w, " "); line = $0
      if ($0 ~ /count: [0-9]+/ || $0 ~ /max_count: [0-9]+/ || $0 ~ /max_hosts_per_cluster: [0-9]+/) {
        out = ""
        for (i = 1; i <= n; i++) {
          if ((w[i] == "count:" || w[i] == "max_count:" || w[i] == "max_hosts_per_cluster:") && i < n) {
            out = out w[i] " " int(w[i + 1] * f) " "; i++
          } else out = out w[i] " "
        }
        line = out
      }
      print line }' > "$work/s-$1-$2-${3:-1}.textproto"
  echo "$work/s-$1-$2-${3:-1}.textproto"
}

echo "evcsim $("$evcsim" --version | awk '{print $2}') on $(nproc) cores"
measure "refresh-10y (1,024 hosts, 10 years)" "$src"
sed -n '2,10p' "$work/out"
measure "refresh-10y with --out (sqlite, json, csv, html)" "$src" --out "$work/outdir" --format text,json,csv,html
[ "${2:-}" = "--quick" ] && exit 0
if [ "${2:-}" = "--big" ]; then  # 10,240 hosts and 204,800 VMs for 10 years (target: 10 minutes, 8 GiB)
  # 160 clusters of 64 hosts (bench/fleet.sh); before 2026-12-07 this row was
  # 16 clusters of 640 hosts (the counts below scaled inside each cluster).
  measure "refresh-10y x10 (fleet.sh: 160 clusters) with --out (sqlite, json, csv)" "$("$here/bench/fleet.sh" 10 10 "$work")" \
    --out "$work/outdir" --format text,json,csv
  exit 0
fi
for s in 0.5 1 2 10; do measure "1 year, hosts x$s, DRS 5 min" "$(one_year $s 300)"; done
for i in 1200 600 300; do measure "1 year, hosts x1, DRS every ${i} s" "$(one_year 1 $i)"; done
