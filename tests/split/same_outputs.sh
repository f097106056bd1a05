# Sourced by the split tests: check and same_outputs WHOLE SPLIT, which
# compares two run folders byte for byte: summary.txt, results.json, every
# CSV (the same set of them) and `evcsim events` as CSV and JSON lines.
# Needs: $evcsim and $work.
check() {
  if ! "$@"; then
    echo "FAIL: $*"
    exit 1
  fi
}

same_outputs() {
  local whole=$1 split=$2 f
  check cmp "$whole/summary.txt" "$split/summary.txt"
  check cmp "$whole/results.json" "$split/results.json"
  check test "$(cd "$whole" && find . -name '*.csv' | sort)" = "$(cd "$split" && find . -name '*.csv' -not -path './split/*' | sort)"
  for f in $(cd "$whole" && find . -name '*.csv'); do
    check cmp "$whole/$f" "$split/$f"
  done
  for format in csv jsonl; do
    "$evcsim" events "$whole/events.sqlite" --format $format >"$work/events-whole.$format"
    "$evcsim" events "$split/events.sqlite" --format $format >"$work/events-split.$format"
    check cmp "$work/events-whole.$format" "$work/events-split.$format"
  done
}
