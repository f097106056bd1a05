// `evcsim compare FILE --policies a,b,c --seeds N`: the scenario once per
// policy and seed, side by side. A front end of `evcsim sweep`: an
// experiment of one factor (the policy) run by the local backend, each run in
// its own process (one SimGrid engine per process), then the table printed
// and written as CSV, JSON and HTML.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "models/catalog.hpp"
#include "models/error.hpp"
#include "reports/compare_report.hpp"
#include "reports/output_dir.hpp"
#include "sweep/backends.hpp"
#include "sweep/experiment.hpp"
#include "sweep/merge.hpp"

namespace evcsim::cli {

namespace fs = std::filesystem;

void add_compare_command(CLI::App& app, Runner* runner) {
  struct Args {
    std::string file, out;
    std::vector<std::string> policies;
    int seeds = 3;
    int jobs = 0;
    bool resume = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("compare", "Run a scenario under several policies and seeds and compare them side by side");
  cmd->add_option("FILE", a->file, "the scenario")->required();
  cmd->add_option("--policies", a->policies, "policies to compare, comma-separated")->delimiter(',')->required();
  cmd->add_option("--seeds", a->seeds, "runs per policy: the scenario's seed, seed+1, ...")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--jobs,-j", a->jobs, "runs at once (default: the machine's cores)");
  cmd->add_option("--out", a->out, "write compare.csv, compare.json, compare.html and each run's files here");
  cmd->add_flag("--resume", a->resume, "keep the runs an earlier compare into the same --out finished; run the rest");
  cmd->footer("For more factors than the policy, or a cluster: `evcsim sweep` (this is its front end).");
  cmd->callback([=] {
    *runner = [=] {
      const Catalog& cat = Catalog::builtin();
      ScenarioSpec spec = load_scenario(a->file, cat);  // bad input fails here, once
      std::optional<sweep::Experiment> e;
      try {  // every policy's scenario is checked before any run starts
        e.emplace(sweep::Experiment::of_levels(a->file, "policy", a->policies, static_cast<uint32_t>(a->seeds), cat));
      } catch (const InputError& err) {
        throw InputError(err.message(), "", 0, "--policies");
      }
      if (a->resume && a->out.empty()) throw InputError("--resume needs the --out of the earlier compare", "", 0, "--resume");
      const bool temp = a->out.empty();
      const std::string root = fs::absolute(temp ? fs::temp_directory_path() / fmt::format("evcsim-compare-{}", getpid())
                                                 : fs::path(a->out))
                                   .lexically_normal()
                                   .string();
      std::optional<OutputDir> out_dir;
      out_dir.emplace(root);
      out_dir->write("experiment.textproto", e->normalized_text());
      sweep::BackendOptions o;
      o.exe = sweep::self_binary();
      o.experiment = (fs::path(root) / "experiment.textproto").string();
      o.out = root;
      o.jobs = a->jobs;
      std::vector<size_t> tasks;
      if (a->resume) tasks = sweep::unfinished_tasks(*e, root);
      else
        for (size_t i = 0; i < e->task_count(); ++i) tasks.push_back(i);
      auto failed = sweep::run_local(*e, tasks, o);
      if (!failed.empty()) throw std::runtime_error("a run failed: " + failed.front());
      auto loaded = sweep::load_runs(*e, root);
      std::vector<std::vector<report::RunResults>> runs(a->policies.size());
      for (size_t i = 0; i < loaded.size(); ++i)
        if (loaded[i]) runs[e->task(i).point].push_back(std::move(*loaded[i]));
      report::CompareResults c = aggregate(spec.name, a->file, a->policies, runs);
      std::cout << compare_text(c);
      if (!temp) {
        out_dir->write("compare.csv", compare_csv(c));
        out_dir->write("compare.json", compare_json(c));
        out_dir->write("compare.html", compare_html(c));
        std::cout << fmt::format("wrote {}/compare.{{csv,json,html}} and each run under {}/runs\n", root, root);
      } else {
        out_dir.reset();
        std::error_code ec;
        fs::remove_all(root, ec);
      }
      return 0;
    };
  });
}

}  // namespace evcsim::cli
