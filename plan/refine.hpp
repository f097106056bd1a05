// The plan checked by simulation: each round solves the program
// (planner.hpp), writes the plan as a scenario and runs it with `evcsim run`
// in its own process (one SimGrid engine per process); where the simulation
// disagrees (a raise refused because a host could not leave, power-ons
// refused for want of room) the disagreement becomes a constraint and the
// program is solved again, a few rounds at most. The scenario as given runs
// beside it; plan.json and plan.html (reports/plan_report.hpp) put the two
// side by side.
#pragma once

#include <ostream>
#include <string>

#include "plan/planner.hpp"
#include "reports/plan_report.pb.h"

namespace evcsim::plan {

struct PlanRequest {
  std::string scenario;  // the scenario file
  std::string out;       // the output folder: plan.textproto, plan.json, plan.html, baseline-run/, plan-run/
  std::string horizon;   // "10y": plan this long instead of the scenario's horizon; "" keeps it
  int rounds = 3;        // solve-and-simulate rounds at most
  Options options;
};

// plan.json's costs (plan, do nothing, and the scenario as given when
// `baseline` is its fleet) and per-cluster quarters (hosts, capacity after
// the HA reserve, demand).
void add_plan_costs(plan_report::PlanReport& rep, const ScenarioSpec& spec, const Plan& p,
                    const std::vector<Stint>* baseline);

// Plans, checks by simulation and writes the outputs; prints the figures
// table to `out` and each round's progress to `progress`. Returns 0; throws
// InputError for bad input (file, line and field named).
int plan_and_check(const PlanRequest& req, std::ostream& out, std::ostream& progress);

}  // namespace evcsim::plan
