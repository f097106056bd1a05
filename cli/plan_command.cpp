// `evcsim plan SCENARIO --out DIR`: the optimizer's plan (plan/planner.hpp),
// checked by simulation (plan/refine.hpp). Each round solves the program, writes the plan as a
// scenario and runs it in its own process; where the simulation disagrees (a
// raise refused because a host could not leave, power-ons refused for want
// of room) the disagreement becomes a constraint and the program is solved
// again, a few times at most. The scenario as given runs beside it, and
// plan.json and plan.html put the two side by side.
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "plan/refine.hpp"

namespace evcsim::cli {

using plan::PlanRequest;

void add_plan_command(CLI::App& app, Runner* runner) {
  struct Args {
    std::string file, out, objective = "balanced", horizon, ha, replace_over;
    int min_hosts = -1;
    double budget = 0, window = 1, time_limit = 300;
    int rounds = 3;
  };
  auto a = std::make_shared<Args>();
  auto* cmd =
      app.add_subcommand("plan", "Find when to raise each baseline and what to buy, and check the plan by simulation");
  cmd->add_option("SCENARIO", a->file, "a scenario with start_date and refresh { lifetime_years }")->required();
  cmd->add_option("--out", a->out, "write plan.textproto, plan.json, plan.html and both runs here")->required();
  cmd->add_option("--objective", a->objective,
                  "features (VM-feature-years first), outage (fewer raises, more headroom) "
                  "or balanced")
      ->capture_default_str();
  cmd->add_option("--budget", a->budget,
                  "most the purchases may cost over the horizon, in US dollars; default: the scenario's "
                  "plan { budget_usd }, else none")
      ->check(finite_number())
      ->check(CLI::PositiveNumber);
  cmd->add_option("--ha", a->ha,
                  "HA admission of every cluster: n+1 (room to restart the largest host's VMs), n+2, a share "
                  "such as 25%, or none; default: the scenario's plan { ha }, else n+1");
  cmd->add_option("--min-hosts", a->min_hosts,
                  "hosts per cluster at least, at every quarter; default: the scenario's plan { min_hosts }, else 3 "
                  "(vSAN clusters 4)")
      ->check(CLI::Range(0, 1000));
  cmd->add_option("--replace-over", a->replace_over,
                  "hosts due or overdue are replaced over this window, a few a quarter: 2y, 18mo; default: the "
                  "scenario's plan { replace_over }, else 2y");
  cmd->add_option("--horizon", a->horizon, "plan this long instead of the scenario's horizon: 10y, 18mo");
  cmd->add_option("--window", a->window, "hosts retire within lifetime_years +/- this many years")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 5.0))
      ->capture_default_str();
  cmd->add_option(
         "--time-limit", a->time_limit,
         "seconds (wall) the solver may take a round: shared among the clusters' programs, or the whole fleet's "
         "with --budget; a stopped solve reports its gap")
      ->check(finite_number())
      ->check(CLI::Range(1.0, 86400.0))
      ->capture_default_str();
  cmd->add_option("--rounds", a->rounds, "solve-and-simulate rounds at most")
      ->check(CLI::Range(1, 10))
      ->capture_default_str();
  cmd->footer("docs/plan.md writes the program out. Exit codes: 0 a plan was found and simulated, 2 bad input.");
  cmd->callback([=] {
    *runner = [=] {
      PlanRequest req;
      req.scenario = a->file;
      req.out = a->out;
      req.horizon = a->horizon;
      req.rounds = a->rounds;
      req.options.objective = a->objective;
      if (a->budget > 0) req.options.budget = a->budget;
      req.options.window_years = a->window;
      if (!a->ha.empty()) req.options.ha = a->ha;
      if (a->min_hosts >= 0) req.options.min_hosts = a->min_hosts;
      if (!a->replace_over.empty()) req.options.replace_over = a->replace_over;
      req.options.time_limit_s = a->time_limit;
      return plan::plan_and_check(req, std::cout, std::cerr);
    };
  });
}

}  // namespace evcsim::cli
