#include "sweep/backends.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <iostream>
#include <map>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/interrupt.hpp"
#include "base/textproto.hpp"
#include "sweep/experiment.hpp"

namespace evcsim::sweep {

std::string sh_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-./=:,+") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

namespace {

namespace fs = std::filesystem;

constexpr size_t kArrayChunk = 1000;  // Slurm's default MaxArraySize is 1001: ids 0..1000

// A failed task's last words: the error comes after any warnings (a scenario's
// are printed first).
std::string last_line(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return "";
  std::string text = read_file(path);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text.substr(text.find_last_of('\n') == std::string::npos ? 0 : text.find_last_of('\n') + 1);
}

bool has_results(const Experiment& e, const std::string& out, size_t index) {
  std::error_code ec;
  return fs::exists(fs::path(out) / e.task(index).dir / "results.json", ec);
}

}  // namespace

CommandOutput run_shell(const std::string& cmd) {
  CommandOutput r;
  // Grouped, so a compound command's every part writes to the captured stream
  // (`a; b 2>&1` would leave a's errors on the caller's stderr).
  FILE* p = popen(("{ " + cmd + "\n} 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.text.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string self_binary() {
  std::error_code ec;
  auto p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw std::runtime_error("cannot find the evcsim binary (/proc/self/exe)");
  return p.string();
}

void check_runs_belong(const Experiment& e, const std::string& out) {
  for (size_t i = 0; i < e.task_count(); ++i) {
    const fs::path run = fs::path(out) / e.task(i).dir;
    std::error_code ec;
    if (!fs::exists(run / "scenario.textproto", ec)) continue;
    if (read_file((run / "scenario.textproto").string()) != e.scenario_text(e.task(i)))
      throw InputError(fmt::format("{} was made from another scenario than this experiment makes for task {} (the "
                                   "experiment or its base scenario changed since, or the folder holds an older "
                                   "sweep); start over with `evcsim sweep --replace`, or use another --out",
                                   run.string(), i),
                       out);
  }
}

std::vector<size_t> unfinished_tasks(const Experiment& e, const std::string& out) {
  std::vector<size_t> v;
  for (size_t i = 0; i < e.task_count(); ++i)
    if (!has_results(e, out, i)) v.push_back(i);
  return v;
}

namespace {
std::vector<std::string> sweep_task_argv(const BackendOptions& o, const std::string& index) {
  std::vector<std::string> argv = {o.exe, "sweep-task", o.experiment, "--index", index, "--out", o.out, "--quiet"};
  if (!o.formats.empty()) argv.insert(argv.end(), {"--format", o.formats});
  return argv;
}
}  // namespace

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) out += (out.empty() ? "" : " ") + sh_quote(a);
  return out;
}

std::string task_command(const BackendOptions& o, size_t index) {
  return command_line(sweep_task_argv(o, std::to_string(index)));
}

TaskBatch sweep_batch(const Experiment& e, const BackendOptions& o) {
  TaskBatch b;
  b.name = e.name().empty() ? "sweep" : e.name();
  b.about =
      fmt::format("evcsim sweep {}: {} tasks ({} design points x {} seeds), written by evcsim sweep --backend slurm.",
                  e.name(), e.task_count(), e.points().size(), e.seeds().size());
  for (size_t i = 0; i < e.task_count(); ++i) b.commands.push_back(sweep_task_argv(o, std::to_string(i)));
  const std::string out = o.out;
  b.done = [&e, out](size_t i) { return has_results(e, out, i); };
  b.label = [&e](size_t i) { return fmt::format("task {} ({})", i, e.task(i).dir); };
  b.log = [out](size_t i) { return (fs::path(out) / "logs" / fmt::format("task-{}.log", i)).string(); };
  b.resume = "evcsim sweep --resume";
  b.script = (fs::path(o.out) / "sweep.sbatch").string();
  b.slurm_output = fmt::format("{}/logs/slurm-%A_%a.out", o.out);
  // One line for every task: the index comes from the array.
  const std::string placeholder = sh_quote("@INDEX@");
  b.array_command = "exec " + command_line(sweep_task_argv(o, "@INDEX@"));
  b.array_command.replace(b.array_command.find(placeholder), placeholder.size(), "\"$index\"");
  b.then = fmt::format("evcsim merge {}", sh_quote(o.out));
  return b;
}

std::vector<std::string> run_local(const TaskBatch& batch, const std::vector<size_t>& tasks, int jobs_asked) {
  std::deque<size_t> pending(tasks.begin(), tasks.end());
  const int jobs = jobs_asked > 0 ? jobs_asked : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const bool tty = isatty(STDERR_FILENO);
  std::map<pid_t, size_t> running;
  std::vector<std::string> failed;
  size_t done = 0;
  // Stopping the batch stops its tasks: a signal to this process is passed on
  // to every running task (each removes its unfinished outputs), and a task
  // whose parent dies (kill -9 too) gets SIGTERM from the kernel.
  ScopedInterrupt stop;
  const pid_t parent = getpid();
  auto stop_tasks = [&] {
    for (const auto& [pid, index] : running) kill(pid, SIGTERM);
    for (size_t left = running.size(); left > 0;) {
      int status = 0;
      if (waitpid(-1, &status, 0) > 0) --left;
      else if (errno != EINTR) break;
    }
    if (tty) std::cerr << "\n";
    std::cerr << fmt::format(
        "evcsim: stopped by signal {}: {} running task(s) stopped, {} finished; the rest run with `{}`\n",
        stop.raised(), running.size(), done, batch.resume);
    stop.reraise();
  };
  while (!pending.empty() || !running.empty()) {
    if (stop.raised()) stop_tasks();
    while (!pending.empty() && static_cast<int>(running.size()) < jobs) {
      size_t i = pending.front();
      pending.pop_front();
      const std::string log = batch.log(i);
      std::error_code ec;
      fs::create_directories(fs::path(log).parent_path(), ec);
      std::vector<const char*> argv;
      for (const std::string& a : batch.commands[i]) argv.push_back(a.c_str());
      argv.push_back(nullptr);
      pid_t pid = fork();
      if (pid == 0) {
        end_with_parent(parent);
        // The task's summary goes nowhere; its errors go to its log.
        int null_fd = open("/dev/null", O_WRONLY);
        if (null_fd >= 0) dup2(null_fd, STDOUT_FILENO);
        int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (log_fd >= 0) dup2(log_fd, STDERR_FILENO);
        execv(argv[0], const_cast<char* const*>(argv.data()));
        _exit(127);
      }
      if (pid < 0) throw std::runtime_error("fork failed");
      running.emplace(pid, i);
    }
    if (tty)
      std::cerr << fmt::format("\r  {}/{} {} done, {} running ", done, tasks.size(), batch.noun, running.size())
                << std::flush;
    if (running.empty()) break;
    int status = 0;
    pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) continue;  // EINTR: a signal, seen at the top of the loop
    auto it = running.find(pid);
    if (it == running.end()) continue;
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code != 0 && code != 3) {  // 3: an expectation failed; the results are there
      std::string why = last_line(batch.log(it->second));
      failed.push_back(fmt::format("{}: exit {}{}", batch.label(it->second), code, why.empty() ? "" : ": " + why));
    }
    running.erase(it);
    ++done;
  }
  if (tty) std::cerr << "\r" << std::string(50, ' ') << "\r" << std::flush;
  return failed;
}

