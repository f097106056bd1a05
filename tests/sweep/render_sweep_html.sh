#!/bin/sh
# sweep.html judged by headless Chromium: the small experiment's merge, laid
# out by the browser, has one main-effect chart per factor and metric (2 x 4),
# a header row and a row per design point (4), and no chart label outside its chart.
# usage: render_sweep_html.sh EVCSIM CHROMIUM SOURCE_DIR
set -eu
evcsim=$1 chromium=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" sweep "$src/tests/sweep/small-experiment.textproto" --out "$work/sweep" >/dev/null 2>&1
"$src/tests/html/layout_verdict.sh" "$chromium" "$work/sweep/sweep.html" 'svg.effect' '#sweep-table tr' 8 5
echo "ok: sweep.html lays out in Chromium"
