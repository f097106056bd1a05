#include "plan/planner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include "base/error.hpp"
#include "cpu/feature_registry.hpp"
#include "plan/mip.hpp"
#include "policy/procurement/procurement_policy.hpp"
#include "scenario/scenario.pb.h"

namespace evcsim::plan {

namespace {

constexpr double kDay = 86400, kYear = 365.25 * kDay, kQuarter = kYear / 4;

int notable_count(const FeatureSet& f) {
  int n = 0;
  for (const auto& name : notable_features()) n += f.test(feature_id(name));
  return n;
}

// Expected demand of a cluster at time t: VMs, RAM (GiB) and peak CPU
// (Clovertown-core equivalents), as the workload model grows it.
struct Demand {
  double vms = 0, ram_gib = 0, cpu = 0;
};

Demand demand_at(const ScenarioSpec& spec, int cluster, double t) {
  Demand d;
  const auto& w = spec.workload;
  const double peak = (1 + w.diurnal_amplitude) * std::pow(1 + w.growth_per_year, t / kYear);
  for (const auto& v : spec.vms) {
    if (v.cluster != cluster || v.arrival_slot) continue;
    d.vms += 1;
    d.ram_gib += static_cast<double>(v.ram_mib) / 1024;
    d.cpu += v.cpu_demand * peak;
  }
  for (const auto& a : spec.arrivals) {
    if (a.first_vm >= a.end_vm || spec.vms[static_cast<size_t>(a.first_vm)].cluster != cluster) continue;
    const VmSpec& v = spec.vms[static_cast<size_t>(a.first_vm)];
    const double tau = v.lifetime_days * kDay, rate = a.per_day / kDay;
    double alive = tau > 0 ? rate * tau * (1 - std::exp(-t / tau)) : rate * t;
    alive = std::min(alive, static_cast<double>(a.end_vm - a.first_vm));
    d.vms += alive;
    d.ram_gib += alive * static_cast<double>(v.ram_mib) / 1024;
    d.cpu += alive * v.cpu_demand * peak;
  }
  return d;
}

}  // namespace

Objective objective_named(const std::string& name) {
  // features: VM-feature-years first; purchases cost little.
  if (name == "features") return {"features", 1, 0.01, 5, 1e4, 0};
  // outage: fewer raises (each needs power cycles) and more headroom, which
  // keeps maintenance and HA from running out of room.
  if (name == "outage") return {"outage", 0.2, 1, 20, 1e4, 0.1};
  if (name == "balanced") return {"balanced", 1, 0.1, 20, 1e4, 0};
  throw InputError(fmt::format("unknown objective '{}': features, outage or balanced", name), "", 0, "--objective");
}

namespace {

// The program for the clusters `include` marks (all of them when a budget
// couples them; one at a time otherwise: the clusters share nothing else, and
// sixteen small programs solve in a fraction of the time of one large one).
Plan solve_clusters(const ScenarioSpec& spec, const scenario::Scenario& msg, const Catalog& catalog, const Options& o,
                    const std::vector<bool>& include) {
  const Objective w = objective_named(o.objective);
  if (!spec.calendar)
    throw InputError("planning needs the scenario's start_date (the market's calendar)", spec.file, 0, "start_date");
  if (!spec.refresh.enabled || spec.refresh.lifetime_years <= 0)
    throw InputError("planning needs a refresh block with lifetime_years (when hosts are due to retire)", spec.file, 0,
                     "refresh");
  Plan plan;
  // Quarters that start at least a week before the end (a ten-year run from
  // January ends on the first day of the 41st quarter: no decision there).
  const int Q = std::max(1, static_cast<int>(std::ceil((spec.horizon_s - 7 * kDay) / kQuarter)));
  for (int q = 0; q < Q; ++q) {
    int idx = spec.start_date.index() + 3 * q;
    plan.quarters.push_back(YearMonth{idx / 12, idx % 12 + 1});
  }
  auto t_of = [&](int q) { return seconds_at(spec.start_date, plan.quarters[static_cast<size_t>(q)].str()); };
  // Hosts the plan buys retire at their lifetime -- later, up to the end of
  // their window, when nothing the cluster can buy is on the market then (a
  // cohort must not vanish when nothing can replace it).
  const int life_q = static_cast<int>(std::lround(spec.refresh.lifetime_years * 4));
  const int window_q = static_cast<int>(std::lround(o.window_years * 4));
  const int qual = static_cast<int>(std::lround(spec.refresh.qualification_months));
  const size_t C = spec.clusters.size();

  // The scenario's host groups, in the order the loader made their hosts.
  {
    size_t h = 0;
    for (int c = 0; c < msg.cluster_size(); ++c)
      for (int j = 0; j < msg.cluster(c).hosts_size(); ++j) {
        const auto& g = msg.cluster(c).hosts(j);
        const int count = static_cast<int>(g.count() == 0 ? 1 : g.count());
        const HostSpec& first = spec.hosts[h];
        Group grp{c,
                  j,
                  count,
                  first.cpu.get(),
                  first.purchased,
                  static_cast<double>(first.ram_mib) / 1024,
                  host_capacity(first.cores, *first.cpu),
                  g.name().empty() ? first.cpu->name : g.name()};
        plan.groups.push_back(grp);
        h += static_cast<size_t>(count);
      }
  }
  std::vector<int> cap(C, 0);
  for (const auto& h : spec.hosts) ++cap[static_cast<size_t>(h.cluster)];

  Mip mip;
  using K = Mip::Kind;
  // Retirement: y[g][q] = 1 when group g retires at quarter q; "never"
  // (beyond the horizon) when its window ends after it.
  std::vector<std::vector<int>> y(plan.groups.size(), std::vector<int>(static_cast<size_t>(Q), -1));
  const int window_months = static_cast<int>(std::lround(o.window_years * 12));
  const int life_months = static_cast<int>(std::lround(spec.refresh.lifetime_years * 12));
  for (size_t g = 0; g < plan.groups.size(); ++g) {
    const Group& grp = plan.groups[g];
    if (!include[static_cast<size_t>(grp.cluster)]) continue;
    auto age = [&](int q) { return plan.quarters[static_cast<size_t>(q)].index() - grp.purchased.index(); };
    int first = -1, last = -1;
    for (int q = 0; q < Q; ++q) {
      if (first < 0 && age(q) >= life_months - window_months) first = q;
      if (last < 0 && age(q) >= life_months + window_months) last = q;
    }
    if (first == 0 && last == 0) last = std::min(Q - 1, 3);  // overdue already: within the first year
    std::vector<std::pair<int, double>> once;
    if (first >= 0)
      for (int q = first; q <= (last < 0 ? Q - 1 : last); ++q) {
        y[g][static_cast<size_t>(q)] = mip.var(fmt::format("retire[{},{}]", grp.name, q), K::binary, 0, 1, 0);
        once.emplace_back(y[g][static_cast<size_t>(q)], 1);
      }
    if (last < 0) once.emplace_back(mip.var(fmt::format("keep[{}]", grp.name), K::binary, 0, 1, 0), 1);
    if (!once.empty()) mip.row(fmt::format("retire-once[{}]", grp.name), once, 1, 1);
  }
  // Sum of y[g][q'] for q' <= q: the share of group g gone by quarter q.
  auto gone = [&](size_t g, int q, double coef, std::vector<std::pair<int, double>>& terms) {
    for (int k = 0; k <= q; ++k)
      if (y[g][static_cast<size_t>(k)] >= 0) terms.emplace_back(y[g][static_cast<size_t>(k)], coef);
  };

  // Purchases: x[c][p][q] hosts of part p bought at the start of quarter q.
  struct Buy {
    int var, cluster, quarter;
    const CpuModel* part;
    double price, ram_gib, capacity;
    int retire = -1;  // the quarter the cohort leaves (may be >= Q)
  };
  std::vector<Buy> buys;
  std::vector<std::string> vendor(C);
  for (const auto& h : spec.hosts)
    if (h.cpu && vendor[static_cast<size_t>(h.cluster)].empty())
      vendor[static_cast<size_t>(h.cluster)] = h.cpu->vendor();
  std::vector<std::vector<const Baseline*>> chain(C);  // modes above each cluster's baseline, lowest first
  for (size_t c = 0; c < C; ++c) {
    const auto& b = spec.clusters[c].baseline;
    if (!b || !include[c]) continue;
    for (const Baseline& m : catalog.baselines())
      if (m.kind == BaselineKind::evc && m.vendor == b->vendor && m.name != b->name && m.includes(*b))
        chain[c].push_back(&m);
    std::stable_sort(chain[c].begin(), chain[c].end(),
                     [](const Baseline* a, const Baseline* b2) { return a->features.count() < b2->features.count(); });
  }
  for (size_t c = 0; c < C; ++c)
    for (int q = 0; q < Q && include[c]; ++q) {
      const YearMonth today = plan.quarters[static_cast<size_t>(q)];
      for (const CpuModel& p : catalog.cpus()) {
        if (p.vendor() != vendor[c] || p.launch.index() + qual > today.index() || today > p.end_of_sale) continue;
        const auto& b = spec.clusters[c].baseline;
        if (b && !check_admission(p, *b).ok) continue;  // cannot join the cluster as it is
        const double price = relative_price(p, today);
        int v = mip.var(fmt::format("buy[{},{},{}]", spec.clusters[c].name, p.name, today.str()), K::integer, 0, cap[c],
                        -w.purchase * price);
        buys.push_back({v, static_cast<int>(c), q, &p, price,
                        static_cast<double>(bought_ram_mib(p, spec.refresh.ram_gib)) / 1024, bought_capacity(p)});
      }
    }
  {
    std::vector<std::vector<bool>> offered(C, std::vector<bool>(static_cast<size_t>(Q), false));
    for (const Buy& b : buys) offered[static_cast<size_t>(b.cluster)][static_cast<size_t>(b.quarter)] = true;
    for (Buy& b : buys) {
      b.retire = life_q > 0 ? b.quarter + life_q : std::numeric_limits<int>::max();
      while (life_q > 0 && b.retire < Q && b.retire < b.quarter + life_q + window_q &&
             !offered[static_cast<size_t>(b.cluster)][static_cast<size_t>(b.retire)])
        ++b.retire;
    }
  }
  auto present = [&](const Buy& b, int q) { return b.quarter <= q && q < b.retire; };

  // Baselines: z[c][m][q] = 1 when cluster c's baseline is at least chain mode m at quarter q.
  std::vector<std::vector<std::vector<int>>> z(C);
  std::vector<std::vector<Demand>> demand(C, std::vector<Demand>(static_cast<size_t>(Q)));
  for (size_t c = 0; c < C; ++c)
    for (int q = 0; q < Q; ++q) demand[c][static_cast<size_t>(q)] = demand_at(spec, static_cast<int>(c), t_of(q));
  for (size_t c = 0; c < C; ++c) {
    if (!include[c]) continue;
    const Baseline* below = spec.clusters[c].baseline ? &*spec.clusters[c].baseline : nullptr;
    for (size_t m = 0; m < chain[c].size(); ++m) {
      const Baseline* mode = chain[c][m];
      const double notable = notable_count(mode->features) - notable_count(below->features);
      const double all = static_cast<double>(mode->features.count()) - static_cast<double>(below->features.count());
      z[c].emplace_back(static_cast<size_t>(Q), -1);
      for (int q = 0; q < Q; ++q) {
        const double vms = demand[c][static_cast<size_t>(q)].vms;
        const double next = q + 1 < Q ? demand[c][static_cast<size_t>(q) + 1].vms : 0;
        // VM-feature-years of the quarter, less the power cycles of a raise made at q.
        const double coef = w.features * 0.25 * vms * (notable + 0.05 * all) - w.cycles * (vms - next);
        z[c][m][static_cast<size_t>(q)] =
            mip.var(fmt::format("baseline[{},{},{}]", spec.clusters[c].name, mode->name, plan.quarters[q].str()),
                    K::binary, 0, 1, coef);
      }
      below = mode;
    }
    for (size_t m = 0; m < z[c].size(); ++m)
      for (int q = 0; q < Q; ++q) {
        const int v = z[c][m][static_cast<size_t>(q)];
        if (q + 1 < Q) mip.row("raise-stays", {{v, 1}, {z[c][m][static_cast<size_t>(q) + 1], -1}}, -Mip::kInf, 0);
        if (m > 0) mip.row("modes-in-order", {{v, 1}, {z[c][m - 1][static_cast<size_t>(q)], -1}}, -Mip::kInf, 0);
        if (o.no_raise.count({static_cast<int>(c), q})) {  // learned: no raise at q
          if (q == 0) mip.row("no-raise", {{v, 1}}, -Mip::kInf, 0);
          else mip.row("no-raise", {{v, 1}, {z[c][m][static_cast<size_t>(q - 1)], -1}}, -Mip::kInf, 0);
        }
      }
  }
  // Joining: a mode is in force only when every host present can join it.
  auto lowest_unjoinable = [&](size_t c, const CpuModel& cpu) -> int {
    for (size_t m = 0; m < chain[c].size(); ++m)
      if (!check_admission(cpu, *chain[c][m]).ok) return static_cast<int>(m);
    return -1;
  };
  for (size_t g = 0; g < plan.groups.size(); ++g) {
    const size_t c = static_cast<size_t>(plan.groups[g].cluster);
    if (!include[c]) continue;
    const int m = lowest_unjoinable(c, *plan.groups[g].cpu);
    if (m < 0) continue;
    for (int q = 0; q < Q; ++q) {
      std::vector<std::pair<int, double>> terms{{z[c][static_cast<size_t>(m)][static_cast<size_t>(q)], 1}};
      gone(g, q, -1, terms);
      mip.row(fmt::format("join[{},{}]", plan.groups[g].name, q), terms, -Mip::kInf, 0);
    }
  }
  for (const Buy& b : buys) {
    const size_t c = static_cast<size_t>(b.cluster);
    const int m = lowest_unjoinable(c, *b.part);
    if (m < 0) continue;
    const int last = std::min(Q - 1, b.retire - 1);
    mip.row("join-bought", {{b.var, 1}, {z[c][static_cast<size_t>(m)][static_cast<size_t>(last)], cap[c]}}, -Mip::kInf,
            cap[c]);
  }
  // Capacity with headroom, the host cap, and the budget.
  std::vector<std::vector<std::pair<int, int>>> short_vars(C);  // (ram, cpu) per quarter
  for (size_t c = 0; c < C; ++c) {
    if (!include[c]) continue;
    const double headroom =
        spec.refresh.headroom + w.headroom +
        (o.extra_headroom.count(static_cast<int>(c)) ? o.extra_headroom.at(static_cast<int>(c)) : 0);
    for (int q = 0; q < Q; ++q) {
      const Demand& d = demand[c][static_cast<size_t>(q)];
      std::vector<std::pair<int, double>> ram, cpu, hosts;
      double ram0 = 0, cpu0 = 0, hosts0 = 0;
      for (size_t g = 0; g < plan.groups.size(); ++g) {
        const Group& grp = plan.groups[g];
        if (grp.cluster != static_cast<int>(c)) continue;
        ram0 += grp.count * grp.ram_gib;
        cpu0 += grp.count * grp.capacity;
        hosts0 += grp.count;
        gone(g, q, -grp.count * grp.ram_gib, ram);
        gone(g, q, -grp.count * grp.capacity, cpu);
        gone(g, q, -grp.count, hosts);
      }
      for (const Buy& b : buys)
        if (b.cluster == static_cast<int>(c) && present(b, q)) {
          ram.emplace_back(b.var, b.ram_gib);
          cpu.emplace_back(b.var, b.capacity);
          hosts.emplace_back(b.var, 1);
        }
      const std::string at = fmt::format("{},{}", spec.clusters[c].name, plan.quarters[static_cast<size_t>(q)].str());
      int sr = mip.var("short-ram[" + at + "]", K::continuous, 0, Mip::kInf, -w.shortfall);
      int sc = mip.var("short-cpu[" + at + "]", K::continuous, 0, Mip::kInf, -w.shortfall);
      short_vars[c].emplace_back(sr, sc);
      ram.emplace_back(sr, 1);
      cpu.emplace_back(sc, 1);
      mip.row("ram[" + at + "]", ram, (1 + headroom) * d.ram_gib - ram0, Mip::kInf);
      mip.row("cpu[" + at + "]", cpu, (1 + headroom) * d.cpu - cpu0, Mip::kInf);
      mip.row("host-cap[" + at + "]", hosts, -Mip::kInf, cap[c] - hosts0);
    }
  }
  if (o.budget) {
    std::vector<std::pair<int, double>> spend;
    for (const Buy& b : buys) spend.emplace_back(b.var, b.price);
    mip.row("budget", spend, -Mip::kInf, *o.budget);
  }

  plan.variables = mip.vars();
  plan.integers = mip.integers();
  plan.rows = mip.rows();
  Mip::Solution s = mip.maximize(o.time_limit_s, o.gap);
  plan.solve_s = s.seconds;
  plan.gap = s.within_gap ? o.gap : 0;
  if (s.status == Mip::Solution::Status::infeasible || s.status == Mip::Solution::Status::no_solution)
    throw InputError(fmt::format("the program has no solution ({}){}", s.message,
                                 s.status == Mip::Solution::Status::no_solution
                                     ? fmt::format(": no integer solution within --time-limit {} s", o.time_limit_s)
                                     : ""));
  plan.status = s.status == Mip::Solution::Status::optimal
                    ? (s.within_gap ? fmt::format("optimal within {} VM-feature-year(s)", o.gap) : "optimal")
                    : fmt::format("feasible, not proven optimal ({})", s.message);
  plan.objective = s.objective;
  auto val = [&](int v) { return v < 0 ? 0.0 : s.values[static_cast<size_t>(v)]; };

  for (size_t g = 0; g < plan.groups.size(); ++g)
    for (int q = 0; q < Q; ++q)
      if (val(y[g][static_cast<size_t>(q)]) > 0.5) plan.retirements.push_back({q, static_cast<int>(g)});
  double spent = 0;
  for (const Buy& b : buys) {
    const int n = static_cast<int>(std::lround(val(b.var)));
    if (n <= 0) continue;
    spent += n * b.price;
    plan.purchases.push_back({b.quarter, b.cluster, b.part, n, b.price, b.retire < Q ? b.retire : -1, ""});
  }
  for (size_t c = 0; c < C; ++c) {
    if (!include[c]) continue;
    std::string from = spec.clusters[c].baseline ? spec.clusters[c].baseline->name : "";
    const Baseline* below = spec.clusters[c].baseline ? &*spec.clusters[c].baseline : nullptr;
    for (int q = 0; q < Q; ++q) {
      const Baseline* top = nullptr;
      for (size_t m = 0; m < z[c].size(); ++m)
        if (val(z[c][m][static_cast<size_t>(q)]) > 0.5) top = chain[c][m];
      if (top && top->name != from) {
        plan.raises.push_back({q, static_cast<int>(c), from, top->name,
                               notable_count(top->features) - notable_count(below->features),
                               static_cast<int>(top->features.count()) - static_cast<int>(below->features.count())});
        from = top->name;
        below = top;
      }
    }
    // The program's own VM-feature-years (notable features, no power-cycle lag).
    for (int q = 0; q < Q; ++q) {
      const Baseline* in_force = spec.clusters[c].baseline ? &*spec.clusters[c].baseline : nullptr;
      for (size_t m = 0; m < z[c].size(); ++m)
        if (val(z[c][m][static_cast<size_t>(q)]) > 0.5) in_force = chain[c][m];
      if (in_force)
        plan.predicted_feature_vm_years +=
            0.25 * demand[c][static_cast<size_t>(q)].vms * notable_count(in_force->features);
    }
    // Shortfalls, each with the constraint that binds.
    for (int q = 0; q < Q; ++q) {
      const auto [sr, sc] = short_vars[c][static_cast<size_t>(q)];
      if (val(sr) < 0.5 && val(sc) < 0.5) continue;
      std::string binding;
      double cheapest = Mip::kInf;
      for (const Buy& b : buys)
        if (b.cluster == static_cast<int>(c) && b.quarter == q) cheapest = std::min(cheapest, b.price);
      if (!std::isfinite(cheapest))
        binding = spec.clusters[c].baseline
                      ? fmt::format("no part on the market can join {} (the baseline cannot be lowered)",
                                    spec.clusters[c].baseline->name)
                      : "no part of the cluster's vendor is on the market";
      else if (o.budget && *o.budget - spent < cheapest) binding = fmt::format("the budget of {} is spent", *o.budget);
      else {
        double hosts_present = 0;
        for (size_t g = 0; g < plan.groups.size(); ++g) {
          if (plan.groups[g].cluster != static_cast<int>(c)) continue;
          double left = 1;
          for (int k = 0; k <= q; ++k) left -= val(y[g][static_cast<size_t>(k)]);
          hosts_present += plan.groups[g].count * left;
        }
        for (const Buy& b : buys)
          if (b.cluster == static_cast<int>(c) && present(b, q)) hosts_present += val(b.var);
        binding = hosts_present >= cap[c] - 0.5 ? fmt::format("the cluster's host cap of {} hosts", cap[c])
                  : s.status == Mip::Solution::Status::optimal
                      ? "the retirement windows: hosts due leave before enough can be bought"
                      : fmt::format("none: the solver stopped ({}) before covering it", s.message);
      }
      plan.shortfalls.push_back({q, static_cast<int>(c), val(sr), val(sc), binding});
    }
  }
  // Why each purchase: a raise needs the old hosts gone, capacity needs hosts.
  for (auto& p : plan.purchases) {
    bool retiring = false;
    for (const auto& r : plan.retirements)
      retiring = retiring || (r.quarter == p.quarter && plan.groups[static_cast<size_t>(r.group)].cluster == p.cluster);
    p.why = retiring ? "replacing retired hosts" : "capacity for growth";
  }
  return plan;
}

}  // namespace

Plan solve(const ScenarioSpec& spec, const scenario::Scenario& msg, const Catalog& catalog, const Options& o) {
  const size_t C = spec.clusters.size();
  if (o.budget || C == 1) return solve_clusters(spec, msg, catalog, o, std::vector<bool>(C, true));
  Plan all;
  Options each = o;
  each.time_limit_s = o.time_limit_s;  // each cluster's node limit usually ends it sooner
  bool proven = true;
  for (size_t c = 0; c < C; ++c) {
    std::vector<bool> one(C, false);
    one[c] = true;
    Plan p = solve_clusters(spec, msg, catalog, each, one);
    if (c == 0) all.groups = p.groups, all.quarters = p.quarters;
    for (auto& x : p.purchases) all.purchases.push_back(std::move(x));
    for (auto& x : p.retirements) all.retirements.push_back(x);
    for (auto& x : p.raises) all.raises.push_back(std::move(x));
    for (auto& x : p.shortfalls) all.shortfalls.push_back(std::move(x));
    all.objective += p.objective;
    all.solve_s += p.solve_s;
    all.gap = std::max(all.gap, p.gap);
    all.variables += p.variables;
    all.integers += p.integers;
    all.rows += p.rows;
    all.predicted_feature_vm_years += p.predicted_feature_vm_years;
    if (p.status.rfind("optimal", 0) != 0) proven = false, all.status = p.status;
  }
  if (proven)
    all.status =
        all.gap > 0 ? fmt::format("optimal within {} VM-feature-year(s) per cluster", o.gap) : "optimal (per cluster)";
  auto by_time = [](const auto& a, const auto& b) { return a.quarter < b.quarter; };
  std::stable_sort(all.purchases.begin(), all.purchases.end(), by_time);
  std::stable_sort(all.retirements.begin(), all.retirements.end(), by_time);
  std::stable_sort(all.raises.begin(), all.raises.end(), by_time);
  std::stable_sort(all.shortfalls.begin(), all.shortfalls.end(), by_time);
  return all;
}

std::string plan_scenario_text(const scenario::Scenario& original, const ScenarioSpec& spec, const Plan& plan) {
  scenario::Scenario msg = original;
  msg.clear_expect();
  auto* r = msg.mutable_refresh();
  r->set_planned(true);
  r->set_baseline_policy("fixed");
  msg.set_name(msg.name().empty() ? "plan" : msg.name() + "-plan");
  for (const auto& ret : plan.retirements) {
    const Group& g = plan.groups[static_cast<size_t>(ret.group)];
    msg.mutable_cluster(g.cluster)->mutable_hosts(g.index)->set_retire(
        plan.quarters[static_cast<size_t>(ret.quarter)].str());
  }
  auto date = [&](int q, double days) {
    return calendar_date(spec.start_date,
                         seconds_at(spec.start_date, plan.quarters[static_cast<size_t>(q)].str()) + days * kDay);
  };
  for (const auto& p : plan.purchases) {
    auto* op = msg.add_at();
    op->set_at_date(date(p.quarter, 0));
    auto* add = op->mutable_add_host();
    add->set_cluster(spec.clusters[static_cast<size_t>(p.cluster)].name);
    auto* h = add->mutable_hosts();
    h->set_cpu(p.part->name);
    h->set_count(static_cast<uint32_t>(p.count));
    h->set_name(fmt::format("{}-{}-{}", spec.clusters[static_cast<size_t>(p.cluster)].name, p.part->name,
                            plan.quarters[static_cast<size_t>(p.quarter)].str()));
    h->set_ram_gib(static_cast<uint32_t>(bought_ram_mib(*p.part, spec.refresh.ram_gib) / 1024));
    h->set_purchased(plan.quarters[static_cast<size_t>(p.quarter)].str());
    if (p.retire_quarter >= 0) h->set_retire(plan.quarters[static_cast<size_t>(p.retire_quarter)].str());
  }
  for (const auto& x : plan.raises) {
    auto* op = msg.add_at();
    op->set_at_date(date(x.quarter, kRaiseDelayDays));
    op->mutable_set_baseline()->set_cluster(spec.clusters[static_cast<size_t>(x.cluster)].name);
    op->mutable_set_baseline()->set_baseline(x.to);
  }
  std::string text;
  google::protobuf::TextFormat::PrintToString(msg, &text);
  return fmt::format(
             "# The plan of `evcsim plan` for {}: purchases (add_host), retirements (retire dates) and\n"
             "# raises (set_baseline) as dated operations; automatic purchases and raises are off.\n",
             spec.file) +
         text;
}

}  // namespace evcsim::plan
