#!/bin/bash
# The Slurm backend of `evcsim sweep` against a real Slurm: a private
# single-node cluster (munged, slurmctld, slurmd on 127.0.0.1, started here
# and stopped at the end) runs a job array of the small experiment's 8 tasks;
# the merged results must equal the local backend's, file for file. Then
# --resume resubmits only the runs whose results are gone.
# If the daemons cannot start the test fails, saying why, unless
# EVCSIM_ALLOW_SLURM_SKIP=1 (then it is reported as skipped: exit 77;
# with_private_slurm.sh).
# usage: slurm_sweep.sh EVCSIM SOURCE_DIR WORK_DIR
set -eu
evcsim=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
exp="$src/tests/sweep/small-experiment.textproto"
. "$src/tests/sweep/with_private_slurm.sh"

check() {
  if ! "$@"; then
    echo "FAIL: $*"
    exit 1
  fi
}

"$evcsim" sweep "$exp" --out "$work/local" --jobs 2 >"$work/local.txt"
"$evcsim" sweep "$exp" --out "$work/slurm" --backend slurm --jobs 4 --poll 0.5 >"$work/slurm.txt" 2>"$work/slurm.err" || {
  cat "$work/slurm.txt" "$work/slurm.err"
  echo "FAIL: evcsim sweep --backend slurm"
  exit 1
}
cat "$work/slurm.err"
cat "$work/slurm.txt"
check grep -q -- "--array=0-7%4" "$work/slurm.err"
check grep -q "submitted 8 tasks as Slurm job" "$work/slurm.err"
check grep -q "8 of 8 runs merged" "$work/slurm.txt"
# One log per array task: Slurm ran them, not this script.
check test "$(ls "$work"/slurm/logs/slurm-*_*.out | wc -l)" -eq 8
check cmp "$work/local/sweep.csv" "$work/slurm/sweep.csv"
check cmp "$work/local/sweep.json" "$work/slurm/sweep.json"
for r in "$work"/local/runs/*/results.json; do
  run=$(basename "$(dirname "$r")")
  check cmp "$r" "$work/slurm/runs/$run/results.json"
done

# --resume: two results gone, two tasks resubmitted, the same merge.
rm "$work"/slurm/runs/modern-superset_100-seed2/results.json "$work"/slurm/runs/cluster-baseline_300-seed1/results.json
"$evcsim" sweep "$exp" --out "$work/slurm" --backend slurm --resume --poll 0.5 >"$work/resume.txt" 2>"$work/resume.err"
cat "$work/resume.err"
check grep -q "submitted 2 tasks as Slurm job" "$work/resume.err"
check cmp "$work/local/sweep.csv" "$work/slurm/sweep.csv"
# Stopping the sweep cancels its jobs: one task at a time (%1), so most are
# pending when SIGTERM comes; scancel leaves none in the queue.
"$evcsim" sweep "$exp" --out "$work/cancel" --backend slurm --jobs 1 --poll 0.5 >/dev/null 2>"$work/cancel.err" &
parent=$!
n=0
until grep -q "submitted 8 tasks" "$work/cancel.err" || [ $n -ge 300 ]; do
  sleep 0.1
  n=$((n + 1))
done
check grep -q "submitted 8 tasks" "$work/cancel.err"
job=$(sed -n 's/^job \([0-9]*\):.*/\1/p' "$work/cancel.err" | head -1)
kill -TERM "$parent"
wait "$parent" && {
  echo "FAIL: the stopped sweep ended with exit 0"
  exit 1
}
cat "$work/cancel.err"
check grep -q "stopped by signal 15: \`scancel $job\`" "$work/cancel.err"
n=0
while [ -n "$(squeue -h -r -j "$job" 2>/dev/null)" ] && [ $n -lt 300 ]; do
  sleep 0.1
  n=$((n + 1))
done
check test -z "$(squeue -h -r -j "$job" 2>/dev/null)"
echo "PASS: 8 Slurm array tasks merged equal to the local sweep; --resume resubmitted 2; a stopped sweep cancelled its job"
