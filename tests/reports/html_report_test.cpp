// The HTML report (reports/html_report.cpp): results_html of a tiny run and
// of hand-made results, and the SVG charts it draws (reports/html_chart.hpp).
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "reports/html_chart.hpp"
#include "reports/results.hpp"
#include "reports/run_summary.hpp"
#include "tests/world/fake_sim.hpp"

namespace evcsim {
namespace {

size_t count_of(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// The text of the element with id="ID" up to its closing tag `end`.
std::string element(const std::string& html, const std::string& id, const std::string& end) {
  size_t at = html.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find(end, at) - at);
}

const char* kHostile = "<script>alert(\"pwned\")</script>";
const char* kHostileEscaped = "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;";

// A probing encoder in a VM with a hostile name, moved under a Merom
// baseline from a Penryn to a Clovertown: it crashes there.
report::RunResults tiny_run() {
  test::FakeRun run(std::string(R"(name: "tiny & <b>bold</b>"
horizon_s: 3600
report { sample_interval_s: 60 }
policy { name: "cluster-baseline" }
cluster { name: "c" baseline: "intel-merom"
  hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5310" name: "b" } }
vm { name: ')") + kHostile +
                    R"(' host: "a" software { name: "enc" detection: PROBE uses: ["sse4_1"] uses_per_s: 1 } }
at { at_s: 300 migrate { vm: ')" +
                    kHostile + R"(' host: "b" } }
expect { metric: "crashes" op: ">=" value: 1 }
)");
  run.run_until(3600);
  RunSummary summary(run.spec);
  ResultsCollector results(run.spec, summary);
  for (const Event& e : run.rec.events) {
    summary.on_event(e);
    results.on_event(e);
  }
  summary.on_end(3600);
  results.on_end(3600);
  return results.results();
}

TEST(HtmlReport, ATinyRunHasItsChartsAndTablesAndEscapesAHostileVmName) {
  const report::RunResults r = tiny_run();
  ASSERT_GE(r.crash_groups_size(), 1);
  ASSERT_EQ(r.crash_groups(0).example_vm(), kHostile);
  const std::string html = results_html(r);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</body></html>"), std::string::npos);
  for (const char* id : {"chart-baseline", "chart-hosts", "chart-events", "chart-migrations", "chart-features",
                         "chart-in-use", "chart-levels", "chart-imbalance", "chart-domains"})
    EXPECT_NE(html.find(std::string("<svg id=\"") + id + "\""), std::string::npos) << id;
  // The crash is one group, named by the VM; the name is text, never markup.
  const std::string crashes = element(html, "table-crashes", "</table>");
  ASSERT_FALSE(crashes.empty()) << "no crash table";
  EXPECT_NE(crashes.find("<td>enc</td><td>harpertown → clovertown</td><td>sse4_1</td><td>probing-software</td>"),
            std::string::npos)
      << crashes;
  EXPECT_NE(crashes.find(std::string("<td>") + kHostileEscaped + "</td>"), std::string::npos) << crashes;
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>bold</b>"), std::string::npos);
  EXPECT_NE(html.find("<title>evcsim: tiny &amp; &lt;b&gt;bold&lt;/b&gt;</title>"), std::string::npos);
  // The expectation held: the table says ok.
  EXPECT_NE(element(html, "table-expectations", "</table>").find("<td>ok</td><td>crashes &gt;= 1</td>"),
            std::string::npos);
  // Nothing was bought or raised: those tables say so rather than vanish.
  EXPECT_NE(html.find("<p class=\"none\" id=\"table-purchases\">none</p>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"none\" id=\"table-raises\">none</p>"), std::string::npos);
}

// Results written by hand: every table a name reaches, each name hostile.
report::RunResults hostile_results() {
  report::RunResults r;
  auto* id = r.mutable_scenario();
  id->set_name(kHostile);
  id->set_description("a & b");
  id->set_file("x.textproto");
  id->set_policy("cluster-baseline");
  id->set_horizon_s(4 * 365.25 * 86400);
  id->set_start_date("2012-01");
  id->set_end_date("2015-12-31");
  id->set_sample_interval_s(86400);
  id->set_max_downtime_ms(300);
  (*r.mutable_totals())["crashes"] = 3;
  (*r.mutable_totals())["migrations_over_downtime_target"] = 1;
  (*r.mutable_totals())["blocked_migrations"] = 1;
  auto* g = r.add_crash_groups();
  g->set_software("enc");
  g->set_src_cpu("harpertown");
  g->set_dst_cpu("clovertown");
  g->add_missing("sse4_1");
  g->set_cause("probing-software");
  g->set_crashes(1);
  g->set_vms(1);
  g->set_example_vm("first");
  auto* big = r.add_crash_groups();  // more crashes: listed first
  big->set_software("db");
  big->set_dst_cpu("clovertown");
  big->set_cause("guest-kernel");
  big->set_crashes(2);
  big->set_vms(1);
  big->set_example_vm(kHostile);
  auto* slow = r.add_slow_migrations();
  slow->set_t(86400);
  slow->set_vm(kHostile);
  slow->set_src("a");
  slow->set_dst("b");
  slow->set_downtime_s(0.45);
  slow->set_duration_s(12.5);
  slow->set_rounds(30);
  auto* blocked = r.add_blocked();
  blocked->set_vm(kHostile);
  blocked->set_src("a");
  blocked->set_dst("b");
  blocked->set_code("missing-features");
  blocked->add_features("sse4_1");
  blocked->set_reason("needs <sse4_1>");
  auto* m = r.add_maintenances();  // done, then failed: the failed one is listed first
  m->set_t(86400);
  m->set_host("done-host");
  m->set_outcome("retired");
  m->set_end_t(2 * 86400);
  auto* f = r.add_maintenances();
  f->set_t(3 * 86400);
  f->set_host("stuck-host");
  f->set_outcome("failed");
  f->set_end_t(-1);
  f->set_reason("1 VM(s) cannot leave");
  f->add_features("sse4_1");
  for (int i = 0; i < 250; ++i) {
    auto* p = r.add_purchases();
    p->set_t(86400.0 * i);
    p->set_cluster("c");
    p->set_cpu("westmere-ep");
    p->set_count(1);
    p->set_why("RAM headroom below the threshold");
  }
  return r;
}

TEST(HtmlReport, EveryNameIsEscapedAndTablesAreOrderedAndCut) {
  const std::string html = results_html(hostile_results());
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_GE(count_of(html, kHostileEscaped), 4u);  // title, heading, crash group, slow migration, blocked
  EXPECT_NE(html.find("needs &lt;sse4_1&gt;"), std::string::npos);
  EXPECT_NE(html.find("a &amp; b"), std::string::npos);
  // Crash groups by crashes, most first; a group that did not move says so.
  const std::string crashes = element(html, "table-crashes", "</table>");
  ASSERT_NE(crashes.find("<td>db</td>"), std::string::npos) << crashes;
  EXPECT_LT(crashes.find("<td>db</td>"), crashes.find("<td>enc</td>"));
  EXPECT_NE(crashes.find("<td>no move: on clovertown</td>"), std::string::npos) << crashes;
  // Failed maintenances first, with what kept the VMs.
  const std::string maintenance = element(html, "table-maintenance", "</table>");
  ASSERT_NE(maintenance.find("stuck-host"), std::string::npos) << maintenance;
  EXPECT_LT(maintenance.find("stuck-host"), maintenance.find("done-host"));
  EXPECT_NE(maintenance.find("1 VM(s) cannot leave [sse4_1]"), std::string::npos) << maintenance;
  // The downtime target heads its table; the downtime reads in ms.
  EXPECT_NE(html.find("Migrations over the 300 ms downtime target"), std::string::npos);
  EXPECT_NE(element(html, "table-slow-migrations", "</table>").find("<td class=\"n\">450</td>"), std::string::npos);
  // 250 purchases: the table shows 200 and says where the rest are.
  const std::string purchases = element(html, "table-purchases", "</table>");
  EXPECT_EQ(count_of(purchases, "<tr><td>"), 200u);
  EXPECT_NE(html.find("the first 200 of 250; all of them in results.json (purchases)"), std::string::npos);
  // The totals as cards: crashes are bad when there are any.
  EXPECT_NE(element(html, "totals", "</div>\n").find("<div class=\"card bad\"><b>3</b>crashes</div>"),
            std::string::npos)
      << element(html, "totals", "</div>\n");
  // A calendar run: dates, a daily interval, and year ticks on the time axis.
  EXPECT_NE(html.find("2012-01-01 to 2015-12-31"), std::string::npos);
  EXPECT_NE(html.find("Live migrations per day"), std::string::npos);
  EXPECT_NE(html.find(">2014</text>"), std::string::npos);
  EXPECT_NE(html.find("class=\"unit\" text-anchor=\"end\">date</text>"), std::string::npos);
}

TEST(HtmlReport, StackedBarsDrawOneBarPerPositiveValueAndTheLegendIsCapped) {
  ChartFrame frame;
  frame.horizon = 3600;
  frame.unit = "events per minute";
  std::vector<ChartSeries> series;
  series.push_back({"crash: <probe>", {0, 600, 1200}, {1, 0, 2}, {}});
  series.push_back({"blocked", {0, 600, 1200}, {3, 1, 0}, {}});
  const std::string svg = svg_chart("c1", "Events & more", series, ChartKind::stacked_bars, frame, "cause");
  EXPECT_EQ(svg.rfind("<figure><svg id=\"c1\"", 0), 0u) << svg.substr(0, 200);
  EXPECT_EQ(count_of(svg, "<rect x=") - 1 - series.size(), 4u);  // background, legend swatches, 4 bars
  EXPECT_NE(svg.find("<title>crash: &lt;probe&gt;: 2 from 20 min</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("Events &amp; more"), std::string::npos);
  EXPECT_EQ(svg.find("<probe>"), std::string::npos);
  EXPECT_NE(svg.find(">events per minute</text>"), std::string::npos);
  EXPECT_NE(svg.find(">simulated time</text>"), std::string::npos);
  EXPECT_EQ(svg.find("nothing to show"), std::string::npos);

  std::vector<ChartSeries> many;
  for (int i = 0; i < 15; ++i) many.push_back({"s" + std::to_string(i), {0, 1800}, {1, 2}, {}});
  const std::string crowded = svg_chart("c2", "Many", many, ChartKind::line, frame, "series");
  EXPECT_EQ(count_of(crowded, "class=\"legend\">"), 13u);  // 12 entries and "and 3 more"
  EXPECT_NE(crowded.find("class=\"legend\">and 3 more</text>"), std::string::npos);
  EXPECT_EQ(count_of(crowded, "<polyline"), 15u);

  const std::string empty = svg_chart("c3", "Nothing", {}, ChartKind::step, frame, "none");
  EXPECT_NE(empty.find("nothing to show"), std::string::npos);
}

}  // namespace
}  // namespace evcsim
