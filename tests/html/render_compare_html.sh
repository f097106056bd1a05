#!/bin/sh
# compare.html judged by headless Chromium: one bar chart per metric asked
# for, drawn by Vega, a table row per policy, no label outside its chart or
# over another (issue 12: value labels were clipped), error bars inside the
# plot (issue 24: cut at the axis end); 2 seeds are warned of, in the page and
# on stderr; each chart's spec is written to charts/.
# usage: render_compare_html.sh EVCSIM CHROMIUM SOURCE_DIR
set -eu
evcsim=$1 chromium=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" compare "$src/scenarios/stress-failures.textproto" --policies cluster-baseline,modern-superset,unsafe-override \
  --seeds 2 --metrics migrations,outage_minutes,features_seen --out "$work/cmp" >/dev/null 2>"$work/err"
"$src/tests/html/layout_verdict.sh" "$chromium" "$work/cmp/compare.html" '#compare-table tr' 3 4
for m in migrations outage_minutes features_seen; do
  [ -s "$work/cmp/charts/compare-$m.vl.json" ] || { echo "FAIL: no charts/compare-$m.vl.json"; exit 1; }
done
grep -q 'id="few-seeds"' "$work/cmp/compare.html" || { echo "FAIL: no few-seeds warning in compare.html"; exit 1; }
grep -q 'warning: only 2 seed' "$work/err" || { echo "FAIL: no few-seeds warning on stderr"; cat "$work/err"; exit 1; }
echo "ok: compare.html lays out in Chromium"
