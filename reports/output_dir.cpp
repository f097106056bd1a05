#include "reports/output_dir.hpp"

#include <unistd.h>
#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "base/error.hpp"

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
extern "C" void on_interrupt(int sig) {
  for (int i = 0; i < kMaxTemps; ++i)
    if (g_used[i]) unlink(g_temps[i]);
  _exit(128 + sig);
}
}  // namespace

void install_interrupt_cleanup() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
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
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.flush();
    if (!out) throw InputError("writing failed (disk full?)", tmp);
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

}  // namespace evcsim
