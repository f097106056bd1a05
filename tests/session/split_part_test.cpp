// A run split by clusters, each part simulated in a process of its own and
// merged, writes the whole run's files byte for byte (issue 26). Each
// simulation runs in a forked child: one SimGrid engine per process.
#include <sys/wait.h>
#include <unistd.h>
#include <filesystem>
#include <functional>
#include <iostream>
#include <sstream>

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "events/event_export.hpp"
#include "scenario/partition.hpp"
#include "session/split_part.hpp"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

// Runs `f` in a child process; its exit status (0 when it returned).
int in_child(const std::function<void()>& f) {
  std::cout.flush();
  const pid_t pid = fork();
  if (pid == 0) {
    int code = 0;
    try {
      f();
    } catch (const std::exception& e) {
      std::cerr << "child: " << e.what() << "\n";
      code = 1;
    }
    std::cout.flush();
    _exit(code);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string events_of(const fs::path& store) {
  std::ostringstream out;
  export_events(EventReader(store.string()), EventQuery{}, EventFormat::jsonl, out);
  return out.str();
}

// The whole run and the merge of `parts` write the same files.
void expect_split_equals_whole(const std::string& scenario_file, const std::vector<std::vector<int>>& parts) {
  const Catalog& cat = Catalog::builtin();
  const ScenarioSpec spec = load_scenario(scenario_file, cat);
  const fs::path dir = fs::temp_directory_path() / ("evcsim-split-" + fs::path(scenario_file).stem().string());
  fs::remove_all(dir);
  fs::create_directories(dir);
  RunRequest req;
  req.formats = {"text", "json", "csv"};
  req.quiet = true;
  req.out = (dir / "whole").string();
  ASSERT_EQ(in_child([&] { run_session(spec, cat, req); }), 0);
  std::vector<std::string> files;
  for (size_t k = 0; k < parts.size(); ++k) {
    files.push_back((dir / ("part-" + std::to_string(k) + ".evpart")).string());
    ASSERT_EQ(in_child([&] { run_part(spec, cat, parts[k], files.back()); }), 0) << "part " << k;
  }
  req.out = (dir / "merged").string();
  ASSERT_EQ(in_child([&] { merge_parts(spec, cat, files, req); }), 0);
  size_t compared = 0;
  for (const auto& entry : fs::directory_iterator(dir / "whole")) {
    const std::string name = entry.path().filename().string();
    const fs::path merged = dir / "merged" / name;
    ASSERT_TRUE(fs::exists(merged)) << name;
    if (name == "events.sqlite") EXPECT_EQ(events_of(entry.path()), events_of(merged)) << name;
    else EXPECT_EQ(test::read_text(entry.path()), test::read_text(merged)) << name;
    ++compared;
  }
  EXPECT_GE(compared, 4u);
  if (!::testing::Test::HasFailure()) fs::remove_all(dir);  // else kept to look at
}

TEST(SplitRun, RefreshTwoYearsSplitByClusterMergesToTheWholeRunsBytes) {
  expect_split_equals_whole(std::string(EVCSIM_SOURCE_DIR) + "/scenarios/refresh-2y.textproto", {{0}, {1}});
}

TEST(SplitRun, StressFailuresAsOnePartMergesToTheWholeRunsBytes) {
  expect_split_equals_whole(std::string(EVCSIM_SOURCE_DIR) + "/scenarios/stress-failures.textproto", {{0}});
}

}  // namespace
}  // namespace evcsim
