// Host patch cycles (scenario `patching`): every `every_s`, each cluster is
// remediated host by host the way vSphere Lifecycle Manager (and Update
// Manager before it) does it -- `hosts_at_once` hosts enter maintenance, are
// emptied by vMotion, patch for `minutes` and come back, then the next --
// clusters staggered evenly over the period. A host that cannot be emptied
// is skipped (reported as a failed maintenance) and the roll goes on; a
// host down or already in maintenance is skipped. A cycle still rolling
// when the next is due lets that one pass (counted as skipped).
//
// On by default (quarterly, 30 minutes a host) in any scenario that runs
// DRS for longer than six months: a vSphere fleet is patched whether or not
// its scenario says so.
//
// Leaves out: remediation failures of the patch itself (a host that was
// emptied always comes back), and patching hosts that join mid-cycle.
#pragma once

#include <deque>
#include <vector>

#include "world/controllers/maintenance.hpp"

namespace evcsim {

class PatchCycles {
 public:
  PatchCycles(Env& env, Inventory& inv, MaintenanceController& maintenance);

  void start();
  void on_emptied(int host);   // a host in maintenance is empty
  void on_released(int host);  // a host left maintenance (or its maintenance failed)

 private:
  struct Roll {
    std::deque<int> hosts;     // still to patch
    std::vector<int> current;  // in maintenance for the patch
    bool active = false;
  };
  void cycle(int cluster);
  void next(int cluster);
  bool mine(int host) const;
  void finished(int host);

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  MaintenanceController& maintenance_;
  std::vector<Roll> rolls_;  // per cluster
};

}  // namespace evcsim
