#include "reports/plan_report.hpp"

#include <vector>

#include <fmt/format.h>

#include "base/text_util.hpp"
#include "reports/compare_report.hpp"
#include "reports/results.hpp"
#include "reports/vega_chart.hpp"

namespace evcsim {
namespace {

double total(const report::RunResults& r, const char* key) {
  auto it = r.totals().find(key);
  return it == r.totals().end() ? 0 : it->second;
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
      for (int i = 0; i < s.value_size() && i < on->value_size(); ++i)
        out.v[static_cast<size_t>(i)] += s.value(i) * on->value(i);
  return {out};
}

ChartSeries hosts(const report::RunResults& r, const std::string& name) {
  ChartSeries out{name, {}, {}, {}};
  for (const auto& s : r.series()) {
    if (s.family() != "hosts_by_generation") continue;
    if (out.t.empty()) out.t.assign(s.t().begin(), s.t().end()), out.v.assign(out.t.size(), 0);
    for (int i = 0; i < s.value_size() && i < static_cast<int>(out.v.size()); ++i)
      out.v[static_cast<size_t>(i)] += s.value(i);
  }
  return out;
}

std::string usd(double v) { return "$" + grouped(v, 0); }

// The three fleets' costs per year side by side (HTML).
std::string cost_html(const plan_report::PlanReport& rep) {
  std::vector<const plan_report::FleetCost*> fleets{&rep.do_nothing_cost()};
  if (rep.has_baseline_cost()) fleets.push_back(&rep.baseline_cost());
  fleets.push_back(&rep.plan_cost());
  std::string out =
      "<h2>Cost per year</h2><p>Averages per year over the horizon, in US dollars: hardware is what is bought "
      "(spread over the years of the horizon), licensing and power are what the hosts present cost. "
      "&ldquo;Do nothing&rdquo; is the fleet as it is, nothing bought, nothing retired.</p>"
      "<table id=\"plan-costs\"><tr><th></th>";
  const char* names[] = {"do nothing", "the scenario as given", "the plan"};
  for (const auto* f : fleets)
    out += fmt::format("<th>{}</th>", f->fleet() == "do nothing" ? names[0]
                                      : f->fleet() == "as given" ? names[1]
                                                                 : names[2]);
  out += "</tr>\n";
  auto line = [&](const char* what, auto get) {
    out += fmt::format("<tr><td>{}</td>", what);
    for (const auto* f : fleets) out += fmt::format("<td class=\"n\">{}</td>", get(*f));
    out += "</tr>\n";
  };
  line("hardware per year", [](const plan_report::FleetCost& f) { return usd(f.hardware_usd_per_year()); });
  line("licensing per year", [](const plan_report::FleetCost& f) { return usd(f.licensing_usd_per_year()); });
  line("power per year", [](const plan_report::FleetCost& f) { return usd(f.power_usd_per_year()); });
  line("<b>total per year</b>",
       [](const plan_report::FleetCost& f) { return "<b>" + usd(f.total_usd_per_year()) + "</b>"; });
  line("hosts, first &rarr; last quarter",
       [](const plan_report::FleetCost& f) { return fmt::format("{} &rarr; {}", f.hosts_start(), f.hosts_end()); });
  line("physical cores", [](const plan_report::FleetCost& f) {
    return fmt::format("{} &rarr; {}", grouped(f.physical_cores_start(), 0), grouped(f.physical_cores_end(), 0));
  });
  line("licensed cores", [](const plan_report::FleetCost& f) {
    return fmt::format("{} &rarr; {}", grouped(f.licensed_cores_start(), 0), grouped(f.licensed_cores_end(), 0));
  });
  out +=
      "</table>\n<h3>The plan, year by year</h3><table id=\"plan-cost-years\"><tr><th>year</th><th>hardware</th>"
      "<th>licensing</th><th>power</th><th>total</th><th>hosts</th><th>physical cores</th><th>licensed cores</th>"
      "</tr>\n";
  for (const auto& y : rep.plan_cost().years())
    out += fmt::format(
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n",
        y.quarters() == 4 ? std::to_string(y.year())
                          : fmt::format("{} ({} quarter{})", y.year(), y.quarters(), y.quarters() == 1 ? "" : "s"),
        usd(y.hardware_usd()), usd(y.licensing_usd()), usd(y.power_usd()), usd(y.total_usd()), y.hosts(),
        grouped(y.physical_cores(), 0), grouped(y.licensed_cores(), 0));
  out += "</table>\n<p>Assumptions:</p><ul>";
  for (const auto& a : rep.cost_assumptions()) out += "<li>" + xml_escape(a) + "</li>";
  out += "</ul>\n";
  out +=
      "<h2>Clusters: hosts, HA and minimum size</h2><table id=\"plan-clusters\"><tr><th>cluster</th><th>kept</th>"
      "<th>hosts before</th><th>hosts after</th><th>fewest hosts</th><th>licensing per year before &rarr; after"
      "</th><th>power per year before &rarr; after</th><th>quarters short</th></tr>\n";
  for (const auto& c : rep.clusters()) {
    int bad = 0;
    for (const auto& q : c.quarters()) bad += !q.ok();
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{} &rarr; {}</td><td class=\"n\">{} &rarr; {}</td><td class=\"n\">{}</td></tr>\n",
        xml_escape(c.cluster()), xml_escape(c.rule()), c.hosts_before(), c.hosts_after(), c.fewest_hosts(),
        usd(c.licensing_usd_per_year_before()), usd(c.licensing_usd_per_year_after()),
        usd(c.power_usd_per_year_before()), usd(c.power_usd_per_year_after()), bad);
  }
  return out + "</table>\n";
}

}  // namespace

