#include "policy/placement/evacuation.hpp"

#include <algorithm>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/edmonds_karp_max_flow.hpp>

namespace evcsim {

namespace {
// The evacuated VMs a host can take for sure: floor(free RAM / largest VM).
long slots_of(int64_t free, int64_t largest, int max_per_host) {
  return largest > 0 ? std::min<long>(max_per_host, static_cast<long>(free / largest)) : 0;
}
}  // namespace

// Edmonds-Karp's first augmenting paths are first fit: while VMs 0..k-1 went
// to their first allowed host with a slot left, the breadth-first search
// reaches VMs k.. from the source, then VM k's hosts in host order before any
// other VM's, and the sink through the first of them with a slot. So when
// first fit places every VM, the maximum flow is the same plan, found without
// building the graph (most evacuations); otherwise the flow is built.
EvacuationPlan plan_evacuation(const std::vector<int64_t>& vm_ram, const std::vector<int64_t>& host_free,
                               const std::function<bool(int, int)>& allowed, int max_per_host) {
  const size_t n = vm_ram.size(), m = host_free.size();
  EvacuationPlan plan;
  plan.destination.assign(n, -1);
  if (n == 0) return plan;
  const int64_t largest = *std::max_element(vm_ram.begin(), vm_ram.end());
  std::vector<long> slots(m);
  for (size_t h = 0; h < m; ++h) slots[h] = slots_of(host_free[h], largest, max_per_host);
  for (size_t i = 0; i < n; ++i) {
    for (size_t h = 0; h < m && plan.destination[i] < 0; ++h)
      if (slots[h] > 0 && vm_ram[i] <= host_free[h] && allowed(static_cast<int>(i), static_cast<int>(h))) {
        plan.destination[i] = static_cast<int>(h);
        --slots[h];
      }
    if (plan.destination[i] < 0) return plan_evacuation_max_flow(vm_ram, host_free, allowed, max_per_host);
  }
  plan.placed = static_cast<int>(n);
  return plan;
}

EvacuationPlan plan_evacuation_max_flow(const std::vector<int64_t>& vm_ram, const std::vector<int64_t>& host_free,
                                        const std::function<bool(int, int)>& allowed, int max_per_host) {
  using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
  using Graph = boost::adjacency_list<
      boost::vecS, boost::vecS, boost::directedS, boost::no_property,
      boost::property<boost::edge_capacity_t, long,
                      boost::property<boost::edge_residual_capacity_t, long,
                                      boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;
  const int n = static_cast<int>(vm_ram.size()), m = static_cast<int>(host_free.size());
  EvacuationPlan plan;
  plan.destination.assign(static_cast<size_t>(n), -1);
  if (n == 0) return plan;
  int64_t largest = *std::max_element(vm_ram.begin(), vm_ram.end());
  Graph g(static_cast<size_t>(n + m + 2));
  const int src = n + m, sink = n + m + 1;
  auto cap = boost::get(boost::edge_capacity, g);
  auto rev = boost::get(boost::edge_reverse, g);
  auto add = [&](int a, int b, long c) {
    auto e = boost::add_edge(static_cast<size_t>(a), static_cast<size_t>(b), g).first;
    auto r = boost::add_edge(static_cast<size_t>(b), static_cast<size_t>(a), g).first;
    cap[e] = c;
    cap[r] = 0;
    rev[e] = r;
    rev[r] = e;
    return e;
  };
  std::vector<std::vector<std::pair<int, Traits::edge_descriptor>>> vm_edges(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    add(src, i, 1);
    for (int h = 0; h < m; ++h)
      if (vm_ram[static_cast<size_t>(i)] <= host_free[static_cast<size_t>(h)] && allowed(i, h))
        vm_edges[static_cast<size_t>(i)].emplace_back(h, add(i, n + h, 1));
  }
  for (int h = 0; h < m; ++h) add(n + h, sink, slots_of(host_free[static_cast<size_t>(h)], largest, max_per_host));
  boost::edmonds_karp_max_flow(g, static_cast<size_t>(src), static_cast<size_t>(sink));
  auto res = boost::get(boost::edge_residual_capacity, g);
  std::vector<int64_t> free = host_free;
  for (int i = 0; i < n; ++i)
    for (const auto& [h, e] : vm_edges[static_cast<size_t>(i)])
      if (cap[e] - res[e] == 1) {
        plan.destination[static_cast<size_t>(i)] = h;
        free[static_cast<size_t>(h)] -= vm_ram[static_cast<size_t>(i)];
        ++plan.placed;
      }
  // Second pass: smaller VMs may still fit where the slot count was conservative.
  std::vector<int> taken(static_cast<size_t>(m), 0);
  for (int i = 0; i < n; ++i)
    if (plan.destination[static_cast<size_t>(i)] >= 0)
      ++taken[static_cast<size_t>(plan.destination[static_cast<size_t>(i)])];
  for (int i = 0; i < n; ++i) {
    if (plan.destination[static_cast<size_t>(i)] >= 0) continue;
    for (int h = 0; h < m; ++h)
      if (taken[static_cast<size_t>(h)] < max_per_host &&
          vm_ram[static_cast<size_t>(i)] <= free[static_cast<size_t>(h)] && allowed(i, h)) {
        ++taken[static_cast<size_t>(h)];
        plan.destination[static_cast<size_t>(i)] = h;
        free[static_cast<size_t>(h)] -= vm_ram[static_cast<size_t>(i)];
        ++plan.placed;
        break;
      }
  }
  return plan;
}

EvacuationPlan plan_evacuation_greedy(const std::vector<int64_t>& vm_ram, const std::vector<int64_t>& host_free,
                                      const std::function<bool(int, int)>& allowed) {
  EvacuationPlan plan;
  plan.destination.assign(vm_ram.size(), -1);
  std::vector<int64_t> free = host_free;
  for (size_t i = 0; i < vm_ram.size(); ++i)
    for (size_t h = 0; h < free.size(); ++h)
      if (vm_ram[i] <= free[h] && allowed(static_cast<int>(i), static_cast<int>(h))) {
        plan.destination[i] = static_cast<int>(h);
        free[h] -= vm_ram[i];
        ++plan.placed;
        break;
      }
  return plan;
}

}  // namespace evcsim
