// The workload (DESIGN §7): VMs that arrive (Poisson per group, into free
// arrival slots) and depart after an exponential life, and patch windows
// that reboot or power cycle every VM, spread over four hours. Owns the
// workload stream and, per VM, whether its arrival slot is taken.
#pragma once

#include "sim/placement.hpp"

namespace evcsim {

class WorkloadController {
 public:
  WorkloadController(Env& env, Inventory& inv, GuestModel& guests, Placement& placement);

  void start_patch_windows();  // the daily check for patch windows
  void start_arrivals();

 private:
  void daily();
  void arrival(int a);
  void departure(int vm);
  void patch(int slot, bool power_cycle);

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  GuestModel& guests_;
  Placement& placement_;
  Rng rng_;  // "workload"
  std::vector<char> arrived_;  // per VM: its arrival slot is taken
};

}  // namespace evcsim