plan_report::Figures plan_figures(const report::RunResults& r, const std::string& folder, uint32_t planned_hosts,
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

std::string plan_html(const plan_report::PlanReport& rep, const report::RunResults& base,
                      const report::RunResults& planned, const ScenarioSpec& spec, VegaCharts* charts) {
  auto row = [](const std::string& what, const std::string& a, const std::string& b) {
    return fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n", what, a, b);
  };
  const auto& b = rep.baseline();
  const auto& p = rep.plan();
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>evcsim plan: {0}</title><style>"
      "body{{font-family:sans-serif;margin:24px auto;max-width:1000px;color:#222}} table{{border-collapse:collapse;"
      "font-size:13px;margin:8px 0}} th,td{{border:1px solid #ddd;padding:4px 8px;text-align:left}} "
      "td.n{{text-align:right;font-variant-numeric:tabular-nums}} th{{background:#f3f3f3}}</style>\n{8}</head><body>\n"
      "<h1>evcsim plan: {0}</h1><p>objective <b>{1}</b>{2} &middot; {3} variables ({4} integer), {5} constraints "
      "&middot; solved in {6:.1f} s &middot; {7} round(s)</p>\n"
      "<table id=\"plan-figures\"><tr><th></th><th>the scenario as given</th><th>the plan, simulated</th></tr>\n",
      xml_escape(rep.scenario()), rep.objective(), rep.budget() > 0 ? fmt::format(", budget {}", rep.budget()) : "",
      rep.variables(), rep.integer_variables(), rep.constraints(), rep.solve_s(), rep.rounds_size(), vega_head());
  out += row("VM-feature-years (notable features)", grouped(b.feature_vm_years(), 0), grouped(p.feature_vm_years(), 0));
  out += row("crashes", grouped(b.crashes(), 0), grouped(p.crashes(), 0));
  out += row("outage minutes", grouped(b.outage_minutes(), 0), grouped(p.outage_minutes(), 0));
  out += row("power cycles that picked up a raise", grouped(b.power_cycles(), 0), grouped(p.power_cycles(), 0));
  out += row("hosts bought", grouped(b.hosts_bought(), 0), grouped(p.hosts_bought(), 0));
  out += row("baseline raises", grouped(b.raises(), 0), grouped(p.raises(), 0));
  out += row("power-ons refused", grouped(b.power_on_refused(), 0), grouped(p.power_on_refused(), 0));
  out += "</table>\n";
  const ChartClock clock{true, spec.start_date, spec.horizon_s};
  auto chart = [&](VegaChart v) {
    out += chart_html(v);
    if (charts) charts->push_back(std::move(v));
  };
  std::vector<ChartSeries> fv = feature_vms(base, "the scenario as given");
  for (auto& s : feature_vms(planned, "the plan")) fv.push_back(std::move(s));
  chart(time_chart("plan-features", "Notable features the running VMs see, both runs", fv, ChartKind::step, clock,
                   {"VMs x notable features seen"}, "run"));
  chart(time_chart("plan-hosts", "Hosts in the fleet, both runs",
                   {hosts(base, "the scenario as given"), hosts(planned, "the plan")}, ChartKind::step, clock,
                   {"hosts"}, "run"));
  out += cost_html(rep);
  out +=
      "<h2>The plan's actions</h2><table id=\"plan-actions\"><tr><th>date</th><th>cluster</th><th>action</th><th>"
      "details</th></tr>\n";
  for (const auto& a : rep.actions())
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", a.date(), xml_escape(a.cluster()),
                       a.action(), xml_escape(a.details()));
  out += "</table>\n";
  if (rep.shortfalls_size() > 0) {
    out +=
        "<h2>Capacity the program could not provide</h2><table id=\"plan-shortfalls\"><tr><th>quarter</th><th>"
        "cluster</th><th>RAM short (GiB)</th><th>CPU short</th><th>binding constraint</th></tr>\n";
    for (const auto& s : rep.shortfalls())
      out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>\n",
                         s.date(), xml_escape(s.cluster()), grouped(s.ram_gib(), 0), grouped(s.capacity(), 1),
                         xml_escape(s.binding()));
    out += "</table>\n";
  }
  out +=
      "<h2>Rounds</h2><table id=\"plan-rounds\"><tr><th>round</th><th>solver</th><th>seconds</th><th>what the "
      "simulation disagreed with</th></tr>\n";
  for (const auto& r : rep.rounds())
    out += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"n\">{:.1f}</td><td>{}</td></tr>\n", r.round(), r.status(),
                       r.solve_s(),
                       xml_escape(r.learned().empty() ? "nothing" : fmt::format("{}", fmt::join(r.learned(), "; "))));
  return out + "</table></body></html>\n";
}

