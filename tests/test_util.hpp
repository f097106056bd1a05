// Helpers shared by the tests: fixture paths and running the CLI.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace evcsim::test {

inline std::string fixture(const std::string& name) {
  return std::string(EVCSIM_SOURCE_DIR) + "/tests/fixtures/" + name;
}

// ../shared/cpuid-dumps next to the checkout, or $EVCSIM_DUMPS.
inline std::string dumps_dir() {
  if (const char* env = std::getenv("EVCSIM_DUMPS")) return env;
  return std::string(EVCSIM_SOURCE_DIR) + "/../shared/cpuid-dumps";
}

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
  RunResult r;
  std::string cmd = std::string(EVCSIM_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace evcsim::test
