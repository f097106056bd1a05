// `evcsim run FILE`: simulate a scenario, print its summary, write its event
// log, and check its expectations; with --split, in parts of independent
// clusters (sweep/split.hpp) merged to the same outputs. `evcsim run-part`
// is what each part runs.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "events/event_store.hpp"
#include "policy/masking/masking_policy.hpp"
#include "session/output_formats.hpp"
#include "session/run_session.hpp"
#include "session/split_part.hpp"
#include "sweep/backends.hpp"
#include "sweep/split.hpp"

namespace evcsim::cli {

namespace {

namespace fs = std::filesystem;

// What `run` and `run-part` read alike: the catalog, the scenario, --seed and --policy.
struct Loaded {
  std::unique_ptr<Catalog> own;
  const Catalog* catalog = nullptr;
  ScenarioSpec spec;
};
Loaded load_run(const std::string& file, const std::string& catalog_dir, std::optional<uint64_t> seed,
                const std::string& policy) {
  Loaded l;
  if (!catalog_dir.empty()) l.own = std::make_unique<Catalog>(Catalog::load_directory(catalog_dir));
  l.catalog = l.own ? l.own.get() : &Catalog::builtin();
  for (const auto& w : l.catalog->warnings()) std::cerr << w << "\n";
  l.spec = load_scenario(file, *l.catalog);
  for (const auto& w : l.spec.warnings) std::cerr << w << "\n";
  if (seed) l.spec.seed = *seed;  // --seed 0 too: a seed like any other
  if (!policy.empty()) {
    l.spec.policy.name = policy;
    try {
      make_masking_policy(l.spec.policy);  // an unknown name or unsuitable settings: bad input, named here
    } catch (const InputError& e) {
      throw InputError(e.message(), file, 0, "--policy");
    }
  }
  return l;
}

// "auto" or a number of parts from 1 up.
const CLI::Validator& split_count() {
  static const CLI::Validator v(
      [](std::string& s) -> std::string {
        if (s == "auto") return "";
        const auto n = parse_uint(s);
        return n && *n >= 1 ? std::string() : "'" + s + "' is not auto or a number of parts from 1";
      },
      "auto|N");
  return v;
}

// "0,3,5": cluster indices.
std::vector<int> parse_clusters(const std::string& text, size_t clusters) {
  std::vector<int> out;
  for (size_t at = 0; at <= text.size();) {
    const size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    at = comma + 1;
    const auto c = parse_uint(item);
    if (!c || *c >= clusters)
      throw InputError(fmt::format("'{}' is not a cluster index below {}", item, clusters), "", 0, "--clusters");
    out.push_back(static_cast<int>(*c));
  }
  std::sort(out.begin(), out.end());
  if (out.empty() || std::adjacent_find(out.begin(), out.end()) != out.end())
    throw InputError("name each cluster of the part once: --clusters 0,3,5", "", 0, "--clusters");
  return out;
}

}  // namespace

void add_run_command(CLI::App& app, Runner* runner) {
  struct Args {
    std::string file, out, catalog_dir, policy;
    std::vector<std::string> formats{"text"};
    std::string events = "operations";
    std::optional<uint64_t> seed;
    bool quiet = false;
    std::string split, backend = "local";
    int jobs = 0;
    bool resume = false;
    std::vector<std::string> sbatch;
    double poll = 5;
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
  auto* split_opt =
      run->add_option("--split", a->split,
                      "run the scenario in parts of independent clusters (in separate processes or machines) and "
                      "merge them into --out, byte for byte the outputs of one run: a number of parts, or auto (local: "
                      "one per core; slurm and manifest: one per group of coupled clusters, at most 64). The plan, "
                      "the part files and their logs go in DIR/split")
          ->check(split_count());
  run->add_option("--jobs,-j", a->jobs,
                  "with --split: local, parts at once (default: the cores); slurm, parts at once (%K)")
      ->check(CLI::NonNegativeNumber)
      ->needs(split_opt);
  run->add_option("--backend", a->backend,
                  "with --split: local, processes on this machine; slurm, a job array submitted with sbatch and "
                  "followed with squeue (DIR on a file system the nodes share); manifest, write one command per part "
                  "to DIR/split/manifest.txt and stop (then --resume merges)")
      ->check(CLI::IsMember({"local", "slurm", "manifest"}))
      ->capture_default_str()
      ->needs(split_opt);
  run->add_flag("--resume", a->resume, "with --split: run only the parts without a part file, then merge")
      ->needs(split_opt);
  run->add_option("--sbatch", a->sbatch, "with --split --backend slurm: an extra #SBATCH option (repeatable)")
      ->needs(split_opt);
  run->add_option("--poll", a->poll, "with --split --backend slurm: seconds between squeue polls")
      ->check(finite_number())
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str()
      ->needs(split_opt);
  run->footer(
      "Exit codes: 0 the run ended and every expectation holds, 3 an expectation failed, 2 bad input, "
      "70 an internal error (an invariant broke); with --split, 1 a part failed (its log is named; the other parts' "
      "files stay for --resume).");
  run->callback([=] {
    *runner = [=] {
      check_output_formats(a->formats, !a->out.empty(), "--format");  // before anything is read
      Loaded l = load_run(a->file, a->catalog_dir, a->seed, a->policy);
      const RunRequest request{a->out, a->formats, a->quiet, parse_event_detail(a->events), {}};
      if (a->split.empty()) return run_session(l.spec, *l.catalog, request);
      if (a->out.empty()) throw InputError("a split run merges its parts into a folder: give --out", "", 0, "--split");
      sweep::SplitOptions o;
      o.scenario = fs::absolute(a->file).lexically_normal().string();
      o.out = fs::absolute(a->out).lexically_normal().string();
      o.parts = a->split == "auto" ? 0 : std::stoi(a->split);
      o.backend = a->backend;
      if (a->seed) o.part_options.insert(o.part_options.end(), {"--seed", std::to_string(*a->seed)});
      if (!a->policy.empty()) o.part_options.insert(o.part_options.end(), {"--policy", a->policy});
      if (!a->catalog_dir.empty())
        o.part_options.insert(o.part_options.end(),
                              {"--catalog", fs::absolute(a->catalog_dir).lexically_normal().string()});
      o.resume = a->resume;
      std::vector<std::string> again = {"evcsim", "run", o.scenario, "--out", o.out, "--split", a->split, "--resume"};
      again.insert(again.end(), o.part_options.begin(), o.part_options.end());
      again.insert(again.end(), {"--format", fmt::format("{}", fmt::join(a->formats, ",")), "--events", a->events});
      o.resume_command = sweep::command_line(again);
      o.backend_options.exe = sweep::self_binary();
      o.backend_options.jobs = a->jobs;
      o.backend_options.sbatch_args = a->sbatch;
      o.backend_options.poll_s = a->poll;
      const sweep::SplitOutcome outcome = sweep::run_split(l.spec, o);
      if (!outcome.failed.empty()) {
        for (const std::string& f : outcome.failed) std::cerr << "evcsim: error: failed: " << f << "\n";
        std::cerr << fmt::format(
            "{} of {} parts failed; the others' part files stay in {}/split: `{}` reruns only "
            "the failed\n",
            outcome.failed.size(), outcome.parts, o.out, o.resume_command);
        return 1;
      }
      if (!outcome.merge) return 0;
      sweep::SplitAside aside(o.out);  // the merge replaces DIR whole, as every run does
      try {
        return merge_parts(l.spec, *l.catalog, aside.part_files(outcome.parts), request);
      } catch (const InputError& e) {
        throw aside.explain(e);
      }
    };
  });

  struct PartArgs {
    std::string file, clusters, part_file, catalog_dir, policy;
    std::optional<uint64_t> seed;
  };
  auto p = std::make_shared<PartArgs>();
  auto* part = app.add_subcommand("run-part", "Simulate one part of a split run (what `run --split` runs per part)");
  part->group("");  // internal: `run --split` writes its command lines
  part->add_option("FILE", p->file, "the scenario")->required();
  part->add_option("--clusters", p->clusters, "the part's clusters, by index: 0,3,5")->required();
  part->add_option("--part-file", p->part_file, "where the part's events go (written whole, or not at all)")
      ->required();
  part->add_option("--seed", p->seed, "as run --seed")->check(non_negative_integer());
  part->add_option("--policy", p->policy, "as run --policy");
  part->add_option("--catalog", p->catalog_dir, "as run --catalog");
  part->callback([=] {
    *runner = [=] {
      Loaded l = load_run(p->file, p->catalog_dir, p->seed, p->policy);
      run_part(l.spec, *l.catalog, parse_clusters(p->clusters, l.spec.clusters.size()), p->part_file);
      return 0;
    };
  });
}

}  // namespace evcsim::cli
