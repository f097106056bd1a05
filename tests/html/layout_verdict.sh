#!/bin/sh
# Lays out an HTML page in headless Chromium and prints what it finds:
# "charts=N rows=M outside=K [labels outside]" -- the SVG charts matching a
# selector, the rows of a table, and every chart text whose box (getBBox)
# falls outside its chart. Used by the HTML tests to judge layouts.
# usage: layout_verdict.sh CHROMIUM PAGE.html SVG_SELECTOR ROW_SELECTOR [CHARTS MIN_ROWS]
# With CHARTS and MIN_ROWS it judges too: exactly CHARTS charts, at least
# MIN_ROWS rows and nothing outside, else it exits 1.
set -eu
chromium=$1 page=$2 svgs=$3 rows=$4 want_charts=${5:-} want_rows=${6:-0} wait=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed 's|</body></html>||' "$page" >"$work/check.html"
cat >>"$work/check.html" <<HTML
<script>
function evcsimVerdict() {
  let charts = 0, outside = [], rows = document.querySelectorAll('$rows').length;
  for (const svg of document.querySelectorAll('$svgs')) {
    charts++;
    const box = svg.getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const b = t.getBoundingClientRect();  // transforms included
      if (b.left < box.left - 0.5 || b.top < box.top - 0.5 || b.right > box.right + 0.5 || b.bottom > box.bottom + 0.5)
        outside.push(t.textContent);
    }
  }
  const v = document.createElement('pre');
  v.id = 'verdict';
  v.textContent = 'charts=' + charts + ' rows=' + rows + ' outside=' + outside.length + ' [' + outside.join('|') + ']';
  document.body.appendChild(v);
}
setTimeout(evcsimVerdict, $wait);
</script></body></html>
HTML
verdict=$(timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --virtual-time-budget=$((wait + 5000)) \
  --dump-dom "file://$work/check.html" 2>/dev/null |
  sed -n 's|.*<pre id="verdict">\(.*\)</pre>.*|\1|p')
echo "$verdict"
[ -n "$want_charts" ] || exit 0
got_rows=$(echo "$verdict" | sed -n 's/.*rows=\([0-9]*\).*/\1/p')
case "$verdict" in
"charts=$want_charts rows="*" outside=0 []") ;;
*) echo "FAIL: expected $want_charts chart(s) and no label outside its chart"; exit 1 ;;
esac
[ "${got_rows:-0}" -ge "$want_rows" ] || { echo "FAIL: expected at least $want_rows table row(s)"; exit 1; }
