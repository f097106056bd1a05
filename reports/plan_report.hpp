// What `evcsim plan` reports: the figures of a run as the plan compares
// them (plan_report.proto), plan.html (the two runs side by side: figures,
// charts of notable features and hosts, the plan's actions, shortfalls and
// rounds) and the table the command prints.
#pragma once

#include <cstdint>
#include <string>

#include "reports/plan_report.pb.h"
#include "reports/results.pb.h"
#include "reports/vega_chart.hpp"
#include "scenario/scenario.hpp"

namespace evcsim {

// A run's figures (`folder`: where its results are), with purchases and raises
// the plan makes as scenario operations added to what the run counted itself.
plan_report::Figures plan_figures(const report::RunResults& r, const std::string& folder, uint32_t planned_hosts,
                                  uint32_t planned_raises);
// plan.html: the report beside the two runs' results.
std::string plan_html(const plan_report::PlanReport& rep, const report::RunResults& base,
                      const report::RunResults& planned, const ScenarioSpec& spec, VegaCharts* charts = nullptr);
// The table `evcsim plan` prints: both runs' figures and the shortfalls.
std::string plan_text(const plan_report::PlanReport& rep);

}  // namespace evcsim
