// What a simulation reports: a std::variant of small event structs. The
// engine emits them in simulated-time order; listeners (reports/) turn them
// into logs and summaries. Indices refer to the ScenarioSpec (hosts, vms, the
// VM's software list, operations). Times are simulated seconds. Events carry
// codes and indices; English is written only in reports/ (event_text.hpp).
//
// Leaves out: English (events/event_text.cpp) and wall-clock time.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cpu/feature_set.hpp"
#include "policy/codes.hpp"
#include "policy/masking/compatibility_graph.hpp"

namespace evcsim {

// Codes that say why; events/event_text.cpp writes them as English.
enum class PowerOffReason {
  schedule,
  crash_loop,
  power_cycle_refused,
  cold_migration,
  cold_evacuation,
  host_failed,
  departed
};
enum class StartReason { power_on, reboot, restart, restart_after_crash };
enum class RefusalCode {
  already_on,
  already_off,
  migrating,
  not_running,
  already_migrating,
  host_absent,
  host_down,
  host_in_maintenance,
  host_not_up,
  already_there,
  rule,
  no_room,
  powered_off,
  host_not_empty,
  already_in_maintenance,
  not_in_maintenance,
  baseline_host_cannot_join,
  enable_vms_see_more,
  lower_vms_see_more
};
enum class PlacementCode {
  none,
  no_hosts,
  host_absent,
  host_down,
  host_in_maintenance,
  no_room,
  rule,
  policy,
  policy_at_destination,
  ha_reserve,
  guest_os_floor  // the view at the host lacks the VM's guest OS's CPU floor
};
enum class JoinRefusal { baseline, market_cannot_join, market_empty, cluster_at_cap };
enum class PurchaseReason { replacement, ram_headroom, cpu_headroom };
enum class MaintenanceKind { scheduled, retirement, patch };
enum class MaintenanceOutcome { done, retired };

// Why a VM could not power on at a host (the first candidate's reason).
struct PlacementRefusal {
  PlacementCode code = PlacementCode::none;
  int host = -1;
  int64_t free_mib = 0, need_mib = 0;
  std::string detail;       // the policy's reason (policy codes)
  bool over_limit = false;  // no_room: the cluster's overcommit limit binds (else the unreserved RAM)
  int guest_os = -1;        // guest_os_floor: the VM's OS (catalog/guest_os.hpp's index)
};
// Why an operation (or a baseline change) was refused.
struct Refusal {
  RefusalCode code = RefusalCode::already_on;
  int vm = -1, host = -1, cluster = -1;
  int64_t free_mib = 0, need_mib = 0;
  std::string baseline;     // baseline codes
  std::string detail;       // baseline_host_cannot_join: the admission's reason
  std::vector<int> vms;     // *_vms_see_more: the first few VMs
  bool over_limit = false;  // no_room: the cluster's overcommit limit binds (else the unreserved RAM)
};

struct HostJoined {
  double t;
  int host;
  int cluster;
};
struct HostJoinRefused {
  double t;
  int host;
  int cluster;
  FeatureSet missing;
  JoinRefusal code;
  std::string detail;
  std::string vendor = {}, month = {};  // market_empty
  int short_by = 0;                     // cluster_at_cap: hosts it could not buy
};
struct HostRemoved {
  double t;
  int host;
};
struct BaselineChanged {
  double t;
  int cluster;
  std::string from, to;
  size_t to_features = 0;  // features of `to` (a raised mode such as "intel-skylake+mds-microcode" is no catalog name)
};
struct VmPoweredOn {
  double t;
  int vm;
  int host;
  FeatureSet guest_view;
  bool new_view;
};
struct PowerOnRefused {
  double t;
  int vm;
  int host;
  FeatureSet missing;
  PlacementRefusal why;
  bool ha = false;
  bool waits = false;  // the VM waits in its cluster's queue and is tried again when room appears
};
// A power-on by the cluster that the VM's home cluster refused (`why`) and
// a fallback cluster of its group (scenario `fallback_clusters`) took.
struct VmPlacedInFallback {
  double t;
  int vm;
  int home;     // the cluster that refused
  int cluster;  // the fallback it powers on in, the VM's cluster from now on
  PlacementRefusal why;
};
struct VmPoweredOff {
  double t;
  int vm;
  int host;
  PowerOffReason reason;
  int other_host = -1;      // cold moves: the destination
  int count = 0;            // crash_loop: guest crashes in a row
  std::string detail = {};  // power_cycle_refused: the policy's reason
};
struct SoftwareStarted {
  double t;
  int vm;
  int sw;
  FeatureSet active;
  StartReason why;
};
struct SoftwareRefused {
  double t;
  int vm;
  int sw;
  FeatureSet missing;
};
struct SoftwareGaveUp {
  double t;
  int vm;
  int sw;
  int crashes;
};
// waited_s: how long it queued for a free vMotion slot at its source or destination.
struct MigrationStarted {
  double t;
  int vm;
  int src;
  int dst;
  double waited_s = 0;
};
struct MigrationBlocked {
  double t;
  int vm;
  int src;
  int dst;
  VerdictCode code;
  FeatureSet missing;
  std::string reason;
};
// A started migration that could not finish: the VM stopped or the
// destination failed meanwhile (not a refusal: nothing was blocked).
struct MigrationAborted {
  double t;
  int vm;
  int src;
  int dst;
  bool vm_stopped;
};
struct MigrationCompleted {
  double t;
  int vm;
  int src;
  int dst;
  double duration_s;
  double downtime_s;
  int rounds;
  double mib_sent;
  double throttled_s = 0;       // the guest ran slowed to converge
  double lost_guest_cpu_s = 0;  // throttle depth x time x vCPUs (world/services.hpp)
  bool over_downtime_target = false;
};
// A crash: software (or, when kernel, the whole guest) used a feature the
// host it runs on lacks. src/dst: the migration that brought the VM to a host
// lacking it (-1 if none); crashes after restarts on the same host keep it.
struct Crash {
  double t;
  int vm;
  int sw;
  bool kernel;
  int host;
  FeatureSet missing;
  int src;
  int dst;
  CrashCause cause;
};
// A cold move: the VM powered off at `src`, booted at `dst` `outage_s` later.
// why: cold_migration (a scheduled cold_migrate) or cold_evacuation (a
// maintenance emptying `src`).
struct ColdMigration {
  double t;
  int vm;
  int src;
  int dst;
  double outage_s;
  PowerOffReason why = PowerOffReason::cold_migration;
};
struct MaskChanged {
  double t;
  int vm;
};
// A guest reboot (power_cycle: a full power cycle, which takes a new guest
// view; picks_up: that view is wider, e.g. after a baseline raise).
struct VmRebooted {
  double t;
  int vm;
  int host;
  bool power_cycle;
  bool picks_up;
  // A scenario's reboot or power_cycle operation, done on purpose; else a
  // routine one (a patch window's) or a crashed kernel's.
  bool operation = false;
};
struct OperationRefused {
  double t;
  int op;
  Refusal why;
};
// Operations over time (DRS, maintenance, failures, refresh, workload).
struct DrsPass {
  double t;
  int cluster;
  double imbalance;
  double left_by_compatibility;
  int moves;
  std::map<VerdictCode, int> blocked;  // candidate moves refused, by verdict code
  // vSphere 7's DRS (world/controllers/drs_score.hpp): the cluster DRS score
  // (mean VM score) and the lowest VM score before the pass, in percent; -1
  // when the pass balanced by vSphere 5-6's standard deviation. Then
  // left_by_compatibility is the cluster score (0..1) refused moves would
  // have added, and imbalance still the standard deviation of host load.
  // (Not in the event records, events/events.proto: results.json prints
  // every field of every record, and earlier runs' outputs stay the same.)
  double drs_score;
  double drs_score_min;
};
struct MaintenanceStarted {
  double t;
  int host;
  MaintenanceKind kind;
  double age_years = 0;
};
struct MaintenanceDone {
  double t;
  int host;
  MaintenanceOutcome outcome;
};
// `detail`: the first refusal's reason ("" when no host had room).
struct MaintenanceFailed {
  double t;
  int host;
  int stranded;
  FeatureSet missing;
  std::string detail;
};
struct HostFailed {
  double t;
  int host;
  int vms;
};
struct HostRepaired {
  double t;
  int host;
};
// A VM restarted by HA after its host failed: a cold boot, so a new guest
// view; `gained` features can pin it to newer hosts.
struct HaRestart {
  double t;
  int vm;
  int from;
  int to;
  FeatureSet gained;
  FeatureSet lost;
};
struct HostBought {
  double t;
  int host;
  int cluster;
  std::string cpu;
  PurchaseReason why;
  std::string name = {};  // the new machine's (listeners name the slot so as they hear this: world/event_order.hpp)
};
// locks_out: the vendor's next generation, when the new baseline shuts it out
// (it lacks `locks_out_missing`), so the cluster could not buy it.
struct BaselineRaised {
  double t;
  int cluster;
  std::string from, to;
  double possible_since;
  FeatureSet gained;
  int vms_to_cycle;
  std::string locks_out = {};
  FeatureSet locks_out_missing = {};
  std::vector<int> vms_below = {};  // the vms_to_cycle VMs (indices, ascending)
};
// Every VM running at a raise has seen the new baseline (power cycled or gone).
struct BaselineRaiseSeen {
  double t;
  int cluster;
  std::string to;
  double raised_at;
};
struct VmArrived {
  double t;
  int vm;
};
// An arrival of group `arrival` (ScenarioSpec::arrivals) found every slot taken.
struct ArrivalWithoutSlot {
  double t;
  int arrival;
};
struct VmDeparted {
  double t;
  int vm;
};
// A VM whose guest OS reached its end of support (workload
// replace_at_end_of_support) departs and a new VM takes its slot with the
// family's current release: VmDeparted and VmArrived follow at the same time.
struct VmReplacedAtEndOfSupport {
  double t;
  int vm;
  int from, to;  // guest OSes, catalog/guest_os.hpp's indices
};
// A running VM's guest OS upgraded in place (scenario upgrade_os, or the
// workload's upgrade_at_end_of_support); it reboots into `to`.
struct OsUpgraded {
  double t;
  int vm;
  int from, to;  // guest OSes, catalog/guest_os.hpp's indices
};
// An OS upgrade the VM could not take: its guest view (captured at its last
// power-on) lacks the CPU floor of `to` (`missing`), or it was not running.
// A baseline raise and a power cycle give it a new view.
struct OsUpgradeRefused {
  double t;
  int vm;
  int cluster;   // where it runs (or last ran)
  int from, to;  // guest OSes, catalog/guest_os.hpp's indices
  FeatureSet missing;
  bool not_running = false;
};
// update_hosts at one host: applied, or refused with the reason.
struct HostUpdated {
  double t;
  int host;
  int cluster;
  int op;  // the update_hosts operation
  FeatureSet added, removed;
  std::string refused;  // "" when applied
};

// ESXi's memory states as the host's free memory falls against minFree
// (world/inventory.cpp): what reclaims memory in each.
enum class MemoryState { normal, soft, hard, low };
inline std::string_view memory_state_name(MemoryState s) {
  switch (s) {
    case MemoryState::soft:
      return "ballooning";
    case MemoryState::hard:
      return "swapping";
    case MemoryState::low:
      return "blocking";
    default:
      return "normal";
  }
}

// A host's memory state changed (its VMs' active memory + overhead against
// its RAM): from here until its next change.
struct MemoryPressure {
  double t;
  int host;
  MemoryState state;
  int64_t demand_mib, configured_mib, ram_mib;
};

// A host due for retirement stays: the cluster's other hosts would carry
// `memory_share` of their RAM in active memory (or `cpu_share` of their CPU
// at the diurnal peak) without it, and no replacement joined to help.
struct RetirementDeferred {
  double t;
  int host;
  int cluster;
  double memory_share, cpu_share;
};

// A cluster's host patch cycle (world/controllers/patching.hpp): started
// (`hosts` to patch), done, or skipped because the previous one still rolls
// (`hosts` it had left).
struct PatchCycle {
  enum class Phase { started, done, skipped };
  double t;
  int cluster;
  Phase phase;
  int hosts = 0;
};

// A cluster without a baseline (no EVC) in the samples: its VMs see their hosts' CPUs.
inline constexpr const char* kNoEvcLabel = "no EVC (the hosts' own CPUs)";

// The state of the world at a sampling time (scenario `report` settings).
struct Snapshot {
  double t;
  int vms_on = 0, vms_off = 0;
  std::vector<std::pair<std::string, int>> feature_counts;  // notable feature -> VMs on that see it
  std::vector<std::pair<std::string, int>> feature_in_use;  // notable feature -> VMs on whose software uses it
  std::map<std::string, int> hosts_by_generation;
  std::vector<std::string> baselines;  // per cluster, kNoEvcLabel without
  std::vector<int> baseline_features;  // per cluster; without EVC, the features its hosts have in common
  int domains = 0, largest_domain_hosts = 0;
  double imbalance = 0;                     // std. deviation of host load (0..1)
  double imbalance_left = 0;                // of which compatibility prevented fixing
  std::map<std::string, int> vms_by_level;  // highest x86-64 level in the guest view
  double demand = 0;                 // CPU demand of the running VMs with the workload's growth (no diurnal wave)
  double memory_overcommit = 0;      // configured VM RAM / RAM of the hosts in service
  double memory_overcommit_max = 0;  // the same of the most overcommitted host
  std::shared_ptr<const CompatibilityGraph> graph;  // at graph times only
};

// One cluster's share of a Snapshot (issue 26): the sampler measures each
// cluster apart and world/event_order.hpp assembles the Snapshot from them
// in cluster order, so a run split by clusters assembles the same Snapshot
// from its parts' samples, bit for bit. Not an Event: listeners hear the
// assembled Snapshot; a part of a split run records these instead.
struct ClusterSample {
  // Hosts of one CPU model in the cluster (a class of the compatibility graph).
  struct HostClassSample {
    std::shared_ptr<const CpuModel> cpu;
    std::shared_ptr<const Baseline> baseline;  // the cluster's; null without EVC
    FeatureSet lcd;                            // the cluster's hosts in common
    int hosts = 0;
  };
  double t = 0;
  int cluster = 0;
  bool graph = false;                               // a graph time: the Snapshot keeps the graph
  int vms_on = 0, vms_off = 0;                      // the VMs whose cluster this is
  std::vector<int> feature_counts, feature_in_use;  // per notable feature (notable_features()' order)
  std::map<std::string, int> vms_by_level, hosts_by_generation;
  std::string baseline;  // kNoEvcLabel without EVC
  int baseline_features = 0;
  double demand = 0;  // the cluster's host slots' CPU demand, before growth
  double configured_mib = 0, ram_mib = 0, memory_overcommit_max = 0;  // hosts in service
  double load_sum = 0, load_sum2 = 0;  // host load and its square, over the present hosts
  int present = 0;
  double imbalance_left = 0;             // DRS's: what compatibility left unfixed
  std::vector<HostClassSample> classes;  // in the order the cluster's hosts list them
};

using Event =
    std::variant<HostJoined, HostJoinRefused, HostRemoved, BaselineChanged, VmPoweredOn, PowerOnRefused, VmPoweredOff,
                 SoftwareStarted, SoftwareRefused, SoftwareGaveUp, MigrationStarted, MigrationBlocked, MigrationAborted,
                 MigrationCompleted, Crash, ColdMigration, MaskChanged, VmRebooted, OperationRefused, Snapshot, DrsPass,
                 MaintenanceStarted, MaintenanceDone, MaintenanceFailed, HostFailed, HostRepaired, HaRestart,
                 HostBought, BaselineRaised, BaselineRaiseSeen, VmArrived, ArrivalWithoutSlot, VmDeparted, HostUpdated,
                 MemoryPressure, PatchCycle, RetirementDeferred, VmPlacedInFallback, VmReplacedAtEndOfSupport,
                 OsUpgraded, OsUpgradeRefused>;

inline double event_time(const Event& e) {
  return std::visit([](const auto& x) { return x.t; }, e);
}

class Listener {
 public:
  virtual ~Listener() = default;
  virtual void on_event(const Event& e) = 0;
  // A cluster's share of a sampling time (only world/event_order.hpp's
  // listeners, which assemble Snapshots or record the samples, hear these).
  virtual void on_sample(const ClusterSample& /*s*/) {}
  virtual void on_end(double /*t*/) {}
};

}  // namespace evcsim
