// The world's random streams by cluster and by VM group: each seeded from the
// scenario's seed and a name made of the stream's kind and the cluster's or
// group's name ("host-failures/prod-a", "workload/web"), never from an index
// or the order of creation. A cluster's draws then come out the same whether
// or not other clusters run beside it, so a run split by clusters into
// processes (scenario/partition.hpp) merges to the whole run's bytes, and
// reordering clusters or groups in the file moves no draw.
//
// Within one stream the draws follow the cluster's (or group's) own events;
// a loop over every host or VM that draws is fine as long as each draw
// comes from the stream of the host's cluster or the VM's group.
#pragma once

#include <algorithm>
#include <string_view>
#include <vector>

#include "base/random.hpp"
#include "scenario/scenario.hpp"

namespace evcsim {

// One stream per cluster, indexed like ScenarioSpec::clusters: "<kind>/<cluster name>".
std::vector<Rng> cluster_streams(const ScenarioSpec& spec, std::string_view kind);

// One stream per VM group (VmSpec::group): "<kind>/<group name>". A group's
// VMs may span clusters (fallback clusters); those clusters always run together.
// A group's VMs are listed together (a run of indices), so the streams are
// found by run, not kept per VM: O(groups) memory where a 10x fleet has
// millions of VM slots, and a binary search over the runs per draw.
class GroupStreams {
 public:
  GroupStreams(const ScenarioSpec& spec, std::string_view kind);
  Rng& of_vm(int vm) {
    const auto run = std::upper_bound(run_first_vm_.begin(), run_first_vm_.end(), vm) - run_first_vm_.begin() - 1;
    return streams_[static_cast<size_t>(run_group_[static_cast<size_t>(run)])];
  }

 private:
  std::vector<Rng> streams_;       // per group, in the order groups first appear
  std::vector<int> run_first_vm_;  // per run of consecutive VMs of one group: its first VM, ascending
  std::vector<int> run_group_;     // per run: its group
};

}  // namespace evcsim
