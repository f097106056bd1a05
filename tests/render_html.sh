#!/bin/sh
# Renders a shipped scenario's HTML report in headless Chromium and checks the
# screenshot is a PNG that is not blank: much larger than the screenshot of an
# empty page of the same size (a blank page compresses to almost nothing).
# Usage: render_html.sh EVCSIM CHROMIUM SCENARIO
set -eu
evcsim=$1 chromium=$2 scenario=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" run "$scenario" --out "$work/out" --format html --quiet
printf '<!DOCTYPE html><html><body></body></html>\n' > "$work/blank.html"
shoot() {
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$work/profile-$2" --window-size=1100,2400 --screenshot="$work/$2.png" "file://$1" \
    >/dev/null 2>&1
}
shoot "$work/out/report.html" report
shoot "$work/blank.html" blank
for f in report blank; do
  [ -s "$work/$f.png" ] || { echo "FAIL: chromium wrote no $f.png"; exit 1; }
  sig=$(od -An -tx1 -N8 "$work/$f.png" | tr -d ' \n')
  [ "$sig" = "89504e470d0a1a0a" ] || { echo "FAIL: $f.png is not a PNG"; exit 1; }
done
report=$(wc -c < "$work/report.png") blank=$(wc -c < "$work/blank.png")
echo "report.png: $report bytes, blank page: $blank bytes"
[ "$report" -gt $((blank * 5)) ] || { echo "FAIL: the report renders (almost) blank"; exit 1; }
echo "ok: the HTML report renders"
