// `evcsim plan SCENARIO --out DIR`: the optimizer's plan (plan/planner.hpp),
// checked by simulation. Each round solves the program, writes the plan as a
// scenario and runs it in its own process; where the simulation disagrees (a
// raise refused because a host could not leave, power-ons refused for want
// of room) the disagreement becomes a constraint and the program is solved
// again, a few times at most. The scenario as given runs beside it, and
// plan.json and plan.html put the two side by side.
#include <filesystem>
#include <future>
#include <iostream>
#include <set>

#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include "cli/commands.hpp"
#include "catalog/catalog.hpp"
#include "base/error.hpp"
#include "base/textproto.hpp"
#include "base/text_util.hpp"
#include "plan/plan.pb.h"
#include "plan/planner.hpp"
#include "reports/compare_report.hpp"
#include "events/event_store.hpp"
#include "reports/html_chart.hpp"
#include "base/json.hpp"
#include "reports/output_dir.hpp"
#include "reports/results.hpp"
#include "scenario/scenario.pb.h"
#include "sweep/backends.hpp"

namespace evcsim::cli {

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

double total(const report::RunResults& r, const char* key) {
  auto it = r.totals().find(key);
  return it == r.totals().end() ? 0 : it->second;
}

plan_report::Figures figures(const report::RunResults& r, const std::string& folder, uint32_t planned_hosts,
                      uint32_t planned_raises) {
  plan_report::Figures f;
  f.set_feature_vm_years(compared_value(r, "feature_vm_years"));
  f.set_crashes(static_cast<uint32_t>(total(r, "crashes")));
  f.set_outage_minutes(total(r, "outage_minutes"));
  f.set_power_cycles(static_cast<uint32_t>(total(r, "baseline_pickup_power_cycles")));
  f.set_hosts_bought(static_cast<uint32_t>(total(r, "hosts_bought")) + planned_hosts);
  f.set_raises(static_cast<uint32_t>(total(r, "baseline_raises")) + planned_raises);
  f.set_power_on_refused(static_cast<uint32_t>(total(r, "power_on_refused")));
  f.set_refused_operations(static_cast<uint32_t>(total(r, "refused_operations")));
  f.set_results(folder);
  return f;
}

// What the simulation of a plan disagreed with: raises it refused and
// power-ons it refused for want of room, as constraints for the next round.
std::vector<std::string> learn(const std::string& store, const ScenarioSpec& planned, const plan::Plan& p,
                               plan::Options* o) {
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
          learned.push_back(fmt::format("{}: the raise of {} was refused ({}); no raise in that quarter",
                                        e.date(), planned.clusters[c].name, why));
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

std::vector<ChartSeries> feature_vms(const report::RunResults& r, const std::string& name) {
  const report::Series* on = nullptr;
  for (const auto& s : r.series())
    if (s.family() == "vms" && s.key() == "on") on = &s;
  ChartSeries out{name, {}, {}, {}};
  if (!on) return {out};
  out.t.assign(on->t().begin(), on->t().end());
  out.v.assign(out.t.size(), 0);
  for (const auto& s : r.series())
    if (s.family() == "feature_share")
      for (int i = 0; i < s.value_size() && i < on->value_size(); ++i) out.v[static_cast<size_t>(i)] += s.value(i) * on->value(i);
  return {out};
}

ChartSeries hosts(const report::RunResults& r, const std::string& name) {
  ChartSeries out{name, {}, {}, {}};
  for (const auto& s : r.series()) {
    if (s.family() != "hosts_by_generation") continue;
    if (out.t.empty()) out.t.assign(s.t().begin(), s.t().end()), out.v.assign(out.t.size(), 0);
    for (int i = 0; i < s.value_size() && i < static_cast<int>(out.v.size()); ++i) out.v[static_cast<size_t>(i)] += s.value(i);
  }
  return out;
}

std::string plan_html(const plan_report::PlanReport& rep, const report::RunResults& base, const report::RunResults& planned,
                      const ScenarioSpec& spec) {
  auto row = [](const std::string& what, const std::string& a, const std::string& b) {
    return fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n", what, a, b);
  };
  const auto& b = rep.baseline();
  const auto& p = rep.plan();
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>evcsim plan: {0}</title><style>"
      "body{{font-family:sans-serif;margin:24px auto;max-width:1000px;color:#222}} table{{border-collapse:collapse;"
      "font-size:13px;margin:8px 0}} th,td{{border:1px solid #ddd;padding:4px 8px;text-align:left}} "
      "td.n{{text-align:right;font-variant-numeric:tabular-nums}} th{{background:#f3f3f3}} svg text{{font-family:"
      "sans-serif}} svg .title{{font-size:14px;font-weight:bold}} svg .tick,svg .legend{{font-size:11px;fill:#444}} "
      "svg .unit,svg .legend-title{{font-size:11px;font-weight:bold}} svg .note{{font-size:10px}} svg .grid{{stroke:#e5e5e5}} "
      "svg .axis{{stroke:#888}} svg .empty{{font-size:13px;fill:#888}}</style></head><body>\n"
      "<h1>evcsim plan: {0}</h1><p>objective <b>{1}</b>{2} &middot; {3} variables ({4} integer), {5} constraints "
      "&middot; solved in {6:.1f} s &middot; {7} round(s)</p>\n"
      "<table id=\"plan-figures\"><tr><th></th><th>the scenario as given</th><th>the plan, simulated</th></tr>\n",
      xml_escape(rep.scenario()), rep.objective(), rep.budget() > 0 ? fmt::format(", budget {}", rep.budget()) : "",
      rep.variables(), rep.integer_variables(), rep.constraints(), rep.solve_s(), rep.rounds_size());
  out += row("VM-feature-years (notable features)", grouped(b.feature_vm_years(), 0), grouped(p.feature_vm_years(), 0));
  out += row("crashes", grouped(b.crashes(), 0), grouped(p.crashes(), 0));
  out += row("outage minutes", grouped(b.outage_minutes(), 0), grouped(p.outage_minutes(), 0));
  out += row("power cycles that picked up a raise", grouped(b.power_cycles(), 0), grouped(p.power_cycles(), 0));
  out += row("hosts bought", grouped(b.hosts_bought(), 0), grouped(p.hosts_bought(), 0));
  out += row("baseline raises", grouped(b.raises(), 0), grouped(p.raises(), 0));
  out += row("power-ons refused", grouped(b.power_on_refused(), 0), grouped(p.power_on_refused(), 0));
  out += "</table>\n";
  ChartFrame frame{true, spec.start_date, spec.horizon_s, "VMs x notable features seen", false, 0};
  std::vector<ChartSeries> fv = feature_vms(base, "the scenario as given");
  for (auto& s : feature_vms(planned, "the plan")) fv.push_back(std::move(s));
  out += "<figure>" + svg_chart("plan-features", "Notable features the running VMs see, both runs", fv, ChartKind::step,
                                frame, "run") + "</figure>";
  frame.unit = "hosts";
  out += "<figure>" + svg_chart("plan-hosts", "Hosts in the fleet, both runs",
                                {hosts(base, "the scenario as given"), hosts(planned, "the plan")}, ChartKind::step, frame,
                                "run") + "</figure>";
  out += "<h2>The plan's actions</h2><table id=\"plan-actions\"><tr><th>date</th><th>cluster</th><th>action</th><th>"
         "details</th></tr>\n";
  for (const auto& a : rep.actions())
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", a.date(), xml_escape(a.cluster()),
                       a.action(), xml_escape(a.details()));
  out += "</table>\n";
  if (rep.shortfalls_size() > 0) {
    out += "<h2>Capacity the program could not provide</h2><table id=\"plan-shortfalls\"><tr><th>quarter</th><th>"
           "cluster</th><th>RAM short (GiB)</th><th>CPU short</th><th>binding constraint</th></tr>\n";
    for (const auto& s : rep.shortfalls())
      out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                         s.date(), xml_escape(s.cluster()), grouped(s.ram_gib(), 0), grouped(s.capacity(), 1),
                         xml_escape(s.binding()));
    out += "</table>\n";
  }
  out += "<h2>Rounds</h2><table id=\"plan-rounds\"><tr><th>round</th><th>solver</th><th>seconds</th><th>what the "
         "simulation disagreed with</th></tr>\n";
  for (const auto& r : rep.rounds())
    out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"n\">{:.1f}</td><td>{}</td></tr>\n", r.round(), r.status(),
                       r.solve_s(), xml_escape(r.learned().empty() ? "nothing" : fmt::format("{}", fmt::join(r.learned(), "; "))));
  return out + "</table></body></html>\n";
}

}  // namespace

