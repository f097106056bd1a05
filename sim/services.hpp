// What the simulation needs of an engine: a clock, timers and live-migration
// transfers over a network. SimGrid provides them in sim/engine.cpp; tests
// provide them with a FakeSim (tests/sim/fake_sim.hpp), so every unit of the
// world runs without SimGrid.
//
// Units: simulated seconds, bytes, bytes per second.
#pragma once

#include <functional>

#include "models/scenario.hpp"

namespace evcsim {

// How pre-copy ends when the guest dirties memory faster than it can be sent:
//  stop_and_copy (Xen): stop after max_rounds or once 3x the RAM was sent;
//  auto_converge (QEMU): throttle the guest from 20%, +10% per round that
//    does not converge, up to 99%;
//  sdps (vMotion's Stun During Page Send): slow the vCPUs so the guest
//    dirties at most half of what the link sends.
enum class Convergence { stop_and_copy, auto_converge, sdps };
std::string_view convergence_name(Convergence c);
// Throws InputError listing the names when `name` is none of them.
Convergence parse_convergence(std::string_view name);

// A live migration for the engine to carry out (pre-copy over the network).
struct MigrationJob {
  int vm, src, dst;
  double ram_bytes, dirty_bytes_per_s, working_set_bytes;
  double max_downtime_s;
  int max_rounds;
  Convergence convergence = Convergence::sdps;
};
MigrationJob make_migration_job(const ScenarioSpec& spec, int vm, int src, int dst,
                                Convergence convergence = Convergence::sdps);

struct MigrationOutcome {
  double duration_s = 0, downtime_s = 0, bytes_sent = 0;
  int rounds = 0;
  double throttled_s = 0;  // time the guest ran slowed (auto-converge, SDPS)
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
};

}  // namespace evcsim
