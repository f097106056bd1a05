// Where a batch of tasks runs: a sweep's (`evcsim sweep-task EXPERIMENT
// --index I --out DIR`, which writes DIR/runs/LABEL-seedN/results.json) or a
// split run's parts (`evcsim run-part`, sweep/split.hpp); a task whose
// results are there is done.
//  - local: processes on this machine, --jobs at once;
//  - slurm: a job array (sbatch), followed with squeue until it ends;
//  - manifest: the command list, for GNU parallel, Kubernetes Indexed Jobs,
//    HTCondor or anything that runs one line per task.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace evcsim::sweep {

class Experiment;

// How a batch runs (jobs, dry_run, sbatch_args, poll_s), and for a sweep's
// batch what its tasks run (exe, experiment, out, formats).
struct BackendOptions {
  std::string exe;         // the evcsim binary the tasks run
  std::string experiment;  // the sweep's own copy: DIR/experiment.textproto
  std::string out;         // DIR, absolute
  int jobs = 0;            // local: processes at once (0: the cores); slurm: the array's %K throttle (0: none)
  bool dry_run = false;    // slurm: print the script and the sbatch command, submit nothing
  std::vector<std::string> sbatch_args;  // slurm: extra #SBATCH lines, e.g. "--partition=long"
  double poll_s = 5;                     // slurm: seconds between squeue polls
  std::string formats;  // each run's --format besides text,json (e.g. "text,json,html"); empty: text,json
};

// Runs `cmd` with sh and returns its exit status (-1 if it did not exit)
// and what it printed, standard output and error together.
struct CommandOutput {
  int status = -1;
  std::string text;
};
CommandOutput run_shell(const std::string& cmd);
// `s` quoted for sh (as is when it needs no quoting).
std::string sh_quote(const std::string& s);

// This process's binary (/proc/self/exe): what the tasks run.
std::string self_binary();

// The task indices of `e` whose results.json is not under `out` yet.
std::vector<size_t> unfinished_tasks(const Experiment& e, const std::string& out);
// Throws InputError when a run folder of `out` was made from another
// scenario than the one experiment `e` makes for its task (the experiment or
// its base scenario was edited, or `out` holds an older sweep): --resume and
// merge must not mix two experiments.
void check_runs_belong(const Experiment& e, const std::string& out);

// The shell command of one task (quoted for sh).
std::string task_command(const BackendOptions& o, size_t index);

// A list of task commands for the backends: the sweep's tasks and a split
// run's parts are both one. Task i runs commands[i] (argv[0] the binary)
// with its standard output discarded; it is done when done(i) says so.
struct TaskBatch {
  std::string name;            // the Slurm job's: evcsim-NAME
  std::string about;           // the batch script's first comment
  std::string noun = "tasks";  // progress: "3/8 tasks done"
  std::vector<std::vector<std::string>> commands;
  std::function<bool(size_t)> done;          // its results are there
  std::function<std::string(size_t)> label;  // in failures: "task 3 (runs/x-seed1)"
  std::function<std::string(size_t)> log;    // local: where its standard error goes
  std::string resume;                        // how the rest runs after a stop: "evcsim sweep --resume"
  std::string script;                        // slurm: the batch script's path
  std::string slurm_output;                  // slurm: #SBATCH --output (%A the job, %a the array index)
  // slurm: the script's command for task "$index" when the tasks' commands
  // differ only by it; empty: the script holds every task's command.
  std::string array_command;
  std::string then;  // slurm --dry-run: what to run once the jobs are done
};

// A command for sh: `argv` quoted and joined.
std::string command_line(const std::vector<std::string>& argv);

// Runs `tasks` of `batch` as local processes, `jobs` at once (0: the cores);
// returns those that failed, one line each ("LABEL: exit 2: the log's last line").
std::vector<std::string> run_local(const TaskBatch& batch, const std::vector<size_t>& tasks, int jobs);

// "0-7", "1,3,5-9": Slurm's --array syntax for sorted indices.
std::string array_ranges(const std::vector<size_t>& sorted);
// The batch script of a job array over task indices [offset, offset + 1000),
// submitted once per chunk (Slurm's default MaxArraySize is 1001).
std::string slurm_script(const TaskBatch& batch, const std::vector<std::string>& sbatch_args);
// Writes the batch script, submits `tasks` as job arrays with sbatch (o.jobs:
// the %K throttle) and follows them with squeue every o.poll_s seconds until
// none is pending or running, printing progress. With o.dry_run, prints the
// script and the commands instead and returns false. Throws
// std::runtime_error when sbatch fails.
bool run_slurm(const TaskBatch& batch, const std::vector<size_t>& tasks, const BackendOptions& o);

// One task command per line.
std::string manifest(const TaskBatch& batch, const std::vector<size_t>& tasks);

// The sweep's tasks as a batch: `evcsim sweep-task EXPERIMENT --index I --out DIR`.
TaskBatch sweep_batch(const Experiment& e, const BackendOptions& o);

// The sweep's backends: the batch of sweep_batch(e, o).
std::vector<std::string> run_local(const Experiment& e, const std::vector<size_t>& tasks, const BackendOptions& o);
std::string slurm_script(const Experiment& e, const BackendOptions& o);
bool run_slurm(const Experiment& e, const std::vector<size_t>& tasks, const BackendOptions& o);
std::string manifest(const std::vector<size_t>& tasks, const BackendOptions& o);

}  // namespace evcsim::sweep
