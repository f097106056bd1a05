// The groups of clusters a run can simulate apart (issue 26): clusters are
// coupled only by what the scenario says couples them, and coupled clusters
// must run in one process; uncoupled groups run in separate processes (or
// machines) and their outputs merge to the whole run's bytes.
#pragma once

#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace evcsim {

// One group of clusters that must run together, and why (empty when the
// group is one cluster coupled to nothing).
struct CoupledGroup {
  std::vector<int> clusters;         // ascending
  std::vector<std::string> reasons;  // "VM group web spans prod-a and prod-b", ...
  size_t hosts = 0, vms = 0;         // its size: hosts (present or bays) and VMs (slots included)
};

// The coupled groups of `spec`, ordered by their first cluster.
std::vector<CoupledGroup> coupled_groups(const ScenarioSpec& spec);

// The groups dealt into `parts` parts (at most the number of groups), each a
// sorted list of clusters, balanced by simulated work (hosts and VMs), largest
// group first onto the lightest part; deterministic. parts <= 0: one part per group.
std::vector<std::vector<int>> split_clusters(const std::vector<CoupledGroup>& groups, int parts);

// The scenario a part runs: `spec` with only `clusters` active
// (ScenarioSpec::active_clusters); every index stays the whole scenario's,
// so the part's events need no renumbering. Hosts of other clusters are
// absent, their VMs never power on, their arrivals never come, and
// operations keep only their targets in the part (an operation left with
// none is skipped). Defined in scenario/part_scenario.cpp.
ScenarioSpec part_scenario(const ScenarioSpec& spec, const std::vector<int>& clusters);

}  // namespace evcsim
