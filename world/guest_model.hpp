// The guest rules and nothing else: a VM's guest view is fixed when it powers
// on. GuestModel is the one writer of a guest view: placement, HA and cold
// migration ask it (view_at) what the masking policy shows a VM at a host,
// and power the VM on through it;
// software captures its active set when it starts (from the guest view, or
// from the physical host when it probes); a program that uses a feature its
// host lacks faults at its next use and crashes; guests reboot, power cycle
// and are powered off. Per VM it keeps the software states as a side table.
//
// Units: simulated seconds; software use and restart rates per second / day.
//
// The guest OS's CPU floor (catalog/guest_os.hpp): a VM whose view at a host
// lacks it does not power on there (view_at refuses, as for a power cycle);
// an in-place OS upgrade needs the new OS's floor in the view the VM has.
//
// Leaves out: guest OS boot stages and in-guest CPU feature re-detection
// without a reboot (a running kernel never re-reads CPUID), and memory:
// software faults only on CPU features.
#pragma once

#include <cstdint>
#include <vector>

#include "base/random.hpp"
#include "world/inventory.hpp"
#include "world/random_streams.hpp"
#include "world/signal.hpp"

namespace evcsim {

class GuestModel {
 public:
  GuestModel(Env& env, Inventory& inv, const MaskingPolicy& policy);

  // What the masking policy shows `vm` (as `vm_view` sees it) at a host, or
  // why it cannot power on there. A query: nothing changes.
  BootView view_at(const VmView& vm_view, const HostView& host) const;
  BootView view_at(int vm, int host) const;
  // Powers `vm` on at `host` with the view view_at gave for that host.
  void power_on(int vm, int host, const FeatureSet& view);
  void power_off(int vm, VmPoweredOff how);  // how.t, .vm, .host are filled in
  // A reboot inside the guest, or (power_cycle) off and on: a new guest view.
  void guest_reboot(int vm, bool power_cycle, bool operation = false);
  // After a live migration to a host that may lack what software uses.
  void arm_faults_after_move(int vm, int src, int dst);
  // What the VM's running software uses now: the union of their active sets.
  FeatureSet in_use(int vm) const;
  // The features guest OS `os` needs in the view (catalog/guest_os.hpp).
  const FeatureSet& os_floor(int os) const { return os_floors_[static_cast<size_t>(os)]; }
  // An in-place upgrade of a running VM's guest OS to `to`: refused
  // (os_upgrade_refused) when the VM is not running or its view lacks the
  // floor of `to`; else the VM runs `to` and reboots into it (its view kept).
  // True when it took the upgrade.
  bool upgrade_os(int vm, int to);

  // A VM took a new guest view, or was powered off for good.
  Signal<int> view_changed;
  // A VM stopped on a host (its RAM is free there).
  Signal<int, int> stopped;  // vm, host
  // A VM powered on, rebooted or powered off (a queued move of it is void).
  Signal<int> power_changed;

 private:
  struct SoftwareState {
    bool running = false;
    bool gave_up = false;
    FeatureSet active;
    uint32_t epoch = 0;
    int crash_streak = 0;
    uint32_t restart_token = 0;  // the pending planned restart
    bool restart_pending = false;
    int fault_src = -1, fault_dst = -1;  // the migration that brought the pending fault
    Verdict fault_admission;             // ... and why it was admitted
  };
  struct GuestState {
    int crash_streak = 0;     // guest (kernel) crashes in a row
    bool powered_on = false;  // since the start: the first power-on takes the captured view
    std::vector<SoftwareState> sw;
  };

  void boot_on(int vm, int host, bool new_view);
  void boot_done(int vm, bool new_view);
  void start_software(int vm, int sw, StartReason why);
  void stop_all_software(int vm);
  void arm_fault_if_missing(int vm, int sw, int src, int dst);
  void fault(int vm, int sw);
  void planned_restart(int vm, int sw, bool after_crash);
  void schedule_planned_restart(int vm, int sw);
  CrashCause crash_cause(int vm, int sw, const FeatureSet& missing) const;

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  const MaskingPolicy& policy_;
  GroupStreams fault_rng_, restart_rng_;  // per VM group: "faults/<group>", "restarts/<group>"
  std::vector<GuestState> guests_;
  std::vector<FeatureSet> os_floors_;  // per catalog/guest_os.hpp row
};

}  // namespace evcsim
