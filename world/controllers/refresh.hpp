// Hardware refresh and baseline policies: daily, hosts due for
// retirement (listed date or lifetime) enter maintenance together after
// their replacements are bought, and clusters short of RAM or CPU headroom
// buy hosts from the market (catalog parts on sale that can join the
// cluster's baseline); at each maintenance window the baseline policy may
// raise a cluster's baseline once retirements made it possible, and each
// raise is followed until every VM running at it has power cycled.
// Owns, per host, its retirement bookkeeping and, per cluster, since when a
// raise is possible.
//
// Leaves out: money beyond relative prices, licensing, lead times beyond
// `qualification_months`, and hypervisor support of a part.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "policy/baseline/baseline_policy.hpp"
#include "policy/procurement/procurement_policy.hpp"
#include "world/controllers/maintenance.hpp"

namespace evcsim {

class RefreshController {
 public:
  RefreshController(Env& env, Inventory& inv, MaintenanceController& maintenance);

  void start();
  void on_view_changed(int vm);  // raise tracking
  void on_host_retired(int host, int cluster);

  Signal<int> bought;  // host: a new machine in a bay

 private:
  struct HostBook {
    double retry_after = 0;             // a failed retirement waits for the next window
    bool replaced = false;              // its replacement was bought
    bool replaced_by_purchase = false;  // the bay holds a bought machine now
    int attempts = 0;                   // retirements tried (the wait doubles each time)
    bool deferred = false;              // its retirement waited for capacity (said once)
  };
  bool others_carry(int cluster, const std::vector<std::pair<int, int>>& leaving);
  void back_off(HostBook& book) const;
  struct Carry {
    double memory = 0, cpu = 0;  // the last others_carry: load shares of the hosts that stay
  } carry_;
  struct ClusterBook {
    double raise_possible_since = -1;
    double refusal_reported_at = -1e18;  // procurement that no market part can satisfy
    double cap_reported_at = -1e18;      // procurement that the host cap stops
  };
  struct RaiseTrack {
    int cluster;
    std::string to;
    double raised_at;
    std::vector<char> waiting;  // per VM: running at the raise with a view below it
    int remaining = 0;
  };

  void daily();
  void retire_due(int cluster);
  void procure(int cluster);
  void window();
  void buy_hosts(int cluster, int count, PurchaseReason why);
  std::vector<const CpuModel*> market(int cluster) const;
  // The part to buy, from what the market sells now and can join the
  // cluster's baseline; nullptr (and *why) when nothing can.
  const CpuModel* market_choice(int cluster, HostJoinRefused* why) const;
  void apply_baseline_policy(int cluster);
  int64_t bought_ram_mib(const CpuModel& part) const;
  const CpuModel* next_generation(int cluster) const;
  std::string new_host_name(int cluster);  // by the scenario's rule, never a name in use or used before

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  MaintenanceController& maintenance_;
  std::unique_ptr<ProcurementPolicy> procurement_;
  std::unique_ptr<BaselinePolicy> baseline_policy_;
  std::vector<HostBook> hosts_;
  std::vector<ClusterBook> clusters_;
  std::vector<RaiseTrack> raises_;
  std::map<const CpuModel*, std::shared_ptr<const CpuModel>> parts_;  // bought parts, shared by their hosts
  std::set<std::string> names_taken_;  // every host's name, listed or given (bought hosts get new ones)
  std::map<int, int> name_numbers_;    // the last number given, per cluster (-1: one count for the run)
};

}  // namespace evcsim
