#include "plan/planner.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "cpu/feature_registry.hpp"
#include "plan/mip.hpp"
#include "policy/procurement/procurement_policy.hpp"
#include "scenario/scenario.pb.h"

namespace evcsim::plan {

namespace {

constexpr double kDay = 86400, kYear = 365.25 * kDay, kQuarter = kYear / 4;

// The distance of a stopped solve's best solution to its best bound, absolute and relative.
std::string gap_text(double gap, double objective) {
  const double scale = std::max(std::abs(objective), std::abs(objective + gap));  // the best solution's and bound's
  return fmt::format("gap {:.1f} objective units, {:.1f}%", gap, scale > 0 ? 100 * gap / scale : 0.0);
}

int notable_count(const FeatureSet& f) {
  int n = 0;
  for (const auto& name : notable_features()) n += f.test(feature_id(name));
  return n;
}

}  // namespace

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

Objective objective_named(const std::string& name) {
  // Money in the objective is per $1,000: under balanced a VM-feature-year
  // is worth $1,000 (a $20,000 host = 20 VM-feature-years, as the relative
  // price weighed before costs were money).
  // features: VM-feature-years first; money counts a quarter as much.
  if (name == "features") return {"features", 1, 0.01, 0.25, 1e4, 0};
  // outage: fewer raises (each needs power cycles) and more headroom, which
  // keeps maintenance and HA from running out of room.
  if (name == "outage") return {"outage", 0.2, 1, 1, 1e4, 0.1};
  if (name == "balanced") return {"balanced", 1, 0.1, 1, 1e4, 0};
  throw InputError(fmt::format("unknown objective '{}': features, outage or balanced", name), "", 0, "--objective");
}

std::vector<ClusterRule> cluster_rules(const scenario::Scenario& msg, const ScenarioSpec& spec, const Options& o) {
  const auto& ps = msg.plan();
  auto parse_ha = [&](const std::string& text, const std::string& field, ClusterRule& r) {
    std::string t = text;
    for (auto& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (t.empty() || t == "n+1") r.ha_hosts = 1, r.ha_share = 0;
    else if (t == "none" || t == "n+0" || t == "n") r.ha_hosts = 0, r.ha_share = 0;
    else if (t.size() > 2 && t.rfind("n+", 0) == 0 && t.find_first_not_of("0123456789", 2) == std::string::npos)
      r.ha_hosts = std::stoi(t.substr(2)), r.ha_share = 0;
    else if (t.size() > 1 && t.back() == '%') {
      double v = -1;
      try {
        v = std::stod(t.substr(0, t.size() - 1));
      } catch (const std::exception&) {
      }
      if (!(v >= 0 && v < 100))
        throw InputError(fmt::format("HA admission '{}': a share is 0% .. 99%", text), spec.file, 0, field);
      r.ha_hosts = 0, r.ha_share = v / 100;
    } else {
      throw InputError(fmt::format("HA admission '{}': n+1, n+2, a share such as 25%, or none", text), spec.file, 0,
                       field);
    }
  };
  std::vector<ClusterRule> out;
  for (int c = 0; c < msg.cluster_size(); ++c) {
    const auto& cl = msg.cluster(c);
    ClusterRule r;
    parse_ha(ps.ha(), "plan.ha", r);
    if (!cl.ha().empty()) parse_ha(cl.ha(), fmt::format("cluster {}: ha", cl.name()), r);
    if (o.ha) parse_ha(*o.ha, "--ha", r);
    // At least 3 hosts (HA with one host down still has two to restart on,
    // maintenance with one host down still has HA); vSAN 4 (FTT=1 mirroring
    // needs 3, a 4th rebuilds after a failure: VMware's vSAN planning guide,
    // "Sizing the vSAN Cluster for Failures to Tolerate").
    r.min_hosts = ps.min_hosts() > 0 ? static_cast<int>(ps.min_hosts()) : 3;
    if (cl.vsan())
      r.min_hosts = std::max(r.min_hosts, ps.min_hosts_vsan() > 0 ? static_cast<int>(ps.min_hosts_vsan()) : 4);
    if (cl.min_hosts() > 0) r.min_hosts = static_cast<int>(cl.min_hosts());
    if (o.min_hosts) r.min_hosts = *o.min_hosts;
    r.decommission = cl.decommission();
    if (r.decommission) r.ha_hosts = 0, r.ha_share = 0, r.min_hosts = 0;
    r.text = r.decommission ? "decommissioned: may be emptied"
                            : fmt::format("{}, at least {} host(s){}",
                                          r.ha_share > 0   ? fmt::format("HA keeps {:g}% free", r.ha_share * 100)
                                          : r.ha_hosts > 0 ? fmt::format("HA N+{}", r.ha_hosts)
                                                           : "no HA reserve",
                                          r.min_hosts, cl.vsan() ? " (vSAN)" : "");
    out.push_back(r);
  }
  return out;
}

int replace_over_quarters(const scenario::Scenario& msg, const ScenarioSpec& spec, const Options& o) {
  std::string text = o.replace_over ? *o.replace_over : msg.plan().replace_over();
  if (text.empty()) text = "2y";
  double s = 0;
  try {
    s = parse_duration(text);
  } catch (const InputError& e) {
    throw InputError(e.message(), o.replace_over ? "" : spec.file, 0,
                     o.replace_over ? "--replace-over" : "plan.replace_over");
  }
  return std::max(1, static_cast<int>(std::lround(s / kQuarter)));
}

std::vector<std::vector<QuarterState>> quarter_states(const ScenarioSpec& spec, const Plan& plan) {
  const size_t C = spec.clusters.size(), Q = plan.quarters.size();
  std::vector<std::vector<QuarterState>> out(C, std::vector<QuarterState>(Q));
  for (size_t q = 0; q < Q; ++q) {
    const double t = seconds_at(spec.start_date, plan.quarters[q].str());
    for (size_t c = 0; c < C; ++c) {
      const Demand d = demand_at(spec, static_cast<int>(c), t);
      out[c][q].demand_ram_gib = d.ram_gib;
      out[c][q].demand_capacity = d.cpu;
    }
    auto add = [&](int c, int n, double ram, double cap) {
      auto& s = out[static_cast<size_t>(c)][q];
      s.hosts += n;
      s.ram_gib += n * ram;
      s.capacity += n * cap;
      if (n > 0)
        s.largest_ram_gib = std::max(s.largest_ram_gib, ram), s.largest_capacity = std::max(s.largest_capacity, cap);
    };
    for (size_t g = 0; g < plan.groups.size(); ++g) {
      bool gone = false;
      for (const auto& r : plan.retirements)
        gone = gone || (r.group == static_cast<int>(g) && r.quarter <= static_cast<int>(q));
      if (!gone) add(plan.groups[g].cluster, plan.groups[g].count, plan.groups[g].ram_gib, plan.groups[g].capacity);
    }
    for (const auto& p : plan.purchases)
      if (p.quarter <= static_cast<int>(q) && (p.retire_quarter < 0 || static_cast<int>(q) < p.retire_quarter))
        add(p.cluster, p.count, p.ram_gib, p.capacity);
  }
  return out;
}

std::vector<Stint> do_nothing_fleet(const Plan& plan) {
  std::vector<Stint> out;
  const int Q = static_cast<int>(plan.quarters.size());
  for (const auto& g : plan.groups)
    for (int i = 0; i < g.count; ++i) out.push_back({g.cluster, g.cpu, g.sockets, g.cores, g.ram_gib, 0, Q, 0});
  return out;
}

std::vector<Stint> plan_fleet(const Plan& plan) {
  std::vector<Stint> out;
  const int Q = static_cast<int>(plan.quarters.size());
  for (size_t g = 0; g < plan.groups.size(); ++g) {
    int to = Q;
    for (const auto& r : plan.retirements)
      if (r.group == static_cast<int>(g)) to = std::min(to, r.quarter);
    const Group& grp = plan.groups[g];
    for (int i = 0; i < grp.count; ++i)
      out.push_back({grp.cluster, grp.cpu, grp.sockets, grp.cores, grp.ram_gib, 0, to, 0});
  }
  for (const auto& p : plan.purchases)
    for (int i = 0; i < p.count; ++i)
      out.push_back({p.cluster, p.part, 2, p.cores, p.ram_gib, p.quarter, p.retire_quarter < 0 ? Q : p.retire_quarter,
                     p.price_each});
  return out;
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
  plan.rules = cluster_rules(msg, spec, o);
  plan.costs = CostModel::from(msg.costs(), spec.file);
  const CostModel& money = plan.costs;
  // Objective units per dollar: the objective's, or what the scenario says a VM-feature-year is worth.
  const double worth = msg.plan().usd_per_feature_vm_year();
  if (!std::isfinite(worth) || worth < 0)
    throw InputError("a VM-feature-year's worth in USD is >= 0", spec.file, 0, "plan.usd_per_feature_vm_year");
  const double per_usd = worth > 0 ? w.features / worth : w.money / 1000;
  const int spread_q = replace_over_quarters(msg, spec, o);
  // Quarters that start at least a week before the end (a ten-year run from
  // January ends on the first day of the 41st quarter: no decision there).
  const int Q = std::max(1, static_cast<int>(std::ceil((spec.horizon_s - 7 * kDay) / kQuarter)));
  for (int q = 0; q < Q; ++q) {
    int idx = spec.start_date.index() + 3 * q;
    plan.quarters.push_back(YearMonth{idx / 12, idx % 12 + 1});
  }
  // Licensing and power of a host for quarter q (licensing by date).
  auto running_quarter = [&](int sockets, int cores, const CpuModel& part, double ram_gib, int q) {
    return (money.licensing_usd_year(sockets, cores, plan.quarters[static_cast<size_t>(q)]) +
            money.power_usd_year(money.host_watts(part, sockets, cores, ram_gib))) /
           4;
  };
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
        grp.sockets = g.sockets() > 0 ? static_cast<int>(g.sockets()) : 2;
        grp.cores = first.cores;
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
  std::vector<int> keep(plan.groups.size(), -1);  // the group stays past the horizon
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
    // Overdue already (or due early): within the replacement window.
    if (first == 0 && last >= 0) last = std::max(last, std::min(Q - 1, spread_q - 1));
    // Running costs (licensing, power) from each quarter to the end, saved by retiring then.
    std::vector<double> saved(static_cast<size_t>(Q) + 1, 0);
    for (int q = Q - 1; q >= 0; --q)
      saved[static_cast<size_t>(q)] = saved[static_cast<size_t>(q) + 1] +
                                      running_quarter(grp.sockets, grp.cores, *grp.cpu, grp.ram_gib, q) * grp.count;
    std::vector<std::pair<int, double>> once;
    if (first >= 0)
      for (int q = first; q <= (last < 0 ? Q - 1 : last); ++q) {
        y[g][static_cast<size_t>(q)] = mip.var(fmt::format("retire[{},{}]", grp.name, q), K::binary, 0, 1,
                                               per_usd * saved[static_cast<size_t>(q)]);
        once.emplace_back(y[g][static_cast<size_t>(q)], 1);
      }
    if (last < 0) {
      keep[g] = mip.var(fmt::format("keep[{}]", grp.name), K::binary, 0, 1, 0);
      once.emplace_back(keep[g], 1);
    }
    if (!once.empty()) mip.row(fmt::format("retire-once[{}]", grp.name), once, 1, 1);
  }
  std::vector<int> most_per_quarter(C, 0);
  // Replacements spread over the window: a cluster retires at most
  // ceil(hosts / window quarters) hosts a quarter (at least its largest group).
  for (size_t c = 0; c < C; ++c) {
    if (!include[c]) continue;
    int hosts = 0, largest = 0;
    for (const Group& grp : plan.groups)
      if (grp.cluster == static_cast<int>(c)) hosts += grp.count, largest = std::max(largest, grp.count);
    const int most = std::max(largest, (hosts + spread_q - 1) / spread_q);
    most_per_quarter[c] = most;
    for (int q = 0; q < Q; ++q) {
      std::vector<std::pair<int, double>> terms;
      for (size_t g = 0; g < plan.groups.size(); ++g)
        if (plan.groups[g].cluster == static_cast<int>(c) && y[g][static_cast<size_t>(q)] >= 0)
          terms.emplace_back(y[g][static_cast<size_t>(q)], plan.groups[g].count);
      if (!terms.empty()) mip.row(fmt::format("spread[{},{}]", spec.clusters[c].name, q), terms, -Mip::kInf, most);
    }
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
    int cores = 0;
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
  // Each cluster's peak demand over the horizon with its headroom (demand grows, but take the largest).
  std::vector<Demand> peak(C);
  for (size_t c = 0; c < C; ++c) {
    if (!include[c]) continue;
    const double headroom = 1 + spec.refresh.headroom + w.headroom;
    for (int q = 0; q < Q; ++q) {
      const Demand d = demand_at(spec, static_cast<int>(c), t_of(q));
      peak[c].ram_gib = std::max(peak[c].ram_gib, headroom * d.ram_gib);
      peak[c].cpu = std::max(peak[c].cpu, headroom * d.cpu);
    }
  }
  for (size_t c = 0; c < C; ++c)
    for (int q = 0; q < Q && include[c]; ++q) {
      const YearMonth today = plan.quarters[static_cast<size_t>(q)];
      for (const CpuModel& p : catalog.cpus()) {
        if (p.vendor() != vendor[c] || p.launch.index() + qual > today.index() || today > p.end_of_sale) continue;
        const auto& b = spec.clusters[c].baseline;
        if (b && !check_admission(p, *b).ok) continue;  // cannot join the cluster as it is
        // The part as the catalog has it (its typical SKU), and smaller SKUs
        // of the generation (32 and 16 cores a CPU) with RAM in proportion:
        // fewer, larger hosts or more, smaller ones.
        const double full_ram = static_cast<double>(bought_ram_mib(p, spec.refresh.ram_gib)) / 1024;
        // A smaller SKU costs more per core (the price has a per-host part)
        // and per-socket licensing favours larger CPUs, so it can only matter
        // where the host count binds: when the cluster's peak demand needs
        // fewer than twice (minimum size + HA hosts) hosts of the typical SKU.
        // Elsewhere it only multiplies the program's integer variables.
        const double need = std::max(peak[c].ram_gib / std::max(1.0, full_ram),
                                     peak[c].cpu / std::max(1e-9, host_capacity(2 * p.cores_per_socket, p)));
        const bool small_matter = need < 2.0 * (plan.rules[c].min_hosts +
                                                std::max(plan.rules[c].ha_hosts, plan.rules[c].ha_share > 0 ? 1 : 0));
        for (const int per_cpu : {p.cores_per_socket, 32, 16}) {
          if (per_cpu <= 0 || (per_cpu != p.cores_per_socket && per_cpu >= p.cores_per_socket)) continue;
          if (per_cpu != p.cores_per_socket && !small_matter) continue;
          const int cores = 2 * per_cpu;
          const double ram = spec.refresh.ram_gib > 0 || per_cpu == p.cores_per_socket
                                 ? full_ram
                                 : std::max(64.0, 64 * std::round(full_ram * per_cpu / p.cores_per_socket / 64));
          const double price = money.host_price(p, cores, ram, today);
          int v = mip.var(fmt::format("buy[{},{}x{},{}]", spec.clusters[c].name, p.name, cores, today.str()),
                          K::integer, 0, cap[c], 0);  // its cost is set once its retirement is known
          buys.push_back({v, static_cast<int>(c), q, &p, price, ram, host_capacity(cores, p), -1, cores});
        }
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
  // A purchase costs its price and its licensing and power while present.
  std::vector<std::pair<int, double>> buy_cost;
  for (const Buy& b : buys) {
    double running = 0;
    for (int k = b.quarter; k < std::min(Q, b.retire); ++k)
      running += running_quarter(2, b.cores, *b.part, b.ram_gib, k);
    buy_cost.emplace_back(b.var, -per_usd * (b.price + running));
  }
  for (const auto& [v, coef] : buy_cost) mip.set_objective(v, coef);

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
  std::vector<std::vector<int>> short_hosts(C);                 // per quarter (-1: no minimum)
  std::vector<std::map<int, int>> used_all(C);
  std::vector<std::vector<std::pair<int, int>>> largest_vars(
      C, std::vector<std::pair<int, int>>(static_cast<size_t>(Q), {-1, -1}));
  for (size_t c = 0; c < C; ++c) {
    if (!include[c]) continue;
    const double headroom =
        spec.refresh.headroom + w.headroom +
        (o.extra_headroom.count(static_cast<int>(c)) ? o.extra_headroom.at(static_cast<int>(c)) : 0);
    const ClusterRule& rule = plan.rules[c];
    // N+k: the largest host present, by RAM and by CPU; a bought cohort
    // counts when any of it was bought (u = 1 when buy > 0).
    std::map<int, int>& used = used_all[c];  // buy var -> its binary
    if (rule.ha_hosts > 0)
      for (const Buy& b : buys)
        if (b.cluster == static_cast<int>(c)) {
          const int u = mip.var(fmt::format("bought-any[{}]", mip.var_name(b.var)), K::binary, 0, 1, 0);
          mip.row("bought-any", {{b.var, 1}, {u, -cap[c]}}, -Mip::kInf, 0);
          used[b.var] = u;
        }
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
      // The minimum cluster size (never emptied unless decommissioned).
      if (rule.min_hosts > 0) {
        const int sh = mip.var("short-hosts[" + at + "]", K::continuous, 0, Mip::kInf, -w.shortfall * 100);
        short_hosts[c].push_back(sh);
        auto terms = hosts;
        terms.emplace_back(sh, 1);
        mip.row("min-hosts[" + at + "]", terms, rule.min_hosts - hosts0, Mip::kInf);
      } else {
        short_hosts[c].push_back(-1);
      }
      // HA admission: with the k largest hosts down (N+k), or a share of the
      // capacity kept free, the rest still holds the peak demand.
      if (rule.ha_share > 0) {
        auto scaled = [&](std::vector<std::pair<int, double>> terms, int slack) {
          for (auto& [v, coef] : terms)
            if (v != slack) coef *= 1 - rule.ha_share;
          return terms;
        };
        mip.row("ha-ram[" + at + "]", scaled(ram, sr), d.ram_gib - (1 - rule.ha_share) * ram0, Mip::kInf);
        mip.row("ha-cpu[" + at + "]", scaled(cpu, sc), d.cpu - (1 - rule.ha_share) * cpu0, Mip::kInf);
      } else if (rule.ha_hosts > 0) {
        const int lr = mip.var("largest-ram[" + at + "]", K::continuous, 0, Mip::kInf, 0);
        const int lc = mip.var("largest-cpu[" + at + "]", K::continuous, 0, Mip::kInf, 0);
        largest_vars[c][static_cast<size_t>(q)] = {lr, lc};
        for (size_t g = 0; g < plan.groups.size(); ++g) {
          const Group& grp = plan.groups[g];
          if (grp.cluster != static_cast<int>(c)) continue;
          std::vector<std::pair<int, double>> tr{{lr, 1}}, tc{{lc, 1}};
          gone(g, q, grp.ram_gib, tr);
          gone(g, q, grp.capacity, tc);
          mip.row("largest-ram", tr, grp.ram_gib, Mip::kInf);
          mip.row("largest-cpu", tc, grp.capacity, Mip::kInf);
        }
        for (const Buy& b : buys)
          if (b.cluster == static_cast<int>(c) && present(b, q)) {
            mip.row("largest-ram", {{lr, 1}, {used.at(b.var), -b.ram_gib}}, 0, Mip::kInf);
            mip.row("largest-cpu", {{lc, 1}, {used.at(b.var), -b.capacity}}, 0, Mip::kInf);
          }
        auto r2 = ram, c2 = cpu;
        r2.emplace_back(lr, -rule.ha_hosts);
        c2.emplace_back(lc, -rule.ha_hosts);
        mip.row("ha-ram[" + at + "]", r2, d.ram_gib - ram0, Mip::kInf);
        mip.row("ha-cpu[" + at + "]", c2, d.cpu - cpu0, Mip::kInf);
      }
    }
  }
  // The budget in USD over the horizon; 0: none.
  const double budget = o.budget ? *o.budget : std::max(0.0, msg.plan().budget_usd());
  if (budget > 0) {
    std::vector<std::pair<int, double>> spend;
    for (const Buy& b : buys) spend.emplace_back(b.var, b.price);
    mip.row("budget", spend, -Mip::kInf, budget);
  }

  // A warm start: every group retires at the first quarter of its window the
  // spread allows, no raise, and each quarter buys the largest typical host on
  // offer until the capacity, minimum size and HA reserve hold (or the host
  // cap stops it; the rest is shortfall). CBC starts from it instead of from
  // its own heuristics' first, shortfall-laden solutions.
  {
    std::vector<double> start(mip.vars(), 0);
    auto set = [&](int v, double x) {
      if (v >= 0) start[static_cast<size_t>(v)] = x;
    };
    std::vector<int> retire_at(plan.groups.size(), Q);  // Q: stays
    for (size_t c = 0; c < C; ++c) {
      if (!include[c]) continue;
      std::vector<int> retiring(static_cast<size_t>(Q), 0);
      for (size_t g = 0; g < plan.groups.size(); ++g) {
        if (plan.groups[g].cluster != static_cast<int>(c)) continue;
        int pick = -1, last = -1;
        for (int q = 0; q < Q; ++q) {
          if (y[g][static_cast<size_t>(q)] < 0) continue;
          last = q;
          if (pick < 0 && retiring[static_cast<size_t>(q)] + plan.groups[g].count <= most_per_quarter[c]) pick = q;
        }
        if (pick < 0 && keep[g] < 0) pick = last;  // must retire: over the spread (CBC then ignores the start)
        if (pick >= 0) {
          set(y[g][static_cast<size_t>(pick)], 1);
          retiring[static_cast<size_t>(pick)] += plan.groups[g].count;
          retire_at[g] = pick;
        } else {
          set(keep[g], 1);
        }
      }
    }
    std::vector<int> bought(buys.size(), 0);
    for (size_t c = 0; c < C; ++c) {
      if (!include[c]) continue;
      const double headroom =
          1 + spec.refresh.headroom + w.headroom +
          (o.extra_headroom.count(static_cast<int>(c)) ? o.extra_headroom.at(static_cast<int>(c)) : 0);
      const ClusterRule& rule = plan.rules[c];
      struct Present {
        double hosts = 0, ram = 0, cpu = 0, big_ram = 0, big_cpu = 0;
      };
      auto present_at = [&](int q) {
        Present x;
        for (size_t g = 0; g < plan.groups.size(); ++g) {
          const Group& grp = plan.groups[g];
          if (grp.cluster != static_cast<int>(c) || retire_at[g] <= q) continue;
          x.hosts += grp.count, x.ram += grp.count * grp.ram_gib, x.cpu += grp.count * grp.capacity;
          x.big_ram = std::max(x.big_ram, grp.ram_gib), x.big_cpu = std::max(x.big_cpu, grp.capacity);
        }
        for (size_t i = 0; i < buys.size(); ++i)
          if (buys[i].cluster == static_cast<int>(c) && bought[i] > 0 && present(buys[i], q)) {
            const Buy& b = buys[i];
            x.hosts += bought[i], x.ram += bought[i] * b.ram_gib, x.cpu += bought[i] * b.capacity;
            x.big_ram = std::max(x.big_ram, b.ram_gib), x.big_cpu = std::max(x.big_cpu, b.capacity);
          }
        return x;
      };
      // Shortfalls of quarter q: RAM, CPU (the larger of the headroom's and HA's) and hosts.
      auto deficits = [&](int q, const Present& x) {
        const Demand& d = demand[c][static_cast<size_t>(q)];
        double ram = headroom * d.ram_gib - x.ram, cpu = headroom * d.cpu - x.cpu;
        if (rule.ha_share > 0) {
          ram = std::max(ram, d.ram_gib - (1 - rule.ha_share) * x.ram);
          cpu = std::max(cpu, d.cpu - (1 - rule.ha_share) * x.cpu);
        } else if (rule.ha_hosts > 0) {
          ram = std::max(ram, d.ram_gib - (x.ram - rule.ha_hosts * x.big_ram));
          cpu = std::max(cpu, d.cpu - (x.cpu - rule.ha_hosts * x.big_cpu));
        }
        return std::array<double, 3>{std::max(0.0, ram), std::max(0.0, cpu), std::max(0.0, rule.min_hosts - x.hosts)};
      };
      for (int q = 0; q < Q; ++q) {
        size_t best = buys.size();
        for (size_t i = 0; i < buys.size(); ++i)
          if (buys[i].cluster == static_cast<int>(c) && buys[i].quarter == q &&
              (best == buys.size() || buys[i].capacity > buys[best].capacity))
            best = i;
        if (best == buys.size()) continue;
        // Room under the host cap in every quarter the cohort stays.
        auto room = [&] {
          double r = cap[c];
          for (int k = q; k < Q && present(buys[best], k); ++k) r = std::min(r, cap[c] - present_at(k).hosts);
          return r;
        };
        for (;;) {
          const auto need = deficits(q, present_at(q));
          if (need[0] <= 1e-9 && need[1] <= 1e-9 && need[2] <= 1e-9) break;
          if (room() < 1) break;
          ++bought[best];
        }
      }
      for (size_t i = 0; i < buys.size(); ++i)
        if (buys[i].cluster == static_cast<int>(c) && bought[i] > 0) {
          set(buys[i].var, bought[i]);
          if (auto it = used_all[c].find(buys[i].var); it != used_all[c].end()) set(it->second, 1);
        }
      for (int q = 0; q < Q; ++q) {
        const Present x = present_at(q);
        const auto need = deficits(q, x);
        set(short_vars[c][static_cast<size_t>(q)].first, need[0]);
        set(short_vars[c][static_cast<size_t>(q)].second, need[1]);
        set(short_hosts[c][static_cast<size_t>(q)], need[2]);
        set(largest_vars[c][static_cast<size_t>(q)].first, x.big_ram);
        set(largest_vars[c][static_cast<size_t>(q)].second, x.big_cpu);
      }
    }
    mip.set_start(std::move(start));
  }

  plan.variables = mip.vars();
  plan.integers = mip.integers();
  plan.rows = mip.rows();
  Mip::Solution s = mip.maximize(o.time_limit_s, o.gap);
  plan.solve_s = s.seconds;
  // The distance to the best bound: within the gap asked for when proven, any size when stopped.
  plan.gap = s.status == Mip::Solution::Status::optimal ? (s.within_gap ? s.gap : 0) : s.gap;
  if (s.status == Mip::Solution::Status::infeasible || s.status == Mip::Solution::Status::no_solution)
    throw InputError(fmt::format("the program has no solution ({}){}", s.message,
                                 s.status == Mip::Solution::Status::no_solution
                                     ? fmt::format(": no integer solution within --time-limit {} s", o.time_limit_s)
                                     : ""));
  plan.status = s.status == Mip::Solution::Status::optimal
                    ? (s.within_gap ? fmt::format("optimal within {} VM-feature-year(s)", o.gap) : "optimal")
                    : fmt::format("feasible, not proven optimal ({}; {})", s.message, gap_text(s.gap, s.objective));
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
    plan.purchases.push_back(
        {b.quarter, b.cluster, b.part, n, b.price, b.cores, b.ram_gib, b.capacity, b.retire < Q ? b.retire : -1, ""});
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
      const int sh = short_hosts[c][static_cast<size_t>(q)];
      const bool few = sh >= 0 && val(sh) > 0.5;
      if (val(sr) < 0.5 && val(sc) < 0.5 && !few) continue;
      std::string binding;
      double cheapest = Mip::kInf;
      for (const Buy& b : buys)
        if (b.cluster == static_cast<int>(c) && b.quarter == q) cheapest = std::min(cheapest, b.price);
      if (!std::isfinite(cheapest))
        binding = spec.clusters[c].baseline
                      ? fmt::format("no part on the market can join {} (the baseline cannot be lowered)",
                                    spec.clusters[c].baseline->name)
                      : "no part of the cluster's vendor is on the market";
      else if (budget > 0 && budget - spent < cheapest)
        binding = fmt::format("the budget of ${} is spent", grouped(budget, 0));
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
      if (few)
        binding = fmt::format("{} host(s) below the minimum of {}; {}", std::lround(val(sh)), plan.rules[c].min_hosts,
                              binding);
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
  if (o.budget || msg.plan().budget_usd() > 0 || C == 1)
    return solve_clusters(spec, msg, catalog, o, std::vector<bool>(C, true));
  Plan all;
  Options each = o;
  // --time-limit is the whole solve's: each cluster gets what is left,
  // shared among the clusters still to solve (at least 5 s, so that each
  // finds a solution; a cluster's node limit usually ends it sooner).
  const auto begin = std::chrono::steady_clock::now();
  int stopped = 0;
  std::string stop_reason;
  bool proven = true;
  for (size_t c = 0; c < C; ++c) {
    std::vector<bool> one(C, false);
    one[c] = true;
    const double used = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    each.time_limit_s = std::max(5.0, (o.time_limit_s - used) / static_cast<double>(C - c));
    Plan p = solve_clusters(spec, msg, catalog, each, one);
    if (std::getenv("EVCSIM_CBC_LOG"))  // NOLINT(concurrency-mt-unsafe): read before any thread
      fmt::print(stderr, "evcsim plan: cluster {}: {} in {:.1f} s ({} variables, {} integer, {} constraints)\n",
                 spec.clusters[c].name, p.status, p.solve_s, p.variables, p.integers, p.rows);
    if (c == 0) all.groups = p.groups, all.quarters = p.quarters, all.rules = p.rules, all.costs = p.costs;
    for (auto& x : p.purchases) all.purchases.push_back(std::move(x));
    for (auto& x : p.retirements) all.retirements.push_back(x);
    for (auto& x : p.raises) all.raises.push_back(std::move(x));
    for (auto& x : p.shortfalls) all.shortfalls.push_back(std::move(x));
    all.objective += p.objective;
    all.solve_s += p.solve_s;
    all.gap += p.gap;  // the clusters' programs are separate: their bounds add up
    all.variables += p.variables;
    all.integers += p.integers;
    all.rows += p.rows;
    all.predicted_feature_vm_years += p.predicted_feature_vm_years;
    if (p.status.rfind("optimal", 0) != 0) {
      proven = false, ++stopped;
      const auto open = p.status.find('('), cut = p.status.find(';');
      if (stop_reason.empty() && open != std::string::npos && cut != std::string::npos)
        stop_reason = p.status.substr(open + 1, cut - open - 1);
    }
  }
  if (!proven)
    all.status = fmt::format("feasible, not proven optimal ({} of {} clusters stopped, e.g. at the {}; {})", stopped, C,
                             stop_reason, gap_text(all.gap, all.objective));
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
  std::set<std::string> names;
  for (const auto& p : plan.purchases) {
    auto* op = msg.add_at();
    op->set_at_date(date(p.quarter, 0));
    auto* add = op->mutable_add_host();
    add->set_cluster(spec.clusters[static_cast<size_t>(p.cluster)].name);
    auto* h = add->mutable_hosts();
    h->set_cpu(p.part->name);
    h->set_count(static_cast<uint32_t>(p.count));
    // Unique: two catalog models of one generation bought the same quarter share the rest of the name.
    std::string name = fmt::format("{}-{}{}-{}", spec.clusters[static_cast<size_t>(p.cluster)].name, p.part->name,
                                   p.cores != 2 * p.part->cores_per_socket ? fmt::format("-{}c", p.cores) : "",
                                   plan.quarters[static_cast<size_t>(p.quarter)].str());
    for (int k = 2; !names.insert(name).second; ++k)
      name = fmt::format("{}-{}{}-{}-{}", spec.clusters[static_cast<size_t>(p.cluster)].name, p.part->name,
                         p.cores != 2 * p.part->cores_per_socket ? fmt::format("-{}c", p.cores) : "",
                         plan.quarters[static_cast<size_t>(p.quarter)].str(), k);
    h->set_name(name);
    h->set_ram_gib(static_cast<uint32_t>(std::lround(p.ram_gib)));
    if (p.cores != 2 * p.part->cores_per_socket) h->set_cores(static_cast<uint32_t>(p.cores));
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
