// DRS load balancing: every `interval_s`, per cluster whose
// imbalance (standard deviation of host load, load = max(CPU, RAM)) is above
// the threshold's target, greedy moves from the most loaded host to one of
// the three least loaded until the imbalance is back under the target
// (hysteresis: hourly noise around the target does not make VMs oscillate),
// each move admitted by Migrations and worth more than its cost (the
// transfer time against the pass interval). The same pass as if every move
// were admitted tells what compatibility left unbalanced.
// Owns the hourly load noise and, per cluster, the imbalance it last saw.
//
// Cost: O(hosts + max_moves x 3 x 24) per cluster and pass, over packed
// arrays of the usable hosts' load inputs (refreshed only where the
// inventory reports a host touched): one multiply-divide and a max per
// host, no host record read. The sum of squared loads needs every host's
// load at the pass's demand factor, so a pass stays O(hosts) -- see the
// docs/performance.md's fleet-size notes for why no index replaces it.
//
// The target follows vSphere 5-6's priority formula (tighter in larger
// clusters); a move's gain is the gap it closes between its two hosts, less
// its cost (transfer time against the pass interval), so a move is worth
// as much in a 96-host cluster as in an 8-host one.
//
// From the release 7.0 on (the scenario's hypervisor.esxi, else the newest
// release out at start_date; a hypervisor upgrade_to 7.0 or later switches
// at the upgrade), a pass balances by vSphere 7's per-VM DRS score instead
// (drs_score.hpp), every 60 s unless the scenario sets interval_s.
//
// Leaves out: resource pools, reservations and shares.
#pragma once

#include <functional>
#include <map>

#include "world/controllers/drs_score.hpp"
#include "world/migrations.hpp"

namespace evcsim {

class DrsController {
 public:
  DrsController(Env& env, Inventory& inv, Migrations& migrations);
  // Hosts DRS must not move VMs to (e.g. awaiting another maintenance attempt).
  void exclude_targets(std::function<bool(int)> excluded) {
    score_.exclude_targets(excluded);
    excluded_ = std::move(excluded);
  }

  void start();
  // The imbalance the cluster's last pass could not fix because of compatibility.
  double imbalance_left(int cluster) const { return clusters_[static_cast<size_t>(cluster)].imbalance_left; }
  // Throws std::logic_error naming the first host whose packed load inputs
  // differ from the inventory's (a change that did not go through it).
  void check_loads();
  // The imbalance a pass acts above (drs.cpp: vSphere 5-6's priority formula).
  static double target_imbalance(int threshold, size_t hosts);
  // When vSphere 7's DRS score takes over (0: from the start; infinity: never).
  static double score_mode_from(const ScenarioSpec& spec);

 private:
  struct ClusterLoad {
    double noise_drawn_at = -1e18;
    double imbalance = 0, imbalance_left = 0;
    // The cluster's hosts in its order and what a pass reads of each, packed
    // (a pass reads them for every host: from the hosts' records they were
    // a cache miss each), kept current from the hosts the inventory reports
    // touched; rebuilt when the cluster's membership changes.
    uint64_t membership = ~uint64_t{0};
    std::vector<int> host;
    std::vector<uint8_t> usable;
    std::vector<double> demand, noise, capacity;
    std::vector<double> ram_load;              // active + overhead / RAM, Inventory::ram_load
    std::vector<int> usable_hosts, usable_at;  // the usable ones and their places here
    bool usable_stale = true;                  // a host's usability changed since they were listed
  };
  void sync();  // applies the inventory's touched hosts
  static void pick(const double* load, size_t n, size_t* src, size_t order[3], size_t* found);
  void copy_in(ClusterLoad& cl, size_t i);
  struct Start {  // a cluster's usable hosts and their loads before the pass
    const std::vector<int>& hosts;
    const std::vector<double>&cpu, &mem, &load;  // load = max(cpu, mem)
    double sum, sum2, factor, target;
  };
  struct Move {
    int vm, dst;
    Verdict admission;
  };
  struct Plan {
    std::vector<Move> moves;
    double reached = 0;  // the imbalance after them
  };
  void pass();
  // The next pass after one at `t`: the interval in effect at `t` (60 s
  // under vSphere 7 unless set), no later than the switch to it.
  double next_pass_at(double t) const;
  void balance(int cluster, double demand_factor, bool by_score);
  // Pure: reads the world, changes nothing. `admitted_only`: only moves
  // Migrations admits (refusals counted in *blocked); else every move.
  Plan plan(const Start& start, bool admitted_only, std::map<VerdictCode, int>* blocked) const;

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  Migrations& migrations_;
  DrsScoreBalancer score_;  // vSphere 7's passes
  double score_from_s_;     // score_mode_from(spec_)
  Rng rng_;                 // "drs-noise": the hourly load noise
  std::vector<ClusterLoad> clusters_;
  std::vector<int> slot_;                 // per host: its index in its cluster's packed arrays
  int touch_log_;                         // the inventory's list of touched hosts kept for DRS
  std::vector<double> cpu_, mem_, load_;  // scratch of balance(): the usable hosts' loads
  struct Scratch {                        // of plan()
    std::vector<double> cpu, mem, load;
    std::vector<int> busy, moved;
    std::vector<int64_t> booked, configured;  // planned moves' reservation + overhead, configured RAM
  };
  mutable Scratch scratch_;
  std::function<bool(int)> excluded_;
  // Each VM's CPU demand and RAM, packed: a pass weighs dozens of candidates
  // and reads a VM's records only for one that would help (in the large
  // clusters of a long run most passes find none).
  struct VmSize {
    double cpu_demand, demand_mib, ram_mib;  // demand_mib: active memory + overhead; ram_mib: what moves
  };
  std::vector<VmSize> vm_size_;
};

}  // namespace evcsim
