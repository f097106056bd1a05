// Placement at power-on (DRS initial placement, HA restarts, cold
// evacuations): a usable host with room that the rules and the masking
// policy accept, the best by the scenario's placement policy. The guest
// model is asked (it asks the masking policy) once per candidate; the chosen host's boot view is
// returned with it, so a power-on never asks twice. The placement policy
// (policy/placement/placement_policy.hpp) scores the hosts that can take the VM.
// VMs that find no host (power-ons by the cluster, HA restarts) wait in a
// queue per cluster and are tried again when capacity appears. A power-on
// its home cluster refuses tries the group's fallback clusters in order (as
// an admin places a new VM where there is room); one that none takes waits
// in the queues of all of them and lands in the first that finds room.
//
// Cost: a lone power-on scans the candidates (one cache line a host; the
// masking policy asked once per CPU model); the second and later power-ons
// in a cluster at one instant take O(log hosts) from an ordered index, plus
// the hosts they skip for want of room, rules or policy.
//
// Room is memory as vSphere accounts it (Inventory::fit: reservation plus
// overhead, and a planner's overcommit limit).
//
// Leaves out: DRS's VM-level scores, resource pools, CPU reservations, and
// moving a VM back home once its cluster has room (an admin rarely does).
#pragma once

#include <memory>
#include <set>
#include <unordered_map>
#include <vector>

#include "policy/placement/placement_policy.hpp"

#include "world/guest_model.hpp"
#include "world/inventory.hpp"

namespace evcsim {

struct Placed {
  int host = -1;         // -1: none fits
  BootView view;         // what the VM sees there
  PlacementRefusal why;  // when none fits: the nearest candidate's reason (room, then policy, ...)
  FeatureSet missing;    // the first features a policy refusal named
};

class Placement {
 public:
  Placement(Env& env, Inventory& inv, GuestModel& guests);

  Placed choose(int vm, const std::vector<int>& candidates) const;
  // The same over all of a cluster's hosts; the second call in a cluster at
  // one instant builds an ordered index of its hosts (see Burst), so a burst
  // of power-ons costs O(log hosts) each instead of O(hosts).
  Placed choose_in_cluster(int vm, int cluster);
  // Powers a VM on at `preferred` (or anywhere in its cluster when -1), or
  // reports why it cannot; a VM placed by the cluster then waits for capacity.
  void power_on(int vm, int preferred);
  // HA: restarts a VM whose host `from` failed (a new guest view), or
  // reports why it cannot and lets it wait for capacity.
  void ha_restart(int vm, int from, const FeatureSet& view_before);
  // Capacity appeared in `cluster` (a host joined, was repaired or left
  // maintenance: every waiting VM is tried; a VM stopped: the first ones,
  // until one does not fit).
  void retry(int cluster, bool all);
  // A waiting VM that departed or was powered on otherwise.
  void forget(int vm) {
    waiting_[vm] = 0;
    home_refused_.erase(vm);
  }

 private:
  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  GuestModel& guests_;
  std::unique_ptr<PlacementPolicy> placement_;
  struct Waiter {
    int vm;
    int ha_from;             // the failed host, or -1 for a plain power-on
    FeatureSet view_before;  // HA: the view it had there
  };
  bool try_ha(const Waiter& w, bool report);
  int64_t beyond_reserve(int cluster) const;
  // Powers `vm` on in `cluster` (a power-on by the cluster) when a host
  // takes it, else says why not in `refused`. `home_why`: the home cluster's
  // refusal when `cluster` is a fallback (reported before the power-on).
  struct Refused {
    int host = -1;  // the one candidate, when the cluster has one
    FeatureSet missing;
    PlacementRefusal why;
  };
  bool try_cluster(int vm, int cluster, Refused& refused, const PlacementRefusal* home_why);
  bool try_waiting(int vm, int cluster);
  // A burst of placements in one cluster at one instant (the power-ons at
  // the start, a failed host's HA restarts, a queue retried): the cluster's
  // usable hosts ordered by (score, place in the cluster), valid while the
  // clock and the demand factor stand still; hosts the inventory reports
  // touched meanwhile (the ones just placed on among them) are scored again.
  // The first host of the order that takes the VM is the one a scan of every
  // host would choose (lowest score, the earliest of equals); when none
  // does, the scan runs to name the reason.
  struct Burst {
    double at = -1, factor = 0;
    uint64_t membership = 0;
    int calls = 0;  // choose_in_cluster calls at `at`
    bool built = false;
    std::set<std::pair<double, int>> order;  // (score, place in the cluster's list of hosts)
    std::vector<double> score;               // per place; NaN: not usable, not in the order
  };
  class Verdicts;
  void rescore(Burst& b, int cluster, int place, double factor);
  std::vector<Burst> bursts_;  // per cluster
  int touch_log_;
  std::vector<int> place_;  // per host: its place in its cluster's list (set when a burst's index is built)
  std::vector<std::vector<Waiter>> queue_;                  // per cluster, oldest first
  std::vector<char> waiting_;                               // per VM
  std::unordered_map<int, PlacementRefusal> home_refused_;  // waiting VMs with fallbacks: why home refused
  bool retrying_ = false;
};

}  // namespace evcsim
