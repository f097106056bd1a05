// libFuzzer target: the simulation itself. An input is a scenario file (the
// corpus starts from the shipped scenarios); one that loads is simulated,
// its horizon cut to 7 days (inputs of more than 256 hosts or 2,000 VMs are
// skipped), in a child
// process (SimGrid allows one engine per process) under a watchdog. A child
// that aborts, breaks an invariant, trips a sanitizer or runs past the
// watchdog is a crash of this target: bad input must end in InputError while
// loading, and a scenario that loads must simulate.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "engine/engine.hpp"
#include "scenario/scenario.hpp"

namespace {
constexpr double kHorizonS = 7 * 86400.0;
constexpr size_t kMaxHosts = 256, kMaxVms = 2000;
constexpr unsigned kWatchdogS = 60;  // the stress scenario's week takes ~5 s under the sanitizers
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  evcsim::ScenarioSpec spec;
  try {
    spec = evcsim::parse_scenario(text, "/nonexistent/fuzz.textproto", evcsim::Catalog::builtin());
  } catch (const evcsim::InputError&) {
    return 0;
  }
  if (spec.hosts.size() > kMaxHosts || spec.vms.size() > kMaxVms) return 0;
  spec.horizon_s = std::min(spec.horizon_s, kHorizonS);
  const pid_t pid = fork();
  if (pid < 0) return 0;
  if (pid == 0) {
    alarm(kWatchdogS);
    try {
      (void)evcsim::run_simulation(spec, {});
    } catch (const evcsim::InputError&) {
      // A limit met while running (work bounds) is an answer, not a crash.
    }
    _exit(0);  // no exit handlers: the parent's fuzzer state is not ours
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    std::fprintf(stderr, "fuzz_simulation: the simulation %s\n",
                 sig == SIGALRM ? "ran past the watchdog (a hang)" : strsignal(sig));
    std::abort();
  }
  if (WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "fuzz_simulation: the simulation exited %d (an exception or a sanitizer report above)\n",
                 WEXITSTATUS(status));
    std::abort();
  }
  return 0;
}