std::vector<std::string> run_local(const Experiment& e, const std::vector<size_t>& tasks, const BackendOptions& o) {
  return run_local(sweep_batch(e, o), tasks, o.jobs);
}

std::string array_ranges(const std::vector<size_t>& v) {
  std::string out;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", v[i]) : fmt::format("{}-{}", v[i], v[j]);
    i = j + 1;
  }
  return out;
}

std::string slurm_script(const TaskBatch& batch, const std::vector<std::string>& sbatch_args) {
  std::string s = fmt::format(
      "#!/bin/sh\n"
      "# {}\n"
      "# Submitted as job arrays: task index = SLURM_ARRAY_TASK_ID + EVCSIM_TASK_OFFSET.\n"
      "#SBATCH --job-name=evcsim-{}\n"
      "#SBATCH --output={}\n"
      "#SBATCH --ntasks=1\n"
      "#SBATCH --cpus-per-task=1\n",
      batch.about, batch.name, batch.slurm_output);
  for (const auto& a : sbatch_args) s += "#SBATCH " + a + "\n";
  s += "index=$((SLURM_ARRAY_TASK_ID + ${EVCSIM_TASK_OFFSET:-0}))\n";
  if (!batch.array_command.empty()) return s + batch.array_command + "\n";
  s += "case \"$index\" in\n";
  for (size_t i = 0; i < batch.commands.size(); ++i)
    s += fmt::format("  {}) exec {} ;;\n", i, command_line(batch.commands[i]));
  return s + "  *) echo \"no task $index\" >&2; exit 2 ;;\nesac\n";
}

std::string slurm_script(const Experiment& e, const BackendOptions& o) {
  return slurm_script(sweep_batch(e, o), o.sbatch_args);
}

