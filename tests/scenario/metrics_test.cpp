// The metric registry: names, families with their suffixes, suggestions,
// and that docs/ci-harness.md's list and the run summary agree with it.
#include "scenario/metrics.hpp"

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "reports/run_summary.hpp"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

TEST(Metrics, FamiliesKnowTheirSuffixes) {
  EXPECT_TRUE(is_known_metric("crashes"));
  EXPECT_TRUE(is_known_metric("crashes.probing-software"));
  EXPECT_FALSE(is_known_metric("crashes.probing-sofware"));
  EXPECT_TRUE(is_known_metric("blocked_migrations.missing-features"));
  EXPECT_FALSE(is_known_metric("blocked_migrations.admitted"));
  EXPECT_TRUE(is_known_metric("drs_blocked.cross-vendor"));
  EXPECT_TRUE(is_known_metric("baseline_at_year.10"));
  EXPECT_FALSE(is_known_metric("baseline_at_year.x"));
  EXPECT_FALSE(is_known_metric("crashes."));
  EXPECT_FALSE(is_known_metric("migration"));
}

TEST(Metrics, NearestNamesTheIntendedOneFirst) {
  EXPECT_EQ(nearest_metrics("crashes.probing-sofware").at(0), "crashes.probing-software");
  EXPECT_EQ(nearest_metrics("migration").at(0), "migrations");
  EXPECT_EQ(nearest_metrics("hosts_retierd").at(0), "hosts_retired");
}

TEST(Metrics, SummaryReportsExactlyTheRegisteredPlainMetrics) {
  ScenarioSpec spec = parse_scenario(R"(horizon_s: 60
cluster { name: "c" hosts { cpu: "E5420" name: "a" } }
vm { name: "v" host: "a" })",
                                     "inline.textproto", Catalog::builtin());
  RunSummary s(spec);
  auto m = s.metrics();
  for (const auto& [name, value] : m) EXPECT_TRUE(is_known_metric(name)) << name;
  for (const MetricInfo& info : metric_registry())
    if (!info.family) {
      EXPECT_EQ(m.count(std::string(info.name)), 1u) << info.name;
    }
}

TEST(Metrics, ReadmeListIsTheGeneratedTable) {
  std::string readme = test::read_text(std::string(EVCSIM_SOURCE_DIR) + "/docs/ci-harness.md");
  auto begin = readme.find("<!-- metrics:begin");
  auto end = readme.find("<!-- metrics:end -->");
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  begin = readme.find('\n', begin) + 1;
  EXPECT_EQ(readme.substr(begin, end - begin), metrics_table(true)) << "regenerate with: evcsim metrics --markdown";
}

TEST(Metrics, MisspelledExpectationExitsTwoNamingFileLineFieldAndTheRightName) {
  auto r = test::run_evcsim("run " + test::fixture("scenarios/misspelled_metric.textproto"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("misspelled_metric.textproto:5: metric:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("crashes.probing-software"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace evcsim
