#!/bin/sh
# A run killed at any point leaves its output folder as it was: an earlier
# run's outputs stay byte for byte, and (but for kill -9, which no process
# can clean up after) no staging folder is left beside it; the next run
# removes and names the staging folder a kill -9 left. A file size limit
# (ulimit -f, SIGXFSZ) or a full disk (a tmpfs the test mounts) ends the run
# with a message, the folder as it was.
# Usage: kill_points.sh EVCSIM SOURCE_DIR WORK_DIR
set -u
evcsim=$1
src=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
scenario=$src/scenarios/stress-failures.textproto
run() { "$evcsim" run "$scenario" --quiet --out out --format text,json,csv,html "$@"; }
snapshot() { (cd out && find . -type f | LC_ALL=C sort | xargs sha256sum); }
fail() {
  echo "FAIL: $*"
  exit 1
}

# The interrupted runs use seed 99; a run is the same bytes every time, so
# this is what a seed-99 run that got to put its outputs in place leaves.
"$evcsim" run "$scenario" --quiet --out out --format text,json,csv,html --seed 99 >/dev/null 2>&1 ||
  fail "the seed-99 run failed"
finished=$(snapshot)
run >/dev/null 2>&1 || fail "the first run failed"
before=$(snapshot)
checked=0
for sig in TERM INT KILL; do
  for delay in 0.01 0.05 0.2 0.5 1 1.5 2.5 4; do
    # evcsim itself in the background (a shell function would be a subshell
    # that the signal kills instead).
    "$evcsim" run "$scenario" --quiet --out out --format text,json,csv,html --seed 99 >/dev/null 2>"$work/err" &
    pid=$!
    sleep "$delay"
    kill -"$sig" "$pid" 2>/dev/null
    wait "$pid"
    code=$?
    after=$(snapshot)
    if [ "$code" -eq 0 ] || [ "$code" -eq 3 ]; then
      # The run ended before the signal: its outputs replaced the folder whole.
      [ "$(grep -c . out/summary.txt)" -gt 0 ] || fail "$sig at $delay s: a finished run left no summary"
      before=$after
      continue
    fi
    if [ "$sig" = KILL ] && [ "$after" = "$finished" ] && [ "$after" != "$before" ]; then
      # kill -9 after the folder was swapped in one step (renameat2), while
      # the old outputs were being removed: the folder is the finished run.
      before=$after
      continue
    fi
    [ "$after" = "$before" ] || fail "$sig at $delay s (exit $code): the folder changed"
    stale=$(ls -a | grep -c '^\.out\.partial-')
    if [ "$sig" = KILL ]; then
      # The next run removes and names what the killed one left.
      [ "$stale" -le 1 ] || fail "more than one staging folder after kill -9"
      if [ "$stale" -eq 1 ]; then
        run --seed 5 >/dev/null 2>"$work/err2" || fail "the run after a kill -9 failed: $(cat "$work/err2")"
        grep -q 'removed .*\.out\.partial-.*a run that was killed' "$work/err2" || fail "the stale folder was not named"
        [ "$(ls -a | grep -c '^\.out\.partial-')" -eq 0 ] || fail "the stale staging folder stayed"
        before=$(snapshot)
      fi
    else
      [ "$stale" -eq 0 ] || fail "$sig at $delay s: a staging folder was left: $(ls -a)"
    fi
    [ -z "$(find out -name '*.tmp*')" ] || fail "$sig at $delay s: temporary files in the folder"
    checked=$((checked + 1))
  done
done
[ "$checked" -ge 6 ] || fail "only $checked kill points landed inside a run (the machine is too fast for the delays?)"

# A file size limit: the run says so and fails; the folder stays as it was.
before=$(snapshot)
(ulimit -f 64 && run --seed 3 >/dev/null 2>"$work/err3")
code=$?
[ "$code" -ne 0 ] || fail "a run past the file size limit succeeded"
grep -q 'file size limit' "$work/err3" || fail "no message about the size limit: $(cat "$work/err3")"
[ "$(snapshot)" = "$before" ] || fail "the size limit changed the folder"
[ "$(ls -a | grep -c '^\.out\.partial-')" -eq 0 ] || fail "the size limit left a staging folder"

# A full disk: a tmpfs the test mounts (root; where mounting is not allowed
# the check says so and is skipped). A small run fills a folder; a filler
# leaves the disk too little for the next, larger run, which must fail with
# a message and leave the folder as it was, with no staging folder.
disk=$work/disk
mkdir -p "$disk"
full_disk="skipped (cannot mount a tmpfs here)"
if mount -t tmpfs -o size=32m evcsim-kill-points "$disk" 2>/dev/null; then
  trap 'umount "$disk" 2>/dev/null' EXIT
  (cd "$disk" && "$evcsim" run "$scenario" --quiet --out out --format text >/dev/null 2>&1) || fail "the run on the tmpfs failed"
  before=$( (cd "$disk/out" && find . -type f | LC_ALL=C sort | xargs sha256sum))
  # Fill the disk, then free 64 KB: room to start, not for every output.
  dd if=/dev/zero of="$disk/filler" bs=64k 2>/dev/null
  truncate -s -64K "$disk/filler"
  (cd "$disk" && "$evcsim" run "$scenario" --quiet --out out --format text,json,csv,html --seed 7 >/dev/null 2>"$work/err4")
  code=$?
  [ "$code" -ne 0 ] || fail "a run on a full disk succeeded"
  grep -qi 'no space left\|disk is full\|full' "$work/err4" || fail "no message about the full disk: $(cat "$work/err4")"
  [ "$( (cd "$disk/out" && find . -type f | LC_ALL=C sort | xargs sha256sum))" = "$before" ] ||
    fail "the full disk changed the folder"
  [ "$(ls -a "$disk" | grep -c '^\.out\.partial-')" -eq 0 ] || fail "the full disk left a staging folder: $(ls -a "$disk")"
  umount "$disk"
  trap - EXIT
  full_disk="a run on a full disk (tmpfs) too: $(tail -n 1 "$work/err4" | cut -c 1-160)"
fi
echo "kill points: $checked interrupted runs left the folder as it was; a size-limited run too; $full_disk"
