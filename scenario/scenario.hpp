// A scenario resolved and validated: catalog CPUs looked up, features and
// masks parsed, names bound to indices. The engine reads only this.
//
// Units: seconds (simulated), MiB, Gbit/s, microseconds for latency.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/year_month.hpp"
#include "catalog/baseline.hpp"
#include "catalog/catalog.hpp"
#include "cpu/cpu_model.hpp"
#include "cpu/register_mask.hpp"
#include "policy/masking/masks.hpp"

namespace evcsim {

enum class Detection { cpuid, probe, fixed };
std::string_view detection_name(Detection d);

struct SoftwareSpec {
  std::string name;
  Detection detection = Detection::cpuid;
  FeatureSet uses;
  bool kernel = false;
  double restarts_per_day = 0;
  double uses_per_s = 1;
  double restart_delay_s = 30;
  // The VM's guest OS kernel (added for a group with a guest_os and no
  // kernel of its own): FIXED detection, `uses` is the floor of the OS the
  // VM runs now (catalog/guest_os.hpp), which upgrades change.
  bool guest_os_kernel = false;
};

struct HostSpec {
  std::string name;
  std::shared_ptr<const CpuModel> cpu;  // nullptr for an empty bay (filled by procurement)
  int cluster = 0;
  int cores = 0;
  int64_t ram_mib = 0;
  YearMonth purchased;
  YearMonth retire;  // listed retirement date (invalid: by lifetime)
};

struct ClusterSpec {
  std::string name;
  std::optional<Baseline> baseline;
  double overcommit_limit = 0;  // configured RAM / host RAM that placement and DRS keep to; 0: none
};

struct VmSpec {
  std::string name;
  std::string group;
  int vcpus = 2;
  int64_t ram_mib = 4096;
  // Memory as vSphere accounts it: admission books the reservation plus the
  // overhead; the host runs the active memory plus the overhead.
  int64_t reserved_mib = 0;
  int64_t overhead_mib = 0;  // vm_overhead_mib(ram_mib, vcpus)
  int64_t active_mib = 0;
  int64_t admit_mib() const { return reserved_mib + overhead_mib; }
  int64_t demand_mib() const { return std::max(active_mib, reserved_mib) + overhead_mib; }
  double dirty_mib_per_s = 50;
  int64_t working_set_mib = 1024;
  int cluster = 0;
  // Where a power-on by the cluster goes when `cluster` refuses it, in order
  // (the group's fallback_clusters); null when none.
  std::shared_ptr<const std::vector<int>> fallback_clusters;
  int host = -1;  // pinned power-on host, or -1
  std::shared_ptr<const std::vector<SoftwareSpec>> software;
  VmMasks masks;
  std::optional<Baseline> baseline;
  bool power_cycle_on_reboot = false;
  double power_on_at_s = 0;
  bool start_powered_off = false;
  double cpu_demand = 0.6;    // vCPU-equivalents (Clovertown cores) at base demand
  bool arrival_slot = false;  // powered on only when the workload brings it
  double lifetime_days = 0;   // mean life (0 = forever), the start's VMs too
  int ha_priority = 1;        // HA restart order: 0 high, 1 medium, 2 low
  int guest_os = -1;          // catalog/guest_os.hpp's index; -1: not said
  // The view the VM runs on at the start when captured below its cluster's
  // mode (captured_baseline): its first power-on sees no more than this.
  std::optional<FeatureSet> captured_view;
  std::string captured_baseline;  // its name, for reports
  double view_since_s = 0;        // when that view was captured (power_on_date; negative: before the start)
};

// The memory a VM's virtualization costs its host (page tables, frame
// buffers, the VMX process): the vSphere Resource Management guide's table
// "Overhead Memory on Virtual Machines" (vSphere 5.x: 1 vCPU and 1 GiB
// 25.90 MB, 4 vCPUs and 16 GiB 151.93 MB) fitted as 18 MiB + 0.74% of the
// RAM + 4 MiB per vCPU beyond the first (within 2 MiB of the table's rows).
inline int64_t vm_overhead_mib(int64_t ram_mib, int vcpus) {
  return 18 + (ram_mib * 74 + 9999) / 10000 + 4 * std::max(0, vcpus - 1);
}

struct ArrivalSpec {
  std::string group;
  double per_day = 0;
  int first_vm = 0, end_vm = 0;  // the group's arrival slots [first, end)
};

struct DrsSpec {
  bool balance = false;
  double interval_s = 300;
  bool interval_set = false;  // the scenario gave interval_s: else vSphere 7's DRS passes every 60 s
  std::string placement = "least-loaded";
  int threshold = 3;
  int max_moves_per_pass = 8;
  int max_per_host = 2;
};

struct WorkloadSpec {
  double diurnal_amplitude = 0.3, noise = 0.05, growth_per_year = 0;
  double reboot_every_days = 0, power_cycle_every_days = 0;
  // VMs whose guest OS reaches its end of support are replaced over the
  // following months (world/controllers/workload.hpp).
  bool replace_at_end_of_support = false;
  double replacement_months = 12;
  // ... or upgraded in place to the family's current release, refused while
  // the VM's guest view lacks its floor (world/controllers/workload.hpp).
  bool upgrade_at_end_of_support = false;
};

struct FailureSpec {
  double mtbf_days = 0, repair_hours = 8;
  double wear_out_after_years = 0;
  int failover_hosts = 0;  // HA admission control
  // HA declares a host failed when its network heartbeats stop for about 15
  // seconds (and its datastore heartbeats too), then restarts its VMs: the
  // vSphere Availability guide's host failure detection, as FINDINGS.md cites it.
  double ha_detection_s = 15;
};

// Host patch cycles (world/controllers/patching.hpp).
struct PatchingSpec {
  bool enabled = false;
  double every_s = 365.25 / 4 * 86400;  // quarterly
  int hosts_at_once = 1;
  double minutes = 30;
};

struct RefreshSpec {
  bool enabled = false;
  double lifetime_years = 0;
  std::string procurement = "newest";
  double headroom = 0.2;
  int hosts_per_purchase = 4;
  std::string baseline_policy = "fixed";
  double window_days = 30;
  bool cold_evacuation = false;
  bool enable_needs_all_off = false;
  double max_share_retiring = 0.1;
  double ram_gib = 0;  // 0: by the part's launch year
  double qualification_months = 6;
  bool planned = false;  // purchases, retirements and raises come from the schedule (evcsim plan)
  // How bought hosts are named: a fmt rule, {} (or {:03}) the number, {cluster} the cluster's name.
  // A rule with {cluster} numbers per cluster, one without across the run; a name in use is skipped.
  std::string bought_host_name = "{cluster}-n{:02}";
};

enum class RuleKind { affinity, anti_affinity, vm_host };
struct RuleSpec {
  RuleKind kind = RuleKind::affinity;
  std::vector<int> vms;
  std::vector<int> hosts;
};

enum class OpKind {
  migrate,
  cold_migrate,
  power_on,
  power_off,
  reboot,
  power_cycle,
  set_mask,
  add_host,
  remove_host,
  set_baseline,
  maintenance,
  exit_maintenance,
  fail_host,
  update_hosts,
  upgrade_os
};
std::string_view op_kind_name(OpKind k);

struct OperationSpec {
  double at_s = 0;
  OpKind kind = OpKind::migrate;
  std::vector<int> vms;  // targets (VM indices)
  int host = -1;         // destination / host operated on
  int cluster = -1;
  VmMasks masks;                     // set_mask
  std::optional<Baseline> baseline;  // set_baseline (nullopt: disable)
  std::vector<int> new_hosts;        // add_host: indices into ScenarioSpec::hosts (not present at start)
  double repair_hours = 0;           // fail_host
  std::string update_name;           // update_hosts: its name, what it adds and removes
  FeatureSet add, remove;
  double patch_s = 1800;
  int guest_os = -1;    // upgrade_os: the target (catalog/guest_os.hpp's index)
  int line = 0;         // in the scenario file, for reports
  std::string text;     // "migrate web-1 to e5310-1"
  bool in_part = true;  // a part of a split run: false when its targets are all in other parts
};

struct NetworkSpec {
  double host_link_gbps = 10, host_link_latency_us = 50;
  double uplink_gbps = 40, uplink_latency_us = 100;
};

struct MigrationSpec {
  double max_downtime_ms = 300;
  int max_rounds = 30;
  double cold_outage_s = 180;
  double reboot_s = 60;
  int max_crash_loops = 3;
  int max_per_host = 0;     // 0: from the host link (8 at >= 10 Gbit/s, else 4)
  std::string convergence;  // "": the policy's hypervisor default
  // The vMotion era whose defaults filled what the scenario left unset
  // (catalog/vmotion_era.hpp), with what chose it; "" when none did.
  std::string era;
};

struct ExpectationSpec {
  std::string metric, op;
  double value = 0;
  std::string expected_name;  // compare the metric's name instead of its value (== or != only)
  int line = 0;
  std::string text() const;  // "crashes == 0"
};

// The ESXi release hosts run and an upgrade (issue 22); empty: not said.
struct HypervisorSpec {
  std::string esxi, upgrade_to;
  double upgrade_at_s = -1;  // -1: no upgrade
};

struct ScenarioSpec {
  std::string file, name, description;
  uint64_t seed = 1;
  double horizon_s = 0;
  PolicySpec policy;
  NetworkSpec network;
  MigrationSpec migration;
  std::vector<ClusterSpec> clusters;
  std::vector<HostSpec> hosts;  // every host, including those added later
  std::vector<bool> host_present_at_start;
  // A host slot's name and part now: those listed, or those a purchase into the slot gave it (a
  // bought host never takes the name of the host it replaces). Run state: the refresh controller
  // names a host as it buys it and clears the names when a run starts; listeners read them when an
  // event arrives, so an event names the host as it was then.
  const std::string& host_name(int h) const;
  const CpuModel* host_part(int h) const;
  void name_bought_host(int h, std::string name, std::shared_ptr<const CpuModel> part) const;
  void clear_bought_hosts() const;
  std::vector<VmSpec> vms;
  std::vector<OperationSpec> operations;  // sorted by time, stable
  std::vector<ExpectationSpec> expectations;
  double sample_interval_s = 0;    // time series sampling
  std::vector<double> graph_at_s;  // compatibility graph snapshots
  YearMonth start_date{2010, 1};
  bool calendar = false;  // start_date given: outputs show dates
  // "YYYY-MM-DD" of simulated time t with the calendar, "" without.
  std::string date(double t) const;
  DrsSpec drs;
  WorkloadSpec workload;
  FailureSpec failures;
  RefreshSpec refresh;
  std::vector<RuleSpec> rules;
  std::vector<ArrivalSpec> arrivals;
  HypervisorSpec hypervisor;
  PatchingSpec patching;
  // Memory (scenario `memory`): the share of configured RAM a VM actively
  // uses unless its group says otherwise. An assumption, not a measurement:
  // VMware's active memory is an estimate of recently touched pages and runs
  // well below configured RAM on most fleets; a planner sets it from the
  // export's memory usage where known.
  double memory_active = 0.25;
  std::vector<std::string> warnings;  // "file:line: field: ..." for the suspicious
  std::vector<std::string> notes;     // the scenario's `notes`: what its author estimated (the summary prints them)
  // A part of a split run (scenario/partition.hpp): the clusters it
  // simulates, by index; empty for the whole run. The world leaves the
  // others alone and the part's recorder drops what they would say.
  std::vector<bool> active_clusters;
  bool cluster_active(int c) const {
    return active_clusters.empty() || (c >= 0 && active_clusters[static_cast<size_t>(c)]);
  }

 private:
  struct BoughtHost {
    std::string name;
    std::shared_ptr<const CpuModel> part;
  };
  mutable std::vector<BoughtHost> bought_;  // per slot; empty name: as listed
};

// The calendar month `t` simulated seconds after `start`.
YearMonth date_at(const YearMonth& start, double t);

// Parses and validates a scenario; throws InputError naming file, line and
// field (unknown CPU, feature, baseline, policy, VM or host; bad values).
ScenarioSpec load_scenario(const std::string& path, const Catalog& catalog);
ScenarioSpec parse_scenario(const std::string& text, const std::string& file, const Catalog& catalog);

}  // namespace evcsim
