#!/bin/sh
# fidelity.qemu-models-current: the recorded QEMU model expansions
# (tests/fidelity/qemu-models.txt) are what the installed QEMU says.
# Usage: tests/fidelity/qemu_models_current.sh qemu-system-x86_64
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/qemu_models.sh" "$1" > "$work/now"
grep -v '^#' "$here/qemu-models.txt" > "$work/recorded"
if ! diff "$work/recorded" "$work/now"; then
  echo "the installed QEMU ($("$1" --version | head -n 1)) expands the models otherwise than"
  echo "tests/fidelity/qemu-models.txt records (lines with < are recorded, > installed)"
  exit 1
fi
echo "$(wc -l < "$work/now") QEMU models agree with tests/fidelity/qemu-models.txt"
