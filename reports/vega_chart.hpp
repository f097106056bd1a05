// The charts of the HTML reports (report.html, compare.html, sweep.html,
// plan.html): Vega-Lite specs, drawn in the browser by vega-embed from the
// scripts the page inlines (reports/vega_scripts.hpp), so a page opens
// without a network. Each spec is also written as charts/NAME.vl.json beside
// the page, for reuse in any Vega-Lite tool.
//
// Time charts zoom and pan (an interval selection bound to the scales: the
// wheel zooms, a drag pans, a double-click shows the whole run) and open on
// the span where their series change; axes end at round values; legends name
// the series, so no two labels overlap; tooltips give the values.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/year_month.hpp"

namespace evcsim {

// A chart: its name (the page element's id, and the file charts/NAME.vl.json)
// and its Vega-Lite spec as JSON.
struct VegaChart {
  std::string name, spec;
};
using VegaCharts = std::vector<VegaChart>;

struct ChartSeries {
  std::string name;
  std::vector<double> t, v;         // simulated seconds, values
  std::vector<std::string> labels;  // step charts: a name at each change (baselines)
};

enum class ChartKind { line, step, stacked_steps, stacked_bars };

// A run's clock: dates with a calendar, else elapsed time.
struct ChartClock {
  bool calendar = false;
  YearMonth start;
  double horizon = 1;                    // seconds
  std::string at(double t) const;        // "2012-03-01", or "3.5 days"
  static std::string elapsed(double s);  // "3.5 days", "2.0 years"
};
struct ChartAxis {
  std::string unit;      // the value axis' title: "hosts", "% of running VMs"
  bool percent = false;  // values are shares 0..1 shown as percent
  double fixed_max = 0;  // 0: from the data (rounded up)
};

// Values over the run's time; `bar_s`: the interval a stacked bar counts.
VegaChart time_chart(const std::string& id, const std::string& title, const std::vector<ChartSeries>& series,
                     ChartKind kind, const ChartClock& clock, const ChartAxis& axis, const std::string& legend_title,
                     double bar_s = 0);

// Means with their 95% intervals, one row a category (a policy, a level).
struct IntervalRow {
  std::string category;
  double mean = 0, low = 0, high = 0;  // low/high: the interval, already cut where values cannot go
  size_t n = 0;                        // the runs behind it
  std::string text;                    // "5,180 ± 500"
};
struct IntervalChart {
  std::string id, title, category_title, value_title;
  std::vector<std::string> notes;  // lines under the title (warnings)
  bool bars = true;                // bars from 0, else dots
  double width = 420;
};
VegaChart interval_chart(const IntervalChart& c, const std::vector<IntervalRow>& rows);

// Fewer runs than this behind an interval and compare and sweep say it is rough.
constexpr size_t kFewSeeds = 5;
// "fewer than 5 seeds behind ...: the intervals are rough", or "" from 5 up.
std::string few_seeds_warning(size_t seeds, const std::string& what);

// The page's <head> part: the inlined scripts and the function that embeds
// each chart (views land in window.evcsimViews[id] for tests and readers).
std::string vega_head();
// A chart's place in the page and the call that draws it there.
std::string chart_html(const VegaChart& chart);
// Writes each spec to FOLDER/charts/NAME.vl.json.
void write_chart_specs(const std::string& folder, const VegaCharts& charts);

// A JSON string literal, with <, > and & as \u escapes so it is safe in a <script>.
std::string json_string(std::string_view s);
// "per day", "per week", "per 30 days": the interval a bar of `s` seconds counts.
std::string per_interval(double s);

}  // namespace evcsim
