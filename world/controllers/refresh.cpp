#include "world/controllers/refresh.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace evcsim {

namespace {
constexpr double kDay = 86400;
}

RefreshController::RefreshController(Env& env, Inventory& inv, MaintenanceController& maintenance)
    : env_(env),
      spec_(env.spec),
      inv_(inv),
      maintenance_(maintenance),
      procurement_(make_procurement_policy(env.spec.refresh.procurement)),
      baseline_policy_(make_baseline_policy(env.spec.refresh.baseline_policy)),
      hosts_(env.spec.hosts.size()),
      clusters_(env.spec.clusters.size()) {
  spec_.clear_bought_hosts();  // a new run: every slot goes by its listed name again
  for (const HostSpec& h : spec_.hosts)
    if (h.cpu) names_taken_.insert(h.name);  // empty bays' placeholder names are never shown
}

std::string RefreshController::new_host_name(int cluster) {
  const std::string& rule = spec_.refresh.bought_host_name;
  int& n = name_numbers_[rule.find("{cluster") == std::string::npos ? -1 : cluster];
  for (;;) {
    std::string name = fmt::format(fmt::runtime(rule), ++n, fmt::arg("cluster", spec_.clusters[cluster].name));
    if (names_taken_.insert(name).second) return name;
  }
}

// refresh.ram_gib, or what a two-socket virtualization host of the part's
// launch year typically carried: 32 GiB in 2006, doubling every three years
// (64 GiB in 2009, 256 GiB in 2015, 1 TiB in 2021): an estimate.
int64_t RefreshController::bought_ram_mib(const CpuModel& part) const {
  return evcsim::bought_ram_mib(part, spec_.refresh.ram_gib);
}

void RefreshController::start() {
  if (!spec_.refresh.enabled) return;
  env_.schedule(kDay, [this] { daily(); });
  env_.schedule(spec_.refresh.window_days * kDay, [this] { window(); });
}

void RefreshController::daily() {
  for (size_t c = 0; c < clusters_.size(); ++c) {
    if (!spec_.cluster_active(static_cast<int>(c))) continue;  // another part's (a split run)
    retire_due(static_cast<int>(c));
    if (!spec_.refresh.planned) procure(static_cast<int>(c));  // a plan's purchases are its operations
  }
  env_.schedule(env_.now() + kDay, [this] { daily(); });
}

// Retirements, rolling: the oldest hosts due enter maintenance first (none
// of them is then an evacuation target), at most max_share_retiring of the
// cluster at once; their replacements are bought before they are emptied. A
// host whose retirement failed waits twice as long before each new attempt.
void RefreshController::retire_due(int cluster) {
  const YearMonth today = date_at(spec_.start_date, env_.now());
  const std::vector<int>& hosts = inv_.clusters[cluster].hosts;
  int in_maintenance = 0;
  std::vector<std::pair<int, int>> due;  // (purchase month, host)
  for (int h : hosts) {
    const HostRec& hr = inv_.hosts[h];
    in_maintenance += hr.maintenance;
    const HostBook& book = hosts_[h];
    int age_months = today.index() - hr.purchased.index();
    const YearMonth& listed = spec_.hosts[h].retire;
    bool by_date = listed.valid() && !book.replaced_by_purchase && today >= listed;
    // A listed date is the host's retirement, whatever its age says.
    bool by_age = !spec_.refresh.planned && !listed.valid() && spec_.refresh.lifetime_years > 0 &&
                  age_months >= std::lround(spec_.refresh.lifetime_years * 12);
    if (hr.up && !hr.maintenance && env_.now() >= book.retry_after && (by_date || by_age))
      due.emplace_back(hr.purchased.index(), h);
  }
  if (due.empty()) return;
  const int batch = std::max(1, static_cast<int>(std::floor(spec_.refresh.max_share_retiring * hosts.size())));
  const int room = std::max(0, batch - in_maintenance);
  std::stable_sort(due.begin(), due.end());
  if (static_cast<int>(due.size()) > room) due.resize(static_cast<size_t>(room));
  if (due.empty()) return;
  // Buy the replacements before evacuating, as an operator would.
  int replace = 0;
  for (const auto& [month, h] : due) replace += !hosts_[h].replaced, hosts_[h].replaced = true;
  if (replace > 0 && !spec_.refresh.planned) buy_hosts(cluster, replace, PurchaseReason::replacement);
  // An operator retires a host only where the others carry its VMs: the
  // youngest of the batch wait while the rest would run short (a cluster
  // nothing on the market can join is a trap; it is said once per host and
  // tried again at growing intervals, not every day).
  while (!due.empty() && !others_carry(cluster, due)) {
    const int h = due.back().second;
    due.pop_back();
    HostBook& book = hosts_[h];
    back_off(book);
    if (!book.deferred) {
      book.deferred = true;
      env_.emit(RetirementDeferred{env_.now(), h, cluster, carry_.memory, carry_.cpu});
    }
  }
  for (const auto& [month, h] : due) {
    maintenance_.mark(h, true);
    back_off(hosts_[h]);
  }
  for (const auto& [month, h] : due) {
    int age_months = today.index() - inv_.hosts[h].purchased.index();
    maintenance_.begin(h, MaintenanceStarted{0, h, MaintenanceKind::retirement, age_months / 12.0});
  }
}

