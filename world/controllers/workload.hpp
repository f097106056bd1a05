// The workload: VMs that arrive (Poisson per group, into free
// arrival slots) and depart after an exponential life, whatever happened to
// them meanwhile (reboots, power cycles, HA restarts); a departed VM frees
// its slot for a later arrival, and an arrival that finds no free slot is
// reported. Patch windows reboot or power cycle every VM, spread over four
// hours. Owns the workload streams (one per VM group, random_streams.hpp)
// and, per VM, its slot and its life.
//
// End of support (workload `replace_at_end_of_support`): a VM whose guest OS
// reaches its vendor's end of support during the run is replaced at a time
// drawn uniformly over the `replacement_months` after that date (admins
// replace such VMs over a while): it departs and a new VM of the same group
// and size takes its slot at once, with the family's current release
// (catalog/guest_os.hpp) and a life of its own; that one is replaced in turn
// when its own support ends. A VM whose OS was out of support before the run
// began is replaced over the first `replacement_months`. With the policy, a
// new VM (an arrival) runs the current release of its group's OS family on
// the day it arrives, as admins build new VMs; the group's `guest_os` is
// what the VMs at the start run. The draws come from streams of their own
// ("end-of-support/<group>"), so the workload streams' numbers are the same
// with the policy on or off.
//
// Upgrades at end of support (workload `upgrade_at_end_of_support`): at the
// same drawn time the VM is upgraded in place to the family's current
// release instead (GuestModel::upgrade_os): it keeps its view, so a VM whose
// view lacks the new release's CPU floor is refused (os_upgrade_refused) and
// tried again once it has a new view (a power cycle, after a baseline raise
// say), without a new refusal while its view stays as it was. A VM not
// running then is upgraded when it next runs.
//
// Leaves out: per-VM growth over its life, VMs powered on by
// operations (start_powered_off groups) and OS releases with nothing newer
// in the table (they stay).
#pragma once

#include "world/placement.hpp"
#include "world/random_streams.hpp"

namespace evcsim {

class WorkloadController {
 public:
  WorkloadController(Env& env, Inventory& inv, GuestModel& guests, Placement& placement);

  void start_patch_windows();  // the daily check for patch windows
  void start_arrivals();
  // A VM took a new guest view (GuestModel::view_changed): a blocked
  // upgrade is tried again once it has booted.
  void on_view_changed(int vm);

 private:
  void daily();
  void arrival(int a);
  void schedule_departure(int vm, double at);
  void departure(int vm);
  void leave(int vm);                              // departs now: VmDeparted, powered off, slot free
  void start_life(int vm, GroupStreams& streams);  // the departure of a new VM in the slot
  void schedule_replacement(int vm);               // when its OS's support ends in the run
  void replacement_at(int vm, double at);
  void replace(int vm);
  void upgrade(int vm);  // in place, to the family's current release
  bool at_end_of_support() const {
    return spec_.workload.replace_at_end_of_support || spec_.workload.upgrade_at_end_of_support;
  }
  void patch(int slot, bool power_cycle);

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  GuestModel& guests_;
  Placement& placement_;
  GroupStreams rng_;            // per VM group, "workload/<group>": lives and arrivals
  std::vector<char> arrived_;   // per VM: its arrival slot is taken
  std::vector<uint32_t> life_;  // per VM: the pending departure's token
  GroupStreams eos_rng_;        // "end-of-support/<group>": when each replacement comes, and its new life
  std::vector<uint32_t> eos_;   // per VM: the pending replacement's token
  std::vector<char> blocked_;   // per VM: an upgrade waits: 1 for the VM to run, 2 for a view with the floor
};

}  // namespace evcsim
