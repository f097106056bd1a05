// `evcsim sweep FILE --out DIR --backend local|slurm|manifest`: an
// experiment's runs on this machine, a Slurm cluster or any runner of a
// command list; `evcsim sweep-task` is one of its runs; `evcsim merge DIR`
// summarizes what the runs wrote (also run by sweep).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/textproto.hpp"
#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "events/event_detail.hpp"
#include "reports/output_dir.hpp"
#include "session/output_formats.hpp"
#include "session/run_session.hpp"
#include "sweep/backends.hpp"
#include "sweep/experiment.hpp"
#include "sweep/merge.hpp"

namespace evcsim::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kExperimentCopy = "experiment.textproto";

// Merges what is under `dir`, writes sweep.{csv,json,html} there and prints
// the table; 0 when every run has results, 1 when some are missing.
int merge_and_write(const sweep::Experiment& e, const std::string& dir) {
  auto runs = sweep::load_runs(e, dir);
  experiment::SweepResults r = sweep::merge(e, runs);
  OutputDir out(dir);
  out.write("sweep.csv", sweep::sweep_csv(r));
  out.write("sweep.json", sweep::sweep_json(r));
  VegaCharts charts;
  out.write("sweep.html", sweep::sweep_html(r, &charts));
  write_chart_specs(dir, charts);
  std::cout << sweep::sweep_text(r) << fmt::format("wrote {}/sweep.{{csv,json,html}}\n", dir);
  if (auto w = sweep::sweep_seeds_warning(r); !w.empty()) std::cerr << "evcsim sweep: warning: " << w << "\n";
  return r.missing_task_size() == 0 ? 0 : 1;
}

}  // namespace

