#include "policy/masking/compatibility_graph.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>

namespace evcsim {

CompatibilityGraph build_compatibility_graph(std::vector<HostClass> classes, const MaskingPolicy& policy,
                                             const VmMasks& masks, bool allow_cross_vendor) {
  CompatibilityGraph g;
  g.classes = std::move(classes);
  const size_t n = g.classes.size();
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph graph(n);
  auto view = [&](size_t i) {
    const HostClass& c = g.classes[i];
    return HostView{c.cpu, c.baseline, c.cluster_lcd};
  };
  for (size_t i = 0; i < n; ++i) {
    VmView vm{&masks, nullptr, {}, g.classes[i].cpu};
    BootView bv = policy.power_on(vm, view(i));
    if (!bv.ok) continue;
    vm.guest_view = bv.view;
    for (size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      if (admit_migration(policy, vm, view(i), view(j), allow_cross_vendor).ok) {
        boost::add_edge(i, j, graph);
        g.edges.emplace_back(static_cast<int>(i), static_cast<int>(j));
      }
    }
  }
  g.domain.assign(n, 0);
  g.domains = n == 0 ? 0 : static_cast<int>(boost::strong_components(graph, g.domain.data()));
  g.domain_hosts.assign(static_cast<size_t>(g.domains), 0);
  for (size_t i = 0; i < n; ++i) g.domain_hosts[static_cast<size_t>(g.domain[i])] += g.classes[i].hosts;
  return g;
}

void recount_compatibility_graph(CompatibilityGraph& g, const std::vector<int>& hosts) {
  std::fill(g.domain_hosts.begin(), g.domain_hosts.end(), 0);
  for (size_t i = 0; i < hosts.size() && i < g.classes.size(); ++i) {
    g.classes[i].hosts = hosts[i];
    g.domain_hosts[static_cast<size_t>(g.domain[i])] += hosts[i];
  }
}

}  // namespace evcsim
