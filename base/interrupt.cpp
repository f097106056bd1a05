#include "base/interrupt.hpp"

#include <sys/prctl.h>
#include <unistd.h>

namespace evcsim {
namespace {
volatile sig_atomic_t g_raised = 0;
extern "C" void note_signal(int sig) { g_raised = sig; }
}  // namespace

ScopedInterrupt::ScopedInterrupt() {
  g_raised = 0;
  struct sigaction sa {};
  sa.sa_handler = note_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: waitpid and sleeps return EINTR
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &sa, &before_[i]);
}

ScopedInterrupt::~ScopedInterrupt() {
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &before_[i], nullptr);
}

int ScopedInterrupt::raised() const { return g_raised; }

void ScopedInterrupt::reraise() {
  const int sig = g_raised;
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &before_[i], nullptr);
  if (sig != 0) raise(sig);
}

void end_with_parent(int parent_pid) {
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent_pid) _exit(128 + SIGTERM);  // the parent died before prctl
}

}  // namespace evcsim