void add_sweep_commands(CLI::App& app, Runner* runner) {
  {
    struct Args {
      std::string file, out, backend = "local";
      int jobs = 0;
      bool resume = false, replace = false, dry_run = false;
      std::vector<std::string> sbatch;
      double poll = 5;
    };
    auto a = std::make_shared<Args>();
    auto* cmd =
        app.add_subcommand("sweep", "Run an experiment (factors x seeds over a scenario) and merge its results");
    cmd->add_option("FILE", a->file, "the experiment (protobuf text format, see sweep/experiment.proto)")->required();
    cmd->add_option("--out", a->out, "the sweep's folder: each run's results, the batch script or manifest, sweep.*")
        ->required();
    cmd->add_option("--backend", a->backend,
                    "local: processes on this machine; slurm: a job array submitted with sbatch and followed with "
                    "squeue; manifest: write one command per task to DIR/manifest.txt and stop")
        ->check(CLI::IsMember({"local", "slurm", "manifest"}))
        ->capture_default_str();
    cmd->add_option("--jobs,-j", a->jobs, "local: runs at once (default: the cores); slurm: tasks at once (%K)")
        ->check(CLI::NonNegativeNumber);
    cmd->add_flag("--resume", a->resume, "run only the tasks of the same experiment without results in --out");
    cmd->add_flag("--replace", a->replace,
                  "start over in an --out that holds an earlier sweep (its runs are removed first)");
    cmd->add_flag("--dry-run", a->dry_run, "slurm: print the batch script and the sbatch commands, submit nothing");
    cmd->add_option("--sbatch", a->sbatch,
                    "slurm: an extra #SBATCH option, e.g. --sbatch=--partition=long (repeatable)");
    cmd->add_option("--poll", a->poll, "slurm: seconds between squeue polls")
        ->check(finite_number())
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    cmd->footer(
        "Exit codes: 0 every run merged, 1 some runs have no results (the merge says which; --resume), "
        "2 bad input.");
    cmd->callback([=] {
      *runner = [=] {
        sweep::Experiment e = sweep::Experiment::load(a->file, Catalog::builtin());  // every point checked here
        const std::string dir = fs::absolute(a->out).lexically_normal().string();
        const std::string copy = (fs::path(dir) / kExperimentCopy).string();
        std::error_code ec;
        if (a->resume && a->replace) throw InputError("give --resume or --replace, not both", "", 0, "--replace");
        if (a->resume && fs::exists(copy, ec) && read_file(copy) != e.normalized_text())
          throw InputError(fmt::format("{} holds a different experiment; --resume finishes the same one (use another "
                                       "--out, or --replace to start over)",
                                       dir),
                           a->file, 0, "--resume");
        // A fresh sweep into an earlier sweep's folder would leave its runs
        // for merge to mix in: the user says what to do with them.
        if (!a->resume && fs::exists(copy, ec)) {
          if (!a->replace)
            throw InputError(fmt::format("{} holds an earlier sweep; --resume finishes it, --replace starts over "
                                         "(removing its runs), or use another --out",
                                         dir),
                             a->file, 0, "--out");
          for (const char* old : {"runs", "logs", "manifest.txt", "sweep.csv", "sweep.json", "sweep.html"})
            fs::remove_all(fs::path(dir) / old, ec);
        }
        if (a->resume) sweep::check_runs_belong(e, dir);  // an edited base scenario must not mix with old runs
        {
          OutputDir out(dir);
          out.write(kExperimentCopy, e.normalized_text());
        }
        sweep::BackendOptions o{sweep::self_binary(), copy, dir, a->jobs, a->dry_run, a->sbatch, a->poll, ""};
        std::vector<size_t> tasks;
        if (a->resume) tasks = sweep::unfinished_tasks(e, dir);
        else
          for (size_t i = 0; i < e.task_count(); ++i) tasks.push_back(i);
        std::cerr << fmt::format("{}: {} design points x {} seeds = {} runs; {} to run ({})\n", e.name(),
                                 e.points().size(), e.seeds().size(), e.task_count(), tasks.size(), a->backend);
        if (a->backend == "manifest") {
          OutputDir out(dir);
          out.write("manifest.txt", sweep::manifest(tasks, o));
          std::cout << fmt::format(
              "wrote {} commands to {}/manifest.txt; run them with any runner, e.g.\n"
              "  parallel -j 8 < {}/manifest.txt\nthen merge: evcsim merge {}\n",
              tasks.size(), dir, dir, dir);
          return 0;
        }
        if (a->backend == "slurm") {
          if (!tasks.empty() && !sweep::run_slurm(e, tasks, o)) return 0;  // --dry-run
          auto left = sweep::unfinished_tasks(e, dir);
          if (!left.empty())
            std::cerr << fmt::format(
                "{} task(s) ended without results (first: task {}, {}); their output is in "
                "{}/logs/slurm-JOB_ARRAYID.out\n",
                left.size(), left.front(), e.task(left.front()).dir, dir);
        } else {
          for (const auto& f : sweep::run_local(e, tasks, o)) std::cerr << "failed: " << f << "\n";
        }
        return merge_and_write(e, dir);
      };
    });
  }
  {
    struct Args {
      std::string file, out;
      size_t index = 0;
      bool quiet = false;
      std::vector<std::string> formats = {"text", "json"};
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("sweep-task", "Run one task of an experiment (what each backend runs)");
    cmd->add_option("FILE", a->file, "the experiment (a sweep passes its own copy, DIR/experiment.textproto)")
        ->required();
    cmd->add_option("--index", a->index, "the task: design point x seed, 0..tasks-1")->required();
    cmd->add_option("--out", a->out, "the sweep's folder; the run writes DIR/runs/LABEL-seedN/")->required();
    cmd->add_flag("--quiet,-q", a->quiet, "print only failing expectations");
    cmd->add_option("--format", a->formats, "what the run writes (as evcsim run --format); results.json always")
        ->delimiter(',')
        ->capture_default_str();
    cmd->footer("Exit codes: 0 the run ended and every expectation holds, 3 an expectation failed, 2 bad input.");
    cmd->callback([=] {
      *runner = [=] {
        check_output_formats(a->formats, true, "--format");  // the same table as `run --format`
        const Catalog& cat = Catalog::builtin();
        sweep::Experiment e = sweep::Experiment::load(a->file, cat, /*every_point=*/false);
        sweep::Task t = e.task(a->index);
        std::string dir = (fs::path(a->out) / t.dir).string();
        const std::string text = e.scenario_text(t);
        ScenarioSpec spec = parse_scenario(text, e.scenario_file(), cat);
        std::vector<std::string> formats = a->formats;
        if (std::find(formats.begin(), formats.end(), "json") == formats.end())
          formats.emplace_back("json");  // merge reads it
        RunRequest req{dir, formats, a->quiet, EventDetail::none, {}};
        req.extra_files.emplace_back("scenario.textproto", text);  // the run again: evcsim run scenario.textproto
        return run_session(spec, cat, req);
      };
    });
  }
  {
    auto dir = std::make_shared<std::string>();
    auto* cmd =
        app.add_subcommand("merge", "Summarize a sweep's runs: sweep.csv, sweep.json, sweep.html (mean, sd, 95% CI)");
    cmd->add_option("DIR", *dir, "the sweep's --out folder")->required();
    cmd->footer("Exit codes: 0 every run merged, 1 some runs have no results (listed), 2 bad input.");
    cmd->callback([=] {
      *runner = [=] {
        std::string copy = (fs::path(*dir) / kExperimentCopy).string();
        std::error_code ec;
        if (!fs::exists(copy, ec))
          throw InputError("not a sweep's folder: it has no " + std::string(kExperimentCopy), *dir);
        return merge_and_write(sweep::Experiment::load(copy, Catalog::builtin(), /*every_point=*/false), *dir);
      };
    });
  }
}

}  // namespace evcsim::cli
