// The scenario's schedule (`at` operations and initial power-ons): each
// operation is checked the way vCenter checks a request (refused with a
// reason when it cannot be carried out) and handed to the part that does it.
//
// Leaves out: permissions, tasks that queue in vCenter, and retries: a
// refused operation is reported once.
#pragma once

#include <optional>

#include "world/controllers/ha.hpp"
#include "world/controllers/maintenance.hpp"

namespace evcsim {

class ScheduleController {
 public:
  ScheduleController(Env& env, Inventory& inv, GuestModel& guests, Placement& placement, Migrations& migrations,
                     MaintenanceController& maintenance, HaController& ha);

  void start_power_ons();
  void start_operations();

  Signal<int> update_requested;  // an update_hosts operation is due (its index)

 private:
  void run(int op);
  void refuse(int op, Refusal why);
  std::optional<Refusal> move_refusal(int vm, int dst, bool live) const;
  void migrate(int op, int vm, int dst);
  void cold_migrate(int op, int vm, int dst);
  void add_hosts(const OperationSpec& o);
  void remove_host(int op, int host);

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  GuestModel& guests_;
  Placement& placement_;
  Migrations& migrations_;
  MaintenanceController& maintenance_;
  HaController& ha_;
};

}  // namespace evcsim
