// The compatibility graph: hosts grouped into classes (same
// cluster, same CPU), an edge i -> j where a VM powered on a host of class i
// may live-migrate to a host of class j under the policy (vendor rule
// included). Its strongly connected components are the migration domains:
// sets of hosts between which VMs can move both ways.
//
// Cost: O(C^2) policy checks for C classes (Boost.Graph strong_components).
#pragma once

#include <string>
#include <vector>

#include "policy/masking/masking_policy.hpp"

namespace evcsim {

struct HostClass {
  int cluster = 0;
  const CpuModel* cpu = nullptr;
  const Baseline* baseline = nullptr;  // the cluster's
  FeatureSet cluster_lcd;
  int hosts = 0;
};

struct CompatibilityGraph {
  std::vector<HostClass> classes;
  std::vector<std::pair<int, int>> edges;  // i -> j, i != j
  std::vector<int> domain;                 // per class
  int domains = 0;
  std::vector<int> domain_hosts;  // hosts per domain
};

// `masks`: what a freshly powered-on VM carries (the policy's default masks).
CompatibilityGraph build_compatibility_graph(std::vector<HostClass> classes, const MaskingPolicy& policy,
                                             const VmMasks& masks, bool allow_cross_vendor);

// The graph of the same classes with other host counts: the edges and
// domains hold, the hosts per domain are recounted, O(C). REQUIRES: `hosts`
// has one count per class of g, and the classes' clusters, CPUs, baselines
// and LCDs have not changed since g was built.
void recount_compatibility_graph(CompatibilityGraph& g, const std::vector<int>& hosts);

}  // namespace evcsim
