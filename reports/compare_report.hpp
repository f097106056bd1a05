// Aggregating runs of one scenario under several policies and seeds, and the
// side-by-side table (text, CSV, JSON, HTML) `evcsim compare` prints.
#pragma once

#include <string>
#include <vector>

#include "reports/compare.pb.h"
#include "reports/results.pb.h"

namespace evcsim {

// The metrics compared, in column order.
const std::vector<std::string>& compared_metrics();
// A run's value of a compared metric (totals, or the end of a time series).
double compared_value(const report::RunResults& r, const std::string& metric);
// Mean and 95% confidence half-width (Student t, n - 1 degrees of freedom).
std::pair<double, double> mean_ci95(const std::vector<double>& values);

report::CompareResults aggregate(const std::string& scenario, const std::string& file,
                                 const std::vector<std::string>& policies,
                                 const std::vector<std::vector<report::RunResults>>& runs);

std::string compare_text(const report::CompareResults& c);
std::string compare_csv(const report::CompareResults& c);
std::string compare_json(const report::CompareResults& c);
std::string compare_html(const report::CompareResults& c);

}  // namespace evcsim
