#!/bin/sh
# Cluster-size scaling: the same 20,000 hosts and 400,000 VMs for one
# simulated day with DRS every 5 minutes, as 5 clusters of 4,000 hosts (the
# size of a Nova cell or a large KubeVirt cluster) and as 200 clusters of 100
# hosts. Per-cluster work that grows faster than linearly shows as the gap
# between the two. Target: the 5 x 4,000 run in at most 30 s.
# Each figure is appended to bench/history.csv with the commit.
# Usage: bench/scale_bench.sh [build/evcsim] [SCALE]   (SCALE 0.1: a tenth of the fleet, for a quick look)
set -eu
evcsim=${1:-build/evcsim}
scale=${2:-1}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$here/bench/lib.sh"

fleet() {  # clusters hosts_per_cluster [vms_per_host] -> scenario file
  file="$work/fleet-$1x$2-${3:-20}.textproto"
  awk -v clusters="$1" -v hosts="$2" -v scale="$scale" -v per_host="${3:-20}" 'BEGIN {
    h = int(hosts * scale); if (h < 2) h = 2
    print "name: \"scale-" clusters "x" h "\""
    print "seed: 1"
    print "horizon_s: 86400"
    print "start_date: \"2021-01\""
    print "policy { name: \"cluster-baseline\" }"
    print "drs { balance: true interval_s: 300 threshold: 3 }"
    print "workload { diurnal_amplitude: 0.3 noise: 0.05 }"
    print "report { sample_interval_s: 3600 }"
    for (c = 1; c <= clusters; c++) {
      printf "cluster { name: \"c%d\" baseline: \"intel-skylake\"\n", c
      printf "  hosts { cpu: \"Xeon Gold 6148\" name: \"c%d-sky\" count: %d ram_gib: 384 }\n", c, h / 2
      printf "  hosts { cpu: \"Xeon Gold 6248\" name: \"c%d-cas\" count: %d ram_gib: 384 } }\n", c, h - h / 2
      printf "vm { name: \"c%d-vm\" count: %d cluster: \"c%d\" ram_mib: 8192 cpu_demand: 0.6 dirty_mib_per_s: 40\n", c, per_host * h, c
      print "     software { name: \"kernel\" kernel: true uses: [\"sse2\", \"avx2\"] } }"
    }
  }' >"$file"
  echo "$file"
}

echo "evcsim $("$evcsim" --version | awk '{print $2}') on $(nproc) cores, fleet scale $scale"
measure "scale x$scale: 5 clusters of 4,000 hosts, 1 day, DRS" "$(fleet 5 4000)"
full=$peak_kib
measure "scale x$scale: 200 clusters of 100 hosts, 1 day, DRS" "$(fleet 200 100)"
# Memory per VM and per host: peak = base + a x hosts + b x VMs, from the
# 5 x 4,000 fleet with 20 and with 10 VMs a host, and at half the hosts.
measure "scale x$scale: 5 clusters of 4,000 hosts, 10 VMs a host" "$(fleet 5 4000 10)"
half_vms=$peak_kib
measure "scale x$scale: 5 clusters of 2,000 hosts, 20 VMs a host" "$(fleet 5 2000)"
half_hosts=$peak_kib
awk -v full="$full" -v hv="$half_vms" -v hh="$half_hosts" -v s="$scale" 'BEGIN {
  hosts = int(4000 * s) * 5; vms = 20 * hosts
  per_vm = (full - hv) * 1024 / (vms / 2)               # bytes
  per_host = ((full - hh) * 1024 - per_vm * vms / 2) / (hosts / 2)
  printf "memory: %.1f KiB per VM, %.1f KiB per host (peak = base + hosts x per host + VMs x per VM)\n", per_vm / 1024, per_host / 1024 }'
