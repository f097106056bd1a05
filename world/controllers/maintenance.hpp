// Maintenance mode and evacuation: a host entering maintenance
// is emptied by live migrations planned as a max flow over the hosts that
// can take each VM (policy/placement/evacuation.hpp), a few at a time per source like
// vMotion; what cannot leave live leaves cold when the scenario allows it
// and only when that empties the host; a host that cannot be emptied leaves
// maintenance, the attempt is reported, and DRS does not fill it meanwhile. An emptied retiring host leaves the
// inventory.
//
// Patch cycles (patching.hpp) and updates (host_update.hpp) use it and
// keep the host in maintenance for their patch time once it is empty.
//
// Leaves out: maintenance that fails in the hypervisor itself (a host that
// is emptied always comes back).
#pragma once

#include "world/migrations.hpp"
#include "world/placement.hpp"

namespace evcsim {

class MaintenanceController {
 public:
  MaintenanceController(Env& env, Inventory& inv, Migrations& migrations, Placement& placement);

  void enter(int host, MaintenanceStarted why, bool retire);  // why.t, .host are filled in
  // For hosts entering together: mark them all first (none is then an
  // evacuation target), then begin each.
  void mark(int host, bool retire);
  void begin(int host, MaintenanceStarted why);
  void exit(int host);
  // A host left maintenance empty: done, or retired when it was retiring.
  void check_done(int host);

  // A host whose maintenance failed keeps its VMs until its next attempt:
  // DRS does not fill it meanwhile.
  bool awaiting_retry(int host) const { return awaiting_retry_[host]; }

  void on_migration_completed(const MigrationJob& job);
  void on_migration_aborted(const MigrationJob& job);

  Signal<int, int> retired;  // host, cluster: it left the inventory
  Signal<int> released;      // host: usable again (maintenance exited or failed)
  Signal<int> emptied;       // host: empty in maintenance (not retiring): ready for work

 private:
  void evacuate(int host);

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  Migrations& migrations_;
  Placement& placement_;
  std::vector<char> retiring_;        // per host
  std::vector<char> awaiting_retry_;  // per host: its retirement failed, the next attempt is pending
};

}  // namespace evcsim
