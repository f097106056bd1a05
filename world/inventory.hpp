// The inventory: hosts, VMs and clusters as vCenter would list them -- where
// each VM runs, its power state and guest view, each host's RAM book, each
// cluster's hosts, baseline and lowest common denominator -- and the
// invariants that tie them together. It takes no decisions: parts of the
// world change it through these methods; what a part alone needs (software
// states, failure epochs, retirement bookkeeping) it keeps in its own side
// table indexed like these.
//
// Units: MiB for RAM, simulated seconds. Memory as vSphere accounts it: a
// VM is admitted where its reservation plus overhead fits in the unreserved
// RAM (and its configured RAM within the cluster's overcommit limit, when a
// planner set one); a host runs by its VMs' active memory plus overhead,
// which drives its memory load and its ESXi memory state (MemoryPressure).
// CPU demand drives load (vCPUs may overcommit).
//
// Leaves out: shares, limits, transparent page sharing and the reclaimed
// amounts themselves (a state is reported, not the pages ballooned), and
// storage and networks as resources. A host's CPU changes only through
// change_cpu (firmware and microcode updates).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "policy/masking/masking_policy.hpp"
#include "world/env.hpp"
#include "world/signal.hpp"

namespace evcsim {

enum class Power { off, booting, running };

// The ESXi memory state (a MemoryState) of a host of `ram_mib` whose VMs'
// active memory and overhead come to `demand_mib` (inventory.cpp: minFree).
int memory_state_of(int64_t demand_mib, int64_t ram_mib);

// The fields every DRS pass and placement reads of every host come first, in
// one cache line (a pass reads them for each of hundreds of hosts).
struct alignas(64) HostRec {
  bool present = false;
  bool up = true;
  bool maintenance = false;
  int migrations = 0;            // in flight, in or out
  int64_t ram_reserved_mib = 0;  // reservations + overhead of resident VMs, incoming migrations, cold moves
  int64_t ram_mib = 0;
  int64_t ram_demand_mib = 0;           // active memory + overhead of the same VMs
  int64_t ram_configured_mib = 0;       // their configured RAM (overcommitment)
  int memory_state = 0;                 // MemoryState of ram_demand_mib
  double demand = 0;                    // sum of the base CPU demand of the VMs here
  double noise = 0;                     // relative load noise (DRS redraws it hourly)
  double capacity = 1;                  // cores x relative speed
  std::vector<int> vms;                 // running or booting here
  std::shared_ptr<const CpuModel> cpu;  // bays get theirs when bought
  YearMonth purchased;
};

struct VmRec {
  Power power = Power::off;
  int host = -1;    // where it runs (or boots); -1 when off
  int cluster = 0;  // its cluster: the scenario's, or the fallback it last powered on in (Placement)
  bool migrating = false;
  int migration_dst = -1;
  bool cold_moving = false;
  int cold_dst = -1;
  FeatureSet guest_view;  // captured at power-on
  bool has_view = false;
  VmMasks custom_masks;     // configured (may differ from what the guest saw at power-on)
  VmMasks effective_masks;  // custom_masks over the policy's default masks
  uint32_t epoch = 0;       // bumped at every boot and power-off: stale timers see it
  Verdict admission;        // why its last live migration was admitted (travels with the VM)
  int guest_os = -1;        // catalog/guest_os.hpp's index: the scenario's, or its replacement's (workload)
};

struct ClusterRec {
  std::optional<Baseline> baseline;
  std::vector<int> hosts;  // present hosts, in join order
  FeatureSet lcd;
  std::string vendor;  // what procurement buys
  // How many present hosts hold each CPU model: the LCD is the intersection
  // over these few, so a join or a removal costs O(CPU models), not O(hosts).
  std::vector<std::pair<const CpuModel*, int>> cpus;
  uint64_t membership = 0;  // bumped at every join and removal
};

class Inventory {
 public:
  explicit Inventory(Env& env);

  std::vector<HostRec> hosts;
  std::vector<VmRec> vms;
  std::vector<ClusterRec> clusters;

