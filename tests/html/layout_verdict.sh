#!/bin/sh
# Lays out an HTML page with Vega-Lite charts (reports/vega_chart.hpp) in
# headless Chromium and prints what it finds:
#   charts=N rows=M errors=E outside=K overlaps=O zoomable=Z zoomed=W narrowed=D whole=H bars_outside=B [details]
# N: charts drawn (a Vega view exists for each figure.chart); M: rows of the
# tables the ROW_SELECTOR matches; E: console errors, uncaught exceptions and
# charts vega-embed could not draw; K: chart texts (axis labels, titles,
# legends) whose box falls outside their chart's SVG; O: pairs of visible
# texts in one chart whose boxes overlap; Z: time charts (an x interval bound
# to the scales); W: of them, those whose x domain changed after a wheel event
# over the plot (the axis zooms); D: of them, those that open on less than the
# whole run (where their series change); H: of those, the ones a double-click
# then shows the whole run in; B: marks of the interval charts
# (bars, dots, error bars) outside the plot's frame.
# usage: layout_verdict.sh CHROMIUM PAGE.html ROW_SELECTOR [CHARTS MIN_ROWS]
# With CHARTS and MIN_ROWS it judges too: exactly CHARTS charts drawn, at
# least MIN_ROWS rows, no error, no text outside or overlapping, every time
# chart zooms, every narrowed one zooms out to the whole run, and no interval
# mark lies outside its plot; else it exits 1.
set -eu
chromium=$1 page=$2 rows=$3 want_charts=${4:-} want_rows=${5:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Errors are caught from the first script on: a hook at the top of <head>.
sed -e '0,/<head>/s||<head><script>window.evcsimErrors=[];window.addEventListener("error",function(e){evcsimErrors.push(String(e.message))});(function(){const f=console.error;console.error=function(){evcsimErrors.push(Array.from(arguments).join(" "));f.apply(console,arguments)}})();</script>|' \
  -e 's|</body></html>||' "$page" >"$work/check.html"
cat >>"$work/check.html" <<'HTML'
<script>
function evcsimVisible(t) {
  for (let e = t; e && e.nodeType === 1; e = e.parentNode) {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0 || e.getAttribute('opacity') === '0')
      return false;
  }
  return true;
}
function evcsimInside(b, box, slack) {
  return b.left >= box.left - slack && b.top >= box.top - slack && b.right <= box.right + slack && b.bottom <= box.bottom + slack;
}
async function evcsimVerdict() {
  const figures = Array.from(document.querySelectorAll('figure.chart'));
  const views = window.evcsimViews || {};
  const errors = (window.evcsimErrors || []).concat(window.evcsimChartErrors || []);
  let charts = 0, outside = [], overlaps = [], zoomable = 0, zoomed = 0, narrowed = 0, whole = 0, bars = [];
  const rows = document.querySelectorAll(ROW_SELECTOR).length;
  for (const fig of figures) {
    const view = views[fig.id], svg = fig.querySelector('svg.marks');
    if (!view || !svg) continue;
    charts++;
    // Every visible text inside its chart, and no two overlapping.
    const box = svg.getBoundingClientRect(), texts = [];
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim() || !evcsimVisible(t)) continue;
      const b = t.getBoundingClientRect();
      if (b.width <= 0 || b.height <= 0) continue;
      if (!evcsimInside(b, box, 0.5)) outside.push(fig.id + ':' + t.textContent);
      texts.push([t.textContent, b]);
    }
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i][1], b = texts[j][1];
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) overlaps.push(fig.id + ':' + texts[i][0] + '/' + texts[j][0]);
      }
    const frame = svg.querySelector('g.role-frame.root path.background');
    const plot = frame ? frame.getBoundingClientRect() : box;
    let time = true;
    try { view.signal('zoom_t'); } catch (e) { time = false; }
    if (!time) {
      // Interval charts: bars, dots and error bars inside the plot.
      for (const m of svg.querySelectorAll('g.role-mark > *')) {
        const b = m.getBoundingClientRect();
        if ((b.width > 0 || b.height > 0) && !evcsimInside(b, plot, 1)) bars.push(fig.id);
      }
      continue;
    }
    // Time charts: a wheel over the plot zooms the x axis.
    zoomable++;
    const before = view.scale('x').domain().map(Number);
    // Opened on less than the whole run (the spec's scale domain): an initial x interval.
    const spec = (window.evcsimSpecs || {})[fig.id] || {};
    if (spec.params && spec.params[0].value) narrowed++;
    // Vega finds the item from the event's target: send the wheel to what
    // lies under the plot's centre (scrolled into view first).
    fig.scrollIntoView();
    const p = frame ? frame.getBoundingClientRect() : svg.getBoundingClientRect();
    const x = p.left + p.width / 2, y = p.top + p.height / 2;
    const under = document.elementFromPoint(x, y) || svg;
    under.dispatchEvent(new WheelEvent('wheel', {clientX: x, clientY: y, deltaY: -300, deltaMode: 0, bubbles: true,
                                                 cancelable: true, view: window}));
    await view.runAsync();
    await new Promise(r => setTimeout(r, 50));
    const after = view.scale('x').domain().map(Number);
    if (Math.abs(after[0] - before[0]) + Math.abs(after[1] - before[1]) > 0) zoomed++;
    // A chart that opened on part of the run shows all of it on a double-click.
    if (spec.params && spec.params[0].value) {
      const at = document.elementFromPoint(x, y) || svg;
      at.dispatchEvent(new MouseEvent('dblclick', {clientX: x, clientY: y, bubbles: true, cancelable: true, view: window}));
      await view.runAsync();
      const all = view.scale('x').domain().map(Number);
      if (all[0] <= before[0] && all[1] >= before[1] && all[1] - all[0] > 1.01 * (before[1] - before[0])) whole++;
    }
  }
  const v = document.createElement('pre');
  v.id = 'verdict';
  v.textContent = 'charts=' + charts + ' rows=' + rows + ' errors=' + errors.length + ' outside=' + outside.length +
      ' overlaps=' + overlaps.length + ' zoomable=' + zoomable + ' zoomed=' + zoomed + ' narrowed=' + narrowed + ' whole=' + whole +
      ' bars_outside=' + bars.length + ' [' + errors.concat(outside, overlaps, bars).join('|').slice(0, 2000) + ']';
  document.body.appendChild(v);
}
// Wait until every chart is drawn or has failed (virtual time: no real wait).
(function wait(tries) {
  const n = Object.keys(window.evcsimViews || {}).length + (window.evcsimChartErrors || []).length;
  if (n >= document.querySelectorAll('figure.chart').length || tries > 200) evcsimVerdict();
  else setTimeout(function () { wait(tries + 1); }, 100);
})(0);
</script></body></html>
HTML
sed -i "s|ROW_SELECTOR|'$rows'|" "$work/check.html"
verdict=$(timeout 180 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --virtual-time-budget=60000 \
  --window-size=1280,2000 --dump-dom "file://$work/check.html" 2>/dev/null |
  sed -n 's|.*<pre id="verdict">\(.*\)</pre>.*|\1|p')
echo "$verdict"
[ -n "$want_charts" ] || exit 0
got_rows=$(echo "$verdict" | sed -n 's/.*rows=\([0-9]*\).*/\1/p')
zoomable=$(echo "$verdict" | sed -n 's/.*zoomable=\([0-9]*\).*/\1/p')
narrowed=$(echo "$verdict" | sed -n 's/.*narrowed=\([0-9]*\).*/\1/p')
case "$verdict" in
"charts=$want_charts rows="*" errors=0 outside=0 overlaps=0 zoomable=$zoomable zoomed=$zoomable narrowed=$narrowed whole=$narrowed bars_outside=0 []") ;;
*) echo "FAIL: expected $want_charts chart(s) drawn, no error, no label outside its chart or over another," \
     "every time axis zooming and every interval inside its plot"; exit 1 ;;
esac
[ "${got_rows:-0}" -ge "$want_rows" ] || { echo "FAIL: expected at least $want_rows table row(s)"; exit 1; }
