#include "plan/refine.hpp"

#include <algorithm>
#include <filesystem>
#include <future>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include "base/error.hpp"
#include "base/json.hpp"
#include "base/text_util.hpp"
#include "base/textproto.hpp"
#include "events/event_store.hpp"
#include "plan/do_nothing.hpp"
#include "policy/procurement/procurement_policy.hpp"
#include "reports/output_dir.hpp"
#include "reports/plan_report.hpp"
#include "scenario/scenario.pb.h"
#include "sweep/backends.hpp"

namespace evcsim::plan {

namespace fs = std::filesystem;

namespace {

// Runs `evcsim run` on a scenario in its own process (one SimGrid engine
// per process); returns its results.
report::RunResults simulate(const std::string& scenario, const std::string& out) {
  auto r = sweep::run_shell(fmt::format("{} run {} --out {} --format json,html --events operations --quiet",
                                        sweep::sh_quote(sweep::self_binary()), sweep::sh_quote(scenario),
                                        sweep::sh_quote(out)));
  if (r.status != 0 && r.status != 3)  // 3: an expectation failed, the run itself is fine
    throw std::runtime_error(fmt::format("simulating {} failed (exit {}):\n{}", scenario, r.status, r.text));
  report::RunResults results;
  read_json_file((fs::path(out) / "results.json").string(), &results);
  return results;
}

// What the simulation of a plan disagreed with: raises it refused and
// power-ons it refused for want of room, as constraints for the next round.
std::vector<std::string> learn(const std::string& store, const ScenarioSpec& planned, const Plan& p, Options* o) {
  std::vector<std::string> learned;
  EventReader reader(store);
  EventQuery q;
  q.types = {"operation_refused", "power_on_refused"};
  std::set<std::pair<int, int>> raises;
  std::map<int, int> refused_power_ons;
  std::map<std::string, int> cluster_of_vm;  // built once: refusals can number thousands
  for (const auto& v : planned.vms) cluster_of_vm.emplace(v.name, v.cluster);
  reader.read(q, [&](const report::EventRecord& e) {
    int quarter = 0;
    for (size_t k = 0; k < p.quarters.size(); ++k)
      if (seconds_at(planned.start_date, p.quarters[k].str()) <= e.t()) quarter = static_cast<int>(k);
    if (e.type() == "operation_refused" && e.operation().rfind("set_baseline ", 0) == 0) {
      auto words = split_ws(e.operation());
      for (size_t c = 0; c < planned.clusters.size(); ++c)
        if (words.size() > 1 && planned.clusters[c].name == words[1] &&
            raises.insert({static_cast<int>(c), quarter}).second) {
          o->no_raise.insert({static_cast<int>(c), quarter});
          std::string why = e.reason();
          if (why.size() > 120) why = why.substr(0, why.rfind(' ', 117)) + " ...";
          learned.push_back(fmt::format("{}: the raise of {} was refused ({}); no raise in that quarter", e.date(),
                                        planned.clusters[c].name, why));
        }
    } else if (e.type() == "power_on_refused") {
      if (auto it = cluster_of_vm.find(e.vm()); it != cluster_of_vm.end()) ++refused_power_ons[it->second];
    }
  });
  std::set<int> known_short;  // the program already says these clusters run short
  for (const auto& s : p.shortfalls) known_short.insert(s.cluster);
  for (const auto& [c, n] : refused_power_ons) {
    if (known_short.count(c)) continue;
    o->extra_headroom[c] += 0.1;
    learned.push_back(fmt::format("cluster {}: {} power-on(s) refused for want of room (packing); 10% more headroom",
                                  planned.clusters[static_cast<size_t>(c)].name, n));
  }
  return learned;
}

// The scenario as given, as a fleet: its hosts, and what its run bought and
// retired (the run's events), each at the nearest quarter.
std::vector<Stint> baseline_fleet(const ScenarioSpec& spec, const Plan& p, const std::string& store) {
  const int Q = static_cast<int>(p.quarters.size());
  auto quarter_of = [&](double t) {
    const double q = t / (365.25 * 86400 / 4);
    return std::clamp(static_cast<int>(std::lround(q)), 0, Q);
  };
  std::vector<Stint> out;
  std::map<std::string, size_t> by_name;
  size_t h = 0;
  for (const auto& g : p.groups)
    for (int i = 0; i < g.count; ++i, ++h) {
      by_name[spec.hosts[h].name] = out.size();
      out.push_back({g.cluster, g.cpu, g.sockets, g.cores, g.ram_gib, 0, Q, 0});
    }
  std::map<std::string, int> cluster_index;
  for (size_t c = 0; c < spec.clusters.size(); ++c) cluster_index[spec.clusters[c].name] = static_cast<int>(c);
  EventReader reader(store);
  EventQuery q;
  q.types = {"host_bought", "host_retired"};
  reader.read(q, [&](const report::EventRecord& e) {
    const int at = quarter_of(e.t());
    if (e.type() == "host_bought") {
      const CpuModel* part = Catalog::builtin().find_cpu(e.cpu());
      if (!part) return;
      const double ram = static_cast<double>(bought_ram_mib(*part, spec.refresh.ram_gib)) / 1024;
      const int cores = 2 * part->cores_per_socket;
      const auto c = cluster_index.find(e.cluster());
      by_name[e.host()] = out.size();
      out.push_back({c == cluster_index.end() ? 0 : c->second, part, 2, cores, ram, at, Q,
                     at < Q ? p.costs.host_price(*part, cores, ram, p.quarters[static_cast<size_t>(at)]) : 0});
    } else if (auto it = by_name.find(e.host()); it != by_name.end()) {
      out[it->second].to = std::min(out[it->second].to, std::max(at, out[it->second].from));
    }
  });
  return out;
}

plan_report::FleetCost fleet_cost_message(const FleetCost& f, const char* name) {
  plan_report::FleetCost m;
  m.set_fleet(name);
  m.set_hardware_usd_per_year(f.hardware);
  m.set_licensing_usd_per_year(f.licensing);
  m.set_power_usd_per_year(f.power);
  m.set_total_usd_per_year(f.hardware + f.licensing + f.power);
  m.set_hosts_start(static_cast<uint32_t>(f.hosts_start));
  m.set_hosts_end(static_cast<uint32_t>(f.hosts_end));
  m.set_physical_cores_start(static_cast<uint32_t>(f.cores_start));
  m.set_physical_cores_end(static_cast<uint32_t>(f.cores_end));
  m.set_licensed_cores_start(static_cast<uint32_t>(f.licensed_start));
  m.set_licensed_cores_end(static_cast<uint32_t>(f.licensed_end));
  for (const auto& y : f.years) {
    auto* x = m.add_years();
    x->set_year(static_cast<uint32_t>(y.year));
    x->set_hardware_usd(y.hardware);
    x->set_licensing_usd(y.licensing);
    x->set_power_usd(y.power);
    x->set_total_usd(y.hardware + y.licensing + y.power);
    x->set_hosts(static_cast<uint32_t>(y.hosts));
    x->set_physical_cores(static_cast<uint32_t>(y.physical_cores));
    x->set_licensed_cores(static_cast<uint32_t>(y.licensed_cores));
    x->set_quarters(static_cast<uint32_t>(y.quarters));
  }
  return m;
}

}  // namespace

void add_plan_costs(plan_report::PlanReport& rep, const ScenarioSpec& spec, const Plan& p,
                    const std::vector<Stint>* baseline) {
  const auto plan_hosts = plan_fleet(p), nothing = do_nothing_fleet(p);
  *rep.mutable_plan_cost() = fleet_cost_message(fleet_cost(p.costs, plan_hosts, p.quarters), "plan");
  if (baseline)
    *rep.mutable_baseline_cost() = fleet_cost_message(fleet_cost(p.costs, *baseline, p.quarters), "as given");
  *rep.mutable_do_nothing_cost() = fleet_cost_message(fleet_cost(p.costs, nothing, p.quarters), "do nothing");
  for (const auto& a : p.costs.assumptions) rep.add_cost_assumptions(a);
  const auto states = quarter_states(spec, p);
  const int last = static_cast<int>(p.quarters.size()) - 1;
  for (size_t c = 0; c < spec.clusters.size(); ++c) {
    const ClusterRule& rule = p.rules[c];
    auto* cp = rep.add_clusters();
    cp->set_cluster(spec.clusters[c].name);
    cp->set_rule(rule.text);
    cp->set_min_hosts(static_cast<uint32_t>(rule.min_hosts));
    uint32_t before = 0;
    for (const auto& g : p.groups)
      if (g.cluster == static_cast<int>(c)) before += static_cast<uint32_t>(g.count);
    cp->set_hosts_before(before);
    cp->set_hosts_after(states[c].empty() ? before : static_cast<uint32_t>(states[c].back().hosts));
    const auto [lic0, pow0] = running_usd_year(p.costs, nothing, static_cast<int>(c), 0, p.quarters.front());
    const auto [lic1, pow1] = running_usd_year(p.costs, plan_hosts, static_cast<int>(c), std::max(0, last),
                                               p.quarters[static_cast<size_t>(std::max(0, last))]);
    cp->set_licensing_usd_per_year_before(lic0);
    cp->set_licensing_usd_per_year_after(lic1);
    cp->set_power_usd_per_year_before(pow0);
    cp->set_power_usd_per_year_after(pow1);
    uint32_t fewest = before;
    for (size_t q = 0; q < states[c].size(); ++q) {
      const QuarterState& s = states[c][q];
      auto* x = cp->add_quarters();
      x->set_date(p.quarters[q].str());
      x->set_hosts(static_cast<uint32_t>(s.hosts));
      x->set_ram_gib(s.ram_gib);
      x->set_capacity(s.capacity);
      const double ram_left =
          rule.ha_share > 0 ? s.ram_gib * (1 - rule.ha_share) : s.ram_gib - rule.ha_hosts * s.largest_ram_gib;
      const double cap_left =
          rule.ha_share > 0 ? s.capacity * (1 - rule.ha_share) : s.capacity - rule.ha_hosts * s.largest_capacity;
      x->set_ram_after_failure_gib(ram_left);
      x->set_capacity_after_failure(cap_left);
      x->set_demand_ram_gib(s.demand_ram_gib);
      x->set_demand_capacity(s.demand_capacity);
      x->set_ok(s.hosts >= rule.min_hosts && ram_left >= s.demand_ram_gib * (1 - 1e-9) - 1e-6 &&
                cap_left >= s.demand_capacity * (1 - 1e-9) - 1e-6);
      fewest = std::min(fewest, static_cast<uint32_t>(s.hosts));
    }
    cp->set_fewest_hosts(fewest);
  }
}

int plan_and_check(const PlanRequest& req, std::ostream& summary, std::ostream& progress) {
  const Catalog& cat = Catalog::builtin();
  objective_named(req.options.objective);  // a bad name fails before anything runs
  scenario::Scenario msg;
  std::string text = read_file(req.scenario);
  ScenarioSpec spec = parse_scenario(text, req.scenario, cat);  // errors name file, line and field
  google::protobuf::TextFormat::ParseFromString(text, &msg);
  const CapturedViews views = captured_views(text, req.scenario, spec, cat);
  if (!req.horizon.empty()) {
    try {
      (void)parse_duration(req.horizon);
    } catch (const InputError& e) {
      throw InputError(e.message(), "", 0, "--horizon");
    }
    msg.clear_horizon_s();
    msg.clear_end_date();
    msg.set_horizon(req.horizon);
    google::protobuf::TextFormat::PrintToString(msg, &text);
    spec = parse_scenario(text, req.scenario, cat);
  }
  const fs::path root = fs::absolute(req.out);
  OutputDir out(root.string());
  // The scenario as given, for comparison (with the same horizon), in the background.
  out.write("scenario.textproto", text);
  auto baseline = std::async(std::launch::async, [root] {
    return simulate((root / "scenario.textproto").string(), (root / "baseline-run").string());
  });
  Options o = req.options;
  plan_report::PlanReport rep;
  rep.set_scenario(spec.name);
  rep.set_objective(o.objective);
  rep.set_budget(o.budget.value_or(0));
  Plan p;
  report::RunResults planned;
  for (int round = 1; round <= req.rounds; ++round) {
    progress << fmt::format("evcsim plan: round {}: solving ...\n", round);
    p = solve(spec, msg, cat, o);
    auto* r = rep.add_rounds();
    r->set_round(static_cast<uint32_t>(round));
    r->set_status(p.status);
    r->set_solve_s(p.solve_s);
    r->set_objective(p.objective);
    progress << fmt::format(
        "evcsim plan: round {}: {} in {:.1f} s ({} variables, {} integer, {} constraints); "
        "{} purchase(s), {} retirement(s), {} raise(s); simulating ...\n",
        round, p.status, p.solve_s, p.variables, p.integers, p.rows, p.purchases.size(), p.retirements.size(),
        p.raises.size());
    const std::string planned_text = plan_scenario_text(msg, spec, p);
    out.write("plan.textproto", planned_text);
    ScenarioSpec planned_spec = parse_scenario(planned_text, (root / "plan.textproto").string(), cat);
    fs::remove_all(root / "plan-run");
    planned = simulate((root / "plan.textproto").string(), (root / "plan-run").string());
    if (round == req.rounds) break;
    auto learned = learn((root / "plan-run" / "events.sqlite").string(), planned_spec, p, &o);
    for (const auto& l : learned) r->add_learned(l), progress << "evcsim plan:   " << l << "\n";
    if (learned.empty()) break;
  }
  rep.set_variables(static_cast<uint32_t>(p.variables));
  rep.set_integer_variables(static_cast<uint32_t>(p.integers));
  rep.set_constraints(static_cast<uint32_t>(p.rows));
  rep.set_solve_s(p.solve_s);
  rep.set_predicted_feature_vm_years(p.predicted_feature_vm_years);
  uint32_t bought = 0;
  for (const auto& x : p.purchases) bought += static_cast<uint32_t>(x.count);
  report::RunResults base = baseline.get();
  *rep.mutable_baseline() = plan_figures(base, "baseline-run", 0, 0);
  *rep.mutable_plan() = plan_figures(planned, "plan-run", bought, static_cast<uint32_t>(p.raises.size()));
  {
    const auto given = baseline_fleet(spec, p, (root / "baseline-run" / "events.sqlite").string());
    add_plan_costs(rep, spec, p, &given);
    rep.set_replace_over(msg.plan().replace_over().empty() ? o.replace_over.value_or("2y")
                                                           : o.replace_over.value_or(msg.plan().replace_over()));
  }
  // The actions, by date.
  std::vector<std::tuple<int, int, plan_report::Action>> actions;
  auto act = [&](int q, int order, const std::string& cluster, const char* what, std::string details) {
    plan_report::Action x;
    x.set_date(calendar_date(spec.start_date, seconds_at(spec.start_date, p.quarters[static_cast<size_t>(q)].str()) +
                                                  (order == 2 ? kRaiseDelayDays * 86400 : 0)));
    x.set_cluster(cluster);
    x.set_action(what);
    x.set_details(std::move(details));
    actions.emplace_back(q, order, std::move(x));
  };
  for (const auto& x : p.purchases)
    act(x.quarter, 0, spec.clusters[static_cast<size_t>(x.cluster)].name, "buy",
        fmt::format(
            "{} x {} ({}; {} cores, {} GiB; ${} each{})", x.count, x.part->name, x.why, x.cores, grouped(x.ram_gib, 0),
            grouped(x.price_each, 0),
            x.retire_quarter >= 0 ? ", retire " + p.quarters[static_cast<size_t>(x.retire_quarter)].str() : ""));
  for (const auto& x : p.retirements) {
    const auto& g = p.groups[static_cast<size_t>(x.group)];
    act(x.quarter, 1, spec.clusters[static_cast<size_t>(g.cluster)].name, "retire",
        fmt::format("{} x {} ({}, bought {})", g.count, g.name, g.cpu->name, g.purchased.str()));
  }
  for (const auto& x : p.raises)
    act(x.quarter, 2, spec.clusters[static_cast<size_t>(x.cluster)].name, "raise",
        fmt::format("{} to {} (+{} notable, +{} features)", x.from, x.to, x.notable_gained, x.features_gained));
  std::stable_sort(actions.begin(), actions.end(), [](const auto& l, const auto& r) {
    return std::tie(std::get<0>(l), std::get<1>(l)) < std::tie(std::get<0>(r), std::get<1>(r));
  });
  for (auto& [q, order, x] : actions) *rep.add_actions() = std::move(x);
  for (const auto& s : p.shortfalls) {
    auto* x = rep.add_shortfalls();
    x->set_date(p.quarters[static_cast<size_t>(s.quarter)].str());
    x->set_cluster(spec.clusters[static_cast<size_t>(s.cluster)].name);
    x->set_ram_gib(s.ram_gib);
    x->set_capacity(s.capacity);
    x->set_binding(s.binding);
  }
  // What breaks if we do nothing, and with the plan (plan/do_nothing.hpp).
  *rep.mutable_do_nothing() = outlook(spec, cat, nullptr, views);
  *rep.mutable_with_plan() = outlook(spec, cat, &p, views);
  add_recommendations(spec, cat, p, &rep);
  out.write("plan.json", to_json(rep));
  VegaCharts charts;
  std::string html = plan_html(rep, base, planned, spec, &charts);
  html.insert(html.rfind("</body>"), do_nothing_html(rep));
  out.write("plan.html", html);
  write_chart_specs(root.string(), charts);

  summary << plan_text(rep) << do_nothing_text(rep);
  summary << fmt::format("wrote {}/plan.{{textproto,json,html}}; the runs in baseline-run/ and plan-run/\n", req.out);
  return 0;
}

}  // namespace evcsim::plan
