#!/bin/sh
# sweep.html judged by headless Chromium: the small experiment's merge, laid
# out by the browser, has one main-effect chart per factor and metric, a table
# row per design point, and no chart label outside its chart.
# usage: render_sweep_html.sh EVCSIM CHROMIUM SOURCE_DIR
set -eu
evcsim=$1 chromium=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" sweep "$src/tests/sweep/small-experiment.textproto" --out "$work/sweep" >/dev/null 2>&1
verdict=$("$src/tests/html/layout_verdict.sh" "$chromium" "$work/sweep/sweep.html" 'svg.effect' '#sweep-table tr')
echo "chromium: $verdict"
# 2 factors x 4 metrics; a header row and 4 design points; nothing outside.
case "$verdict" in
"charts=8 rows=5 outside=0 []") echo "ok: sweep.html lays out in Chromium" ;;
*) echo "FAIL: expected charts=8 rows=5 outside=0"; exit 1 ;;
esac
