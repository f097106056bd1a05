// `evcsim compare FILE --policies a,b,c --seeds N`: runs the scenario once per
// policy and seed, each run in its own process (one SimGrid engine per
// process), in parallel over the machine's cores, then prints the side-by-side
// table and writes it as CSV, JSON and HTML.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include "cli/commands.hpp"
#include "reports/output_dir.hpp"
#include "models/catalog.hpp"
#include "models/error.hpp"
#include "models/policy.hpp"
#include "models/textproto.hpp"
#include "reports/compare_report.hpp"

namespace evcsim::cli {
namespace {

namespace fs = std::filesystem;

std::string self_path() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the evcsim binary (/proc/self/exe)");
  return p.string();
}

struct Job {
  size_t policy;
  uint64_t seed;
  std::string dir;
};

}  // namespace

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
  cmd->callback([=] {
    *runner = [=] {
      ScenarioSpec spec = load_scenario(a->file, Catalog::builtin());  // bad input fails here, once
      for (const auto& p : a->policies) {
        PolicySpec ps = spec.policy;
        ps.name = p;
        make_policy(ps);
      }
      bool temp = a->out.empty();
      std::string root = temp ? (fs::temp_directory_path() / fmt::format("evcsim-compare-{}", getpid())).string() : a->out;
      std::optional<OutputDir> out_dir;
      out_dir.emplace(root);
      std::deque<Job> pending;
      for (size_t p = 0; p < a->policies.size(); ++p)
        for (int s = 0; s < a->seeds; ++s) {
          uint64_t seed = spec.seed + static_cast<uint64_t>(s);
          std::string dir = (fs::path(root) / "runs" / fmt::format("{}-seed{}", a->policies[p], seed)).string();
          std::error_code ec;
          if (a->resume && fs::exists(fs::path(dir) / "results.json", ec)) continue;  // finished earlier
          pending.push_back({p, seed, dir});
        }
      if (a->resume && a->out.empty()) throw InputError("--resume needs the --out of the earlier compare", "", 0, "--resume");
      const size_t total = pending.size();
      int jobs = a->jobs > 0 ? a->jobs : std::max(1u, std::thread::hardware_concurrency());
      const std::string exe = self_path();
      const bool tty = isatty(STDERR_FILENO);
      std::map<pid_t, Job> running;
      size_t done = 0;
      std::string failure;
      auto progress = [&] {
        if (tty) std::cerr << fmt::format("\r  {}/{} runs done, {} running ", done, total, running.size()) << std::flush;
      };
      while (!pending.empty() || !running.empty()) {
        while (!pending.empty() && static_cast<int>(running.size()) < jobs && failure.empty()) {
          Job j = pending.front();
          pending.pop_front();
          pid_t pid = fork();
          if (pid == 0) {
            // The run's own summary goes nowhere; its errors still reach stderr.
            int null_fd = open("/dev/null", O_WRONLY);
            if (null_fd >= 0) dup2(null_fd, STDOUT_FILENO);
            std::string seed = std::to_string(j.seed);
            execl(exe.c_str(), exe.c_str(), "run", a->file.c_str(), "--policy", a->policies[j.policy].c_str(), "--seed",
                  seed.c_str(), "--out", j.dir.c_str(), "--format", "json", "--quiet", static_cast<char*>(nullptr));
            _exit(127);
          }
          if (pid < 0) throw std::runtime_error("fork failed");
          running.emplace(pid, j);
        }
        progress();
        if (running.empty()) break;
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        auto it = running.find(pid);
        if (it == running.end()) continue;
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (code != 0 && code != 3 && failure.empty())
          failure = fmt::format("the run of policy {} seed {} failed (exit {})", a->policies[it->second.policy],
                                it->second.seed, code);
        running.erase(it);
        ++done;
      }
      if (tty) std::cerr << "\r" << std::string(40, ' ') << "\r";
      if (!failure.empty()) throw std::runtime_error(failure);
      std::vector<std::vector<report::RunResults>> runs(a->policies.size());
      for (size_t p = 0; p < a->policies.size(); ++p)
        for (int s = 0; s < a->seeds; ++s) {
          std::string path = (fs::path(root) / "runs" /
                              fmt::format("{}-seed{}", a->policies[p], spec.seed + static_cast<uint64_t>(s)) / "results.json")
                                 .string();
          report::RunResults r;
          auto st = google::protobuf::util::JsonStringToMessage(read_file(path), &r);
          if (!st.ok()) throw std::runtime_error(fmt::format("{}: {}", path, st.ToString()));
          runs[p].push_back(std::move(r));
        }
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
