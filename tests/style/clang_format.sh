#!/bin/sh
# Fails when a C++ source of the checkout differs from what clang-format
# makes of it under the project's .clang-format; names the files and shows
# the first differences. Usage: clang_format.sh SOURCE_DIR [CLANG_FORMAT]
set -eu
src=$1
fmt=${2:-clang-format}
cd "$src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  files=$(git ls-files '*.cpp' '*.hpp')
else
  files=$(find . -path ./build -prune -o \( -name '*.cpp' -o -name '*.hpp' \) -print)
fi
bad=""
for f in $files; do
  if ! "$fmt" --style=file "$f" | cmp -s - "$f"; then
    bad="$bad $f"
  fi
done
if [ -n "$bad" ]; then
  echo "not formatted by .clang-format (run: clang-format -i FILE):"
  for f in $bad; do
    echo "  $f"
    "$fmt" --style=file "$f" | diff -u "$f" - | head -20 || true
  done
  exit 1
fi
echo "clang-format: $(echo "$files" | wc -w) files formatted"
