// Vega-Lite specs for the HTML reports' charts, written as JSON text here
// (no JSON library: the specs are small and their shape fixed), and the page
// parts that draw them with vega-embed. See reports/vega_chart.hpp.
#include "reports/vega_chart.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "base/text_util.hpp"
#include "reports/output_dir.hpp"
#include "reports/results.hpp"
#include "reports/vega_scripts.hpp"

namespace evcsim {
namespace {

constexpr double kDay = 86400, kYear = 365.25 * kDay;

// A number as JSON: finite, shortest round-trip form.
std::string num(double v) { return std::isfinite(v) ? fmt::format("{}", v) : "null"; }

// A UTC instant (milliseconds since 1970) as a Vega-Lite DateTime, the form
// its time scales take a domain in without a warning.
std::string datetime(double ms) {
  const auto whole = static_cast<int64_t>(std::floor(ms));
  const auto days = std::chrono::floor<std::chrono::days>(
      std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(whole)));
  const std::chrono::year_month_day ymd{days};
  const int64_t in_day = whole - std::chrono::duration_cast<std::chrono::milliseconds>(days.time_since_epoch()).count();
  return fmt::format(
      R"({{"year":{},"month":{},"date":{},"hours":{},"minutes":{},"seconds":{},"milliseconds":{},"utc":true}})",
      static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
      in_day / 3600000, in_day / 60000 % 60, in_day / 1000 % 60, in_day % 1000);
}

// Without a calendar, time runs in the unit that suits the horizon.
struct TimeUnit {
  double seconds;
  const char* name;
};
TimeUnit unit_for(double horizon) {
  static const TimeUnit units[] = {{kYear, "years"}, {kDay, "days"}, {3600, "hours"}, {60, "minutes"}};
  for (const auto& u : units)
    if (horizon >= 2 * u.seconds) return u;
  return {1, "seconds"};
}

// Where a chart's x values live: epoch milliseconds with a calendar (a UTC
// time scale), else elapsed time in a round unit.
struct XMap {
  bool calendar;
  double epoch_ms = 0;  // the start's first day, milliseconds since 1970
  TimeUnit unit{1, "seconds"};
  double operator()(double t) const { return calendar ? epoch_ms + 1000 * t : t / unit.seconds; }
};
XMap x_map(const ChartClock& clock) {
  XMap m{clock.calendar};
  if (clock.calendar) m.epoch_ms = -1000 * seconds_at(clock.start, "1970-01-01");
  else m.unit = unit_for(clock.horizon);
  return m;
}

// The span where a chart's series change, padded, or the whole run when the
// changes spread over more than 40% of it (or there are none).
std::pair<double, double> busy_span(const std::vector<ChartSeries>& series, ChartKind kind, double horizon,
                                    double bar_s) {
  double lo = horizon, hi = 0;
  for (const auto& s : series)
    for (size_t i = 0; i < s.t.size() && i < s.v.size(); ++i) {
      bool change = kind == ChartKind::stacked_bars
                        ? s.v[i] != 0
                        : i > 0 && (s.v[i] != s.v[i - 1] || (i < s.labels.size() && s.labels[i] != s.labels[i - 1]));
      if (!change) continue;
      lo = std::min(lo, s.t[i]);
      hi = std::max(hi, s.t[i] + (kind == ChartKind::stacked_bars ? bar_s : 0));
    }
  if (hi < lo) return {0, horizon};
  double pad = std::max(0.1 * (hi - lo), 0.02 * horizon);
  lo = std::max(0.0, lo - pad), hi = std::min(horizon, hi + pad);
  if (hi - lo > 0.4 * horizon) return {0, horizon};
  return {lo, hi};
}

// One row of a time chart's data.
struct Row {
  double t, v;
  const std::string* series;
  const std::string* label;
};

// The rows a chart needs: a step series only where it changes (and its ends),
// stacked steps at every time any of them changes (stacks line up), bars
// where they are not empty, lines at every sample.
std::vector<Row> chart_rows(const std::vector<ChartSeries>& series, ChartKind kind) {
  std::vector<Row> rows;
  std::set<size_t> stack_at;  // sample indices where some stacked series changes
  if (kind == ChartKind::stacked_steps)
    for (const auto& s : series)
      for (size_t i = 0; i < s.v.size(); ++i)
        if (i == 0 || i + 1 == s.v.size() || s.v[i] != s.v[i - 1]) stack_at.insert(i);
  for (const auto& s : series) {
    const size_t n = std::min(s.t.size(), s.v.size());
    for (size_t i = 0; i < n; ++i) {
      bool keep = true;
      if (kind == ChartKind::step)
        keep = i == 0 || i + 1 == n || s.v[i] != s.v[i - 1] || (i < s.labels.size() && s.labels[i] != s.labels[i - 1]);
      else if (kind == ChartKind::stacked_steps) keep = stack_at.count(i) > 0;
      else if (kind == ChartKind::stacked_bars) keep = s.v[i] != 0;
      if (keep) rows.push_back({s.t[i], s.v[i], &s.name, i < s.labels.size() ? &s.labels[i] : nullptr});
    }
  }
  return rows;
}

std::string value_format(const ChartAxis& axis) { return axis.percent ? ".1%" : ",.4~f"; }

// The settings every chart shares: fonts, legends that name every series.
const char* kConfig =
    R"("config":{"font":"sans-serif","title":{"fontSize":14,"anchor":"start","subtitleColor":"#555"},)"
    R"("axis":{"labelFontSize":11,"titleFontSize":11,"labelOverlap":"greedy","labelSeparation":8,"labelFlush":true},)"
    R"("legend":{"labelFontSize":11,"titleFontSize":11,"labelLimit":240,"symbolLimit":0},)"
    R"("range":{"category":{"scheme":"tableau20"}},"view":{"stroke":"#ddd"}})";

}  // namespace