// A retirement tried (or deferred): the next try waits a window, twice as
// long after each (up to 16 windows).
void RefreshController::back_off(HostBook& book) const {
  book.retry_after = env_.now() + spec_.refresh.window_days * kDay * (1 << std::min(book.attempts, 4));
  ++book.attempts;
}

// Whether the cluster's usable hosts other than `leaving` carry its load:
// the VMs' active memory and overhead within 90% of their RAM (ESXi starts
// reclaiming below its minFree, a few percent), and the CPU demand at the
// diurnal peak within their capacity. Leaves the shares in carry_.
bool RefreshController::others_carry(int cluster, const std::vector<std::pair<int, int>>& leaving) {
  double ram = 0, active = 0, cap = 0, demand = 0;
  for (int h : inv_.clusters[cluster].hosts) {
    const HostRec& hr = inv_.hosts[h];
    active += static_cast<double>(hr.ram_demand_mib);
    demand += hr.demand;
    const bool goes = std::any_of(leaving.begin(), leaving.end(), [h](const auto& l) { return l.second == h; });
    if (goes || !inv_.usable(h)) continue;
    ram += static_cast<double>(hr.ram_mib);
    cap += hr.capacity;
  }
  const double peak = inv_.peak_factor();
  carry_.memory = ram > 0 ? active / ram : 1e9;
  carry_.cpu = cap > 0 ? demand * peak / cap : 1e9;
  return carry_.memory <= 0.9 && carry_.cpu <= 1;
}

// Procurement: buy when headroom runs out.
void RefreshController::procure(int cluster) {
  double ram = 0, used = 0, cap = 0, demand = 0;
  for (int h : inv_.clusters[cluster].hosts) {
    if (!inv_.usable(h)) continue;
    const HostRec& hr = inv_.hosts[h];
    ram += static_cast<double>(hr.ram_mib);
    // RAM in use: the VMs' active memory and overhead, or their configured
    // RAM over the cluster's overcommit limit when a planner set one.
    const double limit = spec_.clusters[cluster].overcommit_limit;
    used += std::max(static_cast<double>(hr.ram_demand_mib),
                     limit > 0 ? static_cast<double>(hr.ram_configured_mib) / limit : 0.0);
    cap += hr.capacity;
    demand += hr.demand;
  }
  const double peak = inv_.peak_factor();
  bool short_ram = ram <= 0 || 1 - used / ram < spec_.refresh.headroom;
  bool short_cpu = cap <= 0 || demand * peak / cap > 1 - spec_.refresh.headroom;
  if ((short_ram || short_cpu) && spec_.refresh.hosts_per_purchase > 0)
    buy_hosts(cluster, spec_.refresh.hosts_per_purchase,
              short_ram ? PurchaseReason::ram_headroom : PurchaseReason::cpu_headroom);
}

std::vector<const CpuModel*> RefreshController::market(int cluster) const {
  YearMonth today = date_at(spec_.start_date, env_.now());
  const std::string& vendor = inv_.clusters[cluster].vendor;
  std::vector<const CpuModel*> out;
  // Parts qualify for purchase qualification_months after their launch.
  const int lag = static_cast<int>(std::lround(spec_.refresh.qualification_months));
  for (const CpuModel& m : env_.catalog.cpus())
    if (m.launch.index() + lag <= today.index() && today <= m.end_of_sale && (vendor.empty() || m.vendor() == vendor))
      out.push_back(&m);
  return out;
}

