// `evcsim plan`: when to raise each cluster's baseline, when hosts retire
// and what to buy, as a mixed-integer program over quarters (docs/plan.md
// writes it out), and the plan as a scenario the simulator checks.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.hpp"
#include "scenario/scenario.hpp"

namespace evcsim::scenario {
class Scenario;
}

namespace evcsim::plan {

// Weights of the objective: VM-feature-years gained, minus power cycles,
// purchases (relative price) and capacity shortfall.
struct Objective {
  std::string name;
  double features = 1, cycles = 0.1, purchase = 20, shortfall = 1e4, headroom = 0;
};
// "features", "outage" or "balanced"; throws InputError naming the others.
Objective objective_named(const std::string& name);

struct Options {
  std::string objective = "balanced";
  std::optional<double> budget;  // relative price units over the horizon (a mature two-socket host is 1.0)
  double window_years = 1;       // hosts retire within lifetime_years +/- this
  double time_limit_s = 60;
  double gap = 1;  // stop within this many objective units (VM-feature-years) of the best bound
  // Learned from simulation when it disagreed with the program:
  std::set<std::pair<int, int>> no_raise;  // (cluster, quarter): a raise there could not be made
  std::map<int, double> extra_headroom;    // cluster -> headroom added to the scenario's
};

// A host group of the scenario (cluster[i].hosts[j]) as the program sees it.
struct Group {
  int cluster = 0, index = 0;  // index among the cluster's host groups
  int count = 0;
  const CpuModel* cpu = nullptr;
  YearMonth purchased;
  double ram_gib = 0, capacity = 0;  // per host
  std::string name;
};

struct Purchase {
  int quarter = 0, cluster = 0;
  const CpuModel* part = nullptr;
  int count = 0;
  double price_each = 0;
  int retire_quarter = -1;  // -1: beyond the horizon
  std::string why;          // "replacement", "growth", "a raise"
};
struct Retirement {
  int quarter = 0;
  int group = 0;  // into Plan::groups
};
struct Raise {
  int quarter = 0, cluster = 0;
  std::string from, to;
  int notable_gained = 0, features_gained = 0;
};
struct Shortfall {
  int quarter = 0, cluster = 0;
  double ram_gib = 0, capacity = 0;
  std::string binding;  // the constraint that keeps capacity short
};

struct Plan {
  std::vector<Group> groups;
  std::vector<YearMonth> quarters;  // the first month of each
  std::vector<Purchase> purchases;
  std::vector<Retirement> retirements;
  std::vector<Raise> raises;
  std::vector<Shortfall> shortfalls;
  std::string status;  // "optimal", "feasible (time limit, gap 1.2%)"
  double objective = 0, solve_s = 0, gap = 0;
  size_t variables = 0, integers = 0, rows = 0;
  double predicted_feature_vm_years = 0;  // the program's own estimate (no power-cycle lag)
};

// Solves the program for `spec` (loaded from `msg`). Throws InputError when
// the scenario cannot be planned (no calendar, no refresh lifetime...).
Plan solve(const ScenarioSpec& spec, const scenario::Scenario& msg, const Catalog& catalog, const Options& options);

// The scenario with the plan as dated operations: add_host for purchases,
// retire dates on host groups, set_baseline for raises; automatic purchases,
// retirement by age and automatic raises off (refresh.planned); the
// scenario's expectations dropped (they were about its own policies).
std::string plan_scenario_text(const scenario::Scenario& msg, const ScenarioSpec& spec, const Plan& plan);

// The date an action of quarter q is scheduled: purchases and retirements on
// its first day, raises `raise_delay_days` later (retirements take days).
constexpr double kRaiseDelayDays = 45;

}  // namespace evcsim::plan
