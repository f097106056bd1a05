// The canonical order of what listeners hear (issue 26): the world's events
// of one simulated instant, ordered by the cluster each concerns (stably:
// one cluster's events keep the order they happened in), and then the
// Snapshot assembled from the clusters' samples of that instant.
//
// Why: clusters do not interact, but the engine interleaves their events
// of one instant in the order their timers were set, which depends on which
// other clusters run beside them. In this order a run split by clusters
// (scenario/partition.hpp) and merged hears exactly what the whole run
// hears, so every output is the same bytes.
//
// The tie-break, documented for readers of the event store: by time, then
// by cluster index (the VM's cluster as it is then, else the host's, else
// the one the event names), then in the order the cluster's events happened;
// events of no cluster (an operation refused before it named a target)
// come after every cluster's, and the Snapshot last.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "scenario/scenario.hpp"
#include "world/controllers/sampler.hpp"
#include "world/events.hpp"

namespace evcsim {

class CanonicalOrder final : public Listener {
 public:
  enum class Samples { assemble, forward };
  // `assemble`: listeners hear Snapshots built from the clusters' samples
  // (a whole run, a merge); `forward`: they hear the samples themselves,
  // after each instant's events (a part of a split run records them).
  // Names each bought host's slot (ScenarioSpec::name_bought_host, its part
  // from `catalog`) as its HostBought goes to the listeners, so every event
  // names the host that was in the slot when it happened.
  CanonicalOrder(const ScenarioSpec& spec, const Catalog& catalog, std::vector<Listener*> listeners,
                 Samples samples = Samples::assemble);
  ~CanonicalOrder() override;

  void on_event(const Event& e) override;
  void on_sample(const ClusterSample& s) override;
  void on_end(double t) override;

  // The cluster an event concerns (the VM's cluster as this order has seen
  // it move), or the number of clusters for none.
  int cluster_of(const Event& e) const;

 private:
  void flush();

  const ScenarioSpec& spec_;
  const Catalog& catalog_;
  std::vector<Listener*> listeners_;
  std::map<std::string, std::shared_ptr<const CpuModel>> parts_;  // bought parts, by name
  Samples samples_mode_;
  std::unique_ptr<MaskingPolicy> policy_;
  std::unique_ptr<SnapshotAssembler> assembler_;
  std::vector<int> vm_cluster_;       // VMs move cluster only into a fallback
  std::vector<int> arrival_cluster_;  // per arrival stream: its group's cluster
  double now_ = 0;
  std::vector<std::pair<int, Event>> events_;  // of the instant now_, with their clusters
  std::vector<ClusterSample> samples_;         // of the instant now_
};

}  // namespace evcsim
