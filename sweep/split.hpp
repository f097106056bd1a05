// A run split by independent groups of clusters (issue 26): the plan (the
// coupled groups of scenario/partition.hpp dealt into parts), the parts run
// by the sweep's backends (local processes, a Slurm job array, a manifest),
// each `evcsim run-part` writing DIR/split/part-K.evpart and its log
// DIR/split/part-K.log. The merge (session/split_part.hpp) is the caller's:
// sweep/ runs processes, not simulations.
#pragma once

#include <string>
#include <vector>

#include "base/error.hpp"
#include "scenario/partition.hpp"
#include "scenario/scenario.hpp"
#include "sweep/backends.hpp"

namespace evcsim::sweep {

// Parts of a split run: Slurm's array index names the part's log
// (part-%a.log), and one array holds at most 1,000 ids.
constexpr int kMaxSplitParts = 1000;

struct SplitOptions {
  std::string scenario;                   // the scenario file, absolute: every part reads it
  std::string out;                        // the run's folder DIR, absolute; the parts go in DIR/split
  int parts = 0;                          // 0: auto (auto_parts)
  std::string backend = "local";          // local, slurm or manifest
  std::vector<std::string> part_options;  // given to every part: --seed N, --policy P, --catalog DIR
  bool resume = false;                    // run only the parts without a part file
  std::string resume_command;             // manifest: the command that merges once the parts ran
  BackendOptions backend_options;         // exe, jobs, sbatch_args, poll_s
};

// How many parts `--split auto` makes for `groups` coupled groups: local, one
// per core (the processes run at once); slurm and manifest, one per group,
// at most 64 (jobs wait in a queue; more parts than that mostly add start-ups
// and the merge's reading).
int auto_parts(const std::string& backend, size_t groups);

struct SplitPlan {
  std::vector<CoupledGroup> groups;
  std::vector<std::vector<int>> parts;  // the clusters of each part
};
SplitPlan plan_split(const ScenarioSpec& spec, int parts);
// DIR/split/plan.txt: the parts with their clusters and sizes, and the
// coupled groups with why. A resumed run must find the same text.
std::string plan_text(const ScenarioSpec& spec, const SplitPlan& plan);
// The parts in a few lines, for the terminal.
std::string plan_brief(const ScenarioSpec& spec, const SplitPlan& plan);

// The part file and the log of part `k` in the folder `split_dir`.
std::string part_file(const std::string& split_dir, size_t k);
std::string part_log(const std::string& split_dir, size_t k);

struct SplitOutcome {
  size_t parts = 0;
  std::vector<std::string> failed;  // one line per part that failed, naming its log
  bool merge = true;                // false: the manifest was written, nothing ran here
};

// Plans the split of `spec`, writes DIR/split/plan.txt, prints the plan
// briefly and runs the parts that have no part file (all of them unless
// resuming; a fresh run starts DIR/split anew). Throws InputError when DIR
// holds other files than an evcsim run's, or when resuming a different plan.
SplitOutcome run_split(const ScenarioSpec& spec, const SplitOptions& o);

// While it lives, DIR/split waits beside DIR (PARENT/.NAME.split), so the
// merge can replace DIR whole as every run does (reports/output_dir.hpp's
// RunFolder); then it goes back into DIR. A run killed meanwhile leaves it
// there, and the next split run into DIR takes it back.
class SplitAside {
 public:
  explicit SplitAside(const std::string& dir);
  ~SplitAside();
  SplitAside(const SplitAside&) = delete;
  SplitAside& operator=(const SplitAside&) = delete;
  // The part files of parts 0..n-1, where they are while aside.
  std::vector<std::string> part_files(size_t n) const;
  // `e` naming a part file where it will be again (DIR/split/part-K.evpart).
  InputError explain(const InputError& e) const;

 private:
  std::string split_, aside_;
};

}  // namespace evcsim::sweep
