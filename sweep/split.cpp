#include "sweep/split.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/textproto.hpp"
#include "reports/output_dir.hpp"

namespace evcsim::sweep {

namespace fs = std::filesystem;

namespace {

constexpr int kAutoQueuedParts = 64;

std::string split_dir_of(const std::string& out) { return (fs::path(out) / "split").string(); }

// PARENT/.NAME.split: where DIR/split waits while the merge replaces DIR.
std::string aside_of(const std::string& out) {
  fs::path target = fs::path(out);
  if (target.filename().empty()) target = target.parent_path();
  return (target.parent_path() / ("." + target.filename().string() + ".split")).string();
}

std::string cluster_names(const ScenarioSpec& spec, const std::vector<int>& clusters, size_t at_most) {
  std::vector<std::string> names;
  for (size_t i = 0; i < clusters.size() && i < at_most; ++i)
    names.push_back(spec.clusters[static_cast<size_t>(clusters[i])].name);
  std::string out = fmt::format("{}", fmt::join(names, ", "));
  if (clusters.size() > at_most) out += fmt::format(" and {} more", clusters.size() - at_most);
  return out;
}

struct Size {
  size_t hosts = 0, vms = 0;
};
Size size_of(const SplitPlan& plan, const std::vector<int>& part) {
  Size s;
  for (const CoupledGroup& g : plan.groups)
    if (std::binary_search(part.begin(), part.end(), g.clusters.front())) s.hosts += g.hosts, s.vms += g.vms;
  return s;
}

std::string header(const ScenarioSpec& spec, const SplitPlan& plan) {
  return fmt::format(
      "evcsim split run of {} (seed {}): {} clusters in {} coupled groups, dealt into {} part{} by work "
      "(host slots x 20 + VM slots; a slot is a host or a bay for one bought later, a VM or room for one that arrives "
      "later; largest group first)\n",
      spec.name.empty() ? spec.file : spec.name, spec.seed, spec.clusters.size(), plan.groups.size(), plan.parts.size(),
      plan.parts.size() == 1 ? "" : "s");
}

std::string part_line(const ScenarioSpec& spec, const SplitPlan& plan, size_t k, size_t names) {
  const Size s = size_of(plan, plan.parts[k]);
  return fmt::format("part {}: {} cluster{} ({}), {} host slots, {} VM slots\n", k, plan.parts[k].size(),
                     plan.parts[k].size() == 1 ? "" : "s", cluster_names(spec, plan.parts[k], names), s.hosts, s.vms);
}

std::string clusters_flag(const std::vector<int>& clusters) { return fmt::format("{}", fmt::join(clusters, ",")); }

// DIR must be new, empty, an earlier run's or an earlier split run's: the
// merge replaces it whole (RunFolder says so for the first three; a folder
// with DIR/split was checked when its split began).
void check_out(const std::string& out) {
  std::error_code ec;
  if (fs::exists(fs::path(out) / "split", ec)) return;
  const std::string aside = aside_of(out);
  if (fs::exists(aside, ec)) {  // a merge was killed: the parts go back in place
    fs::create_directories(out);
    fs::rename(aside, fs::path(out) / "split");
    return;
  }
  RunFolder probe(out);  // throws InputError for a folder of other files; leaves nothing
}

// The parts of the split whose plan DIR/split/plan.txt holds (0: none).
int planned_parts(const fs::path& plan_file) {
  std::error_code ec;
  if (!fs::exists(plan_file, ec)) return 0;
  std::istringstream in(read_file(plan_file.string()));
  int parts = 0;
  for (std::string line; std::getline(in, line);) parts += line.rfind("part ", 0) == 0 ? 1 : 0;
  return parts;
}

}  // namespace

int auto_parts(const std::string& backend, size_t groups) {
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t n = backend == "local" ? cores : static_cast<size_t>(kAutoQueuedParts);
  return static_cast<int>(std::max<size_t>(1, std::min({n, groups, static_cast<size_t>(kMaxSplitParts)})));
}

SplitPlan plan_split(const ScenarioSpec& spec, int parts) {
  SplitPlan plan;
  plan.groups = coupled_groups(spec);
  plan.parts = split_clusters(plan.groups, parts);
  return plan;
}

std::string plan_text(const ScenarioSpec& spec, const SplitPlan& plan) {
  std::string out = header(spec, plan);
  for (size_t k = 0; k < plan.parts.size(); ++k) out += part_line(spec, plan, k, SIZE_MAX);
  std::string coupled;
  for (const CoupledGroup& g : plan.groups) {
    if (g.clusters.size() < 2) continue;
    coupled +=
        fmt::format("  {} ({} host slots, {} VM slots):\n", cluster_names(spec, g.clusters, SIZE_MAX), g.hosts, g.vms);
    for (const std::string& r : g.reasons) coupled += "    " + r + "\n";
  }
  out += coupled.empty() ? "no clusters are coupled\n" : "clusters that run together, and why:\n" + coupled;
  return out;
}

std::string plan_brief(const ScenarioSpec& spec, const SplitPlan& plan) {
  constexpr size_t kLines = 8, kNames = 6;
  std::string out = header(spec, plan);
  for (size_t k = 0; k < plan.parts.size() && k < kLines; ++k) out += "  " + part_line(spec, plan, k, kNames);
  if (plan.parts.size() > kLines) out += fmt::format("  and {} more parts\n", plan.parts.size() - kLines);
  size_t coupled = 0;
  for (const CoupledGroup& g : plan.groups) coupled += g.clusters.size() > 1;
  if (coupled > 0) out += fmt::format("  {} groups of coupled clusters (why: split/plan.txt)\n", coupled);
  return out;
}

std::string part_file(const std::string& split_dir, size_t k) {
  return (fs::path(split_dir) / fmt::format("part-{}.evpart", k)).string();
}

std::string part_log(const std::string& split_dir, size_t k) {
  return (fs::path(split_dir) / fmt::format("part-{}.log", k)).string();
}

SplitOutcome run_split(const ScenarioSpec& spec, const SplitOptions& o) {
  const std::string dir = split_dir_of(o.out);
  check_out(o.out);  // first: a killed merge's parts go back in place, plan.txt with them
  // `--split auto --resume` finishes the split it began, whatever this
  // machine's cores would make of auto now.
  const int resumed = o.resume && o.parts <= 0 ? planned_parts(fs::path(dir) / "plan.txt") : 0;
  const int asked = o.parts > 0 ? o.parts : resumed > 0 ? resumed : auto_parts(o.backend, coupled_groups(spec).size());
  if (asked > kMaxSplitParts)
    throw InputError(fmt::format("{} parts: a split run makes at most {}", asked, kMaxSplitParts), "", 0, "--split");
  const SplitPlan plan = plan_split(spec, asked);
  const std::string text = plan_text(spec, plan);
  std::error_code ec;
  const fs::path plan_file = fs::path(dir) / "plan.txt";
  if (o.resume && fs::exists(plan_file, ec) && read_file(plan_file.string()) != text)
    throw InputError(fmt::format("{} holds the plan of another split (another scenario, seed or number of parts): "
                                 "--resume finishes the same one; run without --resume to start over",
                                 plan_file.string()),
                     o.scenario, 0, "--resume");
  if (!o.resume) fs::remove_all(dir, ec);  // a fresh split: no part of an earlier one is merged
  {
    OutputDir split(dir);
    split.write("plan.txt", text);
  }
  std::cerr << plan_brief(spec, plan);

  TaskBatch batch;
  batch.name = "split-" + (spec.name.empty() ? fs::path(spec.file).stem().string() : spec.name);
  batch.about = fmt::format("the {} parts of a split run of {}, written by evcsim run --split --backend slurm.",
                            plan.parts.size(), o.scenario);
  batch.noun = "parts";
  for (size_t k = 0; k < plan.parts.size(); ++k) {
    std::vector<std::string> argv = {o.backend_options.exe,        "run-part",    o.scenario,       "--clusters",
                                     clusters_flag(plan.parts[k]), "--part-file", part_file(dir, k)};
    argv.insert(argv.end(), o.part_options.begin(), o.part_options.end());
    batch.commands.push_back(std::move(argv));
  }
  batch.done = [dir](size_t k) {
    std::error_code e;
    return fs::is_regular_file(part_file(dir, k), e);
  };
  batch.label = [dir](size_t k) { return fmt::format("part {} (log {})", k, part_log(dir, k)); };
  batch.log = [dir](size_t k) { return part_log(dir, k); };
  batch.resume = o.resume_command;
  batch.script = (fs::path(dir) / "split.sbatch").string();
  batch.slurm_output = (fs::path(dir) / "part-%a.log").string();  // %a is the part: fewer than 1,000 parts, no offset
  batch.then = o.resume_command;

  SplitOutcome outcome;
  outcome.parts = plan.parts.size();
  std::vector<size_t> todo;
  for (size_t k = 0; k < plan.parts.size(); ++k)
    if (!batch.done(k)) todo.push_back(k);
  if (o.backend == "manifest") {
    OutputDir split(dir);
    split.write("manifest.txt", manifest(batch, todo));
    std::cout << fmt::format(
        "wrote {} commands to {}/manifest.txt; run them with any runner, e.g.\n"
        "  parallel -j 8 < {}/manifest.txt\nthen merge the parts: {}\n",
        todo.size(), dir, dir, o.resume_command);
    outcome.merge = false;
    return outcome;
  }
  if (todo.size() < plan.parts.size())
    std::cerr << fmt::format("  {} of {} parts have their part file; running {}\n", plan.parts.size() - todo.size(),
                             plan.parts.size(), todo.size());
  if (o.backend == "slurm") {
    if (!todo.empty()) run_slurm(batch, todo, o.backend_options);
    for (size_t k : todo)
      if (!batch.done(k)) outcome.failed.push_back(fmt::format("{}: ended without its part file", batch.label(k)));
  } else {
    outcome.failed = run_local(batch, todo, o.backend_options.jobs);
  }
  return outcome;
}

SplitAside::SplitAside(const std::string& dir) : split_(split_dir_of(dir)), aside_(aside_of(dir)) {
  std::error_code ec;
  fs::remove_all(aside_, ec);
  fs::rename(split_, aside_);
}

SplitAside::~SplitAside() {
  std::error_code ec;
  fs::create_directories(fs::path(split_).parent_path(), ec);
  fs::rename(aside_, split_, ec);
  if (ec) std::cerr << fmt::format("evcsim: cannot move {} back to {}: {}\n", aside_, split_, ec.message());
}

InputError SplitAside::explain(const InputError& e) const {
  if (e.file().rfind(aside_, 0) != 0) return e;
  return InputError(e.message(), split_ + e.file().substr(aside_.size()), e.line(), e.field());
}

std::vector<std::string> SplitAside::part_files(size_t n) const {
  std::vector<std::string> out;
  for (size_t k = 0; k < n; ++k) out.push_back(part_file(aside_, k));
  return out;
}

}  // namespace evcsim::sweep
