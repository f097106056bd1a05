// Helpers shared by the tests: fixture paths and running the CLI.
#pragma once

#include <sys/wait.h>
#include <unistd.h>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sweep/backends.hpp"

namespace evcsim::test {

inline std::string fixture(const std::string& name) {
  return std::string(EVCSIM_SOURCE_DIR) + "/tests/fixtures/" + name;
}

// ../shared/cpuid-dumps next to the checkout, or $EVCSIM_DUMPS.
inline std::string dumps_dir() {
  if (const char* env = std::getenv("EVCSIM_DUMPS")) return env;
  return std::string(EVCSIM_SOURCE_DIR) + "/../shared/cpuid-dumps";
}

// A folder of its own under the temporary directory, removed at the end.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() /
           ("evcsim-test-" + std::to_string(getpid()) + "-" + std::to_string(n++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
    return (path / name).string();
  }
};

// The whole text of a file ("" when it cannot be read).
inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RunResult {
  int exit_code = -1;
  std::string out;  // stdout and stderr
};

// Runs `evcsim ARGS` through the shell and captures its output.
inline RunResult run_evcsim(const std::string& args) {
  auto r = sweep::run_shell(std::string(EVCSIM_BINARY) + " " + args);
  return RunResult{r.status, std::move(r.text)};
}

}  // namespace evcsim::test
