#include "sim/placement.hpp"

#include <fmt/format.h>

namespace evcsim {

Placement::Placement(Env& env, Inventory& inv, GuestModel& guests, const Policy& policy)
    : env_(env), spec_(env.spec), inv_(inv), guests_(guests), policy_(policy) {}

Placed Placement::choose(int vm, const std::vector<int>& candidates) const {
  Placed out;
  double best_score = 0;
  const double factor = inv_.demand_factor();
  for (int h : candidates) {
    const HostRec& hr = inv_.hosts[h];
    std::string reason;
    BootView bv;
    if (!hr.present) reason = fmt::format("host {} is not in the inventory", spec_.hosts[h].name);
    else if (!hr.up) reason = fmt::format("host {} is down", spec_.hosts[h].name);
    else if (hr.maintenance) reason = fmt::format("host {} is in maintenance", spec_.hosts[h].name);
    else if (!inv_.has_room(h, vm))
      reason = fmt::format("host {} has {} MiB free, the VM needs {} MiB", spec_.hosts[h].name, inv_.free_mib(h),
                           spec_.vms[vm].ram_mib);
    else if (!inv_.rules_allow(vm, h)) reason = fmt::format("a DRS rule keeps it off {}", spec_.hosts[h].name);
    else {
      bv = policy_.power_on(inv_.vm_view(vm), inv_.host_view(h));
      if (!bv.ok) {
        reason = fmt::format("host {}: {}", spec_.hosts[h].name, bv.reason);
        if (out.missing.empty()) out.missing = bv.missing;
      }
    }
    if (!reason.empty()) {
      if (out.why.empty()) out.why = reason;
      continue;
    }
    double score = spec_.drs.placement == "best-fit" ? static_cast<double>(inv_.free_mib(h))  // least room left
                                                      : inv_.load(h, factor);
    if (out.host < 0 || score < best_score) out.host = h, best_score = score, out.view = bv;
  }
  return out;
}

void Placement::power_on(int vm, int preferred) {
  std::vector<int> candidates;
  if (preferred >= 0) candidates.push_back(preferred);
  else candidates = inv_.clusters[spec_.vms[vm].cluster].hosts;
  Placed p = choose(vm, candidates);
  if (p.host < 0) {
    env_.emit(PowerOnRefused{env_.now(), vm, candidates.size() == 1 ? candidates[0] : -1, p.missing,
                             candidates.empty() ? "its cluster has no hosts" : p.why});
    return;
  }
  guests_.power_on(vm, p.host, p.view.view);
}

}  // namespace evcsim
