#!/bin/bash
# The Slurm backend of a split run (issue 26) against the private Slurm the
# sweep test uses (tests/sweep/with_private_slurm.sh): refresh-2y's two
# parts run as a job array, and the merge equals the local backend's bytes
# (summary.txt, results.json, every CSV, `evcsim events`).
# usage: split_slurm.sh EVCSIM SOURCE_DIR WORK_DIR
set -eu
evcsim=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
scenario="$src/scenarios/refresh-2y.textproto"
. "$src/tests/sweep/with_private_slurm.sh"
. "$src/tests/split/same_outputs.sh"

"$evcsim" run "$scenario" --out "$work/out-local" --format text,json,csv --quiet --split 2 2>"$work/out-local.err"
"$evcsim" run "$scenario" --out "$work/out-slurm" --format text,json,csv --quiet --split 2 --backend slurm --poll 0.5 \
  >"$work/slurm.txt" 2>"$work/slurm.err" || {
  cat "$work/slurm.txt" "$work/slurm.err"
  echo "FAIL: evcsim run --split 2 --backend slurm"
  exit 1
}
cat "$work/slurm.err"
check grep -q -- "--array=0-1 " "$work/slurm.err"
check grep -q "submitted 2 tasks as Slurm job" "$work/slurm.err"
# Slurm ran the parts: each wrote its log where the script says.
check grep -q "^#SBATCH --output=$work/out-slurm/split/part-%a.log$" "$work/out-slurm/split/split.sbatch"
check test -f "$work/out-slurm/split/part-0.log"
check test -f "$work/out-slurm/split/part-1.log"
same_outputs "$work/out-local" "$work/out-slurm"
echo "PASS: a split run's 2 parts as a Slurm job array merge to the local backend's bytes"
