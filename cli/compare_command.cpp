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

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "reports/compare_report.hpp"
#include "reports/output_dir.hpp"
#include "scenario/metrics.hpp"
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
    std::vector<std::string> metrics;
    std::string model;
    bool keep_reports = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd =
      app.add_subcommand("compare", "Run a scenario under several policies and seeds and compare them side by side");
  cmd->add_option("FILE", a->file, "the scenario")->required();
  cmd->add_option("--policies", a->policies, "policies to compare, comma-separated")->delimiter(',')->required();
  cmd->add_option("--seeds", a->seeds, "runs per policy: the scenario's seed, seed+1, ...")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--jobs,-j", a->jobs, "runs at once (default: the machine's cores)");
  cmd->add_option("--out", a->out, "write compare.csv, compare.json, compare.html and each run's files here");
  cmd->add_flag("--resume", a->resume, "keep the runs an earlier compare into the same --out finished; run the rest");
  cmd->add_option("--metrics", a->metrics,
                  fmt::format("the columns, comma-separated (`evcsim metrics`, or features_seen, imbalance_end); "
                              "default: {}",
                              fmt::join(compared_metrics(), ",")))
      ->delimiter(',');
  cmd->add_option("--model", a->model,
                  "the baseline named-model presents (e.g. x86-64-v2, intel-skylake), for every run; "
                  "default: the scenario's policy.model");
  cmd->add_flag("--keep-reports", a->keep_reports, "keep each run's report.html under --out/runs (needs --out)");
  cmd->footer("For more factors than the policy, or a cluster: `evcsim sweep` (this is its front end).");
  cmd->callback([=] {
    *runner = [=] {
      const Catalog& cat = Catalog::builtin();
      ScenarioSpec spec = load_scenario(a->file, cat);  // bad input fails here, once
      for (const auto& m : a->metrics)
        if (!is_compared_metric(m)) throw InputError(unknown_metric_text(m), "", 0, "--metrics");
      if (!a->model.empty() && !cat.find_baseline(a->model)) {
        try {
          cat.baseline(a->model);  // its error names the nearest baselines
        } catch (const InputError& err) {
          throw InputError(err.message(), "", 0, "--model");
        }
      }
      if (a->resume && a->out.empty())
        throw InputError("--resume needs the --out of the earlier compare", "", 0, "--resume");
      if (a->keep_reports && a->out.empty())
        throw InputError("--keep-reports needs --out, the folder the reports are kept in", "", 0, "--keep-reports");
      std::vector<std::pair<std::string, std::string>> fixed;
      if (!a->model.empty()) fixed.emplace_back("policy.model", a->model);
      std::optional<sweep::Experiment> e;
      try {  // every policy's scenario (a model for named-model, ...) is checked before any run starts
        e.emplace(sweep::Experiment::of_levels(a->file, "policy", a->policies, static_cast<uint32_t>(a->seeds), cat,
                                               a->metrics, fixed));
      } catch (const InputError& err) {
        throw InputError(err.message(), "", 0, "--policies");
      }
      const bool temp = a->out.empty();
      const std::string root =
          fs::absolute(temp ? fs::temp_directory_path() / fmt::format("evcsim-compare-{}", getpid()) : fs::path(a->out))
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
      if (a->keep_reports) o.formats = "text,json,html";
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
      report::CompareResults c = aggregate(spec.name, a->file, a->policies, runs, e->metrics());
      std::cout << compare_text(c);
      if (auto w = few_seeds_warning(static_cast<size_t>(a->seeds), "each interval"); !w.empty())
        std::cerr << "evcsim compare: warning: " << w << "\n";
      if (!temp) {
        out_dir->write("compare.csv", compare_csv(c));
        out_dir->write("compare.json", compare_json(c));
        VegaCharts charts;
        out_dir->write("compare.html", compare_html(c, &charts));
        write_chart_specs(root, charts);
        std::cout << fmt::format("wrote {}/compare.{{csv,json,html}} and each run{} under {}/runs\n", root,
                                 a->keep_reports ? " with its report.html" : "", root);
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
