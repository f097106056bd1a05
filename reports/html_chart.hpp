// The SVG charts of the HTML reports (reports/html_report.cpp draws them):
// time on the x axis (calendar dates at round steps, or round time units),
// round values on the y axis, a legend titled in words, tooltips.
#pragma once

#include <string>
#include <vector>

#include "base/year_month.hpp"

namespace evcsim {

struct ChartSeries {
  std::string name;
  std::vector<double> t, v;         // simulated seconds, values
  std::vector<std::string> labels;  // step charts: a name at each change (baselines)
};

enum class ChartKind { line, step, stacked_steps, stacked_bars };

struct ChartFrame {
  bool calendar = false;  // dates from `start`, else elapsed time
  YearMonth start;
  double horizon = 1;    // seconds
  std::string unit;      // words above the value axis: "hosts", "% of running VMs"
  bool percent = false;  // values are shares 0..1 shown as percent
  double fixed_max = 0;  // 0: from the data
};

std::string svg_chart(const std::string& id, const std::string& title, const std::vector<ChartSeries>& series,
                      ChartKind kind, const ChartFrame& frame, const std::string& legend_title);

}  // namespace evcsim
