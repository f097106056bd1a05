#!/bin/sh
# The sanitizer build and its fuzzing: builds the libFuzzer targets with clang
# (address and undefined-behaviour sanitizers, undefined behaviour fatal),
# replays every seed input once (the project's fixtures, catalogs, shipped
# scenarios and tests/fuzz/regressions: the sanitizer build's tests), then
# fuzzes each target for the given time. Exits 1 when any target crashed,
# hung or tripped a sanitizer; the input that did it lands in
# tests/fuzz/crashes/ (keep it in tests/fuzz/regressions/ once fixed).
# CI runs it as the CTest test fuzz.sanitizer-build (10 s per target).
# Usage: tests/fuzz/run.sh [seconds per target] [build dir]
set -eu
secs=${1:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${2:-$top/build-fuzz}
targets="import mask catalog scenario simulation"
# A fresh configuration: fuzz targets are sensitive to stale settings.
rm -rf "$build/CMakeFiles" "$build/CMakeCache.txt"
echo "== building the fuzz targets (clang, -fsanitize=address,undefined) in $build"
cmake -S "$top" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DEVCSIM_FUZZ=ON -DEVCSIM_SANITIZE=address,undefined -DEVCSIM_TESTS=OFF -DEVCSIM_BENCH=OFF >"$build.cmake.log" 2>&1 ||
  { cat "$build.cmake.log"; exit 1; }
targets_flags=""
for t in $targets; do targets_flags="$targets_flags --target fuzz_$t"; done
# shellcheck disable=SC2086
cmake --build "$build" -j"$(nproc)" $targets_flags >"$build.build.log" 2>&1 || { tail -50 "$build.build.log"; exit 1; }

corpus=$build/corpus
rm -rf "$corpus"
for t in $targets; do mkdir -p "$corpus/$t"; done
mkdir -p "$top/tests/fuzz/crashes"
cp "$top"/tests/fixtures/*.txt "$top"/tests/fixtures/*.xml "$corpus/import/"
printf 'RRRR RRRR RRRR RRR0 00XR R0H0 000H 0RRH' >"$corpus/mask/default"
printf -- '---- ---- ---- ---- ---- ---- ---0 -0-0' >"$corpus/mask/custom"
printf '81:edx' >"$corpus/mask/register"
printf '00000007.01 00001C30-00000000-00000000-00000017' >"$corpus/mask/leaf"
cp "$top"/catalog/data/*.textproto "$corpus/catalog/"
cp "$top"/scenarios/*.textproto "$top"/tests/fixtures/scenarios/*.textproto "$corpus/scenario/"
cp "$top"/scenarios/*.textproto "$corpus/simulation/"
for f in "$top"/tests/fuzz/regressions/*; do
  [ -e "$f" ] || continue
  case $f in
    *.textproto) cp "$f" "$corpus/scenario/" && cp "$f" "$corpus/simulation/" ;;
    *) cp "$f" "$corpus/import/" ;;
  esac
done

failed=""
for t in $targets; do
  log=$build/fuzz_$t.log
  echo "== fuzz_$t: every seed once, then ${secs}s of fuzzing"
  if "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=4096 -timeout=60 \
    -artifact_prefix="$top/tests/fuzz/crashes/$t-" "$corpus/$t" >"$log" 2>&1; then
    grep -E 'INITED|Done [0-9]+ runs' "$log" | sed 's/^/   /'
  else
    grep -E 'ERROR|SUMMARY|fuzz_simulation:|Test unit written' "$log" | head -20 | sed 's/^/   /'
    failed="$failed fuzz_$t"
  fi
done
if [ -n "$failed" ]; then
  echo "FAIL:$failed (logs: $build/fuzz_*.log; inputs: $top/tests/fuzz/crashes/)"
  exit 1
fi
echo "PASS: $targets: every seed and ${secs}s of fuzzing each, no crash, hang or sanitizer report"