void add_plan_command(CLI::App& app, Runner* runner) {
  struct Args {
    std::string file, out, objective = "balanced", horizon;
    double budget = 0, window = 1, time_limit = 60;
    int rounds = 3;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("plan", "Find when to raise each baseline and what to buy, and check the plan by simulation");
  cmd->add_option("SCENARIO", a->file, "a scenario with start_date and refresh { lifetime_years }")->required();
  cmd->add_option("--out", a->out, "write plan.textproto, plan.json, plan.html and both runs here")->required();
  cmd->add_option("--objective", a->objective, "features (VM-feature-years first), outage (fewer raises, more headroom) "
                                               "or balanced")
      ->capture_default_str();
  cmd->add_option("--budget", a->budget, "most the purchases may cost over the horizon, in relative price (a mature "
                                         "two-socket host is 1.0); default: none")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--horizon", a->horizon, "plan this long instead of the scenario's horizon: 10y, 18mo");
  cmd->add_option("--window", a->window, "hosts retire within lifetime_years +/- this many years")
      ->check(CLI::Range(0.0, 5.0))
      ->capture_default_str();
  cmd->add_option("--time-limit", a->time_limit,
                  "seconds the solver may take per program (each cluster's; the whole fleet's with --budget)")
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  cmd->add_option("--rounds", a->rounds, "solve-and-simulate rounds at most")->check(CLI::Range(1, 10))->capture_default_str();
  cmd->footer("docs/plan.md writes the program out. Exit codes: 0 a plan was found and simulated, 2 bad input.");
  cmd->callback([=] {
    *runner = [=] {
      const Catalog& cat = Catalog::builtin();
      plan::objective_named(a->objective);  // a bad name fails before anything runs
      scenario::Scenario msg;
      std::string text = read_file(a->file);
      ScenarioSpec spec = parse_scenario(text, a->file, cat);  // errors name file, line and field
      google::protobuf::TextFormat::ParseFromString(text, &msg);
      if (!a->horizon.empty()) {
        try {
          (void)parse_duration(a->horizon);
        } catch (const InputError& e) {
          throw InputError(e.message(), "", 0, "--horizon");
        }
        msg.clear_horizon_s();
        msg.clear_end_date();
        msg.set_horizon(a->horizon);
        google::protobuf::TextFormat::PrintToString(msg, &text);
        spec = parse_scenario(text, a->file, cat);
      }
      const fs::path root = fs::absolute(a->out);
      OutputDir out(root.string());
      // The scenario as given, for comparison (with the same horizon), in the background.
      out.write("scenario.textproto", text);
      auto baseline = std::async(std::launch::async, [root] {
        return simulate((root / "scenario.textproto").string(), (root / "baseline-run").string());
      });
      plan::Options o;
      o.objective = a->objective;
      if (a->budget > 0) o.budget = a->budget;
      o.window_years = a->window;
      o.time_limit_s = a->time_limit;
      plan_report::PlanReport rep;
      rep.set_scenario(spec.name);
      rep.set_objective(a->objective);
      rep.set_budget(a->budget);
      plan::Plan p;
      report::RunResults planned;
      for (int round = 1; round <= a->rounds; ++round) {
        std::cerr << fmt::format("evcsim plan: round {}: solving ...\n", round);
        p = plan::solve(spec, msg, cat, o);
        auto* r = rep.add_rounds();
        r->set_round(static_cast<uint32_t>(round));
        r->set_status(p.status);
        r->set_solve_s(p.solve_s);
        r->set_objective(p.objective);
        std::cerr << fmt::format("evcsim plan: round {}: {} in {:.1f} s ({} variables, {} integer, {} constraints); "
                                 "{} purchase(s), {} retirement(s), {} raise(s); simulating ...\n",
                                 round, p.status, p.solve_s, p.variables, p.integers, p.rows, p.purchases.size(),
                                 p.retirements.size(), p.raises.size());
        const std::string plan_text = plan::plan_scenario_text(msg, spec, p);
        out.write("plan.textproto", plan_text);
        ScenarioSpec planned_spec = parse_scenario(plan_text, (root / "plan.textproto").string(), cat);
        fs::remove_all(root / "plan-run");
        planned = simulate((root / "plan.textproto").string(), (root / "plan-run").string());
        if (round == a->rounds) break;
        auto learned = learn((root / "plan-run" / "events.sqlite").string(), planned_spec, p, &o);
        for (const auto& l : learned) r->add_learned(l), std::cerr << "evcsim plan:   " << l << "\n";
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
      *rep.mutable_baseline() = figures(base, "baseline-run", 0, 0);
      *rep.mutable_plan() = figures(planned, "plan-run", bought, static_cast<uint32_t>(p.raises.size()));
      // The actions, by date.
      std::vector<std::tuple<int, int, plan_report::Action>> actions;
      auto act = [&](int q, int order, const std::string& cluster, const char* what, std::string details) {
        plan_report::Action x;
        x.set_date(calendar_date(spec.start_date, seconds_at(spec.start_date, p.quarters[static_cast<size_t>(q)].str()) +
                                                      (order == 2 ? plan::kRaiseDelayDays * 86400 : 0)));
        x.set_cluster(cluster);
        x.set_action(what);
        x.set_details(std::move(details));
        actions.emplace_back(q, order, std::move(x));
      };
      for (const auto& x : p.purchases)
        act(x.quarter, 0, spec.clusters[static_cast<size_t>(x.cluster)].name, "buy",
            fmt::format("{} x {} ({}; {} each{})", x.count, x.part->name, x.why, grouped(x.price_each, 2),
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
      out.write("plan.html", plan_html(rep, base, planned, spec));

      const auto& b = rep.baseline();
      const auto& pl = rep.plan();
      std::cout << fmt::format("evcsim plan: {} ({} objective, {} round(s), solved in {:.1f} s)\n", spec.name,
                               a->objective, rep.rounds_size(), p.solve_s);
      std::cout << fmt::format("  {:<36} {:>16} {:>16}\n", "", "as given", "plan");
      auto line = [](const char* what, double x, double y) {
        std::cout << fmt::format("  {:<36} {:>16} {:>16}\n", what, grouped(x, 0), grouped(y, 0));
      };
      line("VM-feature-years (notable features)", b.feature_vm_years(), pl.feature_vm_years());
      line("crashes", b.crashes(), pl.crashes());
      line("outage minutes", b.outage_minutes(), pl.outage_minutes());
      line("power cycles that picked up a raise", b.power_cycles(), pl.power_cycles());
      line("hosts bought", b.hosts_bought(), pl.hosts_bought());
      line("baseline raises", b.raises(), pl.raises());
      for (const auto& s : rep.shortfalls())
        std::cout << fmt::format("  short: {} cluster {}: {} GiB RAM, {} CPU: {}\n", s.date(), s.cluster(),
                                 grouped(s.ram_gib(), 0), grouped(s.capacity(), 1), s.binding());
      std::cout << fmt::format("wrote {}/plan.{{textproto,json,html}}; the runs in baseline-run/ and plan-run/\n",
                               a->out);
      return 0;
    };
  });
}

}  // namespace evcsim::cli