std::string ChartClock::at(double t) const {
  if (calendar) return calendar_date(start, t);
  return elapsed(t);
}

std::string ChartClock::elapsed(double s) {
  if (s >= 2 * kYear) return fmt::format("{:.1f} years", s / kYear);
  if (s >= 2 * kDay) return fmt::format("{:.1f} days", s / kDay);
  if (s >= 7200) return fmt::format("{:.1f} h", s / 3600);
  if (s >= 120) return fmt::format("{:.0f} min", s / 60);
  return fmt::format("{:.0f} s", s);
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += ch;
    }
  }
  return out + "\"";
}

VegaChart time_chart(const std::string& id, const std::string& title, const std::vector<ChartSeries>& series,
                     ChartKind kind, const ChartClock& clock, const ChartAxis& axis, const std::string& legend_title,
                     double bar_s) {
  const XMap x = x_map(clock);
  const double horizon = std::max(clock.horizon, 1e-9);
  if (kind == ChartKind::stacked_bars && bar_s <= 0) bar_s = horizon / 100;
  const auto [lo, hi] = busy_span(series, kind, horizon, bar_s);
  const bool zoomed = lo > 0 || hi < horizon;
  std::string subtitle = zoomed ? fmt::format("shown: {} to {}, where it changes; ", clock.at(lo), clock.at(hi)) : "";
  subtitle += "wheel: zoom, drag: pan, double-click: the whole run";
  bool empty = true;
  for (const auto& s : series) empty = empty && s.t.empty();
  if (empty) subtitle = "nothing to show: no data in this run";

  // Data: t (x value), d (the time in words), s (series), v (value), l (label).
  std::string data;
  for (const auto& r : chart_rows(series, kind)) {
    if (!data.empty()) data += ',';
    data += fmt::format(R"({{"t":{},"d":{},"s":{},"v":{})", num(x(r.t)), json_string(clock.at(r.t)),
                        json_string(*r.series), num(r.v));
    if (kind == ChartKind::stacked_bars) data += fmt::format(R"(,"t2":{})", num(x(std::min(r.t + bar_s, horizon))));
    if (r.label) data += fmt::format(R"(,"l":{})", json_string(*r.label));
    data += '}';
  }
  bool labelled = false;
  for (const auto& s : series) labelled = labelled || !s.labels.empty();

  const std::string x_scale =
      clock.calendar ? fmt::format(R"("type":"utc","domain":[{},{}])", datetime(x(0)), datetime(x(horizon)))
                     : fmt::format(R"("domain":[0,{}],"nice":false)", num(x(horizon)));
  const std::string x_enc =
      fmt::format(R"("x":{{"field":"t","type":"{}","scale":{{{}}},"axis":{{"title":{},"grid":false{}}}}})",
                  clock.calendar ? "temporal" : "quantitative", x_scale,
                  json_string(clock.calendar ? "date" : fmt::format("simulated time ({})", x.unit.name)),
                  clock.calendar ? "" : R"(,"format":",~r")");
  const bool stacked = kind == ChartKind::stacked_steps || kind == ChartKind::stacked_bars;
  // Lines need not start at 0 (a step from 27 to 28 features shows); stacks do.
  const std::string y_scale = axis.fixed_max > 0 ? fmt::format(R"("domain":[0,{}],"nice":true)", num(axis.fixed_max))
                              : stacked          ? R"("zero":true,"nice":true)"
                                                 : R"("zero":false,"nice":true,"padding":12)";
  // Bars stack by a transform (v0..v1), areas by Vega-Lite's own stack.
  const bool bars = kind == ChartKind::stacked_bars;
  const std::string y_enc = fmt::format(
      R"("y":{{"field":"{}","type":"quantitative","stack":{},"scale":{{{}}},"axis":{{"title":{},"format":"{}","tickCount":6}}}}{})",
      bars ? "v1" : "v", stacked && !bars ? "\"zero\"" : "null", y_scale, json_string(axis.unit),
      axis.percent ? ".0%" : ",~r", bars ? R"(,"y2":{"field":"v0"})" : "");
  const std::string color =
      fmt::format(R"("color":{{"field":"s","type":"nominal","title":{},"sort":null}})", json_string(legend_title));
  // Two series at one value stay both visible: dashes differ, as well as colours.
  const std::string dash =
      fmt::format(R"("strokeDash":{{"field":"s","type":"nominal","sort":null,"title":{}}})", json_string(legend_title));
  std::string tooltip = fmt::format(R"("tooltip":[{{"field":"s","title":{}}},{{"field":"d","title":"{}"}})",
                                    json_string(legend_title), kind == ChartKind::stacked_bars ? "from" : "at");
  if (labelled) tooltip += R"(,{"field":"l","title":"name"})";
  tooltip += fmt::format(R"(,{{"field":"v","title":{},"format":"{}"}}])", json_string(axis.unit), value_format(axis));
  std::string mark;
  std::string extra;
  switch (kind) {
    case ChartKind::line:
      mark = R"({"type":"line","clip":true,"strokeWidth":2,"point":{"opacity":0,"size":40}})";
      extra = "," + dash;
      break;
    case ChartKind::step:
      mark = R"({"type":"line","interpolate":"step-after","clip":true,"strokeWidth":2.5,"point":{"size":30}})";
      extra = "," + dash;
      break;
    case ChartKind::stacked_steps:
      mark = R"({"type":"area","interpolate":"step-after","clip":true,"opacity":0.85,"line":true})";
      break;
    case ChartKind::stacked_bars:
      mark = R"({"type":"rect","clip":true})";
      extra = R"(,"x2":{"field":"t2"})";
      break;
  }
  std::string params = R"("params":[{"name":"zoom","select":{"type":"interval","encodings":["x"]},"bind":"scales")";
  if (zoomed) params += fmt::format(R"(,"value":{{"x":[{},{}]}})", num(x(lo)), num(x(hi)));
  params += "}]";
  const std::string transform =
      bars ? R"("transform":[{"stack":"v","groupby":["t"],"sort":[{"field":"s"}],"as":["v0","v1"]}],)" : "";
  std::string spec = fmt::format(
      R"({{"$schema":"https://vega.github.io/schema/vega-lite/v6.json","title":{{"text":{},"subtitle":{}}},)"
      R"("width":640,"height":230,"data":{{"values":[{}]}},{}"mark":{},{},"encoding":{{{},{},{},{}{}}},{}}})",
      json_string(title), json_string(subtitle), data, transform, mark, params, x_enc, y_enc, color, tooltip, extra,
      kConfig);
  return {id, std::move(spec)};
}

