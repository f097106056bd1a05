// Firmware, microcode and hypervisor updates rolled through a cluster
// (update_hosts, issue 22): one host at a time enters maintenance, is
// emptied, takes the update (its CPUID changes), patches for a while and
// comes back; then the next. Following VMware KB 52085 under an EVC mode:
// added features stay hidden (the mode does not have them, the updated
// hosts mask them) until every host of the cluster has them, then the mode
// is raised to expose them -- VMs see them after their next power cycle --
// and a host without them is refused from then on. An update that removes
// features the mode needs (TSX under a Broadwell-and-later mode) is refused
// on every host, saying so. Without a mode, the guests' views decide: VMs
// powered on at updated hosts cannot move to hosts not yet updated, and a
// host whose VMs saw a removed feature cannot be emptied onto updated hosts
// (its update is refused, the VMs stay until their power cycle).
//
// Features the registry does not compare (the speculation controls:
// spec_ctrl, md_clear, ...) are compared on the cluster's hosts from the
// update on (CpuModel::compared): the update makes them part of the
// contract between hosts, as KB 52085 describes.
//
// Leaves out: updates of hosts that join the cluster during the roll-out
// (they come as their part is), and rollbacks.
#pragma once

#include <deque>
#include <map>
#include <memory>

#include "world/controllers/maintenance.hpp"

namespace evcsim {

class HostUpdater {
 public:
  HostUpdater(Env& env, Inventory& inv, MaintenanceController& maintenance);

  void start(int op);          // an update_hosts operation is due
  void on_emptied(int host);   // a host in maintenance is empty
  void on_released(int host);  // a host left maintenance (or its maintenance failed)

 private:
  struct Rolling {
    int op = -1;
    std::deque<int> hosts;  // still to update
    int current = -1;       // in maintenance for the update
  };
  void begin(int op);
  void next(int cluster);
  void done(int cluster);
  void refuse(int host, int op, std::string why);
  void raise_if_all_have(int cluster, int op);
  // The same model with `features` added to what is compared, or updated by
  // the operation; cached, so equal models stay one pointer (placement and
  // the cluster's model counts key on it) and stay alive.
  std::shared_ptr<const CpuModel> comparing(const std::shared_ptr<const CpuModel>& cpu, int op);
  std::shared_ptr<const CpuModel> updated(const std::shared_ptr<const CpuModel>& cpu, int op);

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  MaintenanceController& maintenance_;
  std::map<int, Rolling> rolling_;          // by cluster
  std::map<int, std::deque<int>> waiting_;  // by cluster: updates due while another rolls
  // By (model, key): key op for the updated model, -2 - op for the compared one.
  std::map<std::pair<const CpuModel*, int>, std::shared_ptr<const CpuModel>> models_;
};

}  // namespace evcsim
