// `evcsim run --split` and `evcsim run-part` through the command line: what
// they refuse, the plan and the manifest. That the merge equals the whole
// run, --resume and a failed part: tests/split/split_run.sh.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;
using test::run_evcsim;

const std::string kRefresh2y = std::string(EVCSIM_SOURCE_DIR) + "/scenarios/refresh-2y.textproto";

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("evcsim-split-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  return d;
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(SplitCli, TheSplitsOptionsNeedSplitAndAFolder) {
  for (const char* option : {"--jobs 2", "--backend slurm", "--resume"}) {
    auto r = run_evcsim("run " + kRefresh2y + " " + option);
    EXPECT_EQ(r.exit_code, 2) << option;
    EXPECT_NE(r.out.find("--split"), std::string::npos) << r.out;
  }
  auto no_out = run_evcsim("run " + kRefresh2y + " --split 2");
  EXPECT_EQ(no_out.exit_code, 2);
  EXPECT_NE(no_out.out.find("give --out"), std::string::npos) << no_out.out;
  for (const char* count : {"0", "two", "-1"}) {
    auto r = run_evcsim("run " + kRefresh2y + " --out x --split " + count);
    EXPECT_EQ(r.exit_code, 2) << count;
    EXPECT_NE(r.out.find("is not auto or a number of parts"), std::string::npos) << r.out;
  }
}

TEST(SplitCli, AFolderOfOtherFilesIsRefusedBeforeAnyPartRuns) {
  const fs::path dir = fresh_dir("foreign");
  fs::create_directories(dir);
  std::ofstream(dir / "notes.txt") << "mine";
  auto r = run_evcsim("run " + kRefresh2y + " --out " + dir.string() + " --split 2 --backend manifest");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("not an evcsim run's outputs"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir / "split"));
  fs::remove_all(dir);
}

TEST(SplitCli, TheManifestHasOneRunPartPerPartAndThePlanSaysWhy) {
  const fs::path dir = fresh_dir("manifest");
  auto r = run_evcsim("run " + kRefresh2y + " --out " + dir.string() + " --split auto --backend manifest --seed 3");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("then merge the parts: evcsim run " + kRefresh2y + " --out " + dir.string() +
                       " --split auto --resume --seed 3"),
            std::string::npos)
      << r.out;
  const std::string manifest = test::read_text(dir / "split" / "manifest.txt");
  EXPECT_EQ(lines(manifest), 2u) << manifest;  // refresh-2y: two clusters, coupled by nothing
  EXPECT_NE(manifest.find(" run-part " + kRefresh2y + " --clusters 0 --part-file " +
                          (dir / "split" / "part-0.evpart").string() + " --seed 3\n"),
            std::string::npos)
      << manifest;
  EXPECT_NE(manifest.find(" --clusters 1 --part-file "), std::string::npos) << manifest;
  const std::string plan = test::read_text(dir / "split" / "plan.txt");
  EXPECT_NE(plan.find("part 0: 1 cluster (a), "), std::string::npos) << plan;
  EXPECT_NE(plan.find("no clusters are coupled"), std::string::npos) << plan;

  // --resume finishes the same split only.
  auto other = run_evcsim("run " + kRefresh2y + " --out " + dir.string() + " --split auto --backend manifest --resume");
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_NE(other.out.find("holds the plan of another split"), std::string::npos) << other.out;
  fs::remove_all(dir);
}

TEST(SplitCli, RunPartRefusesClustersTheScenarioDoesNotHave) {
  for (const char* clusters : {"0,2", "x", "1,1", ""}) {
    auto r = run_evcsim("run-part " + kRefresh2y + " --clusters '" + clusters + "' --part-file /nonexistent/p");
    EXPECT_EQ(r.exit_code, 2) << clusters;
    EXPECT_NE(r.out.find("--clusters"), std::string::npos) << r.out;
  }
}

}  // namespace
}  // namespace evcsim
