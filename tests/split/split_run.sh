#!/bin/bash
# A split run equals the whole run (issue 26): each scenario named runs once
# whole and once as `run --split 2` (local processes), and summary.txt,
# results.json, every CSV and `evcsim events` (CSV and JSON lines) must be
# the same bytes. On refresh-2y (two clusters, two parts) then: --resume
# reruns only a part whose file is gone; a part that fails names its log,
# leaves the other part's file and exits non-zero; a part file of another
# seed is refused by the merge.
# usage: split_run.sh EVCSIM SOURCE_DIR WORK_DIR SCENARIO...
set -eu
evcsim=$1
src=$2
work=$3
shift 3
rm -rf "$work"
mkdir -p "$work"
. "$src/tests/split/same_outputs.sh"
formats=text,json,csv

for name in "$@"; do
  scenario="$src/scenarios/$name.textproto"
  "$evcsim" run "$scenario" --out "$work/$name-whole" --format $formats --quiet
  "$evcsim" run "$scenario" --out "$work/$name-split" --format $formats --quiet --split 2 2>"$work/$name-split.err" || {
    cat "$work/$name-split.err"
    echo "FAIL: evcsim run --split 2 $name"
    exit 1
  }
  check test -f "$work/$name-split/split/plan.txt"
  same_outputs "$work/$name-whole" "$work/$name-split"
  echo "ok: $name split in $(grep -c '^part ' "$work/$name-split/split/plan.txt") part(s) equals the whole run"
done

# The rest on refresh-2y: two clusters, two parts.
scenario="$src/scenarios/refresh-2y.textproto"
dir="$work/refresh-2y-split"
check test -f "$dir/split/part-0.evpart"
check test -f "$dir/split/part-1.evpart"

# --resume: only the part without its file runs, and the merge is the same.
rm "$dir/split/part-1.evpart"
"$evcsim" run "$scenario" --out "$dir" --format $formats --quiet --split 2 --resume 2>"$work/resume.err"
cat "$work/resume.err"
check grep -q "1 of 2 parts have their part file; running 1" "$work/resume.err"
same_outputs "$work/refresh-2y-whole" "$dir"

# `--split auto --resume` finishes the split as it was planned (here in one
# part), whatever auto would make of this machine's cores now.
"$evcsim" run "$scenario" --out "$work/one" --format $formats --quiet --split 1 2>/dev/null
rm "$work/one/split/part-0.evpart"
"$evcsim" run "$scenario" --out "$work/one" --format $formats --quiet --split auto --resume 2>"$work/auto.err" || {
  cat "$work/auto.err"
  echo "FAIL: --split auto --resume of a split in one part"
  exit 1
}
check grep -q "dealt into 1 part by work" "$work/auto.err"
same_outputs "$work/refresh-2y-whole" "$work/one"

# A failed part (its part file cannot be written: a folder is in its place)
# names its log, leaves the other part's file, and the run exits non-zero.
rm "$dir/split/part-1.evpart"
mkdir "$dir/split/part-1.evpart"
before=$(cksum <"$dir/split/part-0.evpart")
if "$evcsim" run "$scenario" --out "$dir" --format $formats --quiet --split 2 --resume 2>"$work/failed.err"; then
  cat "$work/failed.err"
  echo "FAIL: a run with a failed part ended with exit 0"
  exit 1
fi
cat "$work/failed.err"
check grep -q "failed: part 1 (log $dir/split/part-1.log)" "$work/failed.err"
check test -s "$dir/split/part-1.log"
check test "$(cksum <"$dir/split/part-0.evpart")" = "$before"
rmdir "$dir/split/part-1.evpart"
"$evcsim" run "$scenario" --out "$dir" --format $formats --quiet --split 2 --resume 2>/dev/null
same_outputs "$work/refresh-2y-whole" "$dir"

# A part file of another seed: the merge refuses it, naming it.
"$evcsim" run "$scenario" --out "$work/seed2" --format $formats --quiet --split 2 --seed 2 2>/dev/null
cp "$work/seed2/split/part-1.evpart" "$dir/split/part-1.evpart"
if "$evcsim" run "$scenario" --out "$dir" --format $formats --quiet --split 2 --resume 2>"$work/other.err"; then
  echo "FAIL: the merge took a part file of another seed"
  exit 1
fi
cat "$work/other.err"
check grep -q "part-1.evpart" "$work/other.err"
check test -f "$dir/split/part-0.evpart"  # the parts are back in place after the refused merge
echo "PASS: split runs equal whole runs ($*); --resume, a failed part and a part of another seed behave"
