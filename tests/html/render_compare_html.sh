#!/bin/sh
# compare.html judged by headless Chromium: one bar chart per metric asked
# for, a table row per policy, and no policy name or value label outside its
# chart (issue 12: value labels were clipped).
# usage: render_compare_html.sh EVCSIM CHROMIUM SOURCE_DIR
set -eu
evcsim=$1 chromium=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" compare "$src/scenarios/stress-failures.textproto" --policies cluster-baseline,modern-superset,unsafe-override \
  --seeds 2 --metrics migrations,outage_minutes,features_seen --out "$work/cmp" >/dev/null 2>&1
"$src/tests/html/layout_verdict.sh" "$chromium" "$work/cmp/compare.html" 'svg' '#compare-table tr' 3 4
echo "ok: compare.html lays out in Chromium"
