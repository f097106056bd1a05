// Aggregating runs of one scenario under several policies and seeds, and the
// side-by-side table (text, CSV, JSON, HTML) `evcsim compare` prints.
#pragma once

#include <string>
#include <vector>

#include "reports/compare.pb.h"
#include "reports/results.pb.h"
#include "reports/vega_chart.hpp"

namespace evcsim {

// The metrics compared, in column order.
const std::vector<std::string>& compared_metrics();
// A run's value of a compared metric (totals, or the end of a time series).
double compared_value(const report::RunResults& r, const std::string& metric);
// A metric compare and sweep can report: a registered metric (`evcsim
// metrics`), or features_seen / imbalance_end / feature_vm_years (running
// VMs x notable features seen, summed over the run in years) from the time series.
bool is_compared_metric(const std::string& metric);

// n, mean, sample standard deviation and the 95% confidence half-width
// (Student t, n - 1 degrees of freedom; 0 with one value).
struct SampleStats {
  size_t n = 0;
  double mean = 0, sd = 0, ci95 = 0;
};
SampleStats sample_stats(const std::vector<double>& values);

// `metrics`: the columns (default: compared_metrics()).
report::CompareResults aggregate(const std::string& scenario, const std::string& file,
                                 const std::vector<std::string>& policies,
                                 const std::vector<std::vector<report::RunResults>>& runs,
                                 const std::vector<std::string>& metrics = compared_metrics());
// A mean and its interval for people: "5,180 ± 500" (fixed notation,
// thousands separators, the decimals the mean deserves).
std::string mean_and_interval(double mean, double ci95);

std::string compare_text(const report::CompareResults& c);
std::string compare_csv(const report::CompareResults& c);
std::string compare_json(const report::CompareResults& c);
// `charts`: when given, receives each chart's Vega-Lite spec (for charts/*.vl.json).
std::string compare_html(const report::CompareResults& c, std::vector<VegaChart>* charts = nullptr);
// A chart's row: mean ± half, cut at 0 when none of `values` is negative.
IntervalRow interval_row(const std::string& category, double mean, double half, const std::vector<double>& values,
                         const std::string& text);

}  // namespace evcsim
