#include "sim/world.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "models/feature_registry.hpp"

namespace evcsim {

const std::vector<std::string>& notable_features() {
  static const std::vector<std::string> names = {"sse4_1", "sse4_2", "aes", "avx", "avx2", "avx512f", "amx_tile"};
  return names;
}

MigrationJob make_migration_job(const ScenarioSpec& spec, int vm, int src, int dst) {
  const VmSpec& vs = spec.vms[vm];
  constexpr double kMiB = 1024.0 * 1024.0;
  return MigrationJob{vm, src, dst, vs.ram_mib * kMiB, vs.dirty_mib_per_s * kMiB, vs.working_set_mib * kMiB,
                      spec.migration.max_downtime_ms / 1000.0, spec.migration.max_rounds};
}

World::World(const ScenarioSpec& spec, SimServices& sim, std::vector<Listener*> listeners)
    : spec_(spec),
      sim_(sim),
      listeners_(std::move(listeners)),
      policy_(make_policy(spec.policy)),
      fault_rng_(spec.seed, "faults"),
      restart_rng_(spec.seed, "restarts"),
      workload_rng_(spec.seed, "workload"),
      failure_rng_(spec.seed, "host-failures"),
      hosts_(spec.hosts.size()),
      vms_(spec.vms.size()),
      clusters_(spec.clusters.size()) {
  for (size_t c = 0; c < clusters_.size(); ++c) clusters_[c].baseline = spec.clusters[c].baseline;
  for (size_t h = 0; h < hosts_.size(); ++h) {
    hosts_[h].cpu = spec.hosts[h].cpu;
    hosts_[h].purchased = spec.hosts[h].purchased;
    hosts_[h].ram_mib = spec.hosts[h].ram_mib;
    if (hosts_[h].cpu)
      hosts_[h].capacity = std::max(1.0, spec.hosts[h].cores * std::max(0.05, hosts_[h].cpu->relative_speed));
    if (hosts_[h].cpu && clusters_[spec.hosts[h].cluster].vendor.empty())
      clusters_[spec.hosts[h].cluster].vendor = hosts_[h].cpu->vendor();
  }
  for (size_t v = 0; v < vms_.size(); ++v) {
    vms_[v].custom_masks = spec.vms[v].masks;
    vms_[v].effective_masks = overlay_masks(vms_[v].custom_masks, spec.policy.default_masks);
    vms_[v].sw.resize(spec.vms[v].software->size());
  }
  for (const Baseline& b : Catalog::builtin().baselines())
    if (b.kind == BaselineKind::level) levels_.push_back(&b);
}

void World::emit(const Event& e) {
  for (Listener* l : listeners_) l->on_event(e);
}

HostView World::host_view(int host) const {
  const ClusterState& c = clusters_[static_cast<size_t>(spec_.hosts[host].cluster)];
  return HostView{hosts_[host].cpu.get(), c.baseline ? &*c.baseline : nullptr, c.lcd};
}

VmView World::vm_view(int vm) const {
  const VmState& v = vms_[vm];
  const VmSpec& s = spec_.vms[vm];
  return VmView{&v.effective_masks, s.baseline ? &*s.baseline : nullptr, v.guest_view,
                v.host >= 0 ? hosts_[v.host].cpu.get() : nullptr};
}

void World::recompute_lcd(int cluster) {
  ClusterState& c = clusters_[cluster];
  std::vector<const CpuModel*> cpus;
  for (int h : c.hosts) cpus.push_back(hosts_[h].cpu.get());
  c.lcd = lowest_common_denominator(cpus);
}

bool World::has_room(int host, int vm) const {
  return hosts_[host].ram_reserved_mib + spec_.vms[vm].ram_mib <= hosts_[host].ram_mib;
}

void World::place(int vm, int host) {
  hosts_[host].vms.push_back(vm);
  hosts_[host].ram_reserved_mib += spec_.vms[vm].ram_mib;
  hosts_[host].demand += spec_.vms[vm].cpu_demand;
  vms_[vm].host = host;
}

void World::unplace(int vm) {
  VmState& v = vms_[vm];
  if (v.host < 0) return;
  auto& list = hosts_[v.host].vms;
  list.erase(std::find(list.begin(), list.end(), vm));
  hosts_[v.host].ram_reserved_mib -= spec_.vms[vm].ram_mib;
  hosts_[v.host].demand -= spec_.vms[vm].cpu_demand;
  v.host = -1;
}

void World::join_host(int host, int cluster) {
  hosts_[host].present = true;
  clusters_[cluster].hosts.push_back(host);
  recompute_lcd(cluster);
  emit(HostJoined{now(), host, cluster});
}

void World::start() {
  start_operations();
  for (size_t h = 0; h < spec_.hosts.size(); ++h)
    if (spec_.host_present_at_start[h]) join_host(static_cast<int>(h), spec_.hosts[h].cluster);
  for (size_t v = 0; v < spec_.vms.size(); ++v)
    if (!spec_.vms[v].start_powered_off) sim_.schedule(spec_.vms[v].power_on_at_s, PowerOnDue{static_cast<int>(v)});
  for (size_t o = 0; o < spec_.operations.size(); ++o)
    sim_.schedule(spec_.operations[o].at_s, OpDue{static_cast<int>(o)});
  // Samples go last at their time (scheduled after everything else due then).
  std::vector<std::pair<double, bool>> samples;
  for (double t = 0; t < spec_.horizon_s; t += spec_.sample_interval_s) samples.push_back({t, false});
  samples.push_back({spec_.horizon_s, false});
  for (double g : spec_.graph_at_s) {
    auto it = std::find_if(samples.begin(), samples.end(), [&](const auto& s) { return s.first == g; });
    if (it != samples.end()) it->second = true;
    else samples.push_back({g, true});
  }
  std::stable_sort(samples.begin(), samples.end());
  for (const auto& [t, graph] : samples) sim_.schedule(t, SampleDue{graph});
}

void World::handle(const Timer& timer) {
  std::visit(
      [&](const auto& t) {
        using T = std::decay_t<decltype(t)>;
        if constexpr (std::is_same_v<T, OpDue>) {
          run_operation(t.op);
        } else if constexpr (std::is_same_v<T, PowerOnDue>) {
          if (vms_[t.vm].power == Power::off && !vms_[t.vm].cold_moving) power_on(t.vm, spec_.vms[t.vm].host);
        } else if constexpr (std::is_same_v<T, BootDone>) {
          if (vms_[t.vm].epoch == t.epoch && vms_[t.vm].power == Power::booting) boot_done(t.vm, t.new_view);
        } else if constexpr (std::is_same_v<T, ColdMoveDone>) {
          if (vms_[t.vm].epoch == t.epoch && vms_[t.vm].cold_moving) cold_move_done(t.vm, t.dst);
        } else if constexpr (std::is_same_v<T, SoftwareRestartDue>) {
          VmState& v = vms_[t.vm];
          SoftwareState& s = v.sw[t.sw];
          if (t.after_crash) {
            if (v.power == Power::running && s.epoch == t.epoch) planned_restart(t.vm, t.sw, true);
          } else if (s.restart_token == t.epoch) {
            s.restart_pending = false;
            if (v.power == Power::running && s.running) planned_restart(t.vm, t.sw, false);
          }
        } else if constexpr (std::is_same_v<T, SampleDue>) {
          sample(t.graph);
        } else if constexpr (std::is_same_v<T, DrsDue>) {
          drs_pass();
        } else if constexpr (std::is_same_v<T, DailyDue>) {
          daily();
        } else if constexpr (std::is_same_v<T, WindowDue>) {
          window();
        } else if constexpr (std::is_same_v<T, HostFailDue>) {
          if (hosts_[t.host].epoch == t.epoch) host_fails(t.host);
        } else if constexpr (std::is_same_v<T, HostRepairDue>) {
          if (hosts_[t.host].epoch == t.epoch && !hosts_[t.host].up) host_repaired(t.host);
        } else if constexpr (std::is_same_v<T, ArrivalDue>) {
          arrival(t.arrival);
        } else if constexpr (std::is_same_v<T, DepartureDue>) {
          if (vms_[t.vm].epoch == t.epoch) departure(t.vm);
        } else if constexpr (std::is_same_v<T, PatchDue>) {
          patch(t.slot, t.power_cycle);
        } else if constexpr (std::is_same_v<T, FaultDue>) {
          const VmState& v = vms_[t.vm];
          if (v.power == Power::running && v.sw[t.sw].running && v.sw[t.sw].epoch == t.epoch) fault(t.vm, t.sw);
        }
      },
      timer);
  ++events_;
  // Every timer in small worlds; in large ones often enough that the check
  // costs a few operations per timer (and always at the end).
  if (events_ % std::max<uint64_t>(1, (vms_.size() + hosts_.size()) / 2000 * 1000) == 0) check_invariants();
}

// ---- power ----

void World::power_on(int vm, int preferred_host) {
  std::vector<int> candidates;
  if (preferred_host >= 0) candidates.push_back(preferred_host);
  else candidates = clusters_[spec_.vms[vm].cluster].hosts;
  std::string why;
  FeatureSet missing;
  int host = choose_host(vm, candidates, &why, &missing);
  if (host < 0) {
    emit(PowerOnRefused{now(), vm, candidates.size() == 1 ? candidates[0] : -1, missing,
                        candidates.empty() ? "its cluster has no hosts" : why});
    return;
  }
  BootView bv = policy_->power_on(vm_view(vm), host_view(host));
  vms_[vm].guest_view = bv.view;
  vms_[vm].has_view = true;
  boot_on(vm, host, true);
}

void World::boot_on(int vm, int host, bool new_view) {
  VmState& v = vms_[vm];
  place(vm, host);
  v.power = Power::booting;
  ++v.epoch;
  emit(VmPoweredOn{now(), vm, host, v.guest_view, new_view});
  if (new_view) note_view_change(vm);
  sim_.schedule(now() + spec_.migration.reboot_s, BootDone{vm, v.epoch, new_view});
}

void World::boot_done(int vm, bool new_view) {
  VmState& v = vms_[vm];
  v.power = Power::running;
  for (auto& s : v.sw) s.gave_up = false, s.crash_streak = 0;  // a boot starts every program afresh
  const auto& sw = *spec_.vms[vm].software;
  // The kernel first, then applications.
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < sw.size(); ++i)
      if (sw[i].kernel == (pass == 0) && v.power == Power::running)
        start_software(vm, static_cast<int>(i), new_view ? "power-on" : "reboot");
}

