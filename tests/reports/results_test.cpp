// The output formats of a run, from one real simulation (one per process).
#include "reports/results.hpp"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "models/catalog.hpp"
#include "sim/engine.hpp"
#include "models/feature_registry.hpp"
#include "sim/events.hpp"

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
  for (const char* id : {"chart-baseline", "chart-hosts", "chart-events", "chart-features", "chart-imbalance",
                         "chart-domains", "chart-levels", "table-crashes", "table-blocked", "table-refused", "table-expectations"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // no resource fetched from the network
  EXPECT_EQ(html.find("<script"), std::string::npos);
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
}

}  // namespace
}  // namespace evcsim
