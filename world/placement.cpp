#include "world/placement.hpp"

#include <algorithm>
#include <climits>
#include <cmath>
#include <functional>
#include <limits>

namespace evcsim {

Placement::Placement(Env& env, Inventory& inv, GuestModel& guests)
    : env_(env),
      spec_(env.spec),
      inv_(inv),
      guests_(guests),
      placement_(make_placement_policy(env.spec.drs.placement)),
      bursts_(env.spec.clusters.size()),
      touch_log_(inv.open_touch_log()),
      place_(env.spec.hosts.size(), -1),
      queue_(env.spec.clusters.size()),
      waiting_(env.spec.vms.size(), 0) {}

namespace {
// How near a refused candidate came to taking the VM: the reason reported is
// the best candidate's (a host lacking only room says more than a host down).
int nearness(PlacementCode c) {
  switch (c) {
    case PlacementCode::no_room:
      return 5;
    case PlacementCode::policy:
    case PlacementCode::guest_os_floor:
      return 4;
    case PlacementCode::rule:
      return 3;
    case PlacementCode::host_in_maintenance:
      return 2;
    case PlacementCode::host_down:
      return 1;
    default:
      return 0;
  }
}
bool closer(const PlacementRefusal& a, const PlacementRefusal& b) {
  if (b.code == PlacementCode::none) return true;
  if (nearness(a.code) != nearness(b.code)) return nearness(a.code) > nearness(b.code);
  return a.code == PlacementCode::no_room && a.free_mib > b.free_mib;
}
}  // namespace

// The masking policy's verdict depends on the host only through its view
// (CPU model, cluster baseline and LCD): asked once per class of hosts, not
// once per host (a cluster of thousands has a few classes).
class Placement::Verdicts {
 public:
  Verdicts(const Inventory& inv, const ScenarioSpec& spec, const GuestModel& guests, int vm)
      : inv_(inv), spec_(spec), guests_(guests), vm_view_(inv.vm_view(vm)) {}
  const BootView& operator()(int h) {
    const CpuModel* cpu = inv_.hosts[h].cpu.get();
    const int cluster = spec_.hosts[h].cluster;
    for (const auto& c : seen_)
      if (c.cpu == cpu && c.cluster == cluster) return c.verdict;
    seen_.push_back({cpu, cluster, guests_.view_at(vm_view_, inv_.host_view(h))});
    return seen_.back().verdict;
  }

