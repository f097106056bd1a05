#!/bin/sh
# plan.html judged by headless Chromium: refresh-2y's plan lays out its two
# charts (both runs over time) with no label outside, and lists its actions.
# usage: render_plan_html.sh EVCSIM CHROMIUM SOURCE_DIR
set -eu
evcsim=$1 chromium=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" plan "$src/scenarios/refresh-2y.textproto" --out "$work/plan" --rounds 1 >/dev/null 2>&1
"$src/tests/html/layout_verdict.sh" "$chromium" "$work/plan/plan.html" 'svg.chart' '#plan-actions tr' 2 3
echo "ok: plan.html lays out in Chromium"
