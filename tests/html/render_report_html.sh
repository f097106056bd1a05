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
verdict="$src/tests/html/layout_verdict.sh"
"$evcsim" run "$src/scenarios/refresh-2y.textproto" --out "$work/refresh" --format html --events none --quiet 2>/dev/null
"$verdict" "$chromium" "$work/refresh/report.html" 'svg.chart' \
  '#table-raises tbody tr, #table-purchases tbody tr, #table-maintenance tbody tr' 9 3
"$evcsim" run "$src/scenarios/e5420-e5310-merom-probing-app.textproto" --out "$work/probe" --format html --quiet
"$verdict" "$chromium" "$work/probe/report.html" 'svg.chart' '#table-crashes tbody tr' 9 1
echo "ok: report.html lays out in Chromium with its tables"
