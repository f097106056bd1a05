#include <filesystem>
#include <fstream>
#include <sstream>

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
