#!/bin/sh
# report.html judged by headless Chromium, as a planner reads it: refresh-2y's
# report lays out nine charts with no label outside its chart, and has the
# baseline-raise, purchase and maintenance tables with rows; the probing
# scenario's crash is one row of the grouped crash table.
# usage: render_report_html.sh EVCSIM CHROMIUM SOURCE_DIR
set -eu
evcsim=$1 chromium=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" run "$src/scenarios/refresh-2y.textproto" --out "$work/refresh" --format html --events none --quiet 2>/dev/null
verdict=$("$src/tests/html/layout_verdict.sh" "$chromium" "$work/refresh/report.html" 'svg.chart' \
  '#table-raises tbody tr, #table-purchases tbody tr, #table-maintenance tbody tr')
echo "refresh-2y: $verdict"
case "$verdict" in
"charts=9 rows="*" outside=0 []") ;;
*) echo "FAIL: expected 9 charts and nothing outside them"; exit 1 ;;
esac
rows=$(echo "$verdict" | sed 's/.*rows=\([0-9]*\).*/\1/')
[ "$rows" -ge 3 ] || { echo "FAIL: the raise, purchase and maintenance tables are empty"; exit 1; }
"$evcsim" run "$src/scenarios/e5420-e5310-merom-probing-app.textproto" --out "$work/probe" --format html --quiet
verdict=$("$src/tests/html/layout_verdict.sh" "$chromium" "$work/probe/report.html" 'svg.chart' '#table-crashes tbody tr')
echo "probing app: $verdict"
case "$verdict" in
"charts=9 rows=1 outside=0 []") echo "ok: report.html lays out in Chromium with its tables" ;;
*) echo "FAIL: expected 9 charts, one crash group and nothing outside"; exit 1 ;;
esac