const CpuModel* RefreshController::market_choice(int cluster, HostJoinRefused* why) const {
  YearMonth today = date_at(spec_.start_date, env_.now());
  const ClusterRec& cs = inv_.clusters[cluster];
  std::vector<const CpuModel*> on_sale = market(cluster), joinable;
  for (const CpuModel* m : on_sale) {
    if (!cs.baseline) {
      joinable.push_back(m);
      continue;
    }
    Admission a = check_admission(*m, *cs.baseline);
    if (a.ok) joinable.push_back(m);
    else if (why->detail.empty()) why->detail = a.reason, why->missing = a.missing;
  }
  if (joinable.empty()) {
    if (on_sale.empty()) why->code = JoinRefusal::market_empty, why->vendor = cs.vendor, why->month = today.str();
    return nullptr;
  }
  MarketView view{today, std::move(joinable), nullptr};
  for (int h : cs.hosts)
    if (!view.cluster_newest || inv_.cpu_of(h).launch > view.cluster_newest->launch)
      view.cluster_newest = &inv_.cpu_of(h);
  return procurement_->choose(view);
}

void RefreshController::buy_hosts(int cluster, int count, PurchaseReason why) {
  ClusterBook& cb = clusters_[cluster];
  HostJoinRefused refusal{env_.now(), -1, cluster, {}, JoinRefusal::market_cannot_join, {}};
  const CpuModel* model = market_choice(cluster, &refusal);
  if (!model) {
    // Nothing on the market can join: report it once per maintenance window.
    if (env_.now() - cb.refusal_reported_at >= spec_.refresh.window_days * kDay) {
      cb.refusal_reported_at = env_.now();
      env_.emit(refusal);
    }
    return;
  }
  YearMonth today = date_at(spec_.start_date, env_.now());
  for (int k = 0; k < count; ++k) {
    int bay = -1;
    for (size_t h = 0; h < inv_.hosts.size(); ++h) {
      const HostRec& hr = inv_.hosts[h];
      if (spec_.hosts[h].cluster == cluster && !hr.present && !hr.maintenance && hr.vms.empty() &&
          hr.ram_reserved_mib == 0 && hr.migrations == 0) {
        bay = static_cast<int>(h);
        break;
      }
    }
    if (bay < 0) {  // the cluster is at its host cap: say so (once per window)
      if (env_.now() - cb.cap_reported_at >= spec_.refresh.window_days * kDay) {
        cb.cap_reported_at = env_.now();
        env_.emit(HostJoinRefused{env_.now(), -1, cluster, {}, JoinRefusal::cluster_at_cap, {}, {}, {}, count - k});
      }
      return;
    }
    HostRec& hr = inv_.hosts[bay];
    auto& part = parts_[model];  // one model per part: host classes (and the graph) group by it
    if (!part) part = std::make_shared<const CpuModel>(*model);
    hr.cpu = part;
    hr.purchased = today;
    hr.up = true;
    hr.demand = 0;
    // A bought server: two sockets of the part, and the RAM of its era.
    hr.capacity = bought_capacity(*model);
    hr.ram_mib = bought_ram_mib(*model);
    inv_.touch(bay);
    bought(bay);                                // a new machine: its own failures
    hosts_[bay] = HostBook{0, false, true, 0};  // the listed date was for the old machine
    env_.emit(HostBought{env_.now(), bay, cluster, model->name, why, new_host_name(cluster)});  // a new name
    inv_.join_host(bay, cluster);
  }
}

// The vendor's next part to come to market after today (the earliest launch).
const CpuModel* RefreshController::next_generation(int cluster) const {
  const YearMonth today = date_at(spec_.start_date, env_.now());
  const std::string& vendor = inv_.clusters[cluster].vendor;
  const CpuModel* next = nullptr;
  for (const CpuModel& m : env_.catalog.cpus())
    if (today < m.launch && (vendor.empty() || m.vendor() == vendor) && (!next || m.launch < next->launch)) next = &m;
  return next;
}

