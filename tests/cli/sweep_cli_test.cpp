#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

const std::string kExperiment = std::string(EVCSIM_SOURCE_DIR) + "/tests/sweep/small-experiment.textproto";

fs::path fresh_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  fs::remove_all(p);
  return p;
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(SweepCli, LocalBackendRunsEveryTaskAndMerges) {
  fs::path out = fresh_dir("evcsim-sweep-local");
  auto r = test::run_evcsim("sweep " + kExperiment + " --out " + out.string() + " --jobs 2");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("4 design points x 2 seeds = 8 runs; 8 to run (local)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("8 of 8 runs merged"), std::string::npos) << r.out;
  std::string csv = test::read_text(out / "sweep.csv");
  EXPECT_EQ(lines(csv), 1u + 4 * 4);  // header + 4 points x 4 metrics
  // The probing encoder crashes after the admitted move under EVC; under
  // modern-superset the move is blocked instead. Every seed alike.
  EXPECT_NE(csv.find("\n0,cluster-baseline,100,crashes,2,1,0,1,1\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n3,modern-superset,300,blocked_migrations,2,1,0,1,1\n"), std::string::npos) << csv;
  EXPECT_NE(test::read_text(out / "sweep.html").find("<h2>Main effects</h2>"), std::string::npos);
  EXPECT_NE(test::read_text(out / "sweep.json").find("\"missing_task\": []"), std::string::npos);
  // Each run's scenario is written out and reproduces the run.
  fs::path run = out / "runs" / "modern-superset_300-seed2";
  ASSERT_TRUE(fs::exists(run / "scenario.textproto"));
  fs::path again = out / "again";
  auto rerun = test::run_evcsim("run " + (run / "scenario.textproto").string() + " --out " + again.string() +
                                " --format json --quiet");
  ASSERT_EQ(rerun.exit_code, 3) << rerun.out;  // the scenario's own expectations do not hold under modern-superset
  auto totals = [](const std::string& json) {
    size_t at = json.find("\"totals\"");
    return at == std::string::npos ? std::string() : json.substr(at, json.find('}', at) - at);
  };
  std::string first = totals(test::read_text(run / "results.json"));
  EXPECT_NE(first.find("\"blocked_migrations\": 1"), std::string::npos) << first;
  EXPECT_EQ(totals(test::read_text(again / "results.json")), first);
  EXPECT_NE(test::read_text(run / "results.json").find("\"seed\": \"2\""), std::string::npos);
  fs::remove_all(out);
}

TEST(SweepCli, ResumeRunsOnlyWhatIsMissingAndMergeSaysWhatIsMissing) {
  fs::path out = fresh_dir("evcsim-sweep-resume");
  ASSERT_EQ(test::run_evcsim("sweep " + kExperiment + " --out " + out.string()).exit_code, 0);
  fs::path kept = out / "runs" / "cluster-baseline_100-seed1" / "results.json";
  auto stamp = fs::last_write_time(kept);
  fs::remove(out / "runs" / "modern-superset_100-seed2" / "results.json");
  // A merge of what is there: partial, says which task, exit 1.
  auto m = test::run_evcsim("merge " + out.string());
  EXPECT_EQ(m.exit_code, 1) << m.out;
  EXPECT_NE(m.out.find("7 of 8 runs merged"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("partial: 1 of 8 runs have no results (tasks 5)"), std::string::npos) << m.out;
  auto r = test::run_evcsim("sweep " + kExperiment + " --out " + out.string() + " --resume");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("8 runs; 1 to run"), std::string::npos) << r.out;
  EXPECT_EQ(fs::last_write_time(kept), stamp);
  EXPECT_NE(r.out.find("8 of 8 runs merged"), std::string::npos);
  // --resume into a folder of another experiment is refused.
  fs::path other = out / "other.textproto";
  {
    std::ofstream f(other);
    f << "name: \"other\"\nscenario: \"" << EVCSIM_SOURCE_DIR
      << "/scenarios/e5420-e5310-merom-probing-app.textproto\"\nseeds: 1\n";
  }
  auto bad = test::run_evcsim("sweep " + other.string() + " --out " + out.string() + " --resume");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("holds a different experiment"), std::string::npos) << bad.out;
  fs::remove_all(out);
}

TEST(SweepCli, ManifestCommandsRunAnywhereAndMergeEqualsLocal) {
  fs::path local = fresh_dir("evcsim-sweep-m-local"), man = fresh_dir("evcsim-sweep-manifest");
  ASSERT_EQ(test::run_evcsim("sweep " + kExperiment + " --out " + local.string()).exit_code, 0);
  auto r = test::run_evcsim("sweep " + kExperiment + " --out " + man.string() + " --backend manifest");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("wrote 8 commands to"), std::string::npos) << r.out;
  std::string list = test::read_text(man / "manifest.txt");
  EXPECT_EQ(lines(list), 8u);
  EXPECT_NE(list.find("sweep-task " + (man / "experiment.textproto").string() + " --index 7 --out " + man.string()),
            std::string::npos)
      << list;
  // Any runner: here the shell, one line at a time (a run whose scenario's
  // expectations fail exits 3 and still writes its results).
  (void)std::system(("sh " + (man / "manifest.txt").string() + " > /dev/null").c_str());
  ASSERT_EQ(test::run_evcsim("merge " + man.string()).exit_code, 0);
  EXPECT_EQ(test::read_text(man / "sweep.csv"), test::read_text(local / "sweep.csv"));
  fs::remove_all(local);
  fs::remove_all(man);
}

