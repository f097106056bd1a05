#include "plan/refine.hpp"

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

}  // namespace

int plan_and_check(const PlanRequest& req, std::ostream& summary, std::ostream& progress) {
  const Catalog& cat = Catalog::builtin();
  objective_named(req.options.objective);  // a bad name fails before anything runs
  scenario::Scenario msg;
  std::string text = read_file(req.scenario);
  ScenarioSpec spec = parse_scenario(text, req.scenario, cat);  // errors name file, line and field
  google::protobuf::TextFormat::ParseFromString(text, &msg);
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
            "{} x {} ({}; {} each{})", x.count, x.part->name, x.why, grouped(x.price_each, 2),
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
  out.write("plan.json", to_json(rep));
  VegaCharts charts;
  out.write("plan.html", plan_html(rep, base, planned, spec, &charts));
  write_chart_specs(root.string(), charts);

  summary << plan_text(rep);
  summary << fmt::format("wrote {}/plan.{{textproto,json,html}}; the runs in baseline-run/ and plan-run/\n", req.out);
  return 0;
}

}  // namespace evcsim::plan
