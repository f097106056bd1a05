#include "reports/output_dir.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/io_error.hpp"

namespace evcsim {

namespace fs = std::filesystem;

namespace {
// Temporary paths the signal handler may remove (fixed storage: a handler
// may not allocate).
constexpr int kMaxTemps = 64;
char g_temps[kMaxTemps][4096];
volatile sig_atomic_t g_used[kMaxTemps];

void remember(const std::string& p) {
  for (int i = 0; i < kMaxTemps; ++i)
    if (!g_used[i] && p.size() < sizeof g_temps[i]) {
      std::memcpy(g_temps[i], p.c_str(), p.size() + 1);
      g_used[i] = 1;
      return;
    }
}
void forget(const std::string& p) {
  for (int i = 0; i < kMaxTemps; ++i)
    if (g_used[i] && p == g_temps[i]) g_used[i] = 0;
}
// Staging folders of RunFolders (the same fixed storage).
constexpr int kMaxStaging = 4;
char g_staging[kMaxStaging][4096];
volatile sig_atomic_t g_staging_used[kMaxStaging];
// Set once a run starts putting its outputs in place: from then on it ends
// as a finished run (an interrupt is let pass), so the folder is either as
// it was or the run's, never the run's with a failing exit.
volatile sig_atomic_t g_committing = 0;

void remember_staging(const std::string& p) {
  for (int i = 0; i < kMaxStaging; ++i)
    if (!g_staging_used[i] && p.size() < sizeof g_staging[i]) {
      std::memcpy(g_staging[i], p.c_str(), p.size() + 1);
      g_staging_used[i] = 1;
      return;
    }
}
void forget_staging(const std::string& p) {
  for (int i = 0; i < kMaxStaging; ++i)
    if (g_staging_used[i] && p == g_staging[i]) g_staging_used[i] = 0;
}

// The thread that installed the handler: the one that runs the simulation
// and commits outputs. A signal another thread (the event store's writers)
// takes is passed on to it, so the run's own thread stops where it is.
pthread_t g_main_thread;

// Removes a staging folder with rm in a child. The child is made with
// _Fork, which (unlike fork, which takes malloc's and the atfork handlers'
// locks and so hangs if the signal came inside malloc) is
// async-signal-safe; execve and waitpid are too. A writer thread may still
// add a file while rm runs, so rm is tried again while the folder is there.
void remove_in_child(char* folder) {
  for (int attempt = 0; attempt < 5 && access(folder, F_OK) == 0; ++attempt) {
    pid_t pid = _Fork();
    if (pid == 0) {
      char rm[] = "/bin/rm", rf[] = "-rf", dashes[] = "--";
      char* argv[] = {rm, rf, dashes, folder, nullptr};
      char* envp[] = {nullptr};
      execve(rm, argv, envp);
      _exit(127);
    }
    if (pid < 0) return;
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

extern "C" void on_interrupt(int sig) {
  if (g_committing) return;
  if (!pthread_equal(pthread_self(), g_main_thread)) {
    pthread_kill(g_main_thread, sig);
    return;
  }
  for (int i = 0; i < kMaxTemps; ++i)
    if (g_used[i]) unlink(g_temps[i]);
  for (int i = 0; i < kMaxStaging; ++i)
    if (g_staging_used[i]) remove_in_child(g_staging[i]);
  _exit(128 + sig);
}

constexpr const char* kManifest = ".evcsim-run";
}  // namespace

void install_interrupt_cleanup() {
  g_main_thread = pthread_self();
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGXFSZ, SIG_IGN);
}

OutputDir::OutputDir(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (!fs::is_directory(dir_, ec)) throw InputError("cannot create the output folder", dir_, 0, "--out");
}

OutputDir::~OutputDir() {
  std::error_code ec;
  for (const auto& t : temps_) fs::remove(t, ec), forget(t);
}

std::string OutputDir::temp_path(const std::string& name) {
  std::string p = (fs::path(dir_) / fmt::format(".{}.tmp-{}", name, getpid())).string();
  if (std::find(temps_.begin(), temps_.end(), p) == temps_.end()) temps_.push_back(p), remember(p);
  return p;
}

void OutputDir::write(const std::string& name, const std::string& text) {
  std::string tmp = temp_path(name);
  {
    errno = 0;
    std::ofstream out(tmp, std::ios::binary);
    if (!out)
      throw InputError(fmt::format("cannot create the file: {}", io_error_text(errno)),
                       (fs::path(dir_) / name).string());
    out << text;
    out.flush();
    if (!out)
      throw InputError(fmt::format("writing failed: {}", io_error_text(errno)), (fs::path(dir_) / name).string());
  }
  commit(name);
}

void OutputDir::commit(const std::string& name) {
  std::string tmp = temp_path(name);
  std::error_code ec;
  fs::rename(tmp, fs::path(dir_) / name, ec);
  if (ec) throw InputError(fmt::format("cannot rename into place: {}", ec.message()), tmp);
  temps_.erase(std::find(temps_.begin(), temps_.end(), tmp));
  forget(tmp);
}

RunFolder::RunFolder(std::string dir) : dir_(std::move(dir)) {
  g_committing = 0;  // a new run: an interrupt ends it again
  std::error_code ec;
  fs::path target = fs::absolute(dir_, ec);
  if (target.filename().empty()) target = target.parent_path();  // "out/"
  const fs::path parent = target.parent_path();
  const std::string base = target.filename().string();
  if (base.empty() || base == "." || base == "..")
    throw InputError("name the output folder itself (not . or ..)", dir_, 0, "--out");
  if (fs::exists(target, ec)) {
    if (!fs::is_directory(target, ec)) throw InputError("is a file, not a folder", dir_, 0, "--out");
    if (!fs::is_empty(target, ec) && !fs::exists(target / kManifest, ec))
      throw InputError(
          "the folder holds files that are not an evcsim run's outputs; a run replaces its folder whole, "
          "so choose a new or empty folder",
          dir_, 0, "--out");
  }
  fs::create_directories(parent, ec);
  if (!fs::is_directory(parent, ec)) throw InputError("cannot create the output folder's parent", dir_, 0, "--out");
  // Staging folders of runs that were killed (their process is gone).
  const std::string prefix = "." + base + ".partial-";
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind(prefix, 0) != 0) continue;
    const std::string pid_text = n.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::stol(pid_text);
    if (pid == getpid() || (kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)) continue;
    std::error_code rm;
    fs::remove_all(e.path(), rm);
    if (!rm) cleaned_.push_back(e.path().string());
  }
  staging_ = (parent / fmt::format("{}{}", prefix, getpid())).string();
  fs::remove_all(staging_, ec);
  remember_staging(staging_);
  if (!fs::create_directory(staging_, ec)) {
    forget_staging(staging_);
    throw InputError(fmt::format("cannot create the output folder: {}", ec.message()), staging_, 0, "--out");
  }
  write(kManifest, "evcsim run outputs: the next run into this folder replaces it whole\n");
}