TEST(SweepCli, SlurmDryRunPrintsTheJobArray) {
  fs::path out = fresh_dir("evcsim-sweep-dry");
  auto r = test::run_evcsim("sweep " + kExperiment + " --out " + out.string() +
                            " --backend slurm --dry-run --jobs 3 --sbatch=--partition=long");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("#SBATCH --job-name=evcsim-sweep-small"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("#SBATCH --partition=long"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sweep-task " + (out / "experiment.textproto").string() + " --index \"$index\""),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("sbatch --parsable --array=0-7%3 --export=ALL,EVCSIM_TASK_OFFSET=0"), std::string::npos)
      << r.out;
  EXPECT_FALSE(fs::exists(out / "runs"));  // nothing ran
  fs::remove_all(out);
}

TEST(SweepCli, SweepTaskRejectsAnIndexOutOfRange) {
  fs::path out = fresh_dir("evcsim-sweep-task");
  auto r = test::run_evcsim("sweep-task " + kExperiment + " --index 8 --out " + out.string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--index: task 8 does not exist: the experiment has tasks 0..7"), std::string::npos) << r.out;
  fs::remove_all(out);
}

// sweep-task checks --format against the same table as `run` (it did not).
TEST(SweepCli, SweepTaskRejectsAnUnknownFormatBeforeRunning) {
  fs::path out = fresh_dir("evcsim-sweep-task-format");
  auto r = test::run_evcsim("sweep-task " + kExperiment + " --index 0 --format json,htlm --out " + out.string());
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("--format: unknown format 'htlm'; nearest: html"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out / "runs"));  // nothing ran
  fs::remove_all(out);
}

TEST(SweepCli, ShippedExperimentsLoad) {
  for (const char* name : {"masking-policies", "refresh-strategy"}) {
    fs::path out = fresh_dir(std::string("evcsim-sweep-shipped-") + name);
    auto r = test::run_evcsim("sweep " + std::string(EVCSIM_SOURCE_DIR) + "/experiments/" + name +
                              ".textproto --backend manifest --out " + out.string());
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.out;
    EXPECT_GT(lines(test::read_text(out / "manifest.txt")), 8u) << name;
    fs::remove_all(out);
  }
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

// A sweep's folder holds one experiment's runs: a fresh sweep into it is
// refused unless told to replace them, and --resume or merge after the base
// scenario was edited are refused instead of mixing two scenarios' runs.
TEST(SweepCli, AnEarlierSweepsFolderIsNeverMixedWithAnother) {
  namespace fs = std::filesystem;
  fs::path d = fs::temp_directory_path() / ("evcsim-sweep-stale-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  const std::string base =
      test::read_text(std::string(EVCSIM_SOURCE_DIR) + "/scenarios/e5420-e5310-merom-probing-app.textproto");
  std::ofstream(d / "base.textproto") << base;
  std::ofstream(d / "exp.textproto")
      << "name: \"stale\"\nscenario: \"base.textproto\"\n"
         "factor { path: \"policy\" value: [\"cluster-baseline\", \"modern-superset\"] }\n"
         "seeds: 1\n";
  const std::string exp = (d / "exp.textproto").string(), out = (d / "out").string();
  ASSERT_EQ(test::run_evcsim("sweep " + exp + " --backend manifest --out " + out).exit_code, 0);
  ASSERT_EQ(test::run_evcsim("sweep-task " + out + "/experiment.textproto --index 0 --out " + out).exit_code, 0);
  // A fresh sweep into the used folder.
  auto fresh = test::run_evcsim("sweep " + exp + " --backend manifest --out " + out);
  EXPECT_EQ(fresh.exit_code, 2) << fresh.out;
  EXPECT_NE(fresh.out.find("holds an earlier sweep; --resume finishes it, --replace starts over"), std::string::npos)
      << fresh.out;
  // The base scenario edited: its runs no longer belong to the experiment.
  std::string edited = base;
  edited.replace(edited.find("horizon_s: 3600"), 15, "horizon_s: 3601");
  std::ofstream(d / "base.textproto") << edited;
  auto resume = test::run_evcsim("sweep " + exp + " --backend manifest --resume --out " + out);
  EXPECT_EQ(resume.exit_code, 2) << resume.out;
  EXPECT_NE(resume.out.find("was made from another scenario"), std::string::npos) << resume.out;
  // --replace starts over: the old run is gone.
  auto replace = test::run_evcsim("sweep " + exp + " --backend manifest --replace --out " + out);
  EXPECT_EQ(replace.exit_code, 0) << replace.out;
  EXPECT_FALSE(fs::exists(fs::path(out) / "runs"));
  fs::remove_all(d);
}

}  // namespace
}  // namespace evcsim
