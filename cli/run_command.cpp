// `evcsim run FILE`: simulate a scenario, print its summary, write its event
// log, and check its expectations.
#include <iostream>
#include <memory>
#include <optional>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "events/event_store.hpp"
#include "policy/masking/masking_policy.hpp"
#include "session/output_formats.hpp"
#include "session/run_session.hpp"

namespace evcsim::cli {

void add_run_command(CLI::App& app, Runner* runner) {
  struct Args {
    std::string file, out, catalog_dir, policy;
    std::vector<std::string> formats{"text"};
    std::string events = "operations";
    std::optional<uint64_t> seed;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  auto* run =
      app.add_subcommand("run", "Simulate a scenario: migrations, blocked migrations and crashes, with reasons");
  run->add_option("FILE", a->file, "the scenario (protobuf text format, see scenario/scenario.proto)")->required();
  run->add_option("--seed", a->seed, "override the scenario's seed (same scenario and seed: the same run)")
      ->check(non_negative_integer());
  run->add_option("--out", a->out,
                  "write the event store (events.sqlite, see `evcsim events`) and the --format files to this folder");
  run->add_option("--format", a->formats, "outputs, comma-separated: " + output_formats_help())
      ->delimiter(',')
      ->capture_default_str();
  run->add_option("--events", a->events,
                  "what the event log keeps: operations (migrations, crashes, blocks, refusals, power-ons and power "
                  "cycles, maintenance, failures, HA restarts, purchases, raises), all (also every software start, "
                  "guest reboot and DRS pass: ~30x the rows of a long run), none")
      ->check(CLI::IsMember({"none", "operations", "all"}))
      ->capture_default_str();
  run->add_option("--policy", a->policy, "override the scenario's policy (see `evcsim policies`)");
  run->add_option("--catalog", a->catalog_dir,
                  "a directory of catalog *.textproto files extending the built-in catalog (an entry named like a "
                  "built-in one replaces it)");
  run->add_flag("--quiet,-q", a->quiet, "print only failing expectations");
  run->footer(
      "Exit codes: 0 the run ended and every expectation holds, 3 an expectation failed, 2 bad input, "
      "70 an internal error (an invariant broke).");
  run->callback([=] {
    *runner = [=] {
      check_output_formats(a->formats, !a->out.empty(), "--format");  // before anything is read
      std::unique_ptr<Catalog> own;
      if (!a->catalog_dir.empty()) own = std::make_unique<Catalog>(Catalog::load_directory(a->catalog_dir));
      const Catalog& cat = own ? *own : Catalog::builtin();
      for (const auto& w : cat.warnings()) std::cerr << w << "\n";
      ScenarioSpec spec = load_scenario(a->file, cat);
      for (const auto& w : spec.warnings) std::cerr << w << "\n";
      if (a->seed) spec.seed = *a->seed;  // --seed 0 too: a seed like any other
      if (!a->policy.empty()) {
        spec.policy.name = a->policy;
        try {
          make_masking_policy(spec.policy);  // an unknown name or unsuitable settings: bad input, named here
        } catch (const InputError& e) {
          throw InputError(e.message(), a->file, 0, "--policy");
        }
      }
      return run_session(spec, cat, RunRequest{a->out, a->formats, a->quiet, parse_event_detail(a->events), {}});
    };
  });
}

}  // namespace evcsim::cli