VegaChart interval_chart(const IntervalChart& c, const std::vector<IntervalRow>& rows) {
  std::string data;
  for (const auto& r : rows) {
    if (!data.empty()) data += ',';
    data += fmt::format(R"({{"c":{},"mean":{},"lo":{},"hi":{},"n":{},"text":{}}})", json_string(r.category),
                        num(r.mean), num(r.low), num(r.high), r.n, json_string(r.text));
  }
  std::string subtitle = "the bar is the mean, the line its 95% confidence interval";
  if (!c.bars) subtitle = "the dot is the mean, the line its 95% confidence interval";
  std::string subtitles = json_string(subtitle);
  for (const auto& n : c.notes) subtitles += "," + json_string(n);
  const std::string x = fmt::format(
      R"("x":{{"field":"mean","type":"quantitative","title":{},"scale":{{"zero":{},"nice":true,"padding":10}},"axis":{{"format":",~r","tickCount":5}}}})",
      json_string(c.value_title), c.bars ? "true" : "false");
  const std::string tooltip = fmt::format(
      R"("tooltip":[{{"field":"c","title":{}}},{{"field":"text","title":"mean ± 95% CI"}},{{"field":"n","title":"runs"}}])",
      json_string(c.category_title));
  std::string spec = fmt::format(
      R"({{"$schema":"https://vega.github.io/schema/vega-lite/v6.json","title":{{"text":{},"subtitle":[{}]}},)"
      R"("width":{},"height":{{"step":24}},"data":{{"values":[{}]}},)"
      R"("encoding":{{"y":{{"field":"c","type":"nominal","sort":null,"title":{},"axis":{{"labelLimit":220}}}}}},)"
      R"("layer":[{{"mark":{},"encoding":{{{},"color":{{"field":"c","type":"nominal","sort":null,"legend":null}},{}}}}},)"
      R"({{"mark":{{"type":"rule","strokeWidth":1.5,"color":"#222"}},"encoding":{{"x":{{"field":"lo","type":"quantitative"}},"x2":{{"field":"hi"}},{}}}}},)"
      R"({{"mark":{{"type":"tick","color":"#222","thickness":1.5,"size":10}},"encoding":{{"x":{{"field":"lo","type":"quantitative"}},{}}}}},)"
      R"({{"mark":{{"type":"tick","color":"#222","thickness":1.5,"size":10}},"encoding":{{"x":{{"field":"hi","type":"quantitative"}},{}}}}}],)"
      R"({}}})",
      json_string(c.title), subtitles, num(c.width), data, json_string(c.category_title),
      c.bars ? R"({"type":"bar","height":{"band":0.7}})" : R"({"type":"point","filled":true,"size":60})", x, tooltip,
      tooltip, tooltip, tooltip, kConfig);
  return {c.id, std::move(spec)};
}