void World::stop_all_software(int vm) {
  for (auto& s : vms_[vm].sw) {
    s.running = false;
    ++s.epoch;
  }
}

void World::power_off(int vm, const std::string& reason) {
  VmState& v = vms_[vm];
  int host = v.host;
  stop_all_software(vm);
  unplace(vm);
  v.power = Power::off;
  v.has_view = false;
  ++v.epoch;
  emit(VmPoweredOff{now(), vm, host, reason});
  if (!v.cold_moving) note_view_change(vm);  // off for good (as far as a raise is concerned)
}

void World::guest_reboot(int vm, bool power_cycle) {
  VmState& v = vms_[vm];
  stop_all_software(vm);
  std::string why = power_cycle ? "power cycle" : "guest reboot";
  if (power_cycle) {
    BootView bv = policy_->power_on(vm_view(vm), host_view(v.host));
    if (!bv.ok) {
      power_off(vm, fmt::format("power cycle refused on {}: {}", spec_.hosts[v.host].name, bv.reason));
      return;
    }
    if (!v.guest_view.contains(bv.view)) why = "power cycle (picks up a raised baseline)";
    v.guest_view = bv.view;
  }
  v.power = Power::booting;
  ++v.epoch;
  emit(VmRebooted{now(), vm, v.host, power_cycle, why});
  if (power_cycle) note_view_change(vm);
  sim_.schedule(now() + spec_.migration.reboot_s, BootDone{vm, v.epoch, power_cycle});
}

