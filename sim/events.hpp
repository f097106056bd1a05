// What a simulation reports: a std::variant of small event structs. The
// engine emits them in simulated-time order; listeners (reports/) turn them
// into logs and summaries. Indices refer to the ScenarioSpec (hosts, vms, the
// VM's software list, operations). Times are simulated seconds.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "models/compatibility_graph.hpp"
#include "models/feature_set.hpp"

namespace evcsim {

struct HostJoined { double t; int host; int cluster; };
struct HostJoinRefused { double t; int host; int cluster; FeatureSet missing; std::string reason; };
struct HostRemoved { double t; int host; };
struct BaselineChanged { double t; int cluster; std::string from, to; };
struct VmPoweredOn { double t; int vm; int host; FeatureSet guest_view; bool new_view; };
struct PowerOnRefused { double t; int vm; int host; FeatureSet missing; std::string reason; };
struct VmPoweredOff { double t; int vm; int host; std::string reason; };
struct SoftwareStarted { double t; int vm; int sw; FeatureSet active; std::string why; };
struct SoftwareRefused { double t; int vm; int sw; FeatureSet missing; };
struct SoftwareGaveUp { double t; int vm; int sw; int crashes; };
struct MigrationStarted { double t; int vm; int src; int dst; };
struct MigrationBlocked { double t; int vm; int src; int dst; std::string code; FeatureSet missing; std::string reason; };
struct MigrationCompleted {
  double t; int vm; int src; int dst;
  double duration_s; double downtime_s; int rounds; double mib_sent;
};
// A crash: software (or, when kernel, the whole guest) used a feature the
// host it runs on lacks. src/dst: the migration that brought the VM to a host
// lacking it (-1 if none); crashes after restarts on the same host keep it.
struct Crash {
  double t; int vm; int sw; bool kernel; int host; FeatureSet missing; int src; int dst; std::string cause;
};
struct ColdMigration { double t; int vm; int src; int dst; double outage_s; };
struct MaskChanged { double t; int vm; };
// A guest reboot (power_cycle: a full power cycle, which takes a new guest view).
struct VmRebooted { double t; int vm; int host; bool power_cycle; std::string why; };
struct OperationRefused { double t; int op; std::string reason; };
// Operations over time (DRS, maintenance, failures, refresh, workload).
struct DrsPass {
  double t; int cluster; double imbalance; double left_by_compatibility; int moves;
  std::map<std::string, int> blocked;  // candidate moves refused by the policy, by reason code
};
struct MaintenanceStarted { double t; int host; std::string why; };
struct MaintenanceDone { double t; int host; bool retired; };
struct MaintenanceFailed { double t; int host; int stranded; FeatureSet missing; std::string reason; };
struct HostFailed { double t; int host; int vms; };
struct HostRepaired { double t; int host; };
// A VM restarted by HA after its host failed: a cold boot, so a new guest
// view; `gained` features can pin it to newer hosts.
struct HaRestart { double t; int vm; int from; int to; FeatureSet gained; FeatureSet lost; };
struct HostBought { double t; int host; int cluster; std::string cpu; std::string why; };
struct BaselineRaised {
  double t; int cluster; std::string from, to; double possible_since; FeatureSet gained; int vms_to_cycle;
};
// Every VM running at a raise has seen the new baseline (power cycled or gone).
struct BaselineRaiseSeen { double t; int cluster; std::string to; double raised_at; };
struct VmArrived { double t; int vm; };
struct VmDeparted { double t; int vm; };

// The features whose availability to VMs the time series follow.
const std::vector<std::string>& notable_features();

// The state of the world at a sampling time (scenario `report` settings).
struct Snapshot {
  double t;
  int vms_on = 0, vms_off = 0;
  std::vector<std::pair<std::string, int>> feature_counts;  // notable feature -> VMs on that see it
  std::map<std::string, int> hosts_by_generation;
  std::vector<std::string> baselines;                        // per cluster, "none" without
  std::vector<int> baseline_features;                        // per cluster, 0 without
  int domains = 0, largest_domain_hosts = 0;
  double imbalance = 0;                                      // std. deviation of host load (0..1)
  double imbalance_left = 0;                                 // of which compatibility prevented fixing
  std::map<std::string, int> vms_by_level;                   // highest x86-64 level in the guest view
  std::shared_ptr<const CompatibilityGraph> graph;           // at graph times only
};

using Event = std::variant<HostJoined, HostJoinRefused, HostRemoved, BaselineChanged, VmPoweredOn, PowerOnRefused,
                           VmPoweredOff, SoftwareStarted, SoftwareRefused, SoftwareGaveUp, MigrationStarted,
                           MigrationBlocked, MigrationCompleted, Crash, ColdMigration, MaskChanged, VmRebooted, OperationRefused, Snapshot, DrsPass,
                           MaintenanceStarted, MaintenanceDone, MaintenanceFailed, HostFailed, HostRepaired,
                           HaRestart, HostBought, BaselineRaised, BaselineRaiseSeen, VmArrived, VmDeparted>;

inline double event_time(const Event& e) {
  return std::visit([](const auto& x) { return x.t; }, e);
}

class Listener {
 public:
  virtual ~Listener() = default;
  virtual void on_event(const Event& e) = 0;
  virtual void on_end(double /*t*/) {}
};

}  // namespace evcsim
