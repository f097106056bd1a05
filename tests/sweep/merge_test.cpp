// Merging a sweep (sweep/merge.hpp): per-run results read back from the
// runs' folders, and summarized per design point and per factor level as
// n, mean, sample standard deviation and a 95% Student-t interval.
#include "sweep/merge.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "reports/results.hpp"

namespace evcsim::sweep {
namespace {

namespace fs = std::filesystem;

const std::string kScenario = std::string(EVCSIM_SOURCE_DIR) + "/scenarios/e5420-e5310-merom-probing-app.textproto";

Experiment parse(const std::string& body) {
  return Experiment::parse("name: \"m\"\nscenario: \"" + kScenario + "\"\n" + body, "/tmp/m.textproto",
                           Catalog::builtin());
}

report::RunResults with_totals(double crashes, double migrations) {
  report::RunResults r;
  (*r.mutable_totals())["crashes"] = crashes;
  (*r.mutable_totals())["migrations"] = migrations;
  return r;
}

fs::path fresh_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  fs::remove_all(p);
  return p;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// Three seeds giving 1, 2 and 3 crashes: mean 2, sd 1, and a 95% interval of
// 2 -/+ t(0.975, 2 df) / sqrt(3) = 2 -/+ 2.484 (t = 4.303).
TEST(Merge, ThreeSeedsGiveTheStudentTInterval) {
  Experiment e = parse(R"(factor { path: "policy" value: ["cluster-baseline", "modern-superset"] }
seeds: 3
metric: ["crashes", "migrations"])");
  ASSERT_EQ(e.task_count(), 6u);
  std::vector<std::optional<report::RunResults>> runs = {with_totals(1, 10), with_totals(2, 10), with_totals(3, 10),
                                                         with_totals(5, 0),  with_totals(5, 4),  std::nullopt};
  experiment::SweepResults r = merge(e, runs);
  ASSERT_EQ(r.point_size(), 2);
  const auto& crashes = r.point(0).metric(0);
  EXPECT_EQ(crashes.metric(), "crashes");
  EXPECT_EQ(crashes.n(), 3u);
  EXPECT_DOUBLE_EQ(crashes.mean(), 2);
  EXPECT_DOUBLE_EQ(crashes.sd(), 1);
  EXPECT_NEAR(crashes.ci95_low(), 2 - 4.303 / std::sqrt(3.0), 1e-9);
  EXPECT_NEAR(crashes.ci95_high(), 2 + 4.303 / std::sqrt(3.0), 1e-9);
  EXPECT_NEAR(crashes.ci95_high() - crashes.mean(), 4.302653 / std::sqrt(3.0), 1e-3);  // the exact quantile
  EXPECT_EQ(std::vector<double>(crashes.values().begin(), crashes.values().end()), (std::vector<double>{1, 2, 3}));
  // Equal values: no spread, an interval of width 0.
  const auto& migrations = r.point(0).metric(1);
  EXPECT_DOUBLE_EQ(migrations.mean(), 10);
  EXPECT_EQ(migrations.sd(), 0);
  EXPECT_EQ(migrations.ci95_low(), migrations.ci95_high());
  // Point 1 has two runs of three: 0 and 4 migrations, t(0.975, 1 df) = 12.706.
  const auto& partial = r.point(1).metric(1);
  EXPECT_EQ(partial.n(), 2u);
  EXPECT_EQ(r.point(1).seeds_size(), 2);
  EXPECT_DOUBLE_EQ(partial.mean(), 2);
  EXPECT_NEAR(partial.sd(), std::sqrt(8.0), 1e-12);
  EXPECT_NEAR(partial.ci95_high() - partial.mean(), 12.706 * std::sqrt(8.0) / std::sqrt(2.0), 1e-9);
  ASSERT_EQ(r.missing_task_size(), 1);
  EXPECT_EQ(r.missing_task(0), 5u);
  // The table for people: mean and half-width, and what is missing.
  const std::string text = sweep_text(r);
  EXPECT_NE(text.find("2 ±2.48"), std::string::npos) << text;
  EXPECT_NE(text.find("5 of 6 runs merged"), std::string::npos) << text;
  EXPECT_NE(text.find("(tasks 5)"), std::string::npos) << text;
}

TEST(Merge, OneRunHasNoIntervalAndNoRunHasNoStatistics) {
  Experiment e = parse(R"(factor { path: "policy" value: ["cluster-baseline", "modern-superset"] }
seeds: 2
metric: ["crashes"])");
  std::vector<std::optional<report::RunResults>> runs = {with_totals(7, 0), std::nullopt, std::nullopt, std::nullopt};
  experiment::SweepResults r = merge(e, runs);
  const auto& one = r.point(0).metric(0);
  EXPECT_EQ(one.n(), 1u);
  EXPECT_DOUBLE_EQ(one.mean(), 7);
  EXPECT_EQ(one.ci95_low(), 7);
  EXPECT_EQ(one.ci95_high(), 7);
  EXPECT_EQ(r.point(1).metric(0).n(), 0u);
  EXPECT_EQ(r.point(1).seeds_size(), 0);
  EXPECT_EQ(r.missing_task_size(), 3);
  // The main effect of a level without runs is empty too; the other level has the one run.
  for (const auto& me : r.main_effect())
    EXPECT_EQ(me.metric(0).n(), me.level() == "cluster-baseline" ? 1u : 0u) << me.level();
  // A point without runs reads "-" in the text table.
  const std::string text = sweep_text(r);
  std::istringstream lines(text);
  std::string line;
  std::vector<std::string> row1;
  while (std::getline(lines, line)) {
    std::istringstream cells(line);
    std::vector<std::string> row{std::istream_iterator<std::string>(cells), std::istream_iterator<std::string>()};
    if (!row.empty() && row[0] == "1") row1 = row;
  }
  EXPECT_EQ(row1, (std::vector<std::string>{"1", "modern-superset", "-", "0"})) << text;
}

TEST(Merge, FactorValuesAreQuotedInCsvAndEscapedInHtml) {
  Experiment e = parse(R"(factor { path: "description" value: ["a, b", "<i>x</i>"] name: "desc" }
seeds: 1
metric: ["crashes"])");
  experiment::SweepResults r = merge(e, {with_totals(1, 0), with_totals(2, 0)});
  const std::string csv = sweep_csv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "point,desc,metric,n,mean,sd,ci95_low,ci95_high");
  EXPECT_NE(csv.find("\n0,\"a, b\",crashes,1,1,0,1,1\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n1,<i>x</i>,crashes,1,2,0,2,2\n"), std::string::npos) << csv;
  const std::string html = sweep_html(r);
  EXPECT_EQ(html.find("<i>x</i>"), std::string::npos);
  EXPECT_NE(html.find("<td>&lt;i&gt;x&lt;/i&gt;</td>"), std::string::npos);
  EXPECT_EQ(html.find("id=\"missing\""), std::string::npos);  // every run is there
  // The JSON reads back as the same message.
  experiment::SweepResults back;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(sweep_json(r), &back).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(back, r));
}