// ---- software ----

void World::start_software(int vm, int sw, const std::string& why) {
  VmState& v = vms_[vm];
  SoftwareState& s = v.sw[sw];
  const SoftwareSpec& spec = (*spec_.vms[vm].software)[sw];
  const FeatureSet& physical = hosts_[v.host].cpu->features;
  s.running = false;
  ++s.epoch;
  FeatureSet active;
  switch (spec.detection) {
    case Detection::cpuid: active = spec.uses & v.guest_view; break;
    case Detection::probe: active = spec.uses & physical; break;
    case Detection::fixed: {
      FeatureSet missing = lacking(v.guest_view, spec.uses);
      if (!missing.empty()) {
        emit(SoftwareRefused{now(), vm, sw, missing});
        return;
      }
      active = spec.uses;
      break;
    }
  }
  s.running = true;
  s.active = active;
  emit(SoftwareStarted{now(), vm, sw, active, why});
  if (lacking(physical, active).empty()) {
    s.crash_streak = 0;
    s.fault_src = s.fault_dst = -1;
    if (spec.kernel) v.crash_streak = 0;
  } else {
    arm_fault_if_missing(vm, sw, -1, -1);
  }
  schedule_planned_restart(vm, sw);
}

// Deployments: one pending timer per program at most (restarts for other
// reasons keep it), so reboots do not pile up stale timers.
void World::schedule_planned_restart(int vm, int sw) {
  const SoftwareSpec& spec = (*spec_.vms[vm].software)[sw];
  SoftwareState& s = vms_[vm].sw[sw];
  if (spec.restarts_per_day <= 0 || s.restart_pending) return;
  double dt = restart_rng_.exponential(spec.restarts_per_day / 86400.0);
  s.restart_pending = true;
  sim_.schedule(now() + dt, SoftwareRestartDue{vm, sw, ++s.restart_token, false});
}

