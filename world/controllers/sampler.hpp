// The time series (scenario `report` settings): at every sampling time, and
// last among the timers due then, each active cluster's share of a Snapshot
// -- VMs on and off, who sees the notable features, hosts by generation, its
// baseline, load, VMs by x86-64 level and its host classes -- as a
// ClusterSample. SnapshotAssembler (used by world/event_order.hpp) adds the
// clusters' shares up in cluster order and builds the compatibility graph's
// migration domains (kept whole at the graph times): a whole run and the
// merge of a split run assemble the same Snapshot from the same samples.
//
// Cost: O(VMs + hosts) per sample, plus O(C^2) policy checks for C host
// classes when the classes changed.
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
  // `imbalance_left`: DRS's unfixed imbalance of a cluster; `in_use`: what a
  // running VM's software uses now (GuestModel::in_use).
  Sampler(Env& env, const Inventory& inv, std::function<double(int)> imbalance_left,
          std::function<FeatureSet(int)> in_use);

  void start();

 private:
  void sample(bool with_graph);

  Env& env_;
  const ScenarioSpec& spec_;
  const Inventory& inv_;
  std::function<double(int)> imbalance_left_;
  std::function<FeatureSet(int)> in_use_;
  std::vector<const Baseline*> levels_;  // x86-64 levels, for VMs by guest-view level
};

// Adds the clusters' samples of one time up into a Snapshot. Keeps the last
// compatibility graph: it is rebuilt only when the host classes changed (a
// CPU joined or left a cluster, a baseline or an LCD moved); otherwise the
// last one serves with the new host counts.
class SnapshotAssembler {
 public:
  SnapshotAssembler(const ScenarioSpec& spec, const MaskingPolicy& policy) : spec_(spec), policy_(policy) {}
  // REQUIRES: one sample per cluster of the scenario, in cluster order, all of one time.
  Snapshot assemble(const std::vector<ClusterSample>& samples);

 private:
  struct ClassKey {
    int cluster;
    std::string cpu;
    FeatureSet cpu_features;
    std::string baseline;
    FeatureSet baseline_features, lcd;
    bool operator==(const ClassKey&) const = default;
  };
  const ScenarioSpec& spec_;
  const MaskingPolicy& policy_;
  std::vector<ClassKey> last_key_;
  std::shared_ptr<const CompatibilityGraph> last_graph_;
  // The CPUs and baselines the graphs' classes point at, kept as long as
  // the graphs handed out may be read.
  std::vector<std::shared_ptr<const void>> kept_;
};

}  // namespace evcsim
