// The HTML report: one self-contained file (Vega-Lite charts drawn by the
// inlined vega-embed, reports/vega_chart.hpp; inline CSS; no network) that answers a
// planner's questions at a glance: when the baselines moved and what that
// bought, what was bought and retired, which crashes are one story, which
// migrations missed the downtime target.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "base/text_util.hpp"
#include "base/year_month.hpp"
#include "reports/results.hpp"
#include "reports/vega_chart.hpp"

namespace evcsim {
namespace {

using Line = ChartSeries;
using Kind = ChartKind;
using Clock = ChartClock;
using Axis = ChartAxis;

constexpr double kDay = 86400;

std::string esc(const std::string& s) { return xml_escape(s); }

std::vector<Line> family(const report::RunResults& r, const std::string& name, const std::string& key_prefix = "") {
  std::vector<Line> out;
  for (const auto& s : r.series()) {
    if (s.family() != name) continue;
    Line l{key_prefix + s.key(),
           {s.t().begin(), s.t().end()},
           {s.value().begin(), s.value().end()},
           {s.label().begin(), s.label().end()}};
    out.push_back(std::move(l));
  }
  return out;
}

// A table; `numeric` columns are right-aligned. `note` says what is cut.
std::string table(const std::string& id, const std::string& title, const std::string& intro,
                  const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& numeric = {}, const std::string& note = "") {
  std::string out = fmt::format("<h2 id=\"{}-title\">{}</h2>\n", id, esc(title));
  if (!intro.empty()) out += "<p class=\"intro\">" + esc(intro) + "</p>\n";
  if (rows.empty()) return out + fmt::format("<p class=\"none\" id=\"{}\">none</p>\n", id);
  out += fmt::format("<table id=\"{}\"><thead><tr>", id);
  for (const auto& h : head) out += "<th>" + esc(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c)
      out += (c < numeric.size() && numeric[c] ? "<td class=\"n\">" : "<td>") + esc(row[c]) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
  if (!note.empty()) out += "<p class=\"none\">" + esc(note) + "</p>\n";
  return out;
}

std::string joined(const google::protobuf::RepeatedPtrField<std::string>& v, const char* sep = " ") {
  return fmt::format("{}", fmt::join(v, sep));
}

std::string count_text(double v) { return grouped(v, 0); }

// Features by family, with the count: "14: AVX-512 (9): F, CD, BW, DQ, VL, ...;
// AMX (3): TILE, INT8, BF16; other (2): aes, sha_ni" (issue 24: 53 raw flag
// names in one cell). Families in the order they first appear.
std::string feature_families(const google::protobuf::RepeatedPtrField<std::string>& features) {
  struct Family {
    const char* prefix;
    const char* name;
    bool strip;  // members without the prefix: avx512bw -> BW
  };
  static const Family kFamilies[] = {{"avx512", "AVX-512", true}, {"amx", "AMX", true},  {"avx10", "AVX10", true},
                                     {"avx", "AVX", false},       {"sse", "SSE", false}, {"ssse", "SSE", false}};
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& f : features) {
    std::string family = "other", member = f;
    for (const auto& k : kFamilies)
      if (f.rfind(k.prefix, 0) == 0) {
        family = k.name;
        member = k.strip ? f.substr(std::string(k.prefix).size()) : f;
        while (!member.empty() && (member[0] == '_' || member[0] == '-')) member.erase(0, 1);
        if (member.empty()) member = f;
        std::transform(member.begin(), member.end(), member.begin(), [](unsigned char c) { return std::toupper(c); });
        break;
      }
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == family; });
    if (it == groups.end()) it = groups.insert(groups.end(), {family, {}});
    it->second.push_back(member);
  }
  std::string out = count_text(static_cast<double>(features.size()));
  for (size_t i = 0; i < groups.size(); ++i)
    out += fmt::format("{} {} ({}): {}", i == 0 ? ":" : ";", groups[i].first, groups[i].second.size(),
                       fmt::join(groups[i].second, ", "));
  return out;
}

// "the first N of M (all of them in FILE)" when a table is cut.
std::string cut_note(size_t shown, size_t total, const std::string& where) {
  return total > shown ? fmt::format("the first {} of {}; all of them in {}", count_text(static_cast<double>(shown)),
                                     count_text(static_cast<double>(total)), where)
                       : "";
}

}  // namespace

