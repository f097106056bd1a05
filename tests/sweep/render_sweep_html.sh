#!/bin/sh
# sweep.html judged by headless Chromium: the small experiment's merge, laid
# out by the browser, has one main-effect chart per factor and metric (2 x 4),
# a header row and a row per design point (4), every chart drawn by Vega, no
# label outside its chart or over another, and every error bar inside its
# plot (tests/html/layout_verdict.sh); its 2 seeds are warned of in the page
# and on stderr, and each chart's spec is written beside it.
# usage: render_sweep_html.sh EVCSIM CHROMIUM SOURCE_DIR
set -eu
evcsim=$1 chromium=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" sweep "$src/tests/sweep/small-experiment.textproto" --out "$work/sweep" >/dev/null 2>"$work/err"
"$src/tests/html/layout_verdict.sh" "$chromium" "$work/sweep/sweep.html" '#sweep-table tr' 8 5
[ "$(ls "$work/sweep/charts" | grep -c '\.vl\.json$')" -eq 8 ] || { echo "FAIL: 8 specs in charts/"; exit 1; }
grep -q 'id="few-seeds"' "$work/sweep/sweep.html" || { echo "FAIL: no few-seeds warning in sweep.html"; exit 1; }
grep -q 'warning: only' "$work/err" || { echo "FAIL: no few-seeds warning on stderr"; cat "$work/err"; exit 1; }
echo "ok: sweep.html lays out in Chromium"
