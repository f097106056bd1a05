// evcsim: a discrete-event simulator and test harness for live migration of
// VMs across hosts whose CPUs report different CPUID features.
#include <cstdio>
#include <iostream>

#include "base/error.hpp"
#include "cli/commands.hpp"
#include "reports/output_dir.hpp"

namespace {

int run(int argc, char** argv) {
  CLI::App app{"evcsim: simulate live migration of VMs across hosts with different CPUID features"};
  app.set_version_flag("--version", "evcsim 0.1.0");
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 a negative verdict (see each command), 2 bad input.\n"
      "Run `evcsim COMMAND --help` for a command's options.");
  evcsim::install_interrupt_cleanup();
  evcsim::cli::Runner runner;
  evcsim::cli::add_run_command(app, &runner);
  evcsim::cli::add_cpu_command(app, &runner);
  evcsim::cli::add_compare_command(app, &runner);
  evcsim::cli::add_sweep_commands(app, &runner);
  evcsim::cli::add_events_command(app, &runner);
  evcsim::cli::add_inventory_command(app, &runner);
  evcsim::cli::add_plan_command(app, &runner);
  evcsim::cli::add_policies_command(app, &runner);
  evcsim::cli::add_metrics_command(app, &runner);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    int code = runner ? runner() : 2;
    std::cout.flush();
    if (!std::cout) {
      std::cerr << "evcsim: error: writing the output failed\n";
      return 2;
    }
    return code;
  } catch (const evcsim::InputError& e) {
    std::cerr << "evcsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::logic_error& e) {
    std::cerr << "evcsim: internal error: " << e.what() << "\n";
    return 70;
  } catch (const std::exception& e) {
    std::cerr << "evcsim: error: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (...) {  // setting up the commands failed (out of memory): never std::terminate
    std::fputs("evcsim: internal error while starting\n", stderr);
    return 70;
  }
}
