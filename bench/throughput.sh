#!/bin/sh
# Throughput of one evcsim process on refresh-10y scaled by K (bench/fleet.sh:
# K copies of its sixteen 64-host clusters), run the way a user runs it,
# `evcsim run FILE --out DIR` with the default outputs: host-years simulated
# per second of wall time and per core (per second of user + system CPU
# time, which the other jobs on a shared machine do not inflate), and peak
# memory per host and per VM. A fleet whose full ten years would take more
# than BUDGET_S (default 1200) of CPU time, predicted from refresh-10y, runs
# its first months instead (as many as the budget allows); its full run is
# then projected from refresh-10y's own ratio of ten years to that horizon
# after the start, measured apart on the first day (the copies are the same
# clusters, so the cost of the later years grows alike), for 1 and 2
# processes on this machine and for N Slurm nodes of this machine's cores,
# assuming a split by clusters scales linearly. Each run is appended to
# bench/history.csv with the commit (bench/lib.sh); the load average next to
# each figure says how shared the machine was.
# Usage: bench/throughput.sh [build/evcsim] [K...] [-- extra run options, e.g. --split 2]
#   (default K: 1 10 100. With --split, /usr/bin/time reports the largest
#   process's peak, not their sum.)
set -eu
evcsim=build/evcsim
if [ $# -gt 0 ] && [ "$1" != -- ]; then case $1 in *[!0-9]*) evcsim=$1 && shift ;; esac; fi
ks=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do ks="$ks $1"; shift; done
[ $# -gt 0 ] && shift  # the rest are run options
ks=${ks:-1 10 100}
budget=${BUDGET_S:-1200}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/bench/lib.sh"
cores=$(nproc)

load() { cut -d' ' -f1 /proc/loadavg; }

run() {  # K MONTHS|1d [run options] -> ok (1: it ran), wall_s, cpu_s, peak_kib, load_avg
  copies=$1 horizon=$2
  shift 2
  file=$("$here/bench/fleet.sh" "$copies" "$horizon$(case $horizon in *d) ;; *) echo m ;; esac)" "$work")
  hosts=$((1024 * copies)) vms=$((20480 * copies))
  before=$(load)
  wall_s=""
  measure "throughput x$copies: $hosts hosts, $(case $horizon in *d) echo "the first day" ;; *) echo "$horizon of 120 months" ;; esac), --out DIR $*" "$file" --out "$work/outdir" "$@"
  rm -f "$file"
  ok=0
  [ -n "$wall_s" ] || return 0  # measure said why (a kill, e.g. out of memory, is exit 137)
  ok=1 load_avg="$before-$(load)"
  [ "$horizon" = 1d ] && return 0
  awk -v k="$copies" -v y="$horizon" -v h="$hosts" -v v="$vms" -v w="$wall_s" -v c="$cpu_s" -v p="$peak_kib" -v l="$load_avg" 'BEGIN {
    printf "  x%d, %d months: %.0f host-years/s wall, %.0f per core (%.1f s CPU), %.1f KiB per host, %.2f KiB per VM at start (load %s)\n",
      k, y, h * y / 12 / w, h * y / 12 / c, c, p / h, p / v, l }'
}

# What a full ten-year run of K copies takes: CPU seconds and peak KiB.
project() {  # K CPU_S PEAK_KIB HOW
  awk -v k="$1" -v full="$2" -v peak="$3" -v how="$4" -v base="$base_kib" -v cores="$cores" 'BEGIN {
    hosts = 1024 * k
    printf "x%d, ten years, %s: %.0f s of CPU, peak %.1f GiB; %.0f host-years/s per core\n", k, how, full, peak / 1048576,
      hosts * 10 / full
    for (procs = 1; procs <= 2; procs++) {
      minutes = full / procs / 60; all = peak + (procs - 1) * base
      printf "  this machine, %d process(es): %.0f min, %.1f GiB in all (each process adds the base %.0f MiB)%s\n", procs,
        minutes, all / 1048576, base / 1024, procs < 2 ? "" : minutes <= 30 && all <= 24 * 1048576 ? "  [meets 30 min and 24 GiB]" : "  [misses 30 min or 24 GiB]"
    }
    for (n = 1; n <= 16; n *= 4)
      printf "  %2d Slurm node(s) of %d cores, %d processes: %.1f min, %.2f GiB a process\n", n, cores, n * cores,
        full / (n * cores) / 60, (base + (peak - base) / (n * cores)) / 1048576
  }'
}

echo "evcsim $("$evcsim" --version | awk '{print $2}') on $cores cores, budget $budget s of CPU a run, run options: --out DIR $*"
# The process's own start: the peak of a run of the smallest shipped scenario.
measure "throughput: evcsim's base (smallest scenario)" "$here/scenarios/e5420-to-e5310-no-baseline.textproto"
base_kib=$peak_kib
run 1 120 "$@"
[ "$ok" -eq 1 ] || exit 1
cpu_10y=$cpu_s peak_10y=$peak_kib
full_k=1 full_cpu=$cpu_s full_peak=$peak_kib  # the largest fleet run for ten years
for k in $ks; do
  [ "$k" -eq 1 ] && continue
  months=120
  predicted=$(awk -v c="$cpu_10y" -v k="$k" 'BEGIN { printf "%d", c * k }')
  if [ "$predicted" -gt "$budget" ]; then
    months=$(awk -v p="$predicted" -v b="$budget" 'BEGIN { m = int(b / (p / 120)); print (m < 1 ? 1 : m) }')
    echo "x$k: ten years would take about $predicted s of CPU (K x refresh-10y), over the budget: the first $months months instead"
    run 1 "$months" "$@"
    cpu_1=$cpu_s peak_1=$peak_kib
    # The start (scenario, platform, world) and the first day, which do not
    # grow with the horizon: SimGrid 3.32's platform build is superlinear in
    # the number of clusters (docs/performance.md).
    run 1 1d "$@"
    start_1=$cpu_s
    run "$k" 1d "$@"
    start_k=$cpu_s
  fi
  run "$k" "$months" "$@"
  if [ "$ok" -eq 0 ]; then
    # Linear in clusters from the largest full run (the copies are alike).
    project "$k" "$(awk -v c="$full_cpu" -v k="$k" -v f="$full_k" 'BEGIN { print c * k / f }')" \
      "$(awk -v p="$full_peak" -v b="$base_kib" -v k="$k" -v f="$full_k" 'BEGIN { print b + (p - b) * k / f }')" \
      "projected linearly from x$full_k's full run (x$k did not run)"
  elif [ "$months" -eq 120 ]; then
    full_k=$k full_cpu=$cpu_s full_peak=$peak_kib
    project "$k" "$cpu_s" "$peak_kib" "measured"
  else
    # After the start, the later years cost what they cost refresh-10y, per copy.
    project "$k" "$(awk -v c="$cpu_s" -v c10="$cpu_10y" -v c1="$cpu_1" -v s1="$start_1" -v sk="$start_k" \
      'BEGIN { print sk + (c - sk) * (c10 - s1) / (c1 - s1) }')" \
      "$(awk -v p="$peak_kib" -v p10="$peak_10y" -v p1="$peak_1" -v k="$k" 'BEGIN { print p + (p10 - p1) * k }')" \
      "projected from its first $months months (after the start, $start_k s: refresh-10y takes $(awk -v a="$cpu_10y" -v b="$cpu_1" -v s="$start_1" 'BEGIN { printf "%.1f", (a - s) / (b - s) }')x its first $months)"
  fi
done
