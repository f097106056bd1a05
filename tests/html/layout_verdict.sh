#!/bin/sh
# Lays out an HTML page in headless Chromium and prints what it finds:
# "charts=N rows=M outside=K [labels outside]" -- the SVG charts matching a
# selector, the rows of a table, and every chart text whose box (getBBox)
# falls outside its chart. Used by the HTML tests to judge layouts.
# usage: layout_verdict.sh CHROMIUM PAGE.html SVG_SELECTOR ROW_SELECTOR [WAIT_MS]
# WAIT_MS: virtual time to let scripts (Vega) draw before measuring; default 0.
set -eu
chromium=$1 page=$2 svgs=$3 rows=$4 wait=${5:-0}
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
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --virtual-time-budget=$((wait + 5000)) \
  --dump-dom "file://$work/check.html" 2>/dev/null |
  sed -n 's|.*<pre id="verdict">\(.*\)</pre>.*|\1|p'