void World::planned_restart(int vm, int sw, bool after_crash) {
  if (vms_[vm].sw[sw].gave_up) return;
  start_software(vm, sw, after_crash ? "restart after crash" : "restart");
}

void World::arm_fault_if_missing(int vm, int sw, int src, int dst) {
  VmState& v = vms_[vm];
  SoftwareState& s = v.sw[sw];
  if (!s.running) return;
  if (lacking(hosts_[v.host].cpu->features, s.active).empty()) return;
  if (src >= 0) {  // a restart on the same host keeps the migration that started the trouble
    s.fault_src = src;
    s.fault_dst = dst;
  }
  double rate = (*spec_.vms[vm].software)[sw].uses_per_s;
  sim_.schedule(now() + fault_rng_.exponential(rate), FaultDue{vm, sw, s.epoch});
}

std::string World::crash_cause(int vm, int sw, const FeatureSet& missing) const {
  const VmState& v = vms_[vm];
  const SoftwareSpec& spec = (*spec_.vms[vm].software)[sw];
  const SoftwareState& s = v.sw[sw];
  if (spec.detection == Detection::probe && !(missing - v.guest_view).empty()) return "probing-software";
  if (policy_->name() == "unsafe-override") return "unsafe-override";
  if (s.fault_src >= 0 && hosts_[s.fault_src].cpu->vendor() != hosts_[s.fault_dst].cpu->vendor())
    return "cross-vendor";
  if (policy_->name() == "per-vm-mask" && s.fault_src >= 0 &&
      masked_features(*hosts_[s.fault_src].cpu, v.effective_masks) != v.guest_view)
    return "mask-changed-after-power-on";
  return "guest-view-not-checked";
}

void World::fault(int vm, int sw) {
  VmState& v = vms_[vm];
  SoftwareState& s = v.sw[sw];
  FeatureSet missing = lacking(hosts_[v.host].cpu->features, s.active);
  if (missing.empty()) return;  // it moved to a host with the features before the next use
  const SoftwareSpec& spec = (*spec_.vms[vm].software)[sw];
  std::string cause = crash_cause(vm, sw, missing);
  emit(Crash{now(), vm, sw, spec.kernel, v.host, missing, s.fault_src, s.fault_dst, cause});
  if (spec.kernel) {
    if (++v.crash_streak > spec_.migration.max_crash_loops) {
      power_off(vm, fmt::format("HA powered it off after {} guest crashes in a row", v.crash_streak));
      return;
    }
    guest_reboot(vm, spec_.vms[vm].power_cycle_on_reboot);
    return;
  }
  s.running = false;
  ++s.epoch;
  if (++s.crash_streak > spec_.migration.max_crash_loops) {
    s.gave_up = true;
    emit(SoftwareGaveUp{now(), vm, sw, s.crash_streak});
    return;
  }
  sim_.schedule(now() + spec.restart_delay_s, SoftwareRestartDue{vm, sw, s.epoch, true});
}

// ---- operations ----

void World::refuse(int op, std::string reason) { emit(OperationRefused{now(), op, std::move(reason)}); }

