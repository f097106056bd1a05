#!/bin/sh
# Wall time and peak memory of scenarios/refresh-10y (targets: <= 60 s and
# <= 2 GiB on a 2-core machine), and how the cost grows with the number of
# hosts (x0.5, x1, x2 over one simulated year) and with DRS passes (every 20,
# 10 and 5 minutes over one year).
# Usage: bench/refresh_bench.sh [build/evcsim]
set -eu
evcsim=${1:-build/evcsim}
here=$(cd "$(dirname "$0")/.." && pwd)
src="$here/scenarios/refresh-10y.textproto"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() {  # name file   (exit 3, a failed expectation of the shortened runs, is fine)
  code=0
  /usr/bin/time -f "%e %M" -o "$work/time" "$evcsim" run "$2" > "$work/out" || code=$?
  [ "$code" -le 3 ] || { echo "$1: evcsim failed (exit $code)"; cat "$work/out"; return; }
  set -- "$1" $(tail -n 1 "$work/time")
  printf '%-36s %8s s %6d MiB\n' "$1" "$2" $(($3 / 1024))
}

one_year() {  # scale interval -> file
  sed -e 's/horizon_s: 315576000 .*/horizon_s: 31557600/' \
      -e 's/graph_at_s: \[[^]]*\]//' \
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
      print line }' > "$work/s-$1-$2.textproto"
  echo "$work/s-$1-$2.textproto"
}

echo "evcsim $("$evcsim" --version | awk '{print $2}') on $(nproc) cores"
measure "refresh-10y (1,024 hosts, 10 years)" "$src"
sed -n '2,10p' "$work/out"
for s in 0.5 1 2 10; do measure "1 year, hosts x$s, DRS 5 min" "$(one_year $s 300)"; done
for i in 1200 600 300; do measure "1 year, hosts x1, DRS every ${i} s" "$(one_year 1 $i)"; done
