// The evcsim world, as a composition root: it builds the parts from one
// explicit list, wires who hears whom, and starts them. Each behaviour has
// one room (docs/architecture.md draws them):
//
//   inventory    hosts, VMs, clusters, RAM books, invariants
//   guests       guest views, software, faults, crashes
//   placement    where a VM powers on
//   migrations   the admission rule; live and cold life cycles
//   maintenance  maintenance mode and evacuation
//   ha           host failures and HA restarts
//   workload     arrivals, departures, patch windows
//   drs          load balancing
//   refresh      retirement, procurement, baseline policies
//   schedule     the scenario's `at` operations and initial power-ons
//   sampler      the time series
//
// The world knows nothing of SimGrid: the engine gives it a clock, timers and
// network transfers through SimServices.
//
// Leaves out: what the parts leave out (each header says), and any
// coupling between clusters beyond the shared network.
#pragma once

#include <memory>
#include <vector>

#include "world/controllers/drs.hpp"
#include "world/controllers/ha.hpp"
#include "world/controllers/host_update.hpp"
#include "world/controllers/maintenance.hpp"
#include "world/controllers/patching.hpp"
#include "world/controllers/refresh.hpp"
#include "world/controllers/sampler.hpp"
#include "world/controllers/schedule.hpp"
#include "world/controllers/workload.hpp"

namespace evcsim {

class World {
 public:
  World(const ScenarioSpec& spec, const Catalog& catalog, SimServices& sim, std::vector<Listener*> listeners);

  void start();   // hosts join; power-ons, operations and controllers are scheduled
  void finish();  // at the horizon: final checks, listeners' on_end
  // The inventory's invariants, and DRS's packed copy of the hosts' loads
  // equal to the inventory's. Throws std::logic_error naming what differs.
  void check_invariants() {
    inventory_.check_invariants();
    drs_.check_loads();
  }

  const MaskingPolicy& policy() const { return *policy_; }
  int migrations_in_flight() const { return migrations_.in_flight(); }
  const Inventory& inventory() const { return inventory_; }

 private:
  void after_timer();

  Env env_;
  std::unique_ptr<MaskingPolicy> policy_;
  Inventory inventory_;
  GuestModel guests_;
  Placement placement_;
  Migrations migrations_;
  MaintenanceController maintenance_;
  HaController ha_;
  WorkloadController workload_;
  DrsController drs_;
  RefreshController refresh_;
  ScheduleController schedule_;
  HostUpdater updater_;
  PatchCycles patching_;
  Sampler sampler_;
  uint64_t timers_ = 0;
};

}  // namespace evcsim