std::string results_html(const report::RunResults& r, VegaCharts* charts, const report::NamedLists* lists) {
  const auto& id = r.scenario();
  Clock clock;
  clock.horizon = id.horizon_s();
  clock.calendar = !id.start_date().empty();
  if (clock.calendar) clock.start = parse_year_month(id.start_date());
  auto total = [&](const char* k) {
    auto it = r.totals().find(k);
    return it == r.totals().end() ? 0.0 : it->second;
  };
  const std::string span = clock.calendar
                               ? fmt::format("{} to {} ({})", clock.at(0), id.end_date(), Clock::elapsed(clock.horizon))
                               : Clock::elapsed(clock.horizon) + " simulated";
  std::string out = fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>evcsim: {0}</title>
<style>
body {{ font-family: sans-serif; margin: 24px auto; max-width: 1000px; color: #222; }}
h1 {{ font-size: 22px; margin-bottom: 4px; }} h2 {{ font-size: 17px; margin-top: 28px; }}
.sub {{ color: #555; margin-top: 0; }} .intro {{ color: #444; font-size: 13px; margin: 4px 0 8px; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 110px; }}
.card b {{ display: block; font-size: 22px; }} .card.bad b {{ color: #c0392b; }} .card.good b {{ color: #27794a; }}
table {{ border-collapse: collapse; width: 100%; font-size: 12px; }}
th, td {{ border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
th {{ background: #f3f3f3; }} .none {{ color: #777; font-size: 12px; }}
.ok {{ color: #27794a; font-weight: bold; }} .fail {{ color: #c0392b; font-weight: bold; }}
</style>
{8}</head><body>
<h1>evcsim: {0}</h1>
<p class="sub">{1}<br>{2} &middot; seed {3} &middot; policy <b>{4}</b> &middot; {5} host(s), {6} VM(s) &middot; {7}</p>
)",
                                esc(id.name()), esc(id.description()), esc(id.file()), id.seed(), esc(id.policy()),
                                id.hosts(), id.vms(), esc(span), vega_head());
  auto card = [&](const char* label, double v, bool bad_if_positive) {
    return fmt::format("<div class=\"card{}\"><b>{}</b>{}</div>", bad_if_positive ? (v > 0 ? " bad" : " good") : "",
                       v == std::round(v) ? count_text(v) : grouped(v, 1), label);
  };
  out += "<div class=\"cards\" id=\"totals\">";
  out += card("crashes", total("crashes"), true);
  out += card("blocked migrations", total("blocked_migrations"), true);
  out += card("live migrations", total("migrations"), false);
  out += card("over the downtime target", total("migrations_over_downtime_target"), true);
  out += card("cold migrations", total("cold_migrations"), false);
  out += card("outage minutes", total("outage_minutes"), true);
  out += card("baseline raises", total("baseline_raises"), false);
  out += card("hosts bought", total("hosts_bought"), false);
  out += card("hosts retired", total("hosts_retired"), false);
  out += card("refused operations",
              total("refused_operations") + total("power_on_refused") + total("host_join_refused"), true);
  out += "</div>\n";

  const double bar_s = id.sample_interval_s() > 0 ? id.sample_interval_s() : clock.horizon / 100;
  const std::string per = per_interval(bar_s);
  auto chart = [&](const std::string& chart_id, const std::string& title, const std::vector<Line>& lines, Kind kind,
                   const Clock& c, const Axis& axis, const std::string& legend_title) {
    VegaChart v = time_chart(chart_id, title, lines, kind, c, axis, legend_title, bar_s);
    std::string html = chart_html(v);
    if (charts) charts->push_back(std::move(v));
    return html;
  };
  out += chart("chart-baseline", "Each cluster's baseline: features it passes to VMs (its name at each change)",
               family(r, "baseline"), Kind::step, clock, {"features in the baseline"}, "cluster");
  out += chart("chart-hosts", "Hosts by CPU generation", family(r, "hosts_by_generation"), Kind::stacked_steps, clock,
               {"hosts"}, "CPU generation");
  std::vector<Line> events = family(r, "crashes", "crash: ");
  for (auto& l : family(r, "blocked", "blocked: ")) events.push_back(std::move(l));
  out += chart("chart-events", "Crashes and blocked migrations " + per + ", by cause", events, Kind::stacked_bars,
               clock, {"events " + per}, "cause");
  out += chart("chart-migrations", "Live migrations " + per, family(r, "migrations"), Kind::stacked_bars, clock,
               {"migrations " + per}, "migrations");
  out += chart("chart-features", "Features seen: share of running VMs whose guest view has each feature",
               family(r, "feature_share"), Kind::step, clock, {"% of running VMs", true, 1.0}, "feature");
  out += chart("chart-in-use", "Features in use: share of running VMs whose software uses each feature",
               family(r, "feature_in_use"), Kind::step, clock, {"% of running VMs", true, 1.0}, "feature");
  out += chart("chart-levels", "VMs by guest-view level (the highest x86-64 level their view contains)",
               family(r, "vms_by_level"), Kind::stacked_steps, clock, {"running VMs"}, "x86-64 level");
  out += chart("chart-imbalance", "Load imbalance across hosts, and the part compatibility left",
               family(r, "imbalance"), Kind::line, clock, {"std. deviation of host load (0 to 1)"}, "measure");
  out += chart("chart-domains", "Migration domains (host classes VMs move between both ways)",
               family(r, "migration_domains"), Kind::step, clock, {"domains / hosts"}, "measure");

  // Baseline raises: when possible, when made, what they bought, who saw it.
  std::vector<std::vector<std::string>> rows;
  for (const auto& x : r.raises()) {
    const double waited = (x.raised_at_s() - x.possible_since_s()) / kDay;
    std::string gained = feature_families(x.gained());
    if (!x.locks_out().empty())
      gained += fmt::format(" (shuts out {}: lacks {})", x.locks_out(), joined(x.locks_out_missing(), ", "));
    std::string seen = x.all_seen_at_s() >= 0 ? fmt::format("{} ({} days after)", clock.at(x.all_seen_at_s()),
                                                            grouped((x.all_seen_at_s() - x.raised_at_s()) / kDay, 0))
                                              : "not by the end";
    rows.push_back({x.cluster(), x.from() + " → " + x.to(), clock.at(x.possible_since_s()), clock.at(x.raised_at_s()),
                    grouped(waited, 0), gained, count_text(x.vms_waiting()), seen, count_text(x.cycles_required()),
                    count_text(x.cycles_that_picked_it_up())});
  }
  out += table("table-raises", "Baseline raises",
               "A raise is possible when every host of the cluster can join the new mode; each VM running below it "
               "needs one power cycle to see it (here the routine patch windows and power cycles bring it).",
               {"cluster", "from → to", "possible since", "made", "days waited", "features gained", "VMs below it",
                "all saw it", "power cycles needed", "picked up by routine cycles"},
               rows, {false, false, false, false, true, false, true, false, true, true});

  // Outage and vMotions by year, over every cluster (by cluster in results.json).
  rows.clear();
  struct Year {
    double host_years = 0, vmotions = 0, outage = 0;
    std::map<std::string, double> by_cause;
    std::string worst;
    double worst_minutes = 0;
  };
  std::map<int, Year> years;
  for (const auto& y : r.cluster_years()) {
    Year& sum = years[y.year()];
    sum.host_years += y.host_years();
    sum.vmotions += y.vmotions_total();
    sum.outage += y.outage_minutes_total();
    for (const auto& [cause, minutes] : y.outage_minutes()) sum.by_cause[cause] += minutes;
    if (y.outage_minutes_total() > sum.worst_minutes)
      sum.worst = y.cluster(), sum.worst_minutes = y.outage_minutes_total();
  }
  const char* causes[] = {"ha_restart", "ha_waiting_for_capacity", "cold_migration", "maintenance", "power_cycle"};
  for (const auto& [year, y] : years) {
    std::vector<std::string> row{std::to_string(year), grouped(y.host_years, 1), grouped(y.outage, 1)};
    for (const char* c : causes) row.push_back(grouped(y.by_cause.count(c) ? y.by_cause.at(c) : 0, 1));
    row.push_back(y.host_years > 0 ? grouped(y.vmotions / y.host_years, 1) : "-");
    row.push_back(y.worst.empty() ? "-" : fmt::format("{} ({})", y.worst, grouped(y.worst_minutes, 1)));
    rows.push_back(std::move(row));
  }
  out += table("table-outage-by-year", "Outage and vMotions by year",
               fmt::format("VM-minutes of outage by cause and vMotions per host-year, over every cluster ({}); by "
                           "cluster in results.json (cluster_years).",
                           r.scenario().start_date().empty() ? "years of the run, from 1" : "calendar years"),
               {"year", "host-years", "outage", "HA restart", "HA waiting for capacity", "cold migration",
                "maintenance", "power cycles for raises", "vMotions per host-year", "most outage"},
               rows, {false, true, true, true, true, true, true, true, true, false});

  rows.clear();
  const int kRows = 200;
  for (int i = 0; i < std::min(kRows, r.purchases_size()); ++i) {
    const auto& p = r.purchases(i);
    rows.push_back({clock.at(p.t()), p.cluster(), p.cpu(), count_text(p.count()), p.why()});
  }
  out += table("table-purchases", "Hosts bought", "What the market sold at each date, for the cluster that needed it.",
               {"date", "cluster", "part", "hosts", "why"}, rows, {false, false, false, true, false},
               cut_note(rows.size(), static_cast<size_t>(r.purchases_size()), "results.json (purchases)"));

  rows.clear();
  int failed = 0;
  for (const auto& m : r.maintenances()) failed += m.outcome() == "failed";
  std::vector<const report::Maintenance*> shown;
  for (const auto& m : r.maintenances())  // failures first: they are what a planner must act on
    if (m.outcome() == "failed") shown.push_back(&m);
  for (const auto& m : r.maintenances())
    if (m.outcome() != "failed") shown.push_back(&m);
  if (shown.size() > kRows) shown.resize(kRows);
  for (const auto* m : shown)
    rows.push_back(
        {clock.at(m->t()), m->host(), m->cpu(), m->why(), m->outcome(), m->end_t() >= 0 ? clock.at(m->end_t()) : "-",
         count_text(m->moved_live()), count_text(m->moved_cold()), count_text(m->attempts()),
         m->reason().empty() ? "" : m->reason() + (m->features_size() ? " [" + joined(m->features()) + "]" : "")});
  out += table("table-maintenance", "Maintenance and retirement",
               fmt::format("{} maintenance(s), {} that never completed (listed first).",
                           count_text(r.maintenances_size()), count_text(failed)),
               {"started", "host", "CPU", "why", "outcome", "ended", "VMs moved live", "VMs moved cold",
                "failed attempts", "why it failed"},
               rows, {false, false, false, false, false, false, true, true, true, false},
               cut_note(rows.size(), static_cast<size_t>(r.maintenances_size()), "results.json (maintenances)"));

  // Crashes as stories: software, route between CPU models, missing features.
  std::vector<const report::CrashGroup*> groups;
  for (const auto& g : r.crash_groups()) groups.push_back(&g);
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto* a, const auto* b) { return a->crashes() > b->crashes(); });
  rows.clear();
  for (const auto* g : groups)
    rows.push_back({g->software() + (g->kernel() ? " (kernel)" : ""),
                    g->src_cpu().empty() ? "no move: on " + g->dst_cpu() : g->src_cpu() + " → " + g->dst_cpu(),
                    joined(g->missing(), ", "), g->cause(), count_text(g->crashes()), count_text(g->vms()),
                    clock.at(g->first_t()), clock.at(g->last_t()), g->example_vm()});
  out += table("table-crashes", "Crashes, grouped",
               fmt::format("{} crash(es) in {} group(s): the same software, moved between the same CPU models, "
                           "missing the same features.",
                           count_text(total("crashes")), groups.size()),
               {"software", "from → to (CPU model)", "missing", "cause", "crashes", "VMs", "first", "last", "e.g. VM"},
               rows, {false, false, false, false, true, true, false, false, false});

  rows.clear();
  for (const auto& m : r.slow_migrations())
    rows.push_back({clock.at(m.t()), m.vm(), m.src() + " → " + m.dst(), grouped(1000 * m.downtime_s(), 0),
                    grouped(m.duration_s(), 1), count_text(m.rounds())});
  out += table("table-slow-migrations",
               fmt::format("Migrations over the {} ms downtime target", grouped(id.max_downtime_ms(), 0)),
               "Pre-copy did not converge within the target: the guest paused longer than allowed.",
               {"date", "VM", "route", "downtime (ms)", "duration (s)", "rounds"}, rows,
               {false, false, false, true, true, true},
               cut_note(rows.size(), static_cast<size_t>(total("migrations_over_downtime_target")),
                        "events.sqlite (migration_completed, over_downtime_target)"));

  rows.clear();
  for (int i = 0; i < std::min(50, r.blocked_size()); ++i) {
    const auto& b = r.blocked(i);
    rows.push_back({clock.at(b.t()), b.vm(), b.src() + " → " + b.dst(), b.code(), joined(b.features()), b.reason()});
  }
  out +=
      table("table-blocked", "Blocked migrations", "", {"date", "VM", "route", "code", "features", "reason"}, rows, {},
            cut_note(rows.size(), static_cast<size_t>(total("blocked_migrations")), "blocked.csv and events.sqlite"));
  rows.clear();
  for (int i = 0; i < std::min(50, r.refused_size()); ++i) {
    const auto& x = r.refused(i);
    rows.push_back({clock.at(x.t()), x.type(), !x.operation().empty() ? x.operation() : x.vm() + x.host(),
                    joined(x.features()), x.reason()});
  }
  out += table("table-refused", "Refused operations, power-ons and host joins", "",
               {"date", "what", "subject", "features", "reason"}, rows, {},
               cut_note(rows.size(), static_cast<size_t>(r.refused_size()), "refused.csv and events.sqlite"));
  if (lists) out += lists_html(*lists);  // the VMs by name: below a raise, moved cold, waiting for room
  rows.clear();
  for (const auto& e : r.expectations())
    rows.push_back({e.ok() ? "ok" : "FAIL",
                    e.text().empty() ? fmt::format("{} {} {}", e.metric(), e.op(), e.value())
                                     : fmt::format("{} {} \"{}\"", e.metric(), e.op(), e.text()),
                    e.text().empty() ? fmt::format("{}", e.measured()) : e.measured_name()});
  out += table("table-expectations", "Expectations", "", {"", "expectation", "measured"}, rows);
  out += "</body></html>\n";
  return out;
}

}  // namespace evcsim
