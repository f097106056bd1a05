// The time series (scenario `report` settings): at every sampling time, and
// last among the timers due then, a Snapshot of the world -- VMs on and off,
// who sees the notable features, hosts by generation, baselines, load
// imbalance, VMs by x86-64 level and the migration domains of the
// compatibility graph (kept whole at the graph times).
//
// Cost: O(VMs + hosts + C^2 policy checks) per sample for C host classes.
//
// Leaves out: per-VM series (the event store has per-VM events) and
// anything between two samples.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "policy/masking/compatibility_graph.hpp"
#include "world/inventory.hpp"

namespace evcsim {

class Sampler {
 public:
  // `in_use`: what a running VM's software uses now (GuestModel::in_use).
  Sampler(Env& env, const Inventory& inv, const MaskingPolicy& policy, std::function<double()> imbalance_left,
          std::function<FeatureSet(int)> in_use);

  void start();

 private:
  void sample(bool with_graph);

  Env& env_;
  const ScenarioSpec& spec_;
  const Inventory& inv_;
  const MaskingPolicy& policy_;
  std::function<double()> imbalance_left_;
  std::function<FeatureSet(int)> in_use_;
  std::vector<const Baseline*> levels_;  // x86-64 levels, for VMs by guest-view level
  // What the last compatibility graph was built from, and the graph.
  struct ClassKey {
    int cluster;
    std::string cpu;
    FeatureSet cpu_features;
    std::string baseline;
    FeatureSet baseline_features, lcd;
    bool operator==(const ClassKey&) const = default;
  };
  std::vector<ClassKey> last_key_;
  std::shared_ptr<const CompatibilityGraph> last_graph_;
};

}  // namespace evcsim
