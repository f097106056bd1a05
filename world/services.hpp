// What the simulation needs of an engine: a clock, timers and live-migration
// transfers over a network. SimGrid provides them in engine/engine.cpp; tests
// provide them with a FakeSim (tests/world/fake_sim.hpp), so every unit of the
// world runs without SimGrid.
//
// Units: simulated seconds, bytes, bytes per second.
//
// Leaves out: storage, CPU contention in the engine (load is computed by
// DRS, not simulated), and packet-level network behaviour.
#pragma once

#include <functional>

#include "policy/codes.hpp"
#include "scenario/scenario.hpp"

namespace evcsim {

// A live migration for the engine to carry out (pre-copy over the network).
struct MigrationJob {
  int vm, src, dst;
  double ram_bytes, dirty_bytes_per_s, working_set_bytes;
  double max_downtime_s;
  int max_rounds;
  Convergence convergence = Convergence::sdps;
  int vcpus = 1;  // what a throttle takes away from: the guest's vCPUs
};
MigrationJob make_migration_job(const ScenarioSpec& spec, int vm, int src, int dst,
                                Convergence convergence = Convergence::sdps);

struct MigrationOutcome {
  double duration_s = 0, downtime_s = 0, bytes_sent = 0;
  int rounds = 0;
  double throttled_s = 0;  // time the guest ran slowed (auto-converge, SDPS)
  // The guest CPU time the throttle took: the share of the guest's time taken
  // away (its depth) x the time it lasted x the VM's vCPUs, summed over the
  // throttled rounds. Counts capacity withheld from every vCPU, busy or not:
  // an upper bound on the work a guest that uses all its vCPUs loses.
  double lost_guest_cpu_s = 0;
};

using Callback = std::function<void()>;
using MigrationDone = std::function<void(const MigrationJob&, const MigrationOutcome&)>;

class SimServices {
 public:
  virtual ~SimServices() = default;
  virtual double now() const = 0;
  // Runs `cb` at simulated time `at`; timers due at the same time run in the
  // order they were scheduled (the shape of SimGrid's kernel timers).
  virtual void schedule(double at, Callback cb) = 0;
  // Moves the VM's memory; calls `done` when the transfer ends.
  virtual void start_migration(const MigrationJob& job, MigrationDone done) = 0;

  // Runs after every timer's callback (the world's invariant checks). A
  // member, not a wrapper around each callback: wrapping cost a second
  // allocation per timer.
  Callback after_each_timer;
  void fired() {
    if (after_each_timer) after_each_timer();
  }
};

}  // namespace evcsim
