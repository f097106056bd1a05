// Operations over time (DESIGN §7): DRS placement and balancing, maintenance
// mode (evacuation planned as a max flow), host failures and HA restarts,
// the workload (demand, arrivals and departures, patch windows), hardware
// refresh (retirement, procurement from the market) and baseline policies.
#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "models/evacuation.hpp"
#include "models/feature_registry.hpp"
#include "sim/world.hpp"

namespace evcsim {

namespace {
constexpr double kDay = 86400, kYear = 365.25 * kDay;
constexpr int kPatchSlots = 240;  // a patch window spreads VMs over 240 minutes
// Imbalance (std. deviation of host load) each DRS threshold level tolerates.
constexpr double kTarget[] = {0, 0.20, 0.15, 0.10, 0.07, 0.05};
}  // namespace

double World::demand_factor() const {
  const auto& w = spec_.workload;
  double wave = 1 + w.diurnal_amplitude * std::sin(2 * std::numbers::pi * now() / kDay - std::numbers::pi / 2);
  return wave * std::pow(1 + w.growth_per_year, now() / kYear);
}

double World::load(int h) const { return load(h, demand_factor()); }

double World::load(int h, double factor) const {
  const HostState& hs = hosts_[h];
  double mem = static_cast<double>(hs.ram_reserved_mib) / static_cast<double>(std::max<int64_t>(1, hs.ram_mib));
  double cpu = hs.demand * factor * (1 + hs.noise) / hs.capacity;
  return std::max(cpu, mem);
}

bool World::rules_allow(int vm, int host) const {
  for (const RuleSpec& r : spec_.rules) {
    if (std::find(r.vms.begin(), r.vms.end(), vm) == r.vms.end()) continue;
    switch (r.kind) {
      case RuleKind::vm_host:
        if (std::find(r.hosts.begin(), r.hosts.end(), host) == r.hosts.end()) return false;
        break;
      case RuleKind::anti_affinity:
        for (int other : hosts_[host].vms)
          if (other != vm && std::find(r.vms.begin(), r.vms.end(), other) != r.vms.end()) return false;
        break;
      case RuleKind::affinity: {
        bool any_elsewhere = false, any_here = false;
        for (int other : r.vms) {
          if (other == vm || vms_[other].power == Power::off) continue;
          (vms_[other].host == host ? any_here : any_elsewhere) = true;
        }
        if (any_elsewhere && !any_here) return false;
        break;
      }
    }
  }
  return true;
}

Verdict World::admit_move(int vm, int dst) const {
  int src = vms_[vm].host;
  if (cpu_of(src).vendor() != cpu_of(dst).vendor() && !spec_.policy.allow_cross_vendor)
    return Verdict{false, "cross-vendor", {}, "cross-vendor live migration is refused unless the policy allows it"};
  return policy_->check_migration(vm_view(vm), host_view(src), host_view(dst));
}

// Placement: a usable host with room that the rules and the policy accept,
// the best by the scenario's placement policy.
int World::choose_host(int vm, const std::vector<int>& candidates, std::string* why, FeatureSet* missing) {
  int best = -1;
  double best_score = 0;
  for (int h : candidates) {
    std::string reason;
    if (!hosts_[h].present) reason = fmt::format("host {} is not in the inventory", spec_.hosts[h].name);
    else if (!hosts_[h].up) reason = fmt::format("host {} is down", spec_.hosts[h].name);
    else if (hosts_[h].maintenance) reason = fmt::format("host {} is in maintenance", spec_.hosts[h].name);
    else if (!has_room(h, vm))
      reason = fmt::format("host {} has {} MiB free, the VM needs {} MiB", spec_.hosts[h].name,
                           hosts_[h].ram_mib - hosts_[h].ram_reserved_mib, spec_.vms[vm].ram_mib);
    else if (!rules_allow(vm, h)) reason = fmt::format("a DRS rule keeps it off {}", spec_.hosts[h].name);
    else {
      BootView bv = policy_->power_on(vm_view(vm), host_view(h));
      if (!bv.ok) {
        reason = fmt::format("host {}: {}", spec_.hosts[h].name, bv.reason);
        if (missing->empty()) *missing = bv.missing;
      }
    }
    if (!reason.empty()) {
      if (why->empty()) *why = reason;
      continue;
    }
    double score = spec_.drs.placement == "best-fit"
                       ? static_cast<double>(hosts_[h].ram_mib - hosts_[h].ram_reserved_mib)  // least room left
                       : load(h);
    if (best < 0 || score < best_score) best = h, best_score = score;
  }
  return best;
}

void World::start_operations() {
  if (spec_.drs.balance) sim_.schedule(spec_.drs.interval_s, DrsDue{});
  if (spec_.refresh.enabled) {
    sim_.schedule(kDay, DailyDue{});
    sim_.schedule(spec_.refresh.window_days * kDay, WindowDue{});
  } else if (spec_.workload.reboot_every_days > 0 || spec_.workload.power_cycle_every_days > 0) {
    sim_.schedule(kDay, DailyDue{});
  }
  if (spec_.failures.mtbf_days > 0)
    for (size_t h = 0; h < hosts_.size(); ++h)
      sim_.schedule(failure_rng_.exponential(1 / (spec_.failures.mtbf_days * kDay)),
                    HostFailDue{static_cast<int>(h), 0});
  for (size_t a = 0; a < spec_.arrivals.size(); ++a)
    sim_.schedule(workload_rng_.exponential(spec_.arrivals[a].per_day / kDay), ArrivalDue{static_cast<int>(a)});
}

// ---- DRS ----

void World::drs_pass() {
  for (size_t c = 0; c < clusters_.size(); ++c) balance_cluster(static_cast<int>(c));
  sim_.schedule(now() + spec_.drs.interval_s, DrsDue{});
}

void World::balance_cluster(int cluster) {
  ClusterState& cs = clusters_[cluster];
  std::vector<int> hs;
  for (int h : cs.hosts)
    if (usable(h)) hs.push_back(h);
  if (hs.size() < 2) return;
  const double noise = spec_.workload.noise;
  if (noise > 0 && now() - cs.noise_drawn_at >= 3600) {  // demand noise changes hourly
    cs.noise_drawn_at = now();
    for (int h : hs) hosts_[h].noise = noise * (2 * workload_rng_.uniform() - 1);
  }
  std::vector<double> loads;
  double sum = 0, sum2 = 0;
  const double factor = demand_factor();
  for (int h : hs) {
    double l = load(h, factor);
    loads.push_back(l);
    sum += l;
    sum2 += l * l;
  }
  const double n = static_cast<double>(hs.size());
  auto stddev = [&](double s, double s2) { return std::sqrt(std::max(0.0, s2 / n - (s / n) * (s / n))); };
  cs.imbalance = stddev(sum, sum2);
  const double target = kTarget[std::clamp(spec_.drs.threshold, 1, 5)];
  if (cs.imbalance <= target) {
    cs.imbalance_left = 0;
    return;
  }
  // Greedy moves from the most to the least loaded hosts, once as if every
  // move were admitted and once for real (only admitted moves): the
  // difference in the imbalance reached is what compatibility left.
  DrsPass pass{now(), cluster, cs.imbalance, 0, 0, {}};
  const double f = factor;
  double reached[2] = {cs.imbalance, cs.imbalance};
  // The real pass first; the pass that ignores compatibility is only needed
  // when the real one met a refused candidate.
  for (int real = 1; real >= 0; --real) {
    if (!real && pass.blocked.empty()) {
      reached[0] = reached[1];
      break;
    }
    std::vector<double> l = loads;
    double s = sum, s2 = sum2;
    std::vector<int> busy(hs.size(), 0);
    std::vector<int> moved;
    for (int step = 0; step < spec_.drs.max_moves_per_pass; ++step) {
      size_t src = 0;
      for (size_t i = 1; i < hs.size(); ++i)
        if (l[i] > l[src]) src = i;
      // The three least loaded hosts (a linear scan: passes are frequent).
      size_t order[3] = {src, src, src};
      size_t found = 0;
      for (size_t i = 0; i < hs.size(); ++i) {
        if (i == src) continue;
        size_t k = std::min<size_t>(found, 2);
        if (found < 3) ++found;
        else if (l[i] >= l[order[2]]) continue;
        order[k] = i;
        for (; k > 0 && l[order[k]] < l[order[k - 1]]; --k) std::swap(order[k], order[k - 1]);
      }
      double best_gain = 1e-4;
      int best_vm = -1;
      size_t best_dst = 0;
      const int h_src = hs[src];
      for (size_t k = 0; k < found; ++k) {
        size_t dst = order[k];
        if (dst == src) continue;
        const int h_dst = hs[dst];
        double cap_src = hosts_[h_src].capacity, cap_dst = hosts_[h_dst].capacity;
        int scanned = 0;
        for (int vm : hosts_[h_src].vms) {
          if (++scanned > 24) break;  // enough candidates: the pass is a heuristic, like DRS's
          const VmState& v = vms_[vm];
          if (v.power != Power::running || v.migrating ||
              std::find(moved.begin(), moved.end(), vm) != moved.end())
            continue;
          double d = spec_.vms[vm].cpu_demand * f;
          double ls = l[src] - d / cap_src, ld = l[dst] + d / cap_dst;
          double ns = s - l[src] - l[dst] + ls + ld;
          double ns2 = s2 - l[src] * l[src] - l[dst] * l[dst] + ls * ls + ld * ld;
          double gain = stddev(s, s2) - stddev(ns, ns2);
          if (gain <= best_gain) continue;
          if (!has_room(h_dst, vm) || !rules_allow(vm, h_dst)) continue;
          if (hosts_[h_src].migrations + busy[src] >= spec_.drs.max_per_host ||
              hosts_[h_dst].migrations + busy[dst] >= spec_.drs.max_per_host)
            continue;
          if (real) {
            Verdict verdict = admit_move(vm, h_dst);
            if (!verdict.ok) {
              pass.blocked[verdict.code]++;
              continue;
            }
          }
          best_gain = gain, best_vm = vm, best_dst = dst;
        }
      }
      if (best_vm < 0) break;
      const int h_dst = hs[best_dst];
      double cap_src = hosts_[h_src].capacity, cap_dst = hosts_[h_dst].capacity;
      double d = spec_.vms[best_vm].cpu_demand * f;
      double ls = l[src] - d / cap_src, ld = l[best_dst] + d / cap_dst;
      s += ls + ld - l[src] - l[best_dst];
      s2 += ls * ls + ld * ld - l[src] * l[src] - l[best_dst] * l[best_dst];
      l[src] = ls;
      l[best_dst] = ld;
      moved.push_back(best_vm);
      if (!real) {  // the real pass counts its migrations on the hosts themselves
        ++busy[src];
        ++busy[best_dst];
      } else {
        start_live_migration(best_vm, h_dst);
        ++pass.moves;
      }
    }
    reached[real] = stddev(s, s2);
  }
  cs.imbalance_left = std::max(0.0, reached[1] - reached[0]);
  pass.left_by_compatibility = cs.imbalance_left;
  emit(pass);
}

// ---- maintenance ----

void World::enter_maintenance(int host, const std::string& why, bool retire) {
  HostState& hs = hosts_[host];
  hs.maintenance = true;
  hs.retiring = retire;
  emit(MaintenanceStarted{now(), host, why});
  evacuate(host);
}

// Moves every VM off a host in maintenance (again, when one lands there).
void World::evacuate(int host) {
  HostState& hs = hosts_[host];
  std::vector<int> evacuate;
  for (int vm : hs.vms)
    if (!vms_[vm].migrating) evacuate.push_back(vm);
  std::vector<int> dests;
  for (int h : clusters_[spec_.hosts[host].cluster].hosts)
    if (h != host && usable(h)) dests.push_back(h);
  std::vector<int64_t> ram, free;
  for (int vm : evacuate) ram.push_back(spec_.vms[vm].ram_mib);
  for (int h : dests) free.push_back(hosts_[h].ram_mib - hosts_[h].ram_reserved_mib);
  FeatureSet missing;
  std::string first_reason;
  auto allowed = [&](int i, int d) {
    int vm = evacuate[static_cast<size_t>(i)], h = dests[static_cast<size_t>(d)];
    if (!rules_allow(vm, h)) return false;
    Verdict v = admit_move(vm, h);
    if (!v.ok) {
      missing |= v.missing;
      if (first_reason.empty()) first_reason = v.reason;
    }
    return v.ok;
  };
  EvacuationPlan plan = plan_evacuation(ram, free, allowed);
  // Like vMotion, a host sends a few VMs at a time (kEvacuationsPerHost);
  // each completion calls evacuate() again for the rest.
  constexpr int kEvacuationsPerHost = 4;
  std::vector<int> stranded;
  for (size_t i = 0; i < evacuate.size(); ++i) {
    int vm = evacuate[i];
    if (plan.destination[i] >= 0) {
      if (vms_[vm].power != Power::running) stranded.push_back(vm);
      else if (hs.migrations < kEvacuationsPerHost) start_live_migration(vm, dests[static_cast<size_t>(plan.destination[i])]);
    } else {
      stranded.push_back(vm);
    }
  }
  for (int vm : stranded) {
    if (!spec_.refresh.cold_evacuation) continue;
    std::string why_not;
    FeatureSet m;
    int to = choose_host(vm, dests, &why_not, &m);
    if (to < 0) continue;
    int src = vms_[vm].host;
    power_off(vm, fmt::format("cold evacuation of {} to {}", spec_.hosts[host].name, spec_.hosts[to].name));
    VmState& v = vms_[vm];
    v.cold_moving = true;
    v.cold_dst = to;
    hosts_[to].ram_reserved_mib += spec_.vms[vm].ram_mib;
    emit(ColdMigration{now(), vm, src, to, spec_.migration.cold_outage_s});
    sim_.schedule(now() + std::max(0.0, spec_.migration.cold_outage_s - spec_.migration.reboot_s),
                  ColdMoveDone{vm, v.epoch, to});
  }
  int left = static_cast<int>(stranded.size());
  for (int vm : stranded) left -= vms_[vm].cold_moving;  // cold-evacuated
  if (left > 0) {
    emit(MaintenanceFailed{now(), host, left, missing,
                           fmt::format("{} VM(s) cannot leave {}{}", left, spec_.hosts[host].name,
                                       first_reason.empty() ? ": no host with room" : ": " + first_reason)});
    hs.maintenance = false;
    hs.retiring = false;
    return;
  }
  check_maintenance_done(host);
}

void World::check_maintenance_done(int host) {
  HostState& hs = hosts_[host];
  if (!hs.maintenance || !hs.vms.empty() || hs.migrations > 0 || hs.ram_reserved_mib > 0) return;
  bool retired = hs.retiring;
  emit(MaintenanceDone{now(), host, retired});
  if (retired) {
    hs.present = false;
    hs.maintenance = false;
    hs.retiring = false;
    int c = spec_.hosts[host].cluster;
    auto& list = clusters_[c].hosts;
    list.erase(std::find(list.begin(), list.end(), host));
    recompute_lcd(c);
    emit(HostRemoved{now(), host});
    if (clusters_[c].raise_possible_since < 0 &&
        (spec_.refresh.baseline_policy == "auto-raise" || spec_.refresh.baseline_policy == "dynamic-lcd")) {
      std::vector<const CpuModel*> cpus;
      for (int h : list) cpus.push_back(hosts_[h].cpu.get());
      const Baseline* cur = clusters_[c].baseline ? &*clusters_[c].baseline : nullptr;
      auto best = best_baseline(cpus, Catalog::builtin().baselines(), cur ? cur->kind : BaselineKind::evc);
      if (best && (!cur || (best->features.contains(cur->features) && best->features != cur->features)))
        clusters_[c].raise_possible_since = now();
    }
  }
}

// ---- failures and HA ----

void World::host_fails(int host) {
  HostState& hs = hosts_[host];
  if (!hs.present || !hs.up) return;
  hs.up = false;
  ++hs.epoch;
  std::vector<int> victims = hs.vms;
  emit(HostFailed{now(), host, static_cast<int>(victims.size())});
  for (int vm : victims) {
    FeatureSet before = vms_[vm].guest_view;
    power_off(vm, fmt::format("host {} failed", spec_.hosts[host].name));
    std::string why;
    FeatureSet missing;
    int to = choose_host(vm, clusters_[spec_.hosts[host].cluster].hosts, &why, &missing);
    if (to < 0) {
      emit(PowerOnRefused{now(), vm, -1, missing, "HA restart: " + (why.empty() ? "no host" : why)});
      continue;
    }
    BootView bv = policy_->power_on(vm_view(vm), host_view(to));
    vms_[vm].guest_view = bv.view;
    vms_[vm].has_view = true;
    emit(HaRestart{now(), vm, host, to, bv.view - before, before - bv.view});
    boot_on(vm, to, true);
  }
  sim_.schedule(now() + spec_.failures.repair_hours * 3600, HostRepairDue{host, hs.epoch});
}

void World::host_repaired(int host) {
  HostState& hs = hosts_[host];
  hs.up = true;
  emit(HostRepaired{now(), host});
  check_maintenance_done(host);  // a host that failed while being emptied
  if (spec_.failures.mtbf_days > 0)
    sim_.schedule(now() + failure_rng_.exponential(1 / (spec_.failures.mtbf_days * kDay)), HostFailDue{host, hs.epoch});
}

// ---- workload ----

void World::arrival(int a) {
  const ArrivalSpec& ar = spec_.arrivals[a];
  for (int vm = ar.first_vm; vm < ar.end_vm; ++vm) {
    if (vms_[vm].power != Power::off || vms_[vm].cold_moving || vms_[vm].arrived) continue;
    vms_[vm].arrived = true;
    emit(VmArrived{now(), vm});
    power_on(vm, -1);
    if (spec_.vms[vm].lifetime_days > 0)
      sim_.schedule(now() + workload_rng_.exponential(1 / (spec_.vms[vm].lifetime_days * kDay)),
                    DepartureDue{vm, vms_[vm].epoch});
    break;
  }
  sim_.schedule(now() + workload_rng_.exponential(ar.per_day / kDay), ArrivalDue{a});
}

void World::departure(int vm) {
  if (vms_[vm].power == Power::off || vms_[vm].migrating) return;
  emit(VmDeparted{now(), vm});
  power_off(vm, "departed (end of its life)");
}

void World::patch(int slot, bool power_cycle) {
  for (size_t vm = static_cast<size_t>(slot); vm < vms_.size(); vm += kPatchSlots) {
    VmState& v = vms_[vm];
    if (v.power != Power::running || v.migrating) continue;
    guest_reboot(static_cast<int>(vm), power_cycle || spec_.vms[vm].power_cycle_on_reboot);
  }
}

// ---- refresh ----

void World::daily() {
  const double day = std::floor(now() / kDay + 0.5);
  const auto& w = spec_.workload;
  // Patch windows: spread the VMs over the following four hours. A power
  // cycle due the same day replaces the guest reboot.
  auto due = [&](double every) { return every > 0 && std::fmod(day, std::round(every)) == 0; };
  bool cycle = due(w.power_cycle_every_days), reboot = due(w.reboot_every_days);
  if (cycle || reboot)
    for (int slot = 0; slot < kPatchSlots; ++slot) sim_.schedule(now() + slot * 60.0, PatchDue{slot, cycle});
  if (spec_.refresh.enabled) {
    YearMonth today = date_at(spec_.start_date, now());
    for (size_t c = 0; c < clusters_.size(); ++c) {
      ClusterState& cs = clusters_[c];
      // Retirements: all hosts due enter maintenance first, so none is an evacuation target.
      {
        std::vector<int> due;
        for (int h : cs.hosts) {
          HostState& hs = hosts_[h];
          int age_months = today.index() - hs.purchased.index();
          const YearMonth& listed = spec_.hosts[h].retire;
          bool by_date = listed.valid() && !hs.replaced_by_purchase && today >= listed;
          bool by_age = spec_.refresh.lifetime_years > 0 && age_months >= std::lround(spec_.refresh.lifetime_years * 12);
          if (hs.up && !hs.maintenance && now() >= hs.retry_after && (by_date || by_age)) {
            due.push_back(h);
            hs.maintenance = true;
            hs.retiring = true;
            hs.retry_after = now() + spec_.refresh.window_days * kDay;
          }
        }
        if (!due.empty()) {
          // Buy the replacements before evacuating, as an operator would.
          int replace = 0;
          for (int h : due) replace += !hosts_[h].replaced, hosts_[h].replaced = true;
          if (replace > 0) buy_hosts(static_cast<int>(c), replace, "replacing hosts due for retirement");
          for (int h : due) {
            int age_months = today.index() - hosts_[h].purchased.index();
            emit(MaintenanceStarted{now(), h, fmt::format("retirement after {:.1f} years", age_months / 12.0)});
            evacuate(h);
          }
        }
      }
      // Procurement: replace retiring hosts, and buy when headroom runs out.
      double ram = 0, used = 0, cap = 0, demand = 0;
      for (int h : cs.hosts) {
        if (!usable(h)) continue;
        ram += static_cast<double>(hosts_[h].ram_mib);
        used += static_cast<double>(hosts_[h].ram_reserved_mib);
        cap += hosts_[h].capacity;
        demand += hosts_[h].demand;
      }
      double peak = (1 + w.diurnal_amplitude) * std::pow(1 + w.growth_per_year, now() / kYear);
      bool short_ram = ram <= 0 || 1 - used / ram < spec_.refresh.headroom;
      bool short_cpu = cap <= 0 || demand * peak / cap > 1 - spec_.refresh.headroom;
      int want = 0;
      std::string why;
      if (short_ram || short_cpu) {
        want = std::max(want, spec_.refresh.hosts_per_purchase);
        why = short_ram ? "RAM headroom below the threshold" : "CPU headroom below the threshold";
      }
      if (want > 0) buy_hosts(static_cast<int>(c), want, why);
    }
  }
  sim_.schedule(now() + kDay, DailyDue{});
}

std::vector<const CpuModel*> World::market(int cluster) const {
  YearMonth today = date_at(spec_.start_date, now());
  const ClusterState& cs = clusters_[cluster];
  std::vector<const CpuModel*> out;
  for (const CpuModel& m : Catalog::builtin().cpus())
    if (m.launch <= today && today <= m.end_of_sale && (cs.vendor.empty() || m.vendor() == cs.vendor)) out.push_back(&m);
  return out;
}

const CpuModel* World::market_choice(int cluster, std::string* why, FeatureSet* missing) const {
  YearMonth today = date_at(spec_.start_date, now());
  const ClusterState& cs = clusters_[cluster];
  std::vector<const CpuModel*> on_sale = market(cluster), joinable;
  for (const CpuModel* m : on_sale) {
    if (!cs.baseline) {
      joinable.push_back(m);
      continue;
    }
    Admission a = check_admission(*m, *cs.baseline);
    if (a.ok) joinable.push_back(m);
    else if (why->empty()) *why = a.reason, *missing = a.missing;
  }
  if (joinable.empty()) {
    if (on_sale.empty()) *why = fmt::format("the market sells no {} part in {}", cs.vendor, today.str());
    return nullptr;
  }
  const std::string& how = spec_.refresh.procurement;
  auto newest = *std::max_element(joinable.begin(), joinable.end(),
                                  [](const CpuModel* a, const CpuModel* b) { return a->launch < b->launch; });
  if (how == "same-generation") {
    const CpuModel* latest = nullptr;
    for (int h : cs.hosts)
      if (!latest || cpu_of(h).launch > latest->launch) latest = &cpu_of(h);
    for (const CpuModel* m : joinable)
      if (latest && m->generation == latest->generation) return m;
    return newest;
  }
  if (how == "cheapest") {
    // Price per unit of capacity: new generations carry a premium for two years.
    auto cost = [&](const CpuModel* m) {
      double months = today.index() - m->launch.index();
      double price = 1.0 + 0.6 * std::max(0.0, 1 - months / 24);
      return price / (m->cores_per_socket * m->relative_speed);
    };
    return *std::min_element(joinable.begin(), joinable.end(),
                             [&](const CpuModel* a, const CpuModel* b) { return cost(a) < cost(b); });
  }
  return newest;
}

void World::buy_hosts(int cluster, int count, const std::string& why) {
  ClusterState& cs = clusters_[cluster];
  std::string refusal;
  FeatureSet missing;
  const CpuModel* model = market_choice(cluster, &refusal, &missing);
  if (!model) {
    // Nothing on the market can join: report it once per maintenance window.
    if (now() - cs.refusal_reported_at >= spec_.refresh.window_days * kDay) {
      cs.refusal_reported_at = now();
      emit(HostJoinRefused{now(), -1, cluster, missing, fmt::format("no part on the market can join: {}", refusal)});
    }
    return;
  }
  YearMonth today = date_at(spec_.start_date, now());
  for (int k = 0; k < count; ++k) {
    int bay = -1;
    for (size_t h = 0; h < hosts_.size(); ++h)
      if (spec_.hosts[h].cluster == cluster && !hosts_[h].present && !hosts_[h].maintenance && hosts_[h].vms.empty() &&
          hosts_[h].ram_reserved_mib == 0 && hosts_[h].migrations == 0) {
        bay = static_cast<int>(h);
        break;
      }
    if (bay < 0) return;  // the cluster is full
    HostState& hs = hosts_[bay];
    hs.cpu = std::make_shared<CpuModel>(*model);
    hs.purchased = today;
    hs.up = true;
    hs.demand = 0;
    // A bought server: two sockets of the part, and RAM that grows with its cores.
    const int cores = 2 * std::max(1, model->cores_per_socket);
    hs.capacity = std::max(1.0, cores * std::max(0.05, model->relative_speed));
    hs.ram_mib = std::max<int64_t>(spec_.hosts[bay].ram_mib, int64_t{4096} * cores);
    ++hs.epoch;  // a new machine: its own failures
    if (spec_.failures.mtbf_days > 0)
      sim_.schedule(now() + failure_rng_.exponential(1 / (spec_.failures.mtbf_days * kDay)), HostFailDue{bay, hs.epoch});
    hs.retry_after = 0;
    hs.replaced = false;
    hs.replaced_by_purchase = true;  // a bought machine in this bay: the listed date was for the old one
    emit(HostBought{now(), bay, cluster, model->name, why});
    join_host(bay, cluster);
  }
}

void World::window() {
  for (size_t c = 0; c < clusters_.size(); ++c) apply_baseline_policy(static_cast<int>(c));
  sim_.schedule(now() + spec_.refresh.window_days * kDay, WindowDue{});
}

void World::apply_baseline_policy(int cluster) {
  ClusterState& cs = clusters_[cluster];
  const std::string& pol = spec_.refresh.baseline_policy;
  if (pol == "fixed" || pol == "never" || cs.hosts.empty()) return;
  // Raise only once retirements made it possible (DESIGN §7: when the oldest
  // hosts leave), not merely because the cluster was set up low on purpose.
  if (cs.raise_possible_since < 0) return;
  std::vector<const CpuModel*> cpus;
  for (int h : cs.hosts) cpus.push_back(hosts_[h].cpu.get());
  std::optional<Baseline> target;
  if (pol == "auto-raise") {
    // The best baseline every host joins -- and the newest part on the market
    // too, so that the raise does not shut the cluster out of future purchases.
    BaselineKind kind = cs.baseline ? cs.baseline->kind : BaselineKind::evc;
    auto on_sale = market(cluster);
    if (!on_sale.empty())
      cpus.push_back(*std::max_element(on_sale.begin(), on_sale.end(),
                                       [](const CpuModel* a, const CpuModel* b) { return a->launch < b->launch; }));
    target = best_baseline(cpus, Catalog::builtin().baselines(), kind);
  } else {  // dynamic-lcd: the intersection of the current hosts, as a baseline
    Baseline lcd;
    lcd.name = fmt::format("lcd-{}", date_at(spec_.start_date, now()).str());
    lcd.vendor = cs.vendor;
    lcd.features = lowest_common_denominator(cpus);
    target = lcd;
  }
  if (!target || (cs.baseline && (target->features == cs.baseline->features ||
                                  !target->features.contains(cs.baseline->features))))
    return;  // nothing higher to go to (lowering is never automatic)
  std::optional<Baseline> from = cs.baseline;
  std::string why;
  if (!apply_baseline(cluster, target, &why)) return;
  RaiseTrack track{cluster, target->name, now(), std::vector<char>(vms_.size(), 0), 0};
  for (int h : cs.hosts)
    for (int vm : hosts_[h].vms)
      if (!vms_[vm].guest_view.contains(target->features & cpu_of(h).migratable())) {
        track.waiting[static_cast<size_t>(vm)] = 1;
        ++track.remaining;
      }
  emit(BaselineRaised{now(), cluster, from ? from->name : "none", target->name,
                      cs.raise_possible_since >= 0 ? cs.raise_possible_since : now(),
                      target->features - (from ? from->features : FeatureSet{}), track.remaining});
  cs.raise_possible_since = -1;
  if (track.remaining == 0) emit(BaselineRaiseSeen{now(), cluster, track.to, now()});
  else raises_.push_back(std::move(track));
}

// A VM that took a new view (or stopped for good) no longer waits for a raise.
void World::note_view_change(int vm) {
  for (auto it = raises_.begin(); it != raises_.end();) {
    char& w = it->waiting[static_cast<size_t>(vm)];
    if (w) {
      w = 0;
      if (--it->remaining == 0) {
        emit(BaselineRaiseSeen{now(), it->cluster, it->to, it->raised_at});
        it = raises_.erase(it);
        continue;
      }
    }
    ++it;
  }
}

}  // namespace evcsim
