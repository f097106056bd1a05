#!/bin/sh
# plan.html judged by headless Chromium: refresh-2y's plan draws its two
# Vega charts (both runs over time; their time axes zoom) with no label
# outside or overlapping, and lists its actions.
# usage: render_plan_html.sh EVCSIM CHROMIUM SOURCE_DIR
set -eu
evcsim=$1 chromium=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" plan "$src/scenarios/refresh-2y.textproto" --out "$work/plan" --rounds 1 >/dev/null 2>&1
"$src/tests/html/layout_verdict.sh" "$chromium" "$work/plan/plan.html" '#plan-actions tr' 2 3
[ -s "$work/plan/charts/plan-features.vl.json" ] || { echo "FAIL: no charts/plan-features.vl.json"; exit 1; }
echo "ok: plan.html lays out in Chromium"
