// The HTML report (reports/html_report.cpp): results_html of a tiny run and
// of hand-made results, and the Vega-Lite specs of its charts (reports/vega_chart.hpp).
#include <algorithm>
#include <string>
#include <vector>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "reports/compare_report.hpp"
#include "reports/results.hpp"
#include "reports/run_summary.hpp"
#include "reports/vega_chart.hpp"
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

// A spec parsed as JSON (it must be JSON), as a protobuf Struct.
google::protobuf::Struct parsed(const std::string& spec) {
  google::protobuf::Struct s;
  auto status = google::protobuf::util::JsonStringToMessage(spec, &s);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << spec.substr(0, 400);
  return s;
}
const google::protobuf::Value& at(const google::protobuf::Struct& s, const std::string& key) {
  static const google::protobuf::Value none;
  auto it = s.fields().find(key);
  return it == s.fields().end() ? none : it->second;
}

// The scripts of a page: the three inlined bundles, the embedding function,
// and one call per chart; none with a src (nothing from the network).
void expect_self_contained(const std::string& html, size_t charts) {
  EXPECT_EQ(count_of(html, "<script>"), 4 + charts);
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("vega-embed/build/vega-embed.min.js"), std::string::npos);
}

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
  VegaCharts charts;
  const std::string html = results_html(r, &charts);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</body></html>"), std::string::npos);
  ASSERT_EQ(charts.size(), 9u);
  for (const char* id : {"chart-baseline", "chart-hosts", "chart-events", "chart-migrations", "chart-features",
                         "chart-in-use", "chart-levels", "chart-imbalance", "chart-domains"}) {
    EXPECT_NE(html.find(std::string("<figure class=\"chart\" id=\"") + id + "\""), std::string::npos) << id;
    auto it = std::find_if(charts.begin(), charts.end(), [&](const VegaChart& c) { return c.name == id; });
    ASSERT_NE(it, charts.end()) << id;
    EXPECT_NE(html.find(it->spec), std::string::npos) << id << ": the page draws the spec written beside it";
    EXPECT_EQ(at(parsed(it->spec), "$schema").string_value(), "https://vega.github.io/schema/vega-lite/v6.json");
  }
  expect_self_contained(html, 9);
  // The crash is one group, named by the VM; the name is text, never markup.
  const std::string crashes = element(html, "table-crashes", "</table>");
  ASSERT_FALSE(crashes.empty()) << "no crash table";
  EXPECT_NE(crashes.find("<td>enc</td><td>harpertown → clovertown</td><td>sse4_1</td><td>probing-software</td>"),
            std::string::npos)
      << crashes;
  EXPECT_NE(crashes.find(std::string("<td>") + kHostileEscaped + "</td>"), std::string::npos) << crashes;
  EXPECT_EQ(html.find(kHostile), std::string::npos);  // nor inside a chart's data: \u003c in JSON
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
  auto* raise = r.add_raises();
  raise->set_cluster("c");
  raise->set_from("intel-icelake");
  raise->set_to("intel-sapphirerapids");
  for (const char* f : {"avx512_bf16", "amx_tile", "amx_int8", "avx512_fp16", "serialize", "avx_vnni"})
    raise->add_gained(f);
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
  VegaCharts charts;
  const std::string html = results_html(hostile_results(), &charts);
  EXPECT_EQ(html.find(kHostile), std::string::npos);
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
  // A raise's features by family, with counts (issue 24: raw flags in one cell).
  EXPECT_NE(element(html, "table-raises", "</table>")
                .find("<td>6: AVX-512 (2): BF16, FP16; AMX (2): TILE, INT8; other (1): serialize; AVX (1): "
                      "AVX_VNNI</td>"),
            std::string::npos)
      << element(html, "table-raises", "</table>");
  // A calendar run: dates, a daily interval, a UTC time axis over the run.
  EXPECT_NE(html.find("2012-01-01 to 2015-12-31"), std::string::npos);
  EXPECT_NE(html.find("Live migrations per day"), std::string::npos);
  ASSERT_FALSE(charts.empty());
  const auto spec = parsed(charts[0].spec);
  const auto& x = at(at(spec, "encoding").struct_value(), "x").struct_value();
  EXPECT_EQ(at(x, "type").string_value(), "temporal");
  const auto& scale = at(x, "scale").struct_value();
  EXPECT_EQ(at(scale, "type").string_value(), "utc");
  const auto& domain = at(scale, "domain").list_value();
  ASSERT_EQ(domain.values_size(), 2);
  EXPECT_EQ(at(domain.values(0).struct_value(), "year").number_value(), 2012);
  EXPECT_EQ(at(domain.values(1).struct_value(), "year").number_value(), 2016);  // 2016-01-01, the end
  EXPECT_EQ(at(at(x, "axis").struct_value(), "title").string_value(), "date");
  expect_self_contained(html, charts.size());
}