TEST(LoadRuns, ReadsEachTasksResultsAndNamesAnUnreadableFile) {
  Experiment e = parse(R"(factor { path: "policy" value: ["cluster-baseline", "modern-superset"] }
seeds: 2
metric: ["crashes"])");
  const fs::path dir = fresh_dir("evcsim-load-runs");
  report::RunResults first = with_totals(4, 1);
  first.mutable_scenario()->set_seed(e.task(0).seed);
  write(dir / e.task(0).dir / "results.json", results_json(first));
  write(dir / e.task(3).dir / "results.json", results_json(with_totals(6, 2)));
  auto runs = load_runs(e, dir.string());
  ASSERT_EQ(runs.size(), 4u);
  ASSERT_TRUE(runs[0].has_value());
  EXPECT_EQ(runs[0]->totals().at("crashes"), 4);
  EXPECT_EQ(runs[0]->scenario().seed(), e.task(0).seed);
  EXPECT_FALSE(runs[1].has_value());
  EXPECT_FALSE(runs[2].has_value());
  ASSERT_TRUE(runs[3].has_value());
  EXPECT_EQ(runs[3]->totals().at("crashes"), 6);
  experiment::SweepResults r = merge(e, runs);
  EXPECT_EQ(r.missing_task_size(), 2);
  EXPECT_DOUBLE_EQ(r.point(0).metric(0).mean(), 4);
  EXPECT_DOUBLE_EQ(r.point(1).metric(0).mean(), 6);

  const fs::path broken = dir / e.task(1).dir / "results.json";
  write(broken, "{ not json");
  try {
    load_runs(e, dir.string());
    ADD_FAILURE() << "an unreadable results.json went unnoticed";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find(broken.string()), std::string::npos) << err.what();
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evcsim::sweep