InputError RunFolder::explain(const InputError& e) const {
  std::string file = e.file();
  if (file.rfind(staging_, 0) == 0)
    file = (fs::path(dir_) / file.substr(std::min(file.size(), staging_.size() + 1))).string();
  std::string message = e.message();
  // A reason known from errno ("permission denied") stands as it is; a full disk or a size limit gets the hint.
  for (const char* io : {"disk I/O error", "disk is full", "an unknown error", "No space", "no space", "too large"})
    if (message.find(io) != std::string::npos) {
      message += "; the disk is full or a file size limit (ulimit -f) was reached -- the folder is as it was";
      break;
    }
  return InputError(message, file, e.line(), e.field());
}

RunFolder::~RunFolder() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  forget_staging(staging_);
}

std::string RunFolder::path(const std::string& name) const { return (fs::path(staging_) / name).string(); }

void RunFolder::write(const std::string& name, const std::string& text) {
  const std::string p = path(name);
  errno = 0;
  std::ofstream out(p, std::ios::binary);
  out << text;
  out.flush();
  if (!out) throw InputError(fmt::format("writing failed: {}", io_error_text(errno)), (fs::path(dir_) / name).string());
}

void RunFolder::commit() {
  g_committing = 1;
  std::error_code ec;
  const fs::path target = fs::absolute(dir_, ec);
  if (fs::exists(target, ec)) {
    // Swap in one step: the old outputs land in the staging path, then go.
    if (renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
      committed_ = true;
      fs::remove_all(staging_, ec);
      forget_staging(staging_);
      return;
    }
    // No exchange on this file system: the old folder steps aside first.
    const std::string old = staging_ + "-old";
    fs::rename(target, old, ec);
    if (ec) throw InputError(fmt::format("cannot replace the output folder: {}", ec.message()), dir_, 0, "--out");
    fs::rename(staging_, target, ec);
    if (ec) {
      std::error_code back;
      fs::rename(old, target, back);
      throw InputError(fmt::format("cannot replace the output folder: {}", ec.message()), dir_, 0, "--out");
    }
    committed_ = true;
    forget_staging(staging_);
    fs::remove_all(old, ec);
    return;
  }
  fs::rename(staging_, target, ec);
  if (ec) throw InputError(fmt::format("cannot create the output folder: {}", ec.message()), dir_, 0, "--out");
  committed_ = true;
  forget_staging(staging_);
}

}  // namespace evcsim