void World::run_operation(int op) {
  const OperationSpec& o = spec_.operations[op];
  auto vm_name = [&](int vm) { return spec_.vms[vm].name; };
  switch (o.kind) {
    case OpKind::migrate:
      for (int vm : o.vms) migrate(op, vm, o.host);
      break;
    case OpKind::cold_migrate:
      for (int vm : o.vms) cold_migrate(op, vm, o.host);
      break;
    case OpKind::power_on:
      for (int vm : o.vms) {
        if (vms_[vm].power != Power::off || vms_[vm].cold_moving) refuse(op, fmt::format("{} is already on", vm_name(vm)));
        else power_on(vm, o.host);
      }
      break;
    case OpKind::power_off:
      for (int vm : o.vms) {
        if (vms_[vm].power == Power::off) refuse(op, fmt::format("{} is already off", vm_name(vm)));
        else if (vms_[vm].migrating) refuse(op, fmt::format("{} is migrating", vm_name(vm)));
        else power_off(vm, "powered off by the schedule");
      }
      break;
    case OpKind::reboot:
    case OpKind::power_cycle:
      for (int vm : o.vms) {
        if (vms_[vm].power != Power::running) refuse(op, fmt::format("{} is not running", vm_name(vm)));
        else if (vms_[vm].migrating) refuse(op, fmt::format("{} is migrating", vm_name(vm)));
        else guest_reboot(vm, o.kind == OpKind::power_cycle || spec_.vms[vm].power_cycle_on_reboot);
      }
      break;
    case OpKind::set_mask:
      for (int vm : o.vms) {
        for (const auto& [reg, mask] : o.masks) vms_[vm].custom_masks[reg] = mask;
        vms_[vm].effective_masks = overlay_masks(vms_[vm].custom_masks, spec_.policy.default_masks);
        emit(MaskChanged{now(), vm});
      }
      break;
    case OpKind::add_host:
      for (int h : o.new_hosts) {
        const ClusterState& c = clusters_[o.cluster];
        if (c.baseline) {
          Admission a = check_admission(*hosts_[h].cpu, *c.baseline);
          if (!a.ok) {
            emit(HostJoinRefused{now(), h, o.cluster, a.missing, a.reason});
            continue;
          }
        }
        join_host(h, o.cluster);
      }
      break;
    case OpKind::remove_host: {
      int h = o.host;
      if (!hosts_[h].present) return refuse(op, fmt::format("host {} is not in the inventory", spec_.hosts[h].name));
      if (!hosts_[h].vms.empty() || hosts_[h].ram_reserved_mib > 0)
        return refuse(op, fmt::format("host {} still runs {} VM(s) or receives one: evacuate it first",
                                      spec_.hosts[h].name, hosts_[h].vms.size()));
      hosts_[h].present = false;
      auto& list = clusters_[spec_.hosts[h].cluster].hosts;
      list.erase(std::find(list.begin(), list.end(), h));
      recompute_lcd(spec_.hosts[h].cluster);
      emit(HostRemoved{now(), h});
      break;
    }
    case OpKind::set_baseline: set_baseline(op); break;
    case OpKind::maintenance:
      if (!hosts_[o.host].present || !hosts_[o.host].up)
        return refuse(op, fmt::format("host {} is not up in the inventory", spec_.hosts[o.host].name));
      if (hosts_[o.host].maintenance) return refuse(op, fmt::format("host {} is already in maintenance", spec_.hosts[o.host].name));
      enter_maintenance(o.host, "scheduled", false);
      break;
    case OpKind::exit_maintenance:
      if (!hosts_[o.host].maintenance) return refuse(op, fmt::format("host {} is not in maintenance", spec_.hosts[o.host].name));
      hosts_[o.host].maintenance = false;
      break;
  }
}

