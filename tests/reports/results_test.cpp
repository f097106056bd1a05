// The output formats of a run, from one real simulation (one per process).
#include "reports/results.hpp"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "catalog/catalog.hpp"
#include "cpu/feature_registry.hpp"
#include "engine/engine.hpp"
#include "world/events.hpp"

namespace evcsim {
namespace {

const char* kScenario = R"(name: "formats"
description: "probing app under EVC, with a blocked move and a refused operation"
horizon_s: 3600
report { sample_interval_s: 60 graph_at_s: [0, 1800] }
policy { name: "cluster-baseline" }
cluster { name: "prod" baseline: "intel-merom"
  hosts { cpu: "E5420" name: "e5420" } hosts { cpu: "E5310" name: "e5310" } }
cluster { name: "new" hosts { cpu: "X5570" name: "x5570" } }
vm { name: "media" host: "e5420" software { name: "enc" detection: PROBE uses: ["sse4_1"] uses_per_s: 10 } }
vm { name: "db" host: "x5570" software { name: "pg" uses: ["sse4_2"] } }
at { at_s: 600 migrate { vm: "media" host: "e5310" } }
at { at_s: 700 migrate { vm: "db" host: "e5310" } }
at { at_s: 800 remove_host: "e5310" }
expect { metric: "crashes" op: "==" value: 1 }
expect { metric: "blocked_migrations" op: "==" value: 0 }
)";

struct SimRun {
  ScenarioSpec spec;
  std::unique_ptr<RunSummary> summary;
  std::unique_ptr<ResultsCollector> results;
};

SimRun simulate() {
  SimRun r{parse_scenario(kScenario, "formats.textproto", Catalog::builtin()), nullptr, nullptr};
  r.summary = std::make_unique<RunSummary>(r.spec);
  r.results = std::make_unique<ResultsCollector>(r.spec, *r.summary);
  run_simulation(r.spec, {r.summary.get(), r.results.get()});
  return r;
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(Results, JsonParsesBackIntoTheResultsMessage) {
  SimRun r = simulate();
  const report::RunResults& res = r.results->results();
  std::string json = results_json(res);
  report::RunResults back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back, res));
  EXPECT_EQ(back.scenario().name(), "formats");
  EXPECT_EQ(back.totals().at("crashes"), 1);
  ASSERT_EQ(back.crashes_size(), 1);
  EXPECT_EQ(back.crashes(0).cause(), "probing-software");
  EXPECT_EQ(back.crashes(0).features(0), "sse4_1");
  ASSERT_EQ(back.blocked_size(), 1);
  EXPECT_EQ(back.blocked(0).code(), "missing-features");
  EXPECT_NE(json.find("\"feature_share\""), std::string::npos);
  ASSERT_EQ(back.expectations_size(), 2);
  EXPECT_TRUE(back.expectations(0).ok());
  EXPECT_FALSE(back.expectations(1).ok());
}

TEST(Results, CsvIsTidyWithHeadersAndOneRowPerTimeAndKey) {
  SimRun r = simulate();
  auto files = results_csv(r.results->results());
  const size_t samples = 3600 / 60 + 1;  // 0, 60, ..., 3600
  ASSERT_TRUE(files.count("feature_share"));
  EXPECT_EQ(files["feature_share"].rfind("t,key,value\n", 0), 0u);
  EXPECT_EQ(lines(files["feature_share"]), 1 + samples * notable_features().size());
  EXPECT_EQ(files["baseline"].rfind("t,key,value,label\n", 0), 0u);
  EXPECT_EQ(lines(files["baseline"]), 1 + samples * 2);  // two clusters
  EXPECT_NE(files["baseline"].find(",prod,"), std::string::npos);
  EXPECT_NE(files["baseline"].find("intel-merom"), std::string::npos);
  // Cluster "new" has no EVC: its VMs see the host's CPU, so it is drawn at
  // the features its hosts share, not at 0 as "none" (issue 24).
  EXPECT_NE(files["baseline"].find(",new,"), std::string::npos);
  EXPECT_EQ(files["baseline"].find(",new,0,"), std::string::npos) << files["baseline"].substr(0, 300);
  EXPECT_NE(files["baseline"].find(",no EVC (the hosts' own CPUs)\n"), std::string::npos)
      << files["baseline"].substr(0, 300);
  EXPECT_EQ(lines(files["hosts_by_generation"]), 1 + samples * 3);
  EXPECT_EQ(lines(files["crashes"]), 2u);
  EXPECT_EQ(files["crashes"].rfind("t,vm,software,kernel,host,src,dst,cause,missing\n", 0), 0u);
  EXPECT_EQ(lines(files["blocked"]), 2u);
  EXPECT_EQ(lines(files["refused"]), 2u);  // remove_host of a busy host
  ASSERT_TRUE(files.count("migration_domains"));
}