std::string plan_text(const plan_report::PlanReport& rep) {
  std::string out;
  const auto& b = rep.baseline();
  const auto& pl = rep.plan();
  out += fmt::format("evcsim plan: {} ({} objective, {} round(s), solved in {:.1f} s)\n", rep.scenario(),
                     rep.objective(), rep.rounds_size(), rep.solve_s());
  out += fmt::format("  {:<36} {:>16} {:>16}\n", "", "as given", "plan");
  auto line = [&](const char* what, double x, double y) {
    out += fmt::format("  {:<36} {:>16} {:>16}\n", what, grouped(x, 0), grouped(y, 0));
  };
  line("VM-feature-years (notable features)", b.feature_vm_years(), pl.feature_vm_years());
  line("crashes", b.crashes(), pl.crashes());
  line("outage minutes", b.outage_minutes(), pl.outage_minutes());
  line("power cycles that picked up a raise", b.power_cycles(), pl.power_cycles());
  line("hosts bought", b.hosts_bought(), pl.hosts_bought());
  line("baseline raises", b.raises(), pl.raises());
  auto money = [&](const char* what, auto get) {
    out += fmt::format("  {:<36} {:>16} {:>16}", what, usd(get(rep.do_nothing_cost())),
                       rep.has_baseline_cost() ? usd(get(rep.baseline_cost())) : "");
    out += fmt::format(" {:>16}\n", usd(get(rep.plan_cost())));
  };
  out += fmt::format("  {:<36} {:>16} {:>16} {:>16}\n", "cost per year (USD)", "do nothing", "as given", "plan");
  money("hardware", [](const plan_report::FleetCost& f) { return f.hardware_usd_per_year(); });
  money("licensing", [](const plan_report::FleetCost& f) { return f.licensing_usd_per_year(); });
  money("power", [](const plan_report::FleetCost& f) { return f.power_usd_per_year(); });
  money("total", [](const plan_report::FleetCost& f) { return f.total_usd_per_year(); });
  auto cores = [&](const char* what, auto get) {
    out += fmt::format("  {:<36} {:>16} {:>16} {:>16}\n", what, get(rep.do_nothing_cost()),
                       rep.has_baseline_cost() ? get(rep.baseline_cost()) : "", get(rep.plan_cost()));
  };
  cores("licensed cores, first -> last", [](const plan_report::FleetCost& f) {
    return fmt::format("{} -> {}", f.licensed_cores_start(), f.licensed_cores_end());
  });
  cores("hosts, first -> last",
        [](const plan_report::FleetCost& f) { return fmt::format("{} -> {}", f.hosts_start(), f.hosts_end()); });
  for (const auto& c : rep.clusters()) {
    int bad = 0;
    for (const auto& q : c.quarters()) bad += !q.ok();
    out +=
        fmt::format("  cluster {}: {} -> {} hosts (fewest {}; {}){}\n", c.cluster(), c.hosts_before(), c.hosts_after(),
                    c.fewest_hosts(), c.rule(), bad ? fmt::format("; {} quarter(s) short of it", bad) : "");
  }
  for (const auto& s : rep.shortfalls())
    out += fmt::format("  short: {} cluster {}: {} GiB RAM, {} CPU: {}\n", s.date(), s.cluster(),
                       grouped(s.ram_gib(), 0), grouped(s.capacity(), 1), s.binding());
  return out;
}

}  // namespace evcsim
