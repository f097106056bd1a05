#pragma once
// A parent that runs children (a sweep's tasks, a Slurm job) must stop them
// when it is stopped. While a ScopedInterrupt lives, SIGINT, SIGTERM and
// SIGHUP only set a flag (and interrupt a blocking waitpid or sleep), so the
// parent can stop its children and then end as the signal asked:
//
//   ScopedInterrupt stop;
//   while (...) { ...; if (stop.raised()) { kill children; stop.reraise(); } }
//
// The handlers that were there before (the output folders' cleanup) come
// back when it ends, and reraise() hands them the signal.
#include <csignal>

namespace evcsim {

class ScopedInterrupt {
 public:
  ScopedInterrupt();
  ~ScopedInterrupt();
  ScopedInterrupt(const ScopedInterrupt&) = delete;
  ScopedInterrupt& operator=(const ScopedInterrupt&) = delete;

  // The signal received (0: none yet).
  int raised() const;
  // Puts the earlier handlers back and delivers the signal received to them
  // (which, for the CLI's, ends the process); returns if there was none.
  void reraise();

 private:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction before_[3]{};
};

// In a child just forked: end with SIGTERM when the parent dies, even by
// kill -9 (Linux's PR_SET_PDEATHSIG), and at once if it already has.
void end_with_parent(int parent_pid);

}  // namespace evcsim
