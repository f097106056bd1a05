// `evcsim inventory`: the fleet one has (RVTools' CSV exports of vCenter, or a
// plain hosts CSV) as a runnable scenario.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "interop/inventory_import.hpp"
#include "reports/output_dir.hpp"
#include "scenario/scenario.hpp"

namespace evcsim::cli {

namespace fs = std::filesystem;

namespace {

YearMonth this_month() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  return YearMonth{utc.tm_year + 1900, utc.tm_mon + 1};
}

}  // namespace

void add_inventory_command(CLI::App& app, Runner* runner) {
  struct Args {
    InventorySources sources;
    std::string out, start, horizon = "5y", policy = "cluster-baseline", baseline_policy = "auto-raise", name;
    double lifetime = 5;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("inventory",
                                 "Write the scenario of the fleet one has, from RVTools' CSV exports or a hosts CSV");
  cmd->add_option("--vhost", a->sources.vhost,
                  "RVTools' vHost tab as CSV (Host, Cluster, CPU Model, # CPU, Cores per CPU, "
                  "# Memory, Current EVC, Max EVC)");
  cmd->add_option("--vinfo", a->sources.vinfo,
                  "RVTools' vInfo tab as CSV (VM, Powerstate, CPUs, Memory, Host, Cluster, "
                  "min Required EVC Mode Key, HW version)");
  cmd->add_option(
      "--hosts", a->sources.hosts_csv,
      "instead of --vhost, for fleets not on vSphere: a CSV of host,cluster,cpu,sockets,ram_gib and optionally "
      "purchased (YYYY-MM), cores_per_socket, baseline");
  cmd->add_option("-o,--out", a->out, "the scenario to write (protobuf text format)")->required();
  cmd->add_option("--start", a->start, "the scenario's start_date, YYYY-MM (default: this month)");
  cmd->add_option("--horizon", a->horizon, "how long the run is: 5y, 18mo, 90d")->capture_default_str();
  cmd->add_option("--policy", a->policy, "the masking policy (`evcsim policies`)")->capture_default_str();
  cmd->add_option("--lifetime", a->lifetime, "refresh: retire hosts this many years old (0: no refresh)")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 50.0))
      ->capture_default_str();
  cmd->add_option("--baseline-policy", a->baseline_policy, "refresh: fixed, auto-raise, auto-raise-ahead, dynamic-lcd")
      ->capture_default_str();
  cmd->add_option("--name", a->name, "the scenario's name (default: the output file's name)");
  cmd->footer(
      "Columns are found by their header, in any order; extra columns are ignored. RVTools' '# Memory' and\n"
      "'Memory' are MB. A CPU model string ('Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz') resolves to its\n"
      "catalog part; hosts that do not resolve are left out, with a comment saying so.");
  cmd->callback([=] {
    *runner = [=] {
      const Catalog& cat = Catalog::builtin();
      InventoryOptions o;
      o.name = a->name.empty() ? fs::path(a->out).stem().string() : a->name;
      try {
        o.start = a->start.empty() ? this_month() : parse_year_month(a->start);
      } catch (const InputError& e) {
        throw InputError(e.message(), "", 0, "--start");
      }
      try {
        (void)parse_duration(a->horizon);
      } catch (const InputError& e) {
        throw InputError(e.message(), "", 0, "--horizon");
      }
      o.horizon = a->horizon;
      o.policy = a->policy;
      o.lifetime_years = a->lifetime;
      o.baseline_policy = a->baseline_policy;
      InventoryResult r = import_inventory(a->sources, cat, o);
      fs::path out = fs::absolute(a->out);
      {
        OutputDir dir(out.parent_path().string());
        dir.write(out.filename().string(), r.scenario);
      }
      std::cout << fmt::format("wrote {}: {} cluster(s), {} host(s), {} VM(s)\n", a->out, r.clusters, r.hosts, r.vms);
      for (const auto& l : r.left_out) std::cout << "  left out: " << l << "\n";
      // What was written must run: load it as `evcsim run` will.
      try {
        ScenarioSpec spec = load_scenario(a->out, cat);
        for (const auto& w : spec.warnings) std::cerr << w << "\n";
      } catch (const InputError& e) {
        std::cerr << "evcsim: error: the scenario written does not load yet: " << e.what() << "\n  (edit that line of "
                  << a->out << ", or the export, and run it again)\n";
        return 2;
      }
      std::cout << fmt::format("next: evcsim run {} --out report --format text,html,csv\n", a->out);
      return 0;
    };
  });
}

}  // namespace evcsim::cli
