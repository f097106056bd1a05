#!/bin/sh
# Builds the fuzz targets with clang (sanitizers on) and runs each for a given
# time, seeding the corpora from the project's own fixtures and scenarios.
# Crashing inputs land in tests/fuzz/crashes/; keep them as regression tests.
# Usage: tests/fuzz/run.sh [seconds per target] [build dir]
set -eu
secs=${1:-60}
# A fresh build: fuzz targets are sensitive to stale objects.
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${2:-$top/build-fuzz}
rm -rf "$build/CMakeFiles" "$build/CMakeCache.txt"
cmake -S "$top" -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEVCSIM_FUZZ=ON -DEVCSIM_SANITIZE=address,undefined -DEVCSIM_TESTS=OFF -DEVCSIM_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_import fuzz_mask fuzz_catalog fuzz_scenario >/dev/null
corpus=$build/corpus
mkdir -p "$corpus/import" "$corpus/mask" "$corpus/catalog" "$corpus/scenario" "$top/tests/fuzz/crashes"
cp "$top"/tests/fixtures/*.txt "$corpus/import/"
printf 'RRRR RRRR RRRR RRR0 00XR R0H0 000H 0RRH' > "$corpus/mask/default"
printf -- '---- ---- ---- ---- ---- ---- ---0 -0-0' > "$corpus/mask/custom"
printf '81:edx' > "$corpus/mask/register"
printf '00000007.01 00001C30-00000000-00000000-00000017' > "$corpus/mask/leaf"
cp "$top"/catalog/data/*.textproto "$corpus/catalog/"
cp "$top"/scenarios/*.textproto "$corpus/scenario/"
cp "$top"/tests/fuzz/regressions/* "$corpus/import/" 2>/dev/null || true
for t in import mask catalog scenario; do
  echo "== fuzz_$t for ${secs}s"
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=4096 \
    -artifact_prefix="$top/tests/fuzz/crashes/$t-" "$corpus/$t" 2>&1 |
    grep -E 'Done [0-9]+ runs|ERROR|SUMMARY' || true
done
