#!/bin/sh
# report.html judged by headless Chromium, as a planner reads it: refresh-2y's
# report draws nine Vega charts with no console error, no label outside its
# chart or over another, every time axis zooming on a wheel, and at least one
# opening on where its series change (the baseline raise, not the whole two
# years); each spec is written to charts/NAME.vl.json; and it has the
# baseline-raise, purchase and maintenance tables with rows; the probing
# scenario's crash is one row of the grouped crash table.
# usage: render_report_html.sh EVCSIM CHROMIUM SOURCE_DIR
set -eu
evcsim=$1 chromium=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
verdict="$src/tests/html/layout_verdict.sh"
"$evcsim" run "$src/scenarios/refresh-2y.textproto" --out "$work/refresh" --format html --events none --quiet 2>/dev/null
out=$("$verdict" "$chromium" "$work/refresh/report.html" \
  '#table-raises tbody tr, #table-purchases tbody tr, #table-maintenance tbody tr' 9 3) || { echo "$out"; exit 1; }
echo "$out"
case "$out" in *" narrowed=0 "*) echo "FAIL: no chart opens on where its series change"; exit 1 ;; esac
[ "$(ls "$work/refresh/charts" | grep -c '\.vl\.json$')" -eq 9 ] || { echo "FAIL: 9 specs in charts/"; exit 1; }
"$evcsim" run "$src/scenarios/e5420-e5310-merom-probing-app.textproto" --out "$work/probe" --format html --quiet
"$verdict" "$chromium" "$work/probe/report.html" '#table-crashes tbody tr' 9 1
echo "ok: report.html lays out in Chromium with its tables"
