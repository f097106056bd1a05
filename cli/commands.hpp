// The subcommands of the evcsim CLI. Each add_* registers its options on the
// app and returns a callback that runs it and returns the exit code:
// 0 success, 1 a negative verdict (e.g. compare: not identical or superset),
// 2 bad input. InputError escapes to main, which prints it and exits 2.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace evcsim {
class Catalog;
struct ScenarioSpec;
}  // namespace evcsim

namespace evcsim::cli {

using Runner = std::function<int()>;
// CLI11's PositiveNumber and Range let nan through (every comparison with nan
// is false), and an unsigned option takes "-1" as 2^64-1: decimal options
// check finite_number() as well, integers non_negative_integer().
const CLI::Validator& finite_number();
const CLI::Validator& non_negative_integer();
// Registers `cpu` and its subcommands; sets *runner to the one that was chosen.
void add_cpu_command(CLI::App& app, Runner* runner);
// Registers `run` (simulate a scenario) and `policies`.
void add_run_command(CLI::App& app, Runner* runner);
void add_policies_command(CLI::App& app, Runner* runner);
void add_metrics_command(CLI::App& app, Runner* runner);

// Registers `inventory` (a scenario of the fleet one has, from RVTools' CSV
// exports or a hosts CSV).
void add_inventory_command(CLI::App& app, Runner* runner);
// Registers `plan` (an optimizer's refresh plan, checked by simulation).
void add_plan_command(CLI::App& app, Runner* runner);
// Registers `events` (filter and convert a run's event store).
void add_events_command(CLI::App& app, Runner* runner);
// Registers `sweep`, `sweep-task` and `merge` (experiments over factors and
// seeds, on this machine, a Slurm cluster or any runner of a command list).
void add_sweep_commands(CLI::App& app, Runner* runner);
// Registers `compare` (one scenario, several policies and seeds, side by side).
void add_compare_command(CLI::App& app, Runner* runner);

}  // namespace evcsim::cli
