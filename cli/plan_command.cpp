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
    std::string file, out, objective = "balanced", horizon;
    double budget = 0, window = 1, time_limit = 60;
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
                  "most the purchases may cost over the horizon, in relative price (a mature "
                  "two-socket host is 1.0); default: none")
      ->check(finite_number())
      ->check(CLI::PositiveNumber);
  cmd->add_option("--horizon", a->horizon, "plan this long instead of the scenario's horizon: 10y, 18mo");
  cmd->add_option("--window", a->window, "hosts retire within lifetime_years +/- this many years")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 5.0))
      ->capture_default_str();
  cmd->add_option("--time-limit", a->time_limit,
                  "seconds the solver may take per program (each cluster's; the whole fleet's with --budget)")
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
      req.options.time_limit_s = a->time_limit;
      return plan::plan_and_check(req, std::cout, std::cerr);
    };
  });
}

}  // namespace evcsim::cli
