// The SVG charts of the HTML reports (drawn in reports/html_chart.cpp):
// time on the x axis (calendar dates at round steps, or round time units),
// round values on the y axis, a legend titled in words, tooltips.
#pragma once

#include <string>
#include <utility>
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

// A run's clock: dates with a calendar, else elapsed time.
struct ChartClock {
  bool calendar = false;
  YearMonth start;
  double horizon = 1;                    // seconds
  std::string at(double t) const;        // "2012-03-01", or "3.5 days"
  static std::string elapsed(double s);  // "3.5 days", "2.0 years"
  // Round ticks across [0, horizon]: calendar years, quarters, months or
  // weeks; without a calendar, round multiples of a time unit.
  std::vector<std::pair<double, std::string>> ticks() const;
};
struct ChartAxis {
  std::string unit;      // words above the axis: "hosts", "% of running VMs"
  bool percent = false;  // values are shares 0..1 shown as percent
  double fixed_max = 0;  // 0: from the data
};
std::string svg_chart(const std::string& id, const std::string& title, const std::vector<ChartSeries>& series,
                      ChartKind kind, const ChartClock& clock, const ChartAxis& axis, const std::string& legend_title);
// "per day", "per week", "per 30 days": the interval a bar of `s` seconds counts.
std::string per_interval(double s);

}  // namespace evcsim