void World::migrate(int op, int vm, int dst) {
  VmState& v = vms_[vm];
  const std::string& name = spec_.vms[vm].name;
  if (v.power != Power::running) return refuse(op, fmt::format("{} is not running", name));
  if (v.migrating || v.cold_moving) return refuse(op, fmt::format("{} is already migrating", name));
  if (!hosts_[dst].present) return refuse(op, fmt::format("host {} is not in the inventory", spec_.hosts[dst].name));
  if (!hosts_[dst].up) return refuse(op, fmt::format("host {} is down", spec_.hosts[dst].name));
  if (hosts_[dst].maintenance) return refuse(op, fmt::format("host {} is in maintenance", spec_.hosts[dst].name));
  if (v.host == dst) return refuse(op, fmt::format("{} already runs on {}", name, spec_.hosts[dst].name));
  if (!rules_allow(vm, dst)) return refuse(op, fmt::format("a DRS rule keeps {} off {}", name, spec_.hosts[dst].name));
  if (!has_room(dst, vm))
    return refuse(op, fmt::format("host {} has {} MiB free, {} needs {} MiB", spec_.hosts[dst].name,
                                  hosts_[dst].ram_mib - hosts_[dst].ram_reserved_mib, name, spec_.vms[vm].ram_mib));
  int src = v.host;
  const CpuModel& s = *hosts_[src].cpu;
  const CpuModel& d = *hosts_[dst].cpu;
  if (s.vendor() != d.vendor() && !spec_.policy.allow_cross_vendor) {
    emit(MigrationBlocked{now(), vm, src, dst, "cross-vendor", {},
                          fmt::format("cross-vendor live migration ({} to {}) is refused unless the policy allows it",
                                      s.vendor(), d.vendor())});
    return;
  }
  Verdict verdict = policy_->check_migration(vm_view(vm), host_view(src), host_view(dst));
  if (!verdict.ok) {
    emit(MigrationBlocked{now(), vm, src, dst, verdict.code, verdict.missing, verdict.reason});
    return;
  }
  start_live_migration(vm, dst);
}

bool World::start_live_migration(int vm, int dst) {
  VmState& v = vms_[vm];
  int src = v.host;
  v.migrating = true;
  v.migration_dst = dst;
  hosts_[dst].ram_reserved_mib += spec_.vms[vm].ram_mib;
  ++hosts_[src].migrations;
  ++hosts_[dst].migrations;
  ++in_flight_;
  emit(MigrationStarted{now(), vm, src, dst});
  sim_.start_migration(make_migration_job(spec_, vm, src, dst));
  return true;
}

void World::migration_done(const MigrationJob& job, const MigrationOutcome& out) {
  VmState& v = vms_[job.vm];
  --in_flight_;
  --hosts_[job.src].migrations;
  --hosts_[job.dst].migrations;
  v.migrating = false;
  v.migration_dst = -1;
  if (v.host != job.src || v.power == Power::off || !hosts_[job.dst].up || !hosts_[job.dst].present) {
    hosts_[job.dst].ram_reserved_mib -= spec_.vms[job.vm].ram_mib;
    emit(MigrationBlocked{now(), job.vm, job.src, job.dst, "aborted", {},
                          v.host != job.src || v.power == Power::off ? "the VM stopped during the migration"
                                                                     : "the destination failed during the migration"});
    if (hosts_[job.src].maintenance && hosts_[job.src].up && v.host == job.src) evacuate(job.src);
    check_maintenance_done(job.src);
    return;
  }
  auto& list = hosts_[job.src].vms;
  list.erase(std::find(list.begin(), list.end(), job.vm));
  hosts_[job.src].ram_reserved_mib -= spec_.vms[job.vm].ram_mib;
  hosts_[job.src].demand -= spec_.vms[job.vm].cpu_demand;
  hosts_[job.dst].vms.push_back(job.vm);  // RAM was reserved when the migration started
  hosts_[job.dst].demand += spec_.vms[job.vm].cpu_demand;
  v.host = job.dst;
  emit(MigrationCompleted{now(), job.vm, job.src, job.dst, out.duration_s, out.downtime_s, out.rounds,
                          out.bytes_sent / (1024.0 * 1024.0)});
  for (size_t i = 0; i < v.sw.size(); ++i) arm_fault_if_missing(job.vm, static_cast<int>(i), job.src, job.dst);
  if (hosts_[job.src].maintenance && hosts_[job.src].up && !hosts_[job.src].vms.empty()) evacuate(job.src);  // the next ones
  check_maintenance_done(job.src);
  if (hosts_[job.dst].maintenance) evacuate(job.dst);  // it landed on a host being emptied
}