std::string few_seeds_warning(size_t seeds, const std::string& what) {
  if (seeds >= kFewSeeds) return "";
  return fmt::format("only {} seed(s) behind {}: fewer than {}, the 95% intervals are rough (wide, or none with 1)",
                     seeds, what, kFewSeeds);
}

std::string vega_head() {
  std::string out(vega_scripts());
  out += R"(<script>
window.evcsimViews = {};
window.evcsimSpecs = {};
window.evcsimChartErrors = [];
function evcsimChart(id, spec) {
  window.evcsimSpecs[id] = spec;
  vegaEmbed('#' + id, spec, {renderer: 'svg', actions: {export: true, source: false, compiled: false, editor: false}})
    .then(function (r) { window.evcsimViews[id] = r.view; })
    .catch(function (e) {
      window.evcsimChartErrors.push(id + ': ' + e);
      console.error('chart ' + id + ': ' + e);
      document.getElementById(id).textContent = 'chart ' + id + ' could not be drawn: ' + e;
    });
}
</script>
<style>figure.chart { margin: 14px 0; } .vega-embed { display: block; } p.warn { color: #a04000; font-weight: bold; }</style>
)";
  return out;
}

std::string chart_html(const VegaChart& chart) {
  return fmt::format("<figure class=\"chart\" id=\"{0}\"></figure>\n<script>evcsimChart({1}, {2});</script>\n",
                     xml_escape(chart.name), json_string(chart.name), chart.spec);
}

void write_chart_specs(const std::string& folder, const VegaCharts& charts) {
  if (charts.empty()) return;
  OutputDir out(folder + "/charts");
  for (const auto& c : charts) out.write(c.name + ".vl.json", c.spec + "\n");
}

// "per day", "per week", "per month", "per 30 days": the interval a bar counts.
std::string per_interval(double s) {
  if (std::abs(s - 60) < 0.5) return "per minute";
  if (std::abs(s - 3600) < 0.5) return "per hour";
  if (std::abs(s - kDay) < 1) return "per day";
  if (std::abs(s - 7 * kDay) < 1) return "per week";
  if (std::abs(s - kYear / 12) < 1) return "per month";
  if (std::abs(s - kYear) < 1) return "per year";
  if (s >= kDay) return fmt::format("per {} days", grouped(s / kDay, std::fmod(s, kDay) < 1 ? 0 : 1));
  if (s >= 3600) return fmt::format("per {} hours", grouped(s / 3600, std::fmod(s, 3600) < 1 ? 0 : 1));
  if (s >= 60 && std::fmod(s, 60) < 0.5) return fmt::format("per {} minutes", grouped(s / 60, 0));
  return fmt::format("per {} seconds", grouped(s, 0));
}

}  // namespace evcsim
