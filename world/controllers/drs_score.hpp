// vSphere 7's DRS ("DRS 2.0"): balancing by each VM's DRS score instead of
// the cluster's standard deviation of host load. DrsController runs it for a
// pass when the release in effect then is 7.0 or later (drs.hpp).
//
// What VMware published, and what this model takes from it:
// - A VM's DRS score ("VM happiness") is its execution efficiency: near 100%
//   with mild or no resource contention, near 0% with severe contention;
//   computed from the VM's CPU (ready time), memory (swapped, ballooned) and
//   network metrics (vSphere 7.0 Resource Management, "DRS Migration
//   Threshold" / "DRS Score", docs.vmware.com GUID-23A2BE80-BCE2-49D7-902E-
//   F7B8FDD8F5F8; N. Hagoort, VMware vSphere blog 2020-05, "vSphere 7 -- A
//   Closer Look at the VM DRS Score").
// - The score is computed every minute, for each VM on every host of the
//   cluster; when another host gives the VM a better score DRS recommends or
//   makes the move (Hagoort, ibid.; 1 minute against 5 before vSphere 7).
// - The cluster DRS score is a weighted average of the powered-on VMs'
//   scores (Resource Management 7.0, ibid.); vCenter shows the VMs' scores in
//   buckets 0-20% .. 80-100% (Hagoort, ibid.).
// - The migration threshold still sets how aggressive DRS is; level 1 makes
//   only mandatory moves (rules, maintenance), load balancing starts at 2
//   (F. Denneman, frankdenneman.nl 2020-05-08, "DRS Migration Threshold in
//   vSphere 7").
//
// Assumed (VMware did not publish the formulas):
// - CPU: a host whose VMs demand more than its capacity gives each of them
//   capacity / demand of what it asks (equal shares, no reservations): the
//   CPU efficiency is min(1, 1 / CPU load). Below saturation a VM is not
//   contended (ready time before saturation is left out).
// - Memory: by the host's ESXi memory state (Inventory): normal 1,
//   ballooning (soft) 0.9, compression and swapping (hard) 0.5, blocking
//   (low) 0.2. Network: not modelled (no network load in the world).
// - A VM's score is the product; every VM on a host has the host's score
//   (one demand profile per host), the weights of the cluster average are
//   equal.
// - A move's gain is the change in the sum of the scores of the VMs on its
//   two hosts (the moved VM and the ones it leaves and joins, "considering
//   the potential behavior of other workloads", Denneman ibid.), less its
//   cost (the transfer time against the hour the gain is assumed to hold);
//   the moved VM's own score must rise. The least gain by threshold, in
//   whole VM scores: 2 -> 0.2 (a bucket), 3 -> 0.1, 4 -> 0.05, 5 -> 0.01.
//
// Leaves out: the VM's demand history and its variability (DRS 2.0 weighs
// how long a gain lasts), network, shares, reservations and limits.
//
// Cost: O(hosts) per pass to score the hosts; when some VM is unhappy,
// O(max_moves x 3 x 24 x hosts) for the moves (the three least happy hosts,
// the first 24 VMs of each, every destination).
#pragma once

#include <functional>
#include <map>
#include <vector>

#include "world/migrations.hpp"

namespace evcsim {

// A VM's DRS score on a host, 0..1 (vSphere shows it in percent).
struct VmHappiness {
  static double cpu(double cpu_load) { return cpu_load <= 1 ? 1 : 1 / cpu_load; }
  static double memory(int memory_state);  // a MemoryState
  static double of(double cpu_load, int memory_state) { return cpu(cpu_load) * memory(memory_state); }
  // The least gain (in whole VM scores) a move must promise at migration
  // threshold 1..5; infinite at 1 (no load balancing).
  static double min_gain(int threshold);
};

// Whether a balancing move of `vm` from h_src to h_dst may be planned, as
// both DRS models ask it: the destination takes its RAM (with the plan's
// bookings there), the rules allow it, both hosts have a vMotion left
// (beyond the plan's own `busy_*`), and -- for the real plan -- Migrations
// admits it (*verdict; a refusal counted in *blocked).
bool drs_move_allowed(const Inventory& inv, const Migrations& migrations, int max_per_host, int vm, int h_src,
                      int h_dst, int busy_src, int busy_dst, int64_t booked_mib, int64_t configured_mib,
                      bool admitted_only, std::map<VerdictCode, int>* blocked, Verdict* verdict);

class DrsScoreBalancer {
 public:
  DrsScoreBalancer(Env& env, Inventory& inv, Migrations& migrations);
  void exclude_targets(std::function<bool(int)> excluded) { excluded_ = std::move(excluded); }

  // One pass over a cluster: `hosts` its usable hosts, `cpu` their CPU load
  // at the pass's demand factor `factor` (without the hourly noise). Starts
  // the moves and returns the pass: drs_score / drs_score_min the cluster
  // score and the lowest VM score before it (percent), left_by_compatibility
  // the cluster score (0..1) the refused moves would have added.
  DrsPass balance(int cluster, const std::vector<int>& hosts, const std::vector<double>& cpu, double factor);

 private:
  struct Move {
    int vm, dst;
    Verdict admission;
  };
  struct Plan {
    std::vector<Move> moves;
    double reached = 0;  // the cluster score after them, 0..1
  };
  struct State {  // per usable host, as the plan changes it
    std::vector<double> cpu, score;
    std::vector<int64_t> demand_mib, booked_mib, configured_mib;
    std::vector<int> vms, busy;
  };
  // Pure: reads the world, changes nothing. `admitted_only`: only moves
  // Migrations admits (refusals counted in *blocked); else every move.
  Plan plan(const std::vector<int>& hosts, const State& start, double factor, bool admitted_only,
            std::map<VerdictCode, int>* blocked) const;

  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  Migrations& migrations_;
  std::function<bool(int)> excluded_;
  mutable State work_;  // scratch of plan()
};

}  // namespace evcsim