void World::cold_migrate(int op, int vm, int dst) {
  VmState& v = vms_[vm];
  const std::string& name = spec_.vms[vm].name;
  if (v.power == Power::off) return refuse(op, fmt::format("{} is powered off: power it on at the destination instead", name));
  if (v.migrating || v.cold_moving) return refuse(op, fmt::format("{} is already migrating", name));
  if (!hosts_[dst].present) return refuse(op, fmt::format("host {} is not in the inventory", spec_.hosts[dst].name));
  if (v.host == dst) return refuse(op, fmt::format("{} already runs on {}", name, spec_.hosts[dst].name));
  if (!has_room(dst, vm))
    return refuse(op, fmt::format("host {} has no room for {}", spec_.hosts[dst].name, name));
  int src = v.host;
  power_off(vm, fmt::format("cold migration to {}", spec_.hosts[dst].name));
  v.cold_moving = true;
  v.cold_dst = dst;
  hosts_[dst].ram_reserved_mib += spec_.vms[vm].ram_mib;
  emit(ColdMigration{now(), vm, src, dst, spec_.migration.cold_outage_s});
  double move_s = std::max(0.0, spec_.migration.cold_outage_s - spec_.migration.reboot_s);
  sim_.schedule(now() + move_s, ColdMoveDone{vm, v.epoch, dst});
}

void World::cold_move_done(int vm, int dst) {
  VmState& v = vms_[vm];
  v.cold_moving = false;
  v.cold_dst = -1;
  hosts_[dst].ram_reserved_mib -= spec_.vms[vm].ram_mib;
  BootView bv = policy_->power_on(vm_view(vm), host_view(dst));
  if (!bv.ok) {
    emit(PowerOnRefused{now(), vm, dst, bv.missing, bv.reason});
    return;
  }
  v.guest_view = bv.view;
  v.has_view = true;
  boot_on(vm, dst, true);
}

void World::set_baseline(int op) {
  const OperationSpec& o = spec_.operations[op];
  std::string why;
  if (!apply_baseline(o.cluster, o.baseline, &why)) refuse(op, why);
}

// Enabling a baseline needs every host to join it and the VMs that see more
// powered off (all VMs, with enable_needs_all_off); raising keeps running VMs
// on their old view until a power cycle; lowering needs the VMs above it off.
bool World::apply_baseline(int cluster, const std::optional<Baseline>& to_b, std::string* why) {
  ClusterState& c = clusters_[cluster];
  const std::string& cname = spec_.clusters[cluster].name;
  std::string from = c.baseline ? c.baseline->name : "none";
  std::string to = to_b ? to_b->name : "none";
  if (to_b) {
    for (int h : c.hosts) {
      Admission a = check_admission(cpu_of(h), *to_b);
      if (!a.ok) {
        *why = fmt::format("cluster {} cannot take baseline {}: {}", cname, to, a.reason);
        return false;
      }
    }
    bool raising = c.baseline && to_b->features.contains(c.baseline->features);
    if (!raising) {
      bool all = !c.baseline && spec_.refresh.enable_needs_all_off;
      std::vector<std::string> above;
      for (int h : c.hosts)
        for (int vm : hosts_[h].vms)
          if (all || !to_b->features.contains(vms_[vm].guest_view)) above.push_back(spec_.vms[vm].name);
      if (!above.empty()) {
        if (above.size() > 5) above.resize(5), above.push_back("...");
        *why = fmt::format("{} baseline {} on cluster {}: power off the VMs that see more first ({})",
                           c.baseline ? "lowering to" : "enabling", to, cname, fmt::join(above, ", "));
        return false;
      }
    }
  }
  c.baseline = to_b;
  emit(BaselineChanged{now(), cluster, from, to});
  return true;
}

// ---- sampling ----