 private:
  struct Seen {
    const CpuModel* cpu;
    int cluster;
    BootView verdict;
  };
  const Inventory& inv_;
  const ScenarioSpec& spec_;
  const GuestModel& guests_;
  const VmView vm_view_;
  std::vector<Seen> seen_;
};

Placed Placement::choose(int vm, const std::vector<int>& candidates) const {
  Placed out;
  double best_score = 0;
  const double factor = inv_.demand_factor();
  const bool any_rules = !spec_.rules.empty();
  Verdicts verdict_for(inv_, spec_, guests_, vm);
  for (int h : candidates) {
    const HostRec& hr = inv_.hosts[h];
    PlacementRefusal reason{PlacementCode::none, h, 0, 0, {}};
    const BootView* bv = nullptr;
    if (!hr.present) reason.code = PlacementCode::host_absent;
    else if (!hr.up) reason.code = PlacementCode::host_down;
    else if (hr.maintenance) reason.code = PlacementCode::host_in_maintenance;
    else if (const Inventory::MemoryFit fit = inv_.fit(h, vm); !fit.ok)
      reason = {PlacementCode::no_room, h, fit.free_mib, fit.need_mib, {}, fit.over_limit};
    else if (any_rules && !inv_.rules_allow(vm, h)) reason.code = PlacementCode::rule;
    else {
      bv = &verdict_for(h);
      if (!bv->ok) {
        reason = {PlacementCode::policy, h, 0, 0, bv->reason};
        if (bv->guest_os_floor) reason.code = PlacementCode::guest_os_floor, reason.guest_os = inv_.vms[vm].guest_os;
        if (out.missing.empty()) out.missing = bv->missing;
      }
    }
    if (reason.code != PlacementCode::none) {
      if (closer(reason, out.why)) out.why = reason;
      continue;
    }
    double score = placement_->score(PlacementCandidate{inv_.run_room(h), inv_.load(h, factor)});
    if (out.host < 0 || score < best_score) out.host = h, best_score = score, out.view = *bv;
  }
  return out;
}

void Placement::rescore(Burst& b, int cluster, int place, double factor) {
  double& score = b.score[static_cast<size_t>(place)];
  if (!std::isnan(score)) b.order.erase({score, place});
  score = std::numeric_limits<double>::quiet_NaN();
  const int h = inv_.clusters[cluster].hosts[static_cast<size_t>(place)];
  if (!inv_.usable(h)) return;
  score = placement_->score(PlacementCandidate{inv_.run_room(h), inv_.load(h, factor)});
  b.order.insert({score, place});
}

Placed Placement::choose_in_cluster(int vm, int cluster) {
  const std::vector<int>& hosts = inv_.clusters[cluster].hosts;
  const double now = env_.now(), factor = inv_.demand_factor();
  for (int h : inv_.take_touched(touch_log_)) {  // rescored where a burst is under way
    const int c = spec_.hosts[h].cluster;
    const Burst& t = bursts_[c];
    if (t.built && t.at == now && t.factor == factor && t.membership == inv_.membership(c))
      rescore(bursts_[c], c, place_[h], factor);
  }
  Burst& b = bursts_[cluster];
  if (b.at != now || b.factor != factor || b.membership != inv_.membership(cluster)) {
    b.at = now, b.factor = factor, b.membership = inv_.membership(cluster);
    b.calls = 0, b.built = false;
    b.order.clear(), b.score.clear();
  }
  if (++b.calls < 2) return choose(vm, hosts);  // a lone placement: a scan is cheaper than an index
  if (!b.built) {
    b.built = true;
    b.score.assign(hosts.size(), std::numeric_limits<double>::quiet_NaN());
    for (size_t i = 0; i < hosts.size(); ++i) {
      place_[hosts[i]] = static_cast<int>(i);
      rescore(b, cluster, static_cast<int>(i), factor);
    }
  }
  const bool any_rules = !spec_.rules.empty();
  Verdicts verdict_for(inv_, spec_, guests_, vm);
  for (const auto& [score, place] : b.order) {
    const int h = hosts[static_cast<size_t>(place)];
    if (!inv_.has_room(h, vm)) continue;
    if (any_rules && !inv_.rules_allow(vm, h)) continue;
    const BootView& bv = verdict_for(h);
    if (!bv.ok) continue;
    Placed out;
    out.host = h;
    out.view = bv;
    return out;
  }
  return choose(vm, hosts);  // none takes it: the scan names the nearest reason
}

void Placement::power_on(int vm, int preferred) {
  if (preferred >= 0) {  // pinned by the scenario: no waiting
    Placed p = choose(vm, {preferred});
    if (p.host < 0) env_.emit(PowerOnRefused{env_.now(), vm, preferred, p.missing, p.why});
    else guests_.power_on(vm, p.host, p.view.view);
    return;
  }
  const VmSpec& v = spec_.vms[vm];
  Refused home;
  if (try_cluster(vm, v.cluster, home, nullptr)) return;
  if (v.fallback_clusters) {
    Refused ignored;
    for (int c : *v.fallback_clusters)
      if (try_cluster(vm, c, ignored, &home.why)) return;
  }
  env_.emit(PowerOnRefused{env_.now(), vm, home.host, home.missing, home.why, false, true});
  waiting_[vm] = 1;
  queue_[v.cluster].push_back(Waiter{vm, -1, {}});
  if (v.fallback_clusters) {
    home_refused_[vm] = home.why;
    for (int c : *v.fallback_clusters) queue_[c].push_back(Waiter{vm, -1, {}});
  }
}

// HA admission control: the unreserved RAM a cluster can still give to
// power-ons while keeping its `failover_hosts` largest hosts' RAM free (the
// percentage policy: reservations plus overhead count, an unreserved VM only
// its overhead -- vSphere API, ClusterFailoverResourcesAdmissionControlPolicy).
int64_t Placement::beyond_reserve(int cluster) const {
  const int n = spec_.failures.failover_hosts;
  if (n <= 0) return INT64_MAX;
  std::vector<int64_t> capacity;
  int64_t free = 0;
  for (int h : inv_.clusters[cluster].hosts)
    if (inv_.usable(h)) capacity.push_back(inv_.hosts[h].ram_mib), free += inv_.free_mib(h);
  std::sort(capacity.begin(), capacity.end(), std::greater<>());
  int64_t reserve = 0;
  for (size_t i = 0; i < std::min<size_t>(static_cast<size_t>(n), capacity.size()); ++i) reserve += capacity[i];
  return free - reserve;
}

bool Placement::try_cluster(int vm, int cluster, Refused& refused, const PlacementRefusal* home_why) {
  const std::vector<int>& candidates = inv_.clusters[cluster].hosts;
  if (const int64_t room = beyond_reserve(cluster); room < spec_.vms[vm].admit_mib()) {
    refused = Refused{-1,
                      {},
                      PlacementRefusal{PlacementCode::ha_reserve,
                                       spec_.failures.failover_hosts,
                                       std::max<int64_t>(0, room),
                                       spec_.vms[vm].admit_mib(),
                                       {}}};
    return false;
  }
  Placed p = choose_in_cluster(vm, cluster);
  if (p.host < 0) {
    if (candidates.empty()) p.why.code = PlacementCode::no_hosts;
    refused = Refused{candidates.size() == 1 ? candidates[0] : -1, p.missing, p.why};
    return false;
  }
  if (home_why) env_.emit(VmPlacedInFallback{env_.now(), vm, spec_.vms[vm].cluster, cluster, *home_why});
  inv_.vms[vm].cluster = cluster;
  guests_.power_on(vm, p.host, p.view.view);
  return true;
}

void Placement::ha_restart(int vm, int from, const FeatureSet& view_before) {
  Waiter w{vm, from, view_before};
  if (try_ha(w, true)) return;
  waiting_[vm] = 1;
  // Waiting HA restarts go by restart priority, ahead of plain power-ons.
  auto& q = queue_[spec_.hosts[from].cluster];
  auto at = std::find_if(q.begin(), q.end(), [&](const Waiter& o) {
    return o.ha_from < 0 || spec_.vms[o.vm].ha_priority > spec_.vms[vm].ha_priority;
  });
  q.insert(at, w);
}

bool Placement::try_ha(const Waiter& w, bool report) {
  Placed p = choose_in_cluster(w.vm, spec_.hosts[w.ha_from].cluster);
  if (p.host < 0) {
    if (report) env_.emit(PowerOnRefused{env_.now(), w.vm, -1, p.missing, p.why, true});
    return false;
  }
  const FeatureSet& view = p.view.view;
  env_.emit(HaRestart{env_.now(), w.vm, w.ha_from, p.host, view - w.view_before, w.view_before - view});
  guests_.power_on(w.vm, p.host, view);
  return true;
}

// A waiting power-on tried again in `cluster`: its home, or a fallback
// (reported with the home cluster's refusal when it began to wait).
bool Placement::try_waiting(int vm, int cluster) {
  Refused ignored;
  if (cluster == spec_.vms[vm].cluster) return try_cluster(vm, cluster, ignored, nullptr);
  auto it = home_refused_.find(vm);
  return it != home_refused_.end() && try_cluster(vm, cluster, ignored, &it->second);
}

void Placement::retry(int cluster, bool all) {
  std::vector<Waiter>& q = queue_[cluster];
  if (q.empty() || retrying_) return;
  retrying_ = true;
  std::vector<Waiter> still;
  bool stop = false;
  for (Waiter& w : q) {
    const VmRec& v = inv_.vms[w.vm];
    if (!waiting_[w.vm] || v.power != Power::off || v.cold_moving) {  // gone, or on by other means
      waiting_[w.vm] = 0;
      continue;
    }
    if (!stop && (w.ha_from >= 0 ? try_ha(w, false) : try_waiting(w.vm, cluster))) {
      waiting_[w.vm] = 0;
      home_refused_.erase(w.vm);
      continue;
    }
    stop = !all;
    still.push_back(w);
  }
  q = std::move(still);
  retrying_ = false;
}

}  // namespace evcsim
