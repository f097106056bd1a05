#!/bin/sh
# Stopping a sweep stops its tasks (issue 27): SIGTERM or SIGINT to the
# `evcsim sweep` parent ends every running `sweep-task` (each removes its
# unfinished run folder), and after kill -9 of the parent the kernel sends
# its tasks SIGTERM (PR_SET_PDEATHSIG). Then `--resume` finishes the sweep.
# Usage: stop_sweep.sh EVCSIM SOURCE_DIR WORK_DIR
set -u
evcsim=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
fail() {
  echo "FAIL: $*"
  exit 1
}
# Runs of about 3 s each, so tasks are running when the signal comes.
cat >slow.textproto <<EOT
name: "stop-sweep"
scenario: "$src/scenarios/stress-failures.textproto"
factor { path: "migration.max_downtime_ms" value: ["100", "300"] name: "downtime_ms" }
seeds: 3
metric: ["crashes", "migrations"]
EOT
tasks_of() { pgrep -f "sweep-task $work/$1/experiment.textproto " | wc -l; }

for sig in TERM INT KILL; do
  out=out-$sig
  "$evcsim" sweep slow.textproto --out "$out" --jobs 2 >/dev/null 2>"err-$sig" &
  parent=$!
  # Wait until both tasks run (at most 10 s).
  n=0
  while [ "$(tasks_of "$out")" -lt 2 ] && [ $n -lt 100 ]; do
    sleep 0.1
    n=$((n + 1))
  done
  [ "$(tasks_of "$out")" -ge 1 ] || fail "$sig: no task started: $(cat "err-$sig")"
  kill -"$sig" "$parent"
  wait "$parent"
  code=$?
  [ "$code" -ne 0 ] || fail "$sig: the sweep ended with exit 0"
  # The tasks end within 30 s (each removes its unfinished folder).
  n=0
  while [ "$(tasks_of "$out")" -gt 0 ] && [ $n -lt 300 ]; do
    sleep 0.1
    n=$((n + 1))
  done
  left=$(tasks_of "$out")
  [ "$left" -eq 0 ] || fail "$sig: $left task(s) still running after the sweep was stopped"
  if [ "$sig" != KILL ]; then
    grep -q "stopped by signal" "err-$sig" || fail "$sig: no message: $(cat "err-$sig")"
  fi
  # No unfinished run folder is left in the runs.
  partial=$(find "$out" -name '.*partial-*' | wc -l)
  [ "$partial" -eq 0 ] || fail "$sig: unfinished run folders left: $(find "$out" -name '.*partial-*')"
  echo "$sig: the sweep (exit $code) and its tasks stopped"
done
# The stopped sweep finishes where it stopped.
"$evcsim" sweep slow.textproto --out out-TERM --jobs 2 --resume >resume.txt 2>&1 || fail "--resume: $(cat resume.txt)"
grep -q "6 of 6 runs merged" resume.txt || fail "--resume did not merge every run: $(cat resume.txt)"
echo "PASS: a stopped sweep stops its tasks (SIGTERM, SIGINT, kill -9) and resumes"