TEST(Results, HtmlHasEveryChartAndTable) {
  SimRun r = simulate();
  std::string html = results_html(r.results->results());
  for (const char* id : {"chart-baseline", "chart-hosts", "chart-events", "chart-migrations", "chart-features",
                         "chart-in-use", "chart-imbalance", "chart-domains", "chart-levels", "table-raises",
                         "table-purchases", "table-maintenance", "table-crashes", "table-slow-migrations",
                         "table-blocked", "table-refused", "table-expectations", "table-outage-by-year"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  // The probing encoder's crash is one group: software, route between CPU models, missing features.
  EXPECT_NE(html.find("<td>enc</td><td>harpertown → clovertown</td><td>sse4_1</td><td>probing-software</td>"
                      "<td class=\"n\">1</td>"),
            std::string::npos)
      << html.substr(html.find("table-crashes"), 1500);
  // Without a calendar the time axis reads in a round time unit.
  EXPECT_NE(html.find("\"title\":\"simulated time (minutes)\""), std::string::npos);
  EXPECT_NE(html.find("Live migrations per minute"), std::string::npos);
  // Nothing fetched from the network: the chart scripts are inline.
  EXPECT_EQ(html.find("<script src"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_NE(html.find("probing-software"), std::string::npos);
  EXPECT_NE(html.find("intel-merom"), std::string::npos);
}

TEST(Results, JunitHasOneTestcasePerExpectation) {
  SimRun r = simulate();
  std::string xml = results_junit(r.results->results());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\"", 0), 0u);
  EXPECT_NE(xml.find("<testsuites name=\"evcsim\" tests=\"2\" failures=\"1\""), std::string::npos) << xml;
  size_t cases = 0;
  for (size_t p = xml.find("<testcase "); p != std::string::npos; p = xml.find("<testcase ", p + 1)) ++cases;
  EXPECT_EQ(cases, 2u);
  EXPECT_NE(xml.find("<failure type=\"expectation\" message=\"measured 1\">"), std::string::npos);
  EXPECT_EQ(std::count(xml.begin(), xml.end(), '<'), std::count(xml.begin(), xml.end(), '>'));
}

TEST(Results, DotGraphsAtTheChosenTimesWithClustersAsSubgraphs) {
  SimRun r = simulate();
  auto dots = results_dot(r.results->results());
  ASSERT_EQ(dots.size(), 2u);
  ASSERT_TRUE(dots.count("compat-t0.dot"));
  const std::string& g = dots["compat-t1800.dot"];
  EXPECT_NE(g.find("subgraph cluster_0"), std::string::npos);
  EXPECT_NE(g.find("label=\"cluster new\""), std::string::npos);
  EXPECT_NE(g.find("label=\"cluster prod\""), std::string::npos);
  EXPECT_NE(g.find(" -> "), std::string::npos);
  // Merom hosts move both ways inside prod (one domain); the Nehalem host's VMs
  // cannot go to them without a baseline, so there are two domains.
  EXPECT_NE(g.find("2 migration domain(s)"), std::string::npos) << g;
  // Issue 12, item 5: the E5420 -> E5310 move is admitted under EVC, but an
  // application probing SSE4.1 past the mask crashes after it: a red edge
  // with the features, explained in the legend; the Nehalem host's move to
  // prod is one way (dashed).
  EXPECT_NE(g.find("color=\"#e15759\", fontcolor=\"#e15759\", penwidth=2, label=\"probing apps lose sse4_1\""),
            std::string::npos)
      << g;
  EXPECT_NE(g.find("subgraph cluster_legend"), std::string::npos);
  EXPECT_NE(g.find("crash risk: the head lacks features the tail has"), std::string::npos);
  EXPECT_NE(g.find("style=dashed]"), std::string::npos) << g;
  EXPECT_NE(g.find("block risk: one way"), std::string::npos) << g;
}

// A graph's edges in any order (the collector looks the reverse edge up by
// binary search, sorting a copy when the list is not in (from, to) order):
// an edge without its reverse is one way, and names what the move loses.
TEST(Results, GraphEdgesInAnyOrderAreOneWayExactlyWithoutTheirReverse) {
  ScenarioSpec spec = parse_scenario(kScenario, "formats.textproto", Catalog::builtin());
  RunSummary summary(spec);
  ResultsCollector results(spec, summary);
  const CpuModel* penryn = Catalog::builtin().find_cpu("E5420");
  const CpuModel* merom = Catalog::builtin().find_cpu("E5310");
  ASSERT_TRUE(penryn && merom);
  auto graph = std::make_shared<CompatibilityGraph>();
  graph->classes = {HostClass{0, penryn, nullptr, {}, 1}, HostClass{0, merom, nullptr, {}, 1},
                    HostClass{1, merom, nullptr, {}, 1}};
  graph->edges = {{2, 0}, {0, 1}, {1, 0}};  // not in (from, to) order
  graph->domain = {0, 0, 1};
  graph->domains = 2;
  graph->domain_hosts = {2, 1};
  Snapshot snap{};
  snap.graph = graph;
  results.on_event(snap);
  ASSERT_EQ(results.results().graphs_size(), 1);
  const auto& g = results.results().graphs(0);
  ASSERT_EQ(g.edges_size(), 3);
  EXPECT_TRUE(g.edges(0).one_way()) << "2 -> 0 has no 0 -> 2";
  EXPECT_FALSE(g.edges(1).one_way());
  EXPECT_FALSE(g.edges(2).one_way());
  const std::vector<std::string> lost(g.edges(1).escapes().begin(), g.edges(1).escapes().end());
  EXPECT_NE(std::find(lost.begin(), lost.end(), "sse4_1"), lost.end()) << "Penryn to Merom loses SSE4.1";
  EXPECT_EQ(g.edges(0).escapes_size(), 0) << "Merom to Penryn loses nothing";
}

// Host classes are (cluster, CPU model), not the CPU objects hosts hold: two
// groups naming one part differently (SKU, code name) are one node, and
// Graphviz itself reads every file.
TEST(Results, DotHostClassesAreClusterAndCpuModel) {
  std::string text =
      "start_date: \"2014-03\"\nhorizon: \"1d\"\npolicy { name: \"cluster-baseline\" }\n"
      "cluster { name: \"c\" baseline: \"intel-merom\"\n"
      "  hosts { cpu: \"E5420\" name: \"a\" count: 8 }\n"
      "  hosts { cpu: \"harpertown\" name: \"b\" count: 9 }\n"
      "  hosts { cpu: \"E5310\" name: \"old\" count: 2 } }\n"
      "vm { name: \"v\" count: 4 }\n";
  ScenarioSpec spec = parse_scenario(text, "classes.textproto", Catalog::builtin());
  ASSERT_NE(spec.hosts[0].cpu.get(), spec.hosts[8].cpu.get()) << "the test needs two CPU objects of one model";
  RunSummary summary(spec);
  ResultsCollector results(spec, summary);
  run_simulation(spec, {&summary, &results});
  auto dots = results_dot(results.results());
  ASSERT_TRUE(dots.count("compat-2014-03-01.dot")) << dots.begin()->first;
  const std::string& g = dots["compat-2014-03-01.dot"];
  size_t edges = 0;
  for (size_t p = g.find(" -> "); p != std::string::npos; p = g.find(" -> ", p + 1)) ++edges;
  EXPECT_EQ(edges, 2u) << g;
  EXPECT_NE(g.find("17 host(s)"), std::string::npos) << g;
  EXPECT_NE(g.find("2 host(s)"), std::string::npos) << g;
  if (std::system("command -v dot > /dev/null 2>&1") != 0) GTEST_SKIP() << "Graphviz (dot) is not installed";
  const auto dir = std::filesystem::temp_directory_path() / ("evcsim-dot-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const auto& [name, body] : dots) {
    std::ofstream(dir / name) << body;
    const std::string cmd = "dot -Tsvg " + (dir / name).string() + " -o " + (dir / (name + ".svg")).string() + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << name << " is not valid Graphviz:\n" << body;
    EXPECT_GT(std::filesystem::file_size(dir / (name + ".svg")), 1000u);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace evcsim
