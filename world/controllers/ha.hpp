// Host failures and HA: each host fails after an exponential
// time with the scenario's MTBF and is repaired after `repair_hours`; the
// VMs it ran are restarted by HA on the other hosts of its cluster (a cold
// boot, so a new guest view); those that find no room wait and are
// restarted when capacity returns (Placement's queue). Owns the failure streams (one per cluster) and, per host, a
// failure epoch (a bought machine in a bay fails on its own clock).
//
// HA restarts a failed host's VMs once it has declared the host failed
// (failures.ha_detection_s after the failure); the outage runs from the
// failure to the guest's boot.
//
// Leaves out: isolation responses and network partitions (a failure is a
// whole host down), VM monitoring, proactive HA, restart staggering within
// a priority, and admission control by slot size.
#pragma once

#include "world/placement.hpp"
#include "world/random_streams.hpp"

namespace evcsim {

class HaController {
 public:
  HaController(Env& env, Inventory& inv, GuestModel& guests, Placement& placement);

  void start();
  // The host fails now (fault injection); repaired after `repair_hours` (0: the scenario's).
  void fail(int host, double repair_hours);
  // A new machine in a bay: its own failure clock.
  void on_host_bought(int host);

  Signal<int> failed;    // host: down, its VMs powered off
  Signal<int> repaired;  // host

 private:
  void schedule_failure(int host, double at);
  void host_fails(int host, double repair_s);
  void host_repaired(int host);

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  GuestModel& guests_;
  Placement& placement_;
  std::vector<Rng> rng_;         // per cluster: "host-failures/<cluster>"
  std::vector<uint32_t> epoch_;  // per host
};

}  // namespace evcsim
