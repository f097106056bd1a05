// Planning a host evacuation (maintenance mode) as a maximum flow, so that
// a feasible plan is never missed the way a greedy first-fit loop can miss
// one (VM a fits hosts X or Y, VM b only X: first-fit puts a on X and strands b).
//
// Network: source -> each VM (capacity 1) -> each destination it may move to
// (capacity 1) -> sink, where a destination's capacity is the number of
// evacuated VMs it can take for sure: floor(free RAM / largest VM to place).
// Integral max flow gives the assignment (Boost.Graph edmonds_karp_max_flow).
// VMs left over get a second, exact RAM check on what remains. Cost:
// O(V E^2) on V VMs + H hosts; evacuations are rare, sizes are small.
#pragma once

#include <climits>
#include <cstdint>
#include <functional>
#include <vector>

namespace evcsim {

struct EvacuationPlan {
  std::vector<int> destination;  // per VM: index into the hosts given, or -1
  int placed = 0;
};

// vm_ram_mib[i]: RAM of VM i; host_free_mib[h]: free RAM of candidate h;
// allowed(i, h): VM i may move to host h (compatibility, rules), a pure
// predicate asked for any pairs in any order. At most `max_per_host` VMs go
// to one host (to spread them). Tries first fit, which is the flow's own
// plan when it places every VM, then the flow.
EvacuationPlan plan_evacuation(const std::vector<int64_t>& vm_ram_mib, const std::vector<int64_t>& host_free_mib,
                               const std::function<bool(int, int)>& allowed, int max_per_host = INT_MAX);

// The maximum flow alone (what plan_evacuation returns; tests compare them).
EvacuationPlan plan_evacuation_max_flow(const std::vector<int64_t>& vm_ram_mib,
                                        const std::vector<int64_t>& host_free_mib,
                                        const std::function<bool(int, int)>& allowed, int max_per_host = INT_MAX);

// The greedy first-fit plan, for comparison (tests and reports).
EvacuationPlan plan_evacuation_greedy(const std::vector<int64_t>& vm_ram_mib, const std::vector<int64_t>& host_free_mib,
                                      const std::function<bool(int, int)>& allowed);

}  // namespace evcsim
