// `evcsim inventory`: the fleet one has (RVTools' CSV exports of vCenter, or a
// plain hosts CSV) as a runnable scenario.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "interop/inventory_import.hpp"
#include "policy/baseline/baseline_policy.hpp"
#include "policy/masking/masking_policy.hpp"
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

// `name` if `table` has it, else an InputError naming the option, the
// nearest names and all of them: checked before anything is written.
template <class Entry>
void check_name(std::span<const Entry> table, const std::string& name, const char* option) {
  if (find_named(table, name)) return;
  std::vector<std::string> names;
  for (const auto& e : table) names.emplace_back(e.name);
  throw InputError(fmt::format("'{}' is not a policy evcsim knows; nearest: {} (all: {}); nothing written", name,
                               fmt::join(nearest_names(name, names), ", "), names_of(table)),
                   "", 0, option);
}

// The run's length: a duration with its unit ("5y", "18mo"), or a bare
// number of years ("5": a planner's horizon is years; it once meant 5 s).
std::string horizon_of(const std::string& text) {
  std::string h(trim(text));
  const bool bare = !h.empty() && h.find_first_not_of("0123456789.") == std::string::npos;
  if (bare) h += "y";
  double s = 0;
  try {
    s = parse_duration(h);
  } catch (const InputError& e) {
    throw InputError(e.message() + " (a duration: 5y, 18mo, 90d; a bare number is years)", "", 0, "--horizon");
  }
  if (s <= 0) throw InputError(fmt::format("'{}' is no time at all: give years, e.g. 5y", text), "", 0, "--horizon");
  if (bare) std::cerr << fmt::format("evcsim: --horizon {} read as {} (years)\n", text, h);
  return h;
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
                  "# Memory, Current EVC, Max EVC, CPU usage %, Memory usage %, # VMs, ESX Version, Vendor, Model, "
                  "BIOS Date, purchased)");
  cmd->add_option("--vinfo", a->sources.vinfo,
                  "RVTools' vInfo tab as CSV (VM, Powerstate, CPUs, Memory, Host, Cluster, "
                  "min Required EVC Mode Key, HW version, PowerOn, OS according to the configuration file / "
                  "the VMware Tools, HA Restart Priority, Cluster rule(s)); without it the VMs are estimated "
                  "from the hosts' Memory usage % and # VMs, and the scenario says so");
  cmd->add_option(
      "--hosts", a->sources.hosts_csv,
      "instead of --vhost, for fleets not on vSphere: a CSV of host,cluster,cpu,sockets,ram_gib and optionally "
      "purchased (YYYY-MM), cores_per_socket, baseline");
  cmd->add_option("-o,--out", a->out, "the scenario to write (protobuf text format)")->required();
  cmd->add_option("--start", a->start, "the scenario's start_date, YYYY-MM (default: this month)");
  cmd->add_option("--horizon", a->horizon, "how long the run is: 5y, 18mo, 90d (a bare number is years)")
      ->capture_default_str();
  cmd->add_option("--policy", a->policy, "the masking policy (`evcsim policies`)")->capture_default_str();
  cmd->add_option("--lifetime", a->lifetime, "refresh: retire hosts this many years old (0: no refresh)")
      ->check(finite_number())
      ->check(CLI::Range(0.0, 50.0))
      ->capture_default_str();
  cmd->add_option("--baseline-policy", a->baseline_policy, "refresh: fixed, auto-raise, auto-raise-ahead, dynamic-lcd")
      ->capture_default_str();
  cmd->add_option("--name", a->name, "the scenario's name (default: the output file's name)");
  cmd->footer(
      "Columns are found by their header, in any order, case, blanks and parentheses ignored; extra columns\n"
      "are ignored, and a note names the optional ones found and missing. RVTools' '# Memory' and 'Memory' are MB.\n"
      "Purchase dates: a 'purchased' column, else a plausible BIOS date, else spread from the part's launch to the\n"
      "start; hosts past --lifetime at the start retire spread over the first 3 years (retire: dates).\n"
      "A CPU model string ('Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz') resolves to its catalog part; hosts that do not "
      "resolve are left out, with a comment saying so.");
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
      o.horizon = horizon_of(a->horizon);
      check_name(masking_policy_table(), a->policy, "--policy");
      check_name(baseline_policy_table(), a->baseline_policy == "never" ? "fixed" : a->baseline_policy,
                 "--baseline-policy");
      o.policy = a->policy;
      o.lifetime_years = a->lifetime;
      o.baseline_policy = a->baseline_policy;
      InventoryResult r = import_inventory(a->sources, cat, o);
      // What is written must run: load it as `evcsim run` will, before writing.
      std::vector<std::string> warnings;
      try {
        warnings = parse_scenario(r.scenario, a->out, cat).warnings;
      } catch (const InputError& e) {
        std::cerr << "evcsim: error: the scenario of this export does not load: " << e.what()
                  << "\n  (nothing written; this is a bug of `evcsim inventory` or an export it misreads)\n";
        return 2;
      }
      fs::path out = fs::absolute(a->out);
      {
        OutputDir dir(out.parent_path().string());
        dir.write(out.filename().string(), r.scenario);
      }
      std::cout << fmt::format("wrote {}: {} cluster(s), {} host(s), {} VM(s)\n", a->out, r.clusters, r.hosts, r.vms);
      for (const auto& l : r.left_out) std::cout << "  left out: " << l << "\n";
      for (const auto& n : r.notes) std::cerr << "note: " << n << "\n";
      for (const auto& w : warnings) std::cerr << w << "\n";
      std::cout << fmt::format("next: evcsim run {} --out report --format text,html,csv\n", a->out);
      return 0;
    };
  });
}

}  // namespace evcsim::cli
