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
#include "plan/costs.hpp"
#include "scenario/scenario.hpp"

namespace evcsim::scenario {
class Scenario;
}

namespace evcsim::plan {

// Expected demand of a cluster at time t: VMs, RAM (GiB) and peak CPU
// (Clovertown-core equivalents), as the workload model grows it; the plan's
// program and its do-nothing outlook both count with it.
struct Demand {
  double vms = 0, ram_gib = 0, cpu = 0;
};
Demand demand_at(const ScenarioSpec& spec, int cluster, double t);

// Weights of the objective: VM-feature-years gained, minus power cycles,
// money (per $1,000: hardware bought, licensing and power of the hosts
// present) and capacity shortfall.
struct Objective {
  std::string name;
  double features = 1, cycles = 0.1, money = 1, shortfall = 1e4, headroom = 0;
};
// "features", "outage" or "balanced"; throws InputError naming the others.
Objective objective_named(const std::string& name);

struct Options {
  std::string objective = "balanced";
  std::optional<double>
      budget;               // USD the purchases may cost over the horizon (default: the scenario's plan.budget_usd)
  double window_years = 1;  // hosts retire within lifetime_years +/- this
  // Overrides of the scenario's `plan` block (every cluster): "n+1", "25%", "none"; hosts; "2y".
  std::optional<std::string> ha;
  std::optional<int> min_hosts;
  std::optional<std::string> replace_over;
  double time_limit_s = 300;  // wall seconds for a round's solve, shared among the clusters' programs
  double gap = 1;             // stop within this many objective units (VM-feature-years) of the best bound
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
  int sockets = 2, cores = 0;  // per host
};

struct Purchase {
  int quarter = 0, cluster = 0;
  const CpuModel* part = nullptr;
  int count = 0;
  double price_each = 0;  // USD
  int cores = 0;          // per host (two sockets)
  double ram_gib = 0, capacity = 0;
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

// What the plan keeps in a cluster at every quarter (scenario `plan` block,
// the cluster's own fields, the CLI).
struct ClusterRule {
  int ha_hosts = 1;     // N+k: room to restart the k largest hosts' VMs
  double ha_share = 0;  // or this share of the capacity kept free
  int min_hosts = 3;
  bool decommission = false;
  std::string text;  // "N+1, at least 3 hosts"
};
std::vector<ClusterRule> cluster_rules(const scenario::Scenario& msg, const ScenarioSpec& spec, const Options& o);
// "2y" -> quarters (at least 1).
int replace_over_quarters(const scenario::Scenario& msg, const ScenarioSpec& spec, const Options& o);

// A cluster at a quarter as the plan leaves it (after the quarter's purchases
// and retirements), and the expected demand then.
struct QuarterState {
  int hosts = 0;
  double ram_gib = 0, capacity = 0;                  // all hosts
  double largest_ram_gib = 0, largest_capacity = 0;  // its largest host
  double demand_ram_gib = 0, demand_capacity = 0;    // peak, without headroom
};

struct Plan {
  std::vector<Group> groups;
  std::vector<ClusterRule> rules;  // per cluster
  CostModel costs;
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

// Per cluster, per quarter: hosts present, capacity and demand, recomputed
// from the plan's purchases and retirements (not from the program's variables).
std::vector<std::vector<QuarterState>> quarter_states(const ScenarioSpec& spec, const Plan& plan);
// The fleet over the plan's quarters: the plan's, and as it is with no purchases ("do nothing").
std::vector<Stint> plan_fleet(const Plan& plan);
std::vector<Stint> do_nothing_fleet(const Plan& plan);

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
