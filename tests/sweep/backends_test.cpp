// Where a sweep's tasks run (sweep/backends.hpp), without Slurm: shell
// quoting, the task command and the manifest, the job-array script and its
// dry run, which tasks are unfinished, and the local backend running a
// stand-in for evcsim.
#include "sweep/backends.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "sweep/experiment.hpp"
#include "tests/test_util.hpp"

namespace evcsim::sweep {
namespace {

namespace fs = std::filesystem;

const std::string kScenario = std::string(EVCSIM_SOURCE_DIR) + "/scenarios/e5420-e5310-merom-probing-app.textproto";

Experiment parse(const std::string& body) {
  return Experiment::parse("name: \"b\"\nscenario: \"" + kScenario + "\"\n" + body, "/tmp/b.textproto",
                           Catalog::builtin());
}

fs::path fresh_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / (name + "-" + std::to_string(getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  for (size_t at = 0; at < s.size();) {
    size_t nl = s.find('\n', at);
    out.push_back(s.substr(at, nl - at));
    at = nl == std::string::npos ? s.size() : nl + 1;
  }
  return out;
}

TEST(Backends, ShQuoteSurvivesTheShell) {
  EXPECT_EQ(sh_quote("/opt/evcsim-1.0/bin/evcsim"), "/opt/evcsim-1.0/bin/evcsim");  // nothing to quote
  EXPECT_EQ(sh_quote(""), "''");
  EXPECT_EQ(sh_quote("a b"), "'a b'");
  const std::vector<std::string> hard = {"with space", "it's", "$HOME",     "a\"b", "semi;colon",
                                         "`date`",     "*",    "new\nline", ""};
  for (const std::string& s : hard) {
    CommandOutput r = run_shell("printf %s " + sh_quote(s));
    EXPECT_EQ(r.status, 0) << s;
    EXPECT_EQ(r.text, s) << sh_quote(s);
  }
}

TEST(Backends, RunShellReturnsTheExitStatusAndBothStreams) {
  CommandOutput r = run_shell("sh -c 'echo out; echo err >&2; exit 3'");
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.text.find("out\n"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("err\n"), std::string::npos) << r.text;
  // A compound command: every part's stderr is captured, not only the last's.
  CommandOutput both = run_shell("echo err1 >&2; echo out; echo err2 >&2");
  EXPECT_NE(both.text.find("err1\n"), std::string::npos) << both.text;
  EXPECT_NE(both.text.find("err2\n"), std::string::npos) << both.text;
  EXPECT_EQ(run_shell("true").status, 0);
  EXPECT_EQ(run_shell("kill -9 $$").status, -1);  // killed: no exit status
}

TEST(Backends, ManifestHasOneQuotedCommandPerTask) {
  BackendOptions o;
  o.exe = "/opt/evc sim/evcsim";
  o.experiment = "/data/sweep/experiment.textproto";
  o.out = "/data/sweep";
  EXPECT_EQ(task_command(o, 4),
            "'/opt/evc sim/evcsim' sweep-task /data/sweep/experiment.textproto --index 4 --out /data/sweep --quiet");
  o.formats = "text,json,html";
  const std::vector<std::string> lines = lines_of(manifest({0, 5, 7}, o));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1],
            "'/opt/evc sim/evcsim' sweep-task /data/sweep/experiment.textproto --index 5 --out /data/sweep "
            "--quiet --format text,json,html");
  EXPECT_NE(lines[2].find("--index 7 "), std::string::npos);
  EXPECT_EQ(manifest({}, o), "");
}

TEST(Backends, ArrayRangesAndTheJobArrayScript) {
  EXPECT_EQ(array_ranges({0, 1, 2, 3, 5, 7, 8, 9}), "0-3,5,7-9");
  EXPECT_EQ(array_ranges({4}), "4");
  EXPECT_EQ(array_ranges({}), "");

  Experiment e = parse(R"(factor { path: "policy" value: ["cluster-baseline", "modern-superset"] }
seeds: 3
metric: ["crashes"])");
  BackendOptions o;
  o.exe = "/usr/bin/evcsim";
  o.experiment = "/data/s/experiment.textproto";
  o.out = "/data/s";
  o.sbatch_args = {"--partition=long", "--time=10"};
  const std::string script = slurm_script(e, o);
  EXPECT_EQ(script.rfind("#!/bin/sh\n", 0), 0u);
  EXPECT_NE(script.find("6 tasks (2 design points x 3 seeds)"), std::string::npos) << script;
  EXPECT_NE(script.find("#SBATCH --job-name=evcsim-b\n"), std::string::npos) << script;
  EXPECT_NE(script.find("#SBATCH --output=/data/s/logs/slurm-%A_%a.out\n"), std::string::npos) << script;
  EXPECT_NE(script.find("#SBATCH --partition=long\n#SBATCH --time=10\n"), std::string::npos) << script;
  EXPECT_NE(script.find("index=$((SLURM_ARRAY_TASK_ID + ${EVCSIM_TASK_OFFSET:-0}))\n"), std::string::npos);
  EXPECT_NE(script.find("exec /usr/bin/evcsim sweep-task /data/s/experiment.textproto --index \"$index\" --out /data/s "
                        "--quiet\n"),
            std::string::npos)
      << script;
}

// Slurm's default MaxArraySize is 1001: a dry run over 1,200 tasks shows
// two arrays, the second offset by 1,000; nothing is submitted.
TEST(Backends, SlurmDryRunSplitsArraysAtAThousand) {
  Experiment e = parse(R"(factor { path: "policy" value: ["cluster-baseline", "modern-superset"] }
seeds: 600
metric: ["crashes"])");
  ASSERT_EQ(e.task_count(), 1200u);
  const fs::path dir = fresh_dir("evcsim-slurm-dry");
  BackendOptions o;
  o.exe = "/usr/bin/evcsim";
  o.experiment = (dir / "experiment.textproto").string();
  o.out = dir.string();
  o.dry_run = true;
  o.jobs = 4;
  std::vector<size_t> all(1200);
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  testing::internal::CaptureStdout();
  const bool submitted = run_slurm(e, all, o);
  const std::string out = testing::internal::GetCapturedStdout();
  EXPECT_FALSE(submitted);
  EXPECT_NE(out.find("sbatch --parsable --array=0-999%4 --export=ALL,EVCSIM_TASK_OFFSET=0 "), std::string::npos) << out;
  EXPECT_NE(out.find("sbatch --parsable --array=0-199%4 --export=ALL,EVCSIM_TASK_OFFSET=1000 "), std::string::npos)
      << out;
  EXPECT_NE(out.find("# then: evcsim merge " + dir.string()), std::string::npos) << out;
  ASSERT_TRUE(fs::exists(dir / "sweep.sbatch"));
  EXPECT_EQ(test::read_text(dir / "sweep.sbatch"), slurm_script(e, o));
  EXPECT_NE(fs::status(dir / "sweep.sbatch").permissions() & fs::perms::owner_exec, fs::perms::none);

  // Only what is left: ids relative to each chunk's offset.
  testing::internal::CaptureStdout();
  run_slurm(e, {3, 1001, 1002}, o);
  const std::string some = testing::internal::GetCapturedStdout();
  EXPECT_NE(some.find("--array=3%4 --export=ALL,EVCSIM_TASK_OFFSET=0 "), std::string::npos) << some;
  EXPECT_NE(some.find("--array=1-2%4 --export=ALL,EVCSIM_TASK_OFFSET=1000 "), std::string::npos) << some;
  fs::remove_all(dir);
}

TEST(Backends, UnfinishedTasksAreThoseWithoutResults) {
  Experiment e = parse(R"(factor { path: "policy" value: ["cluster-baseline", "modern-superset"] }
seeds: 2
metric: ["crashes"])");
  const fs::path dir = fresh_dir("evcsim-unfinished");
  EXPECT_EQ(unfinished_tasks(e, dir.string()), (std::vector<size_t>{0, 1, 2, 3}));
  write(dir / e.task(0).dir / "results.json", "{}");
  write(dir / e.task(2).dir / "results.json", "{}");
  write(dir / e.task(3).dir / "results.txt", "");  // not results.json: not done
  EXPECT_EQ(unfinished_tasks(e, dir.string()), (std::vector<size_t>{1, 3}));
  fs::remove_all(dir);
}

// The local backend runs the binary it is given once per task with the
// task's arguments: here a shell script standing in for evcsim, which
// records its arguments, fails task 1 with a message and fails task 2's
// expectations (exit 3, which is not a failure: the results are there).
TEST(Backends, LocalRunsEveryTaskAndReportsOnlyRealFailures) {
  Experiment e = parse(R"(factor { path: "policy" value: ["cluster-baseline", "modern-superset"] }
seeds: 2
metric: ["crashes"])");
  const fs::path dir = fresh_dir("evcsim-local");
  const fs::path exe = dir / "fake-evcsim";
  write(exe, R"(#!/bin/sh
# sweep-task EXPERIMENT --index I --out DIR --quiet [--format F]
echo "$@" > "$6/args-$4"
echo "on stdout: not logged"
case "$4" in
  1) echo "boom: task one" >&2; exit 2 ;;
  2) exit 3 ;;
esac
exit 0
)");
  fs::permissions(exe, fs::perms::owner_all);
  BackendOptions o;
  o.exe = exe.string();
  o.experiment = (dir / "experiment.textproto").string();
  o.out = dir.string();
  o.jobs = 2;
  o.formats = "text,json,html";
  const std::vector<std::string> failed = run_local(e, {0, 1, 2, 3}, o);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0], "task 1 (" + e.task(1).dir + "): exit 2: boom: task one");
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(test::read_text(dir / ("args-" + std::to_string(i))), "sweep-task " + o.experiment + " --index " +
                                                                        std::to_string(i) + " --out " + o.out +
                                                                        " --quiet --format text,json,html\n")
        << "task " << i;
  EXPECT_EQ(test::read_text(dir / "logs" / "task-1.log"), "boom: task one\n");
  EXPECT_EQ(test::read_text(dir / "logs" / "task-0.log"), "");

  // Only the tasks asked for run.
  fs::remove(dir / "args-0");
  fs::remove(dir / "args-3");
  EXPECT_TRUE(run_local(e, {3}, o).empty());
  EXPECT_TRUE(fs::exists(dir / "args-3"));
  EXPECT_FALSE(fs::exists(dir / "args-0"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evcsim::sweep
