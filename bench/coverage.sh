#!/bin/sh
# Line coverage of the test suite, measured with gcovr (Debian's package):
# a separate build with --coverage, the whole CTest suite (the style checks
# excluded: they read the sources, they do not run them), then gcovr over the
# project's own sources (not the tests, not protoc's generated code).
# Prints the figure per folder and in total, and writes them to
# docs/coverage.md. No gate: a number to watch.
#   bench/coverage.sh [BUILD_DIR]     (default: build-coverage; takes ~20 min on 2 cores)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build-coverage}
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="--coverage -O1" \
      -DCMAKE_EXE_LINKER_FLAGS=--coverage -DEVCSIM_BENCH=OFF >/dev/null
cmake --build "$build" -j2 >/dev/null
find "$build" -name '*.gcda' -delete
ctest --test-dir "$build" -j2 -E '^style\.' >"$build/ctest.log" 2>&1 || echo "coverage: some tests failed (see $build/ctest.log); measuring anyway"
tail -n 3 "$build/ctest.log"
cd "$here"
gcovr -r "$here" "$build" --exclude 'tests/' --exclude 'build.*/' --exclude 'bench/' \
      --gcov-ignore-parse-errors --txt "$build/coverage.txt" --json-summary "$build/coverage.json" -j 2 >/dev/null
python3 - "$build/coverage.json" "$here/docs/coverage.md" "$(git -C "$here" rev-parse --short HEAD)" <<'PY'
import json, sys, collections, datetime
data = json.load(open(sys.argv[1]))
per = collections.OrderedDict()
for f in sorted(data["files"], key=lambda f: f["filename"]):
    folder = f["filename"].split("/")[0]
    c, t = per.get(folder, (0, 0))
    per[folder] = (c + f["line_covered"], t + f["line_total"])
rows = ["| folder | lines covered | lines | share |", "|---|---:|---:|---:|"]
for folder, (c, t) in per.items():
    rows.append(f"| {folder}/ | {c:,} | {t:,} | {100 * c / t:.1f}% |")
rows.append(f"| **all** | {data['line_covered']:,} | {data['line_total']:,} | **{data['line_percent']:.1f}%** |")
text = f"""# Test coverage

Line coverage of the whole CTest suite over the project's sources (tests,
benchmarks and protoc's generated code left out), measured by
`bench/coverage.sh` with gcovr at commit {sys.argv[3]} ({datetime.date.today()}).
No gate: a number to watch. Lines reached only through `evcsim` processes
that the tests start (the CLI tests, the shipped scenarios) count, since
those processes write their coverage too.

""" + "\n".join(rows) + "\n"
open(sys.argv[2], "w").write(text)
print("\n".join(rows))
PY
