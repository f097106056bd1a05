// The scenario one part of a split run simulates (scenario/partition.hpp).
#include <algorithm>

#include <fmt/format.h>

#include "base/error.hpp"
#include "scenario/partition.hpp"

namespace evcsim {

ScenarioSpec part_scenario(const ScenarioSpec& spec, const std::vector<int>& clusters) {
  ScenarioSpec part = spec;
  part.active_clusters.assign(spec.clusters.size(), false);
  for (int c : clusters) {
    if (c < 0 || c >= static_cast<int>(spec.clusters.size()))
      throw InputError(fmt::format("no cluster {} (the scenario has {})", c, spec.clusters.size()), spec.file, 0,
                       "--clusters");
    part.active_clusters[static_cast<size_t>(c)] = true;
  }
  auto host_in = [&](int h) { return h < 0 || part.cluster_active(spec.hosts[static_cast<size_t>(h)].cluster); };
  auto vm_in = [&](int vm) { return part.cluster_active(spec.vms[static_cast<size_t>(vm)].cluster); };
  for (size_t h = 0; h < spec.hosts.size(); ++h)
    if (!host_in(static_cast<int>(h))) part.host_present_at_start[h] = false;
  // The other clusters' VMs wait, off, as slots no arrival fills.
  for (VmSpec& v : part.vms)
    if (!part.cluster_active(v.cluster)) v.arrival_slot = v.start_powered_off = true;
  for (ArrivalSpec& a : part.arrivals)
    if (a.end_vm > a.first_vm && !vm_in(a.first_vm)) a.per_day = 0;
  for (OperationSpec& op : part.operations) {
    const bool had_vms = !op.vms.empty(), had_new_hosts = !op.new_hosts.empty();
    std::erase_if(op.vms, [&](int vm) { return !vm_in(vm); });
    std::erase_if(op.new_hosts, [&](int h) { return !host_in(h); });
    op.in_part = (op.cluster < 0 || part.cluster_active(op.cluster)) && host_in(op.host) &&
                 (!had_vms || !op.vms.empty()) && (!had_new_hosts || !op.new_hosts.empty());
  }
  return part;
}

}  // namespace evcsim
