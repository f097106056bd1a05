#!/bin/sh
# Runs clang-tidy with the project's .clang-tidy over every C++ source of
# the checkout (compile commands from the build folder) and fails on any
# finding (WarningsAsErrors). Usage: clang_tidy.sh SOURCE_DIR BUILD_DIR [JOBS]
set -eu
src=$1
build=$2
jobs=${3:-2}
cd "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files '*.cpp' | grep -v '^tests/fuzz/')
else
  files=$(find . -path ./build -prune -o -path ./tests/fuzz -prune -o -name '*.cpp' -print)
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# GCC-only flags (-Wno-restrict) are not clang's: tell clang not to warn about them.
if run-clang-tidy -p "$build" -j "$jobs" -quiet -extra-arg=-Wno-unknown-warning-option $files >"$log" 2>&1 &&
   ! grep -q 'error:' "$log"; then
  echo "clang-tidy: $(echo "$files" | wc -w) files, no findings"
  exit 0
fi
grep -E 'error:|warning:' "$log" | grep -v 'warnings generated' | sort -u | head -100
echo "clang-tidy found the problems above (.clang-tidy lists the checks)"
exit 1
