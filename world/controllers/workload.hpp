// The workload: VMs that arrive (Poisson per group, into free
// arrival slots) and depart after an exponential life, whatever happened to
// them meanwhile (reboots, power cycles, HA restarts); a departed VM frees
// its slot for a later arrival, and an arrival that finds no free slot is
// reported. Patch windows reboot or power cycle every VM, spread over four
// hours. Owns the workload stream and, per VM, its slot and its life.
//
// Leaves out: per-VM growth over its life, guest OS end of support, and
// lifetimes of the VMs present at the start (only arrivals depart).
#pragma once

#include "world/placement.hpp"

namespace evcsim {

class WorkloadController {
 public:
  WorkloadController(Env& env, Inventory& inv, GuestModel& guests, Placement& placement);

  void start_patch_windows();  // the daily check for patch windows
  void start_arrivals();

 private:
  void daily();
  void arrival(int a);
  void schedule_departure(int vm, double at);
  void departure(int vm);
  void patch(int slot, bool power_cycle);

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  GuestModel& guests_;
  Placement& placement_;
  Rng rng_;                     // "workload"
  std::vector<char> arrived_;   // per VM: its arrival slot is taken
  std::vector<uint32_t> life_;  // per VM: the pending departure's token
};

}  // namespace evcsim