  const CpuModel& cpu_of(int host) const { return *hosts[host].cpu; }
  bool usable(int host) const { return hosts[host].present && hosts[host].up && !hosts[host].maintenance; }
  HostView host_view(int host) const;
  VmView vm_view(int vm) const;
  // Room for a VM at a host: its reservation plus overhead within the
  // unreserved RAM, and its configured RAM within the cluster's overcommit
  // limit; when it does not fit, the RAM free and needed in the bound that binds.
  struct MemoryFit {
    bool ok = true;
    int64_t free_mib = 0, need_mib = 0;
    bool over_limit = false;  // the overcommit limit binds, not the unreserved RAM
  };
  // `pending_*`: memory of moves planned to the host but not yet booked.
  MemoryFit fit(int host, int vm, int64_t pending_admit_mib = 0, int64_t pending_configured_mib = 0) const;
  bool has_room(int host, int vm) const { return fit(host, vm).ok; }
  // RAM left to run more VMs without pressure (best-fit scores by it).
  int64_t run_room(int host) const {
    return std::min(hosts[host].ram_mib - std::max(hosts[host].ram_demand_mib, hosts[host].ram_reserved_mib),
                    pack_room(host));
  }
  int64_t free_mib(int host) const { return hosts[host].ram_mib - hosts[host].ram_reserved_mib; }
  // One number per VM and host for bin packing (evacuations): the size is at
  // least what each bound needs, the room at most what each leaves, so a
  // packing that fits these fits the hosts.
  int64_t pack_size(int vm) const;
  int64_t pack_room(int host) const;
  bool rules_allow(int vm, int host) const;  // affinity, anti-affinity, VM-host rules

  double demand_factor() const;  // diurnal wave x growth at now()
  double growth_factor() const;  // the workload's growth alone at now()
  // Demand at the day's peak (the wave's top) with today's growth: what
  // capacity must carry (procurement, retirements).
  double peak_factor() const { return (1 + spec_.workload.diurnal_amplitude) * growth_factor(); }
  double load(int host) const { return load(host, demand_factor()); }
  double load(int host, double factor) const { return std::max(cpu_load(host, factor), ram_load(host)); }
  // demand x factor x (1 + noise) / capacity; and booked RAM / RAM. Inline:
  // every DRS pass asks them of every host.
  double cpu_load(int host, double factor) const {
    const HostRec& hr = hosts[host];
    return cpu_load_of(hr.demand, factor, hr.noise, hr.capacity);
  }
  // The one formula, for DRS's packed copy too (the same bits either way).
  static double cpu_load_of(double demand, double factor, double noise, double capacity) {
    return demand * factor * (1 + noise) / capacity;
  }
  double ram_load(int host) const {
    const HostRec& hr = hosts[host];
    return static_cast<double>(hr.ram_demand_mib) / static_cast<double>(std::max<int64_t>(1, hr.ram_mib));
  }

  // A host's load inputs (RAM booked, demand, noise, capacity, RAM) or its
  // usability changed: every such change goes through these or calls
  // touch(), so that DRS can keep its packed copy of a cluster's loads
  // without reading every host at every pass (checked by DRS's check_loads).
  void touch(int host) {
    for (TouchLog& log : touch_logs_)
      if (!log.flag[host]) log.flag[host] = 1, log.hosts.push_back(host);
  }
  // A VM's memory booked (sign +1) or released (-1) at a host: an incoming
  // migration or cold move books it at its destination until it arrives.
  void book(int host, int vm, int sign);
  void set_up(int host, bool up) {
    hosts[host].up = up;
    touch(host);
  }
  void set_maintenance(int host, bool on) {
    hosts[host].maintenance = on;
    touch(host);
  }
  // A list of touched hosts of its own for a part that keeps copies (DRS,
  // placement); take_touched(log) returns the hosts touched since its last
  // call, each once.
  int open_touch_log();
  std::vector<int> take_touched(int log);
  // Bumped whenever a cluster's list of hosts changes (a join or a removal).
  uint64_t membership(int cluster) const { return clusters[cluster].membership; }

  void place(int vm, int host);  // adds to the host's list and books RAM
  void unplace(int vm);          // removes from its host
  // A completed live migration: the VM's RAM was booked at `dst` when it started.
  void move_booked(int vm, int dst);
  void join_host(int host, int cluster);
  // A host's CPUID changed (update_hosts): its cluster's count of CPU models
  // and lowest common denominator follow.
  void change_cpu(int host, std::shared_ptr<const CpuModel> cpu);
  void remove_host(int host);  // REQUIRES: empty
  // Enabling a baseline needs every host to join it and the VMs that see more
  // powered off (all VMs, with enable_needs_all_off); raising keeps running VMs
  // on their old view until a power cycle; lowering needs the VMs above it off.
  bool apply_baseline(int cluster, const std::optional<Baseline>& to, Refusal* why_not);

  // Each VM on exactly one host's list or powered off, never on two; RAM
  // books balance. Throws std::logic_error naming the first violation.
  void check_invariants() const;

  Signal<int, int> joined;  // host, cluster

 private:
  void recompute_lcd(int cluster);  // from the cluster's CPU models
  void add_memory(int host, int vm, int sign);

  Env& env_;
  const ScenarioSpec& spec_;
  struct TouchLog {
    std::vector<int> hosts;
    std::vector<uint8_t> flag;
  };
  std::vector<TouchLog> touch_logs_;
};

}  // namespace evcsim