void World::sample(bool with_graph) {
  Snapshot snap;
  snap.t = now();
  std::vector<FeatureId> ids;
  for (const auto& n : notable_features()) ids.push_back(feature_id(n));
  std::vector<int> counts(ids.size(), 0);
  for (const VmState& v : vms_) {
    if (v.power == Power::off) {
      ++snap.vms_off;
      continue;
    }
    ++snap.vms_on;
    for (size_t i = 0; i < ids.size(); ++i) counts[i] += v.guest_view.test(ids[i]);
    std::string level = "below x86-64-v1";
    for (const Baseline* b : levels_)
      if (v.guest_view.contains(b->features)) level = b->name;
    snap.vms_by_level[level]++;
  }
  for (size_t i = 0; i < ids.size(); ++i) snap.feature_counts.emplace_back(notable_features()[i], counts[i]);
  std::vector<HostClass> classes;
  double sum = 0, sum2 = 0;
  int present = 0;
  for (size_t c = 0; c < clusters_.size(); ++c) {
    const ClusterState& cs = clusters_[c];
    snap.baselines.push_back(cs.baseline ? cs.baseline->name : "none");
    snap.baseline_features.push_back(cs.baseline ? static_cast<int>(cs.baseline->features.count()) : 0);
    for (int h : cs.hosts) {
      const CpuModel& hc = cpu_of(h);
      snap.hosts_by_generation[hc.generation.empty() ? hc.name : hc.generation]++;
      double load = this->load(h);
      sum += load;
      sum2 += load * load;
      ++present;
      auto it = std::find_if(classes.begin(), classes.end(), [&](const HostClass& k) {
        return k.cluster == static_cast<int>(c) && k.cpu == hosts_[h].cpu.get();
      });
      if (it == classes.end()) classes.push_back(HostClass{static_cast<int>(c), hosts_[h].cpu.get(),
                                                           cs.baseline ? &*cs.baseline : nullptr, cs.lcd, 1});
      else ++it->hosts;
    }
  }
  if (present > 0) {
    double mean = sum / present;
    snap.imbalance = std::sqrt(std::max(0.0, sum2 / present - mean * mean));
  }
  for (const ClusterState& cs : clusters_) snap.imbalance_left = std::max(snap.imbalance_left, cs.imbalance_left);
  auto graph = std::make_shared<CompatibilityGraph>(build_compatibility_graph(
      std::move(classes), *policy_, spec_.policy.default_masks, spec_.policy.allow_cross_vendor));
  snap.domains = graph->domains;
  for (int h : graph->domain_hosts) snap.largest_domain_hosts = std::max(snap.largest_domain_hosts, h);
  if (with_graph) snap.graph = std::move(graph);
  emit(snap);
}

// ---- checks ----

void World::check_invariants() const {
  std::vector<int> seen(vms_.size(), 0);
  std::vector<int64_t> booked(hosts_.size(), 0);
  for (size_t h = 0; h < hosts_.size(); ++h)
    for (int vm : hosts_[h].vms) {
      if (++seen[vm] > 1)
        throw std::logic_error(fmt::format("invariant: VM {} is on two hosts", spec_.vms[vm].name));
      if (vms_[vm].host != static_cast<int>(h))
        throw std::logic_error(fmt::format("invariant: VM {} is listed on {} but records host {}", spec_.vms[vm].name,
                                           spec_.hosts[h].name, vms_[vm].host));
      if (!hosts_[h].present)
        throw std::logic_error(fmt::format("invariant: VM {} runs on absent host {}", spec_.vms[vm].name, spec_.hosts[h].name));
      booked[h] += spec_.vms[vm].ram_mib;
    }
  for (size_t vm = 0; vm < vms_.size(); ++vm) {
    const VmState& v = vms_[vm];
    bool off = v.power == Power::off;
    if (off && (seen[vm] != 0 || v.host != -1))
      throw std::logic_error(fmt::format("invariant: VM {} is off but placed on a host", spec_.vms[vm].name));
    if (!off && seen[vm] != 1)
      throw std::logic_error(fmt::format("invariant: VM {} is on but on {} hosts", spec_.vms[vm].name, seen[vm]));
    if (v.migrating) booked[v.migration_dst] += spec_.vms[vm].ram_mib;
    if (v.cold_moving) booked[v.cold_dst] += spec_.vms[vm].ram_mib;
  }
  for (size_t h = 0; h < hosts_.size(); ++h) {
    if (booked[h] != hosts_[h].ram_reserved_mib || hosts_[h].ram_reserved_mib > hosts_[h].ram_mib)
      throw std::logic_error(fmt::format("invariant: host {} books {} MiB for {} MiB of VMs (capacity {} MiB)",
                                         spec_.hosts[h].name, hosts_[h].ram_reserved_mib, booked[h],
                                         hosts_[h].ram_mib));
  }
}

void World::finish() {
  check_invariants();
  for (Listener* l : listeners_) l->on_end(now());
}

}  // namespace evcsim