// The rows of a time chart's data, as "series@t=value".
std::vector<std::string> rows_of(const google::protobuf::Struct& spec) {
  std::vector<std::string> out;
  for (const auto& row : at(at(spec, "data").struct_value(), "values").list_value().values())
    out.push_back(at(row.struct_value(), "s").string_value() + "@" +
                  std::to_string(static_cast<int>(at(row.struct_value(), "t").number_value())) + "=" +
                  std::to_string(static_cast<int>(at(row.struct_value(), "v").number_value())));
  return out;
}

// The interval a time chart opens on (its zoom selection's initial x), if any.
std::vector<double> opening(const google::protobuf::Struct& spec) {
  std::vector<double> out;
  const auto& param = at(spec, "params").list_value().values(0).struct_value();
  EXPECT_EQ(at(param, "bind").string_value(), "scales");  // wheel zooms, drag pans
  for (const auto& v : at(at(param, "value").struct_value(), "x").list_value().values())
    out.push_back(v.number_value());
  return out;
}

TEST(VegaChart, StackedBarsKeepOnlyPositiveValuesAndNamesStayText) {
  ChartClock clock;
  clock.horizon = 3600;
  std::vector<ChartSeries> series;
  series.push_back({"crash: <probe>", {0, 600, 1200}, {1, 0, 2}, {}});
  series.push_back({"blocked", {0, 600, 1200}, {3, 1, 0}, {}});
  const VegaChart c =
      time_chart("c1", "Events & more", series, ChartKind::stacked_bars, clock, {"events per minute"}, "cause", 600);
  EXPECT_EQ(c.name, "c1");
  EXPECT_EQ(c.spec.find("<probe>"), std::string::npos);
  EXPECT_NE(c.spec.find("crash: \\u003cprobe\\u003e"), std::string::npos);
  const auto spec = parsed(c.spec);
  EXPECT_EQ(rows_of(spec), (std::vector<std::string>{"crash: <probe>@0=1", "crash: <probe>@20=2", "blocked@0=3",
                                                     "blocked@10=1"}));  // minutes: the unit of a one-hour run
  EXPECT_EQ(at(at(spec, "title").struct_value(), "text").string_value(), "Events & more");
  const auto& enc = at(spec, "encoding").struct_value();
  EXPECT_EQ(at(at(at(enc, "x").struct_value(), "axis").struct_value(), "title").string_value(),
            "simulated time (minutes)");
  EXPECT_EQ(at(at(at(enc, "y").struct_value(), "axis").struct_value(), "title").string_value(), "events per minute");
  EXPECT_EQ(at(at(at(enc, "y").struct_value(), "scale").struct_value(), "nice").bool_value(), true);
  EXPECT_EQ(at(at(enc, "color").struct_value(), "title").string_value(), "cause");
  EXPECT_GE(at(enc, "tooltip").list_value().values_size(), 3);

  const VegaChart empty = time_chart("c3", "Nothing", {}, ChartKind::step, clock, {"x"}, "none");
  EXPECT_NE(empty.spec.find("nothing to show"), std::string::npos);
}

