#!/bin/sh
# Installs every Debian 12 package evcsim needs to build, test and benchmark.
# Idempotent; run as root (or through sudo) on a fresh Debian 12 machine.
# QEMU and libvirt are there to judge evcsim's CPU exports and named models
# in the tests (`-cpu help`, QMP model expansion, libvirt's cpu_map and its
# test driver); evcsim itself does not need them. Graphviz judges the
# compatibility graphs (dot) in a test. COIN-OR CBC solves `evcsim plan`'s mixed-integer programs.
# clang-format and clang-tidy check the code's style in the tests; gcovr
# measures line coverage (bench/coverage.sh); clang and its libFuzzer runtime
# build the sanitizer and fuzz targets (tests/fuzz/run.sh). npm installs
# Vega, Vega-Lite and vega-embed (third_party/vega/package-lock.json, pinned)
# whose prebuilt build/*.min.js the build inlines into the HTML reports.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PACKAGES="cmake g++ make pkg-config git ca-certificates
  libsimgrid-dev libboost-graph-dev
  libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libfmt-dev libsqlite3-dev sqlite3 coinor-libcbc-dev libxlsxwriter-dev python3-openpyxl
  chromium graphviz npm
  qemu-system-x86 libvirt-clients libvirt0 python3
  slurm-wlm munge
  clang-format clang-tidy gcovr clang libclang-rt-14-dev"
missing=""
for p in $PACKAGES; do
  # npm: Debian's package, unless an npm is already on the PATH (a Node.js
  # from elsewhere brings its own, and Debian's npm would conflict with it).
  [ "$p" = npm ] && command -v npm >/dev/null 2>&1 && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "setup: all packages already installed"
else
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing$missing"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi
# The charts' scripts, exactly the versions package-lock.json pins (no
# install scripts run; node_modules is git-ignored). Again when the lock
# file is newer than what was installed.
vega="$here/third_party/vega"
if [ ! -f "$vega/node_modules/.package-lock.json" ] || [ "$vega/package-lock.json" -nt "$vega/node_modules/.package-lock.json" ]; then
  echo "setup: npm ci in third_party/vega"
  (cd "$vega" && npm ci --ignore-scripts --no-audit --no-fund)
else
  echo "setup: third_party/vega/node_modules is up to date"
fi