bool run_slurm(const TaskBatch& batch, const std::vector<size_t>& tasks, const BackendOptions& o) {
  const std::string& script = batch.script;
  fs::create_directories(fs::path(script).parent_path());
  fs::create_directories(fs::path(batch.slurm_output).parent_path());
  const std::string text = slurm_script(batch, o.sbatch_args);
  {
    std::string tmp = script + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "w");
    if (!f || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0)
      throw std::runtime_error("cannot write " + script);
    fs::rename(tmp, script);
    fs::permissions(script, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
  }
  // Chunks of at most kArrayChunk array ids, each with its offset.
  std::vector<std::string> submits;
  for (size_t i = 0; i < tasks.size();) {
    size_t offset = tasks[i] / kArrayChunk * kArrayChunk;
    std::vector<size_t> ids;
    for (; i < tasks.size() && tasks[i] < offset + kArrayChunk; ++i) ids.push_back(tasks[i] - offset);
    submits.push_back(fmt::format("sbatch --parsable --array={}{} --export=ALL,EVCSIM_TASK_OFFSET={} {}",
                                  array_ranges(ids), o.jobs > 0 ? fmt::format("%{}", o.jobs) : "", offset,
                                  sh_quote(script)));
  }
  if (o.dry_run) {
    std::cout << "# " << script << "\n" << text << "\n# submit with:\n";
    for (const auto& c : submits) std::cout << c << "\n";
    std::cout << fmt::format("# then: {}\n", batch.then);
    return false;
  }
  // Stopping the batch while it follows its jobs cancels them (scancel).
  ScopedInterrupt stop;
  std::vector<std::string> ids;
  auto cancel = [&] {
    if (!ids.empty()) {
      const std::string cmd = fmt::format("scancel {}", fmt::join(ids, " "));
      CommandOutput r = run_shell(cmd);
      std::cerr << fmt::format("\nevcsim: stopped by signal {}: `{}`{}\n", stop.raised(), cmd,
                               r.status == 0 ? "" : fmt::format(" failed (exit {}): {}", r.status, r.text));
    }
    stop.reraise();
  };
  for (const auto& c : submits) {
    if (stop.raised()) cancel();
    CommandOutput r = run_shell(c);
    if (r.status != 0) throw std::runtime_error(fmt::format("`{}` failed (exit {}): {}", c, r.status, r.text));
    std::string id = r.text.substr(0, r.text.find_first_of(";\n"));
    if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
      throw std::runtime_error(fmt::format("`{}` printed no job id: {}", c, r.text));
    ids.push_back(id);
    std::cerr << fmt::format("job {}: {}\n", id, c);
  }
  const std::string joined = fmt::format("{}", fmt::join(ids, ","));
  std::cerr << fmt::format("submitted {} tasks as Slurm job{} {}; following with squeue every {} s\n", tasks.size(),
                           ids.size() > 1 ? "s" : "", joined, o.poll_s);
  const bool tty = isatty(STDERR_FILENO);
  std::string last;
  for (;;) {
    // In steps, so a signal is acted on within a tenth of a second.
    const auto wake =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.poll_s * 1000));
    while (!stop.raised() && std::chrono::steady_clock::now() < wake)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (stop.raised()) cancel();
    CommandOutput q = run_shell("squeue -h -r -o %T -j " + joined);
    size_t pending = 0, running = 0, other = 0;
    if (q.status == 0) {
      size_t pos = 0;
      while (pos < q.text.size()) {
        size_t nl = q.text.find('\n', pos);
        std::string st = q.text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? q.text.size() : nl + 1;
        if (st.empty()) continue;
        (st == "PENDING" ? pending : st == "RUNNING" || st == "COMPLETING" || st == "CONFIGURING" ? running : other)++;
      }
    } else if (q.text.find("Invalid job id") == std::string::npos) {
      throw std::runtime_error(fmt::format("squeue failed (exit {}): {}", q.status, q.text));
    }
    size_t done = 0;
    for (size_t i : tasks) done += batch.done(i);
    std::string line = fmt::format("  slurm {}: {}/{} {} have results, {} running, {} pending", joined, done,
                                   tasks.size(), batch.noun, running, pending + other);
    if (tty) std::cerr << "\r" << line << "   " << std::flush;
    else if (line != last) std::cerr << line << "\n";
    last = line;
    if (pending + running + other == 0) break;
  }
  if (tty) std::cerr << "\n";
  return true;
}

bool run_slurm(const Experiment& e, const std::vector<size_t>& tasks, const BackendOptions& o) {
  return run_slurm(sweep_batch(e, o), tasks, o);
}

std::string manifest(const TaskBatch& batch, const std::vector<size_t>& tasks) {
  std::string out;
  for (size_t i : tasks) out += command_line(batch.commands[i]) + "\n";
  return out;
}

std::string manifest(const std::vector<size_t>& tasks, const BackendOptions& o) {
  std::string out;
  for (size_t i : tasks) out += task_command(o, i) + "\n";
  return out;
}

}  // namespace evcsim::sweep