// Issue 24: with every change in the first month of a 5-year run, the chart
// opens on that month (zoom out to the whole run); spread changes show it all.
TEST(VegaChart, ATimeChartOpensWhereItsSeriesChange) {
  ChartClock clock;
  clock.calendar = true;
  clock.start = YearMonth{2026, 1};
  clock.horizon = 5 * 365.25 * 86400;
  const double day = 86400, ms0 = 1767225600000.0;  // 2026-01-01 UTC
  ChartSeries early{"prod", {0, 10 * day, 20 * day, clock.horizon}, {20, 25, 30, 30}, {"a", "b", "c", "c"}};
  const auto spec = parsed(time_chart("b", "Baselines", {early}, ChartKind::step, clock, {"features"}, "cluster").spec);
  const auto window = opening(spec);
  ASSERT_EQ(window.size(), 2u);
  EXPECT_LE(window[0], ms0 + 10 * day * 1000);
  EXPECT_GE(window[1], ms0 + 20 * day * 1000);
  EXPECT_LT(window[1] - window[0], 0.1 * clock.horizon * 1000);  // not the whole 5 years
  // A step series keeps its changes and its ends only.
  EXPECT_EQ(rows_of(spec).size(), 4u);
  EXPECT_NE(time_chart("b", "B", {early}, ChartKind::step, clock, {"f"}, "c").spec.find("\"l\":\"b\""),
            std::string::npos);

  ChartSeries spread{"prod", {0, 365 * day, 3 * 365 * day, clock.horizon}, {20, 25, 30, 30}, {}};
  EXPECT_TRUE(opening(parsed(time_chart("b", "B", {spread}, ChartKind::step, clock, {"f"}, "c").spec)).empty());
}

// compare/sweep charts: the interval is cut at 0 for counts; fewer than 5
// seeds are warned of (issue 24: "128 ± 184" from 2 seeds, no warning).
TEST(VegaChart, IntervalsAreCutAtZeroForCountsAndFewSeedsAreWarnedOf) {
  const IntervalRow count = interval_row("p", 128, 184, {5, 251}, "128 ± 184");
  EXPECT_EQ(count.low, 0);
  EXPECT_EQ(count.high, 312);
  EXPECT_EQ(interval_row("p", 1, 3, {-2, 4}, "").low, -2);  // a value below 0: the interval stands
  EXPECT_EQ(few_seeds_warning(5, "x"), "");
  EXPECT_NE(few_seeds_warning(2, "each interval").find("only 2 seed(s) behind each interval: fewer than 5"),
            std::string::npos);

  report::CompareResults c;
  c.set_scenario("s");
  c.add_metric("crashes");
  for (const char* name : {"a", "b"}) {
    auto* p = c.add_policies();
    p->set_policy(name);
    p->add_seeds(1);
    p->add_seeds(2);
    auto* m = p->add_metrics();
    m->set_metric("crashes");
    m->set_mean(128);
    m->set_ci95(184);
    m->add_values(5);
    m->add_values(251);
  }
  VegaCharts charts;
  const std::string html = compare_html(c, &charts);
  EXPECT_NE(html.find("<p class=\"warn\" id=\"few-seeds\">only 2 seed(s)"), std::string::npos);
  ASSERT_EQ(charts.size(), 1u);
  EXPECT_EQ(charts[0].name, "compare-crashes");
  const auto spec = parsed(charts[0].spec);
  const auto& rows = at(at(spec, "data").struct_value(), "values").list_value();
  ASSERT_EQ(rows.values_size(), 2);
  EXPECT_EQ(at(rows.values(0).struct_value(), "lo").number_value(), 0);
  EXPECT_EQ(at(rows.values(0).struct_value(), "hi").number_value(), 312);
  EXPECT_NE(charts[0].spec.find("fewer than 5"), std::string::npos);  // in the chart's subtitle too
  expect_self_contained(html, 1);
  for (int s = 3; s <= 5; ++s) c.mutable_policies(0)->add_seeds(static_cast<uint32_t>(s));
  EXPECT_EQ(compare_html(c).find("few-seeds"), std::string::npos);
}

}  // namespace
}  // namespace evcsim