void RefreshController::on_host_retired(int, int cluster) {
  ClusterBook& cb = clusters_[cluster];
  if (cb.raise_possible_since >= 0 || !baseline_policy_->raises()) return;
  std::vector<const CpuModel*> cpus;
  for (int h : inv_.clusters[cluster].hosts) cpus.push_back(inv_.hosts[h].cpu.get());
  const Baseline* cur = inv_.clusters[cluster].baseline ? &*inv_.clusters[cluster].baseline : nullptr;
  auto best = best_baseline(cpus, env_.catalog.baselines(), cur ? cur->kind : BaselineKind::evc);
  if (best && (!cur || (best->features.contains(cur->features) && best->features != cur->features)))
    cb.raise_possible_since = env_.now();
}

void RefreshController::window() {
  for (size_t c = 0; c < clusters_.size(); ++c) apply_baseline_policy(static_cast<int>(c));
  env_.schedule(env_.now() + spec_.refresh.window_days * kDay, [this] { window(); });
}

void RefreshController::apply_baseline_policy(int cluster) {
  const ClusterRec& cs = inv_.clusters[cluster];
  ClusterBook& cb = clusters_[cluster];
  if (!baseline_policy_->raises() || cs.hosts.empty()) return;
  // Raise only once retirements made it possible (when the oldest
  // hosts leave), not merely because the cluster was set up low on purpose.
  if (cb.raise_possible_since < 0) return;
  BaselineContext context;
  for (int h : cs.hosts) context.hosts.push_back(inv_.hosts[h].cpu.get());
  context.current = cs.baseline ? &*cs.baseline : nullptr;
  auto on_sale = market(cluster);
  if (!on_sale.empty()) context.newest_on_sale = newest_part(on_sale);
  context.baselines = &env_.catalog.baselines();
  context.today = date_at(spec_.start_date, env_.now());
  context.vendor = cs.vendor;
  context.next_generation = next_generation(cluster);
  std::optional<Baseline> target = baseline_policy_->target(context);
  if (!target ||
      (cs.baseline && (target->features == cs.baseline->features || !target->features.contains(cs.baseline->features))))
    return;  // nothing higher to go to (lowering is never automatic)
  std::optional<Baseline> from = cs.baseline;
  Refusal why;
  if (!inv_.apply_baseline(cluster, target, &why)) return;
  RaiseTrack track{cluster, target->name, env_.now(), std::vector<char>(inv_.vms.size(), 0), 0};
  for (int h : cs.hosts)
    for (int vm : inv_.hosts[h].vms)
      if (!inv_.vms[vm].guest_view.contains(target->features & inv_.cpu_of(h).migratable())) {
        track.waiting[static_cast<size_t>(vm)] = 1;
        ++track.remaining;
      }
  BaselineRaised raised{env_.now(),
                        cluster,
                        from ? from->name : "none",
                        target->name,
                        cb.raise_possible_since >= 0 ? cb.raise_possible_since : env_.now(),
                        target->features - (from ? from->features : FeatureSet{}),
                        track.remaining};
  for (size_t vm = 0; vm < track.waiting.size(); ++vm)
    if (track.waiting[vm]) raised.vms_below.push_back(static_cast<int>(vm));
  if (context.next_generation) {  // look ahead: can the cluster still buy what comes next?
    Admission next = check_admission(*context.next_generation, *target);
    if (!next.ok) raised.locks_out = context.next_generation->name, raised.locks_out_missing = next.missing;
  }
  env_.emit(raised);
  cb.raise_possible_since = -1;
  if (track.remaining == 0) env_.emit(BaselineRaiseSeen{env_.now(), cluster, track.to, env_.now()});
  else raises_.push_back(std::move(track));
}

// A VM that took a new view (or stopped for good) no longer waits for a raise.
void RefreshController::on_view_changed(int vm) {
  for (auto it = raises_.begin(); it != raises_.end();) {
    char& w = it->waiting[static_cast<size_t>(vm)];
    if (w) {
      w = 0;
      if (--it->remaining == 0) {
        env_.emit(BaselineRaiseSeen{env_.now(), it->cluster, it->to, it->raised_at});
        it = raises_.erase(it);
        continue;
      }
    }
    ++it;
  }
}

}  // namespace evcsim
