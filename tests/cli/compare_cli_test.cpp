#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

TEST(CompareCli, TwoPoliciesTwoSeedsSideBySide) {
  fs::path out = fs::temp_directory_path() / ("evcsim-compare-test-" + std::to_string(getpid()));
  fs::remove_all(out);
  auto r = test::run_evcsim("compare " + std::string(EVCSIM_SOURCE_DIR) +
                            "/scenarios/e5420-e5310-merom-probing-app.textproto --policies "
                            "cluster-baseline,unsafe-override --seeds 2 --out " +
                            out.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("2 policies x 2 seed(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cluster-baseline"), std::string::npos);
  EXPECT_NE(r.out.find("unsafe-override"), std::string::npos);
  std::ifstream csv(out / "compare.csv");
  std::stringstream ss;
  ss << csv.rdbuf();
  std::string text = ss.str();
  EXPECT_EQ(text.rfind("policy,metric,mean,ci95,n\n", 0), 0u);
  EXPECT_NE(text.find("cluster-baseline,crashes,1,0,2"), std::string::npos) << text;
  EXPECT_NE(text.find("unsafe-override,crashes,"), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "compare.html"));
  EXPECT_TRUE(fs::exists(out / "compare.json"));
  EXPECT_TRUE(fs::exists(out / "runs" / "unsafe-override-seed2" / "results.json"));
  fs::remove_all(out);
}

// Issue 12, item 4: the columns asked for, in fixed notation, aligned; a
// named model for every run; each run's report kept.
TEST(CompareCli, MetricsModelAndKeptReports) {
  fs::path out = fs::temp_directory_path() / ("evcsim-compare-metrics-" + std::to_string(getpid()));
  fs::remove_all(out);
  auto r = test::run_evcsim("compare " + std::string(EVCSIM_SOURCE_DIR) +
                            "/scenarios/stress-failures.textproto --policies cluster-baseline,named-model "
                            "--model intel-penryn --seeds 2 --metrics migrations,features_seen --keep-reports --out " +
                            out.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::istringstream lines(r.out);
  std::string title, header, first, second;
  std::getline(lines, title);
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  std::istringstream words(header);  // only the columns asked for, in that order
  std::vector<std::string> columns{std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
  EXPECT_EQ(columns, (std::vector<std::string>{"policy", "migrations", "features_seen", "expectations", "failed"}))
      << r.out;
  // Right-aligned columns: every row's migrations cell ends where its heading
  // does ("±" counted as the one column it takes).
  const size_t end = header.find("migrations") + std::string("migrations").size();
  for (std::string row : {first, second}) {
    for (size_t p = row.find("±"); p != std::string::npos; p = row.find("±"))
      row.replace(p, std::string("±").size(), "+");
    ASSERT_GT(row.size(), end) << r.out;
    EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(row[end - 1])) && row[end] == ' ') << "misaligned: " << r.out;
    EXPECT_NE(row.find(','), std::string::npos) << "thousands separators: " << row;
    EXPECT_EQ(row.find("e+"), std::string::npos) << "no exponent notation: " << row;
  }
  EXPECT_TRUE(fs::exists(out / "runs" / "named-model_intel-penryn-seed12" / "report.html"));
  EXPECT_NE(
      test::read_text(out / "runs" / "named-model_intel-penryn-seed11" / "scenario.textproto").find("intel-penryn"),
      std::string::npos);
  fs::remove_all(out);
}

TEST(CompareCli, EveryPolicyAndOptionIsCheckedBeforeAnyRun) {
  fs::path out = fs::temp_directory_path() / ("evcsim-compare-checked-" + std::to_string(getpid()));
  fs::remove_all(out);
  const std::string base =
      "compare " + std::string(EVCSIM_SOURCE_DIR) + "/scenarios/e5420-e5310-merom-baseline.textproto ";
  auto no_model = test::run_evcsim(base + "--policies cluster-baseline,named-model --out " + out.string());
  EXPECT_EQ(no_model.exit_code, 2);
  EXPECT_NE(no_model.out.find("--policies"), std::string::npos) << no_model.out;
  EXPECT_NE(no_model.out.find("needs a model"), std::string::npos) << no_model.out;
  EXPECT_FALSE(fs::exists(out / "runs")) << "no run may start before every policy is checked";
  auto metric = test::run_evcsim(base + "--policies cluster-baseline --metrics crashes,migratons");
  EXPECT_EQ(metric.exit_code, 2);
  EXPECT_NE(metric.out.find("--metrics: unknown metric 'migratons'; nearest known: migrations"), std::string::npos)
      << metric.out;
  auto model = test::run_evcsim(base + "--policies named-model --model x86-64-v9");
  EXPECT_EQ(model.exit_code, 2);
  EXPECT_NE(model.out.find("--model"), std::string::npos) << model.out;
  auto keep = test::run_evcsim(base + "--policies cluster-baseline --keep-reports");
  EXPECT_EQ(keep.exit_code, 2);
  EXPECT_NE(keep.out.find("--keep-reports needs --out"), std::string::npos) << keep.out;
  fs::remove_all(out);
}

TEST(CompareCli, UnknownPolicyIsBadInput) {
  auto r = test::run_evcsim("compare " + std::string(EVCSIM_SOURCE_DIR) +
                            "/scenarios/e5420-e5310-merom-baseline.textproto --policies cluster-baseline,magic");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("unknown policy 'magic'"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

TEST(CompareCli, ResumeKeepsFinishedRuns) {
  namespace fs = std::filesystem;
  fs::path out = fs::temp_directory_path() / ("evcsim-resume-test-" + std::to_string(getpid()));
  fs::remove_all(out);
  std::string base = "compare " + std::string(EVCSIM_SOURCE_DIR) +
                     "/scenarios/e5420-e5310-merom-baseline.textproto --policies cluster-baseline --seeds 2 --out " +
                     out.string();
  ASSERT_EQ(test::run_evcsim(base).exit_code, 0);
  fs::path kept = out / "runs" / "cluster-baseline-seed1" / "results.json";
  auto stamp = fs::last_write_time(kept);
  fs::remove(out / "runs" / "cluster-baseline-seed2" / "results.json");
  auto r = test::run_evcsim(base + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(fs::last_write_time(kept), stamp);  // not run again
  EXPECT_TRUE(fs::exists(out / "runs" / "cluster-baseline-seed2" / "results.json"));
  EXPECT_NE(r.out.find("1 policies x 2 seed(s)"), std::string::npos) << r.out;
  fs::remove_all(out);
}

}  // namespace
}  // namespace evcsim
