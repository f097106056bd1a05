#!/bin/sh
# sweep.html judged by headless Chromium: the small experiment's merge, laid
# out by the browser, has one main-effect chart per factor and metric, a table
# row per design point, and no chart label outside its chart (measured with
# getBBox in the page, read back with --dump-dom).
# usage: render_sweep_html.sh EVCSIM CHROMIUM SOURCE_DIR
set -eu
evcsim=$1 chromium=$2 src=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$evcsim" sweep "$src/tests/sweep/small-experiment.textproto" --out "$work/sweep" >/dev/null 2>&1
sed 's|</body></html>||' "$work/sweep/sweep.html" >"$work/check.html"
cat >>"$work/check.html" <<'HTML'
<script>
let charts = 0, outside = [], rows = document.querySelectorAll('#sweep-table tr').length;
for (const svg of document.querySelectorAll('svg.effect')) {
  charts++;
  const w = svg.width.baseVal.value, h = svg.height.baseVal.value;
  for (const t of svg.querySelectorAll('text')) {
    const b = t.getBBox();
    if (b.x < 0 || b.y < 0 || b.x + b.width > w + 0.5 || b.y + b.height > h + 0.5) outside.push(t.textContent);
  }
}
const v = document.createElement('pre');
v.id = 'verdict';
v.textContent = `charts=${charts} rows=${rows} outside=${outside.length} [${outside.join('|')}]`;
document.body.appendChild(v);
</script></body></html>
HTML
verdict=$(timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --dump-dom "file://$work/check.html" 2>/dev/null |
  sed -n 's|.*<pre id="verdict">\(.*\)</pre>.*|\1|p')
echo "chromium: $verdict"
# 2 factors x 4 metrics; a header row and 4 design points; nothing outside.
case "$verdict" in
"charts=8 rows=5 outside=0 []") echo "ok: sweep.html lays out in Chromium" ;;
*) echo "FAIL: expected charts=8 rows=5 outside=0"; exit 1 ;;
esac
