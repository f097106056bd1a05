#include "sim/placement.hpp"

namespace evcsim {

Placement::Placement(Env& env, Inventory& inv, GuestModel& guests, const Policy& policy)
    : env_(env), spec_(env.spec), inv_(inv), guests_(guests), policy_(policy),
      placement_(make_placement_policy(env.spec.drs.placement)) {}

Placed Placement::choose(int vm, const std::vector<int>& candidates) const {
  Placed out;
  double best_score = 0;
  const double factor = inv_.demand_factor();
  for (int h : candidates) {
    const HostRec& hr = inv_.hosts[h];
    PlacementRefusal reason{PlacementCode::none, h, 0, 0, {}};
    BootView bv;
    if (!hr.present) reason.code = PlacementCode::host_absent;
    else if (!hr.up) reason.code = PlacementCode::host_down;
    else if (hr.maintenance) reason.code = PlacementCode::host_in_maintenance;
    else if (!inv_.has_room(h, vm))
      reason = {PlacementCode::no_room, h, inv_.free_mib(h), spec_.vms[vm].ram_mib, {}};
    else if (!inv_.rules_allow(vm, h)) reason.code = PlacementCode::rule;
    else {
      bv = policy_.power_on(inv_.vm_view(vm), inv_.host_view(h));
      if (!bv.ok) {
        reason = {PlacementCode::policy, h, 0, 0, bv.reason};
        if (out.missing.empty()) out.missing = bv.missing;
      }
    }
    if (reason.code != PlacementCode::none) {
      if (out.why.code == PlacementCode::none) out.why = reason;
      continue;
    }
    double score = placement_->score(PlacementCandidate{inv_.free_mib(h), inv_.load(h, factor)});
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
    if (candidates.empty()) p.why.code = PlacementCode::no_hosts;
    env_.emit(PowerOnRefused{env_.now(), vm, candidates.size() == 1 ? candidates[0] : -1, p.missing, p.why});
    return;
  }
  guests_.power_on(vm, p.host, p.view.view);
}

}  // namespace evcsim
