// Merging a sweep: each task's results.json under --out, summarized per
// design point and per factor level (n, mean, sd, 95% confidence interval),
// as sweep.csv, sweep.json and sweep.html. Tasks without results are listed,
// not guessed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reports/results.pb.h"
#include "reports/vega_chart.hpp"
#include "sweep/experiment.hpp"
#include "sweep/experiment.pb.h"

namespace evcsim::sweep {

// Each task's results (by task index); nullopt where results.json is absent.
// Throws InputError naming a results.json that is there but unreadable.
std::vector<std::optional<report::RunResults>> load_runs(const Experiment& e, const std::string& dir);

experiment::SweepResults merge(const Experiment& e, const std::vector<std::optional<report::RunResults>>& runs);

// One row per design point and metric: point, the factors, metric, n, mean,
// sd, ci95_low, ci95_high (numbers at full precision).
std::string sweep_csv(const experiment::SweepResults& r);
std::string sweep_json(const experiment::SweepResults& r);
// `charts`: when given, receives each chart's Vega-Lite spec (for charts/*.vl.json).
std::string sweep_html(const experiment::SweepResults& r, VegaCharts* charts = nullptr);
// The warning when a design point's interval stands on fewer than kFewSeeds runs, or "".
std::string sweep_seeds_warning(const experiment::SweepResults& r);
// What merge prints: the table of points and, when tasks are missing, which.
std::string sweep_text(const experiment::SweepResults& r);

}  // namespace evcsim::sweep
