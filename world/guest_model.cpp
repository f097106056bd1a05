#include "world/guest_model.hpp"

#include <fmt/format.h>

#include "catalog/guest_os.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {

GuestModel::GuestModel(Env& env, Inventory& inv, const MaskingPolicy& policy)
    : env_(env),
      spec_(env.spec),
      inv_(inv),
      policy_(policy),
      fault_rng_(env.spec, "faults"),
      restart_rng_(env.spec, "restarts"),
      guests_(env.spec.vms.size()) {
  for (size_t v = 0; v < guests_.size(); ++v) guests_[v].sw.resize(spec_.vms[v].software->size());
  for (size_t os = 0; os < guest_os_table().size(); ++os)
    os_floors_.push_back(guest_os_floor(static_cast<int>(os), env.catalog));
}

// The masking policy's view, then the guest OS's floor: a kernel built for
// features the view lacks does not boot (Windows 11 24H2 without POPCNT,
// RHEL 10 below x86-64-v3).
BootView GuestModel::view_at(const VmView& vm_view, const HostView& host) const {
  BootView bv = policy_.power_on(vm_view, host);
  if (!bv.ok || vm_view.guest_os < 0) return bv;
  FeatureSet missing = lacking(bv.view, os_floor(vm_view.guest_os));
  if (missing.empty()) return bv;
  BootView refused;
  refused.missing = missing;
  refused.reason = fmt::format("guest OS {} needs {}", guest_os_table()[static_cast<size_t>(vm_view.guest_os)].name,
                               join_names(missing));
  refused.guest_os_floor = true;
  return refused;
}

bool GuestModel::upgrade_os(int vm, int to) {
  VmRec& v = inv_.vms[vm];
  const int from = v.guest_os;
  const bool running = v.power == Power::running && v.has_view && !v.migrating;
  FeatureSet missing = running ? lacking(v.guest_view, os_floor(to)) : FeatureSet{};
  if (!running || !missing.empty()) {
    env_.emit(OsUpgradeRefused{env_.now(), vm, v.cluster, from, to, missing, !running});
    return false;
  }
  env_.emit(OsUpgraded{env_.now(), vm, from, to});
  v.guest_os = to;
  guest_reboot(vm, false);  // an in-place upgrade ends in a reboot: the kernel of `to`, the view kept
  return true;
}

BootView GuestModel::view_at(int vm, int host) const { return view_at(inv_.vm_view(vm), inv_.host_view(host)); }

void GuestModel::power_on(int vm, int host, const FeatureSet& view) {
  // A VM running at the start on a view captured below its cluster's mode
  // (an inventory's min Required EVC Mode Key) keeps that view until its
  // next power cycle: its first power-on here stands for that running VM.
  const auto& captured = spec_.vms[vm].captured_view;
  const bool first = !guests_[vm].powered_on;
  guests_[vm].powered_on = true;
  inv_.vms[vm].guest_view = first && captured ? view & *captured : view;
  inv_.vms[vm].has_view = true;
  boot_on(vm, host, true);
}

void GuestModel::boot_on(int vm, int host, bool new_view) {
  VmRec& v = inv_.vms[vm];
  inv_.place(vm, host);
  v.power = Power::booting;
  const uint32_t epoch = ++v.epoch;
  power_changed(vm);
  env_.emit(VmPoweredOn{env_.now(), vm, host, v.guest_view, new_view});
  if (new_view) view_changed(vm);
  env_.schedule(env_.now() + spec_.migration.reboot_s, [this, vm, epoch, new_view] {
    if (inv_.vms[vm].epoch == epoch && inv_.vms[vm].power == Power::booting) boot_done(vm, new_view);
  });
}

void GuestModel::boot_done(int vm, bool new_view) {
  VmRec& v = inv_.vms[vm];
  v.power = Power::running;
  for (auto& s : guests_[vm].sw) s.gave_up = false, s.crash_streak = 0;  // a boot starts every program afresh
  const auto& sw = *spec_.vms[vm].software;
  // The kernel first, then applications.
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < sw.size(); ++i)
      if (sw[i].kernel == (pass == 0) && v.power == Power::running)
        start_software(vm, static_cast<int>(i), new_view ? StartReason::power_on : StartReason::reboot);
}

void GuestModel::stop_all_software(int vm) {
  for (auto& s : guests_[vm].sw) {
    s.running = false;
    ++s.epoch;
  }
}

void GuestModel::power_off(int vm, VmPoweredOff how) {
  VmRec& v = inv_.vms[vm];
  how.t = env_.now();
  how.vm = vm;
  how.host = v.host;
  stop_all_software(vm);
  inv_.unplace(vm);
  v.power = Power::off;
  v.has_view = false;
  ++v.epoch;
  power_changed(vm);
  env_.emit(how);
  if (!v.cold_moving) view_changed(vm);  // off for good (as far as a raise is concerned)
  if (how.host >= 0) stopped(vm, how.host);
}

void GuestModel::guest_reboot(int vm, bool power_cycle, bool operation) {
  VmRec& v = inv_.vms[vm];
  stop_all_software(vm);
  bool picks_up = false;
  if (power_cycle) {
    BootView bv = view_at(vm, v.host);
    if (!bv.ok) {
      power_off(vm, VmPoweredOff{0, vm, -1, PowerOffReason::power_cycle_refused, -1, 0, bv.reason});
      return;
    }
    picks_up = !v.guest_view.contains(bv.view);
    v.guest_view = bv.view;
  }
  v.power = Power::booting;
  const uint32_t epoch = ++v.epoch;
  power_changed(vm);
  env_.emit(VmRebooted{env_.now(), vm, v.host, power_cycle, picks_up, operation});
  if (power_cycle) view_changed(vm);
  env_.schedule(env_.now() + spec_.migration.reboot_s, [this, vm, epoch, power_cycle] {
    if (inv_.vms[vm].epoch == epoch && inv_.vms[vm].power == Power::booting) boot_done(vm, power_cycle);
  });
}

void GuestModel::start_software(int vm, int sw, StartReason why) {
  VmRec& v = inv_.vms[vm];
  SoftwareState& s = guests_[vm].sw[sw];
  const SoftwareSpec& spec = (*spec_.vms[vm].software)[sw];
  const FeatureSet& physical = inv_.cpu_of(v.host).features;
  s.running = false;
  ++s.epoch;
  FeatureSet active;
  switch (spec.detection) {
    case Detection::cpuid:
      active = spec.uses & v.guest_view;
      break;
    case Detection::probe:  // what executes: the host's, less the state the guest OS could not enable
      active = spec.uses & (physical - (os_enabled_features() - v.guest_view));
      break;
    case Detection::fixed: {
      const FeatureSet& uses =
          spec.guest_os_kernel ? (v.guest_os >= 0 ? os_floor(v.guest_os) : FeatureSet{}) : spec.uses;
      FeatureSet missing = lacking(v.guest_view, uses);
      if (!missing.empty()) {
        env_.emit(SoftwareRefused{env_.now(), vm, sw, missing});
        return;
      }
      active = uses;
      break;
    }
  }
  s.running = true;
  s.active = active;
  env_.emit(SoftwareStarted{env_.now(), vm, sw, active, why});
  if (lacking(physical, active).empty()) {
    s.crash_streak = 0;
    s.fault_src = s.fault_dst = -1;
    if (spec.kernel) guests_[vm].crash_streak = 0;
  } else {
    arm_fault_if_missing(vm, sw, -1, -1);
  }
  schedule_planned_restart(vm, sw);
}

// Deployments: one pending timer per program at most (restarts for other
// reasons keep it), so reboots do not pile up stale timers.
void GuestModel::schedule_planned_restart(int vm, int sw) {
  const SoftwareSpec& spec = (*spec_.vms[vm].software)[sw];
  SoftwareState& s = guests_[vm].sw[sw];
  if (spec.restarts_per_day <= 0 || s.restart_pending) return;
  double dt = restart_rng_.of_vm(vm).exponential(spec.restarts_per_day / 86400.0);
  s.restart_pending = true;
  const uint32_t token = ++s.restart_token;
  env_.schedule(env_.now() + dt, [this, vm, sw, token] {
    SoftwareState& st = guests_[vm].sw[sw];
    if (st.restart_token != token) return;
    st.restart_pending = false;
    if (inv_.vms[vm].power == Power::running && st.running) planned_restart(vm, sw, false);
  });
}

void GuestModel::planned_restart(int vm, int sw, bool after_crash) {
  if (guests_[vm].sw[sw].gave_up) return;
  start_software(vm, sw, after_crash ? StartReason::restart_after_crash : StartReason::restart);
}

void GuestModel::arm_faults_after_move(int vm, int src, int dst) {
  for (size_t i = 0; i < guests_[vm].sw.size(); ++i) arm_fault_if_missing(vm, static_cast<int>(i), src, dst);
}

void GuestModel::arm_fault_if_missing(int vm, int sw, int src, int dst) {
  VmRec& v = inv_.vms[vm];
  SoftwareState& s = guests_[vm].sw[sw];
  if (!s.running) return;
  if (lacking(inv_.cpu_of(v.host).features, s.active).empty()) return;
  if (src >= 0) {  // a restart on the same host keeps the migration that started the trouble
    s.fault_src = src;
    s.fault_dst = dst;
    s.fault_admission = v.admission;
  }
  double rate = (*spec_.vms[vm].software)[sw].uses_per_s;
  const uint32_t epoch = s.epoch;
  env_.schedule(env_.now() + fault_rng_.of_vm(vm).exponential(rate), [this, vm, sw, epoch] {
    const SoftwareState& st = guests_[vm].sw[sw];
    if (inv_.vms[vm].power == Power::running && st.running && st.epoch == epoch) fault(vm, sw);
  });
}

// Read from the admission record of the move that brought the fault: no
// code here re-derives why a move was admitted.
CrashCause GuestModel::crash_cause(int vm, int sw, const FeatureSet& missing) const {
  const VmRec& v = inv_.vms[vm];
  const SoftwareSpec& spec = (*spec_.vms[vm].software)[sw];
  const SoftwareState& s = guests_[vm].sw[sw];
  if (spec.detection == Detection::probe && !(missing - v.guest_view).empty()) return CrashCause::probing_software;
  if (s.fault_src < 0) return CrashCause::guest_view_not_checked;
  const Verdict& a = s.fault_admission;
  if (a.basis == CheckBasis::skipped) return CrashCause::unsafe_override;
  if (inv_.cpu_of(s.fault_src).vendor() != inv_.cpu_of(s.fault_dst).vendor()) return CrashCause::cross_vendor;
  if (a.basis == CheckBasis::configured_masks && a.checked != v.guest_view)
    return CrashCause::mask_changed_after_power_on;
  return CrashCause::guest_view_not_checked;
}

void GuestModel::fault(int vm, int sw) {
  VmRec& v = inv_.vms[vm];
  GuestState& g = guests_[vm];
  SoftwareState& s = g.sw[sw];
  FeatureSet missing = lacking(inv_.cpu_of(v.host).features, s.active);
  if (missing.empty()) return;  // it moved to a host with the features before the next use
  const SoftwareSpec& spec = (*spec_.vms[vm].software)[sw];
  const CrashCause cause = crash_cause(vm, sw, missing);
  env_.emit(Crash{env_.now(), vm, sw, spec.kernel, v.host, missing, s.fault_src, s.fault_dst, cause});
  if (spec.kernel) {
    if (++g.crash_streak > spec_.migration.max_crash_loops) {
      power_off(vm, VmPoweredOff{0, vm, -1, PowerOffReason::crash_loop, -1, g.crash_streak});
      return;
    }
    guest_reboot(vm, spec_.vms[vm].power_cycle_on_reboot);
    return;
  }
  s.running = false;
  const uint32_t epoch = ++s.epoch;
  if (++s.crash_streak > spec_.migration.max_crash_loops) {
    s.gave_up = true;
    env_.emit(SoftwareGaveUp{env_.now(), vm, sw, s.crash_streak});
    return;
  }
  env_.schedule(env_.now() + spec.restart_delay_s, [this, vm, sw, epoch] {
    if (inv_.vms[vm].power == Power::running && guests_[vm].sw[sw].epoch == epoch) planned_restart(vm, sw, true);
  });
}

FeatureSet GuestModel::in_use(int vm) const {
  FeatureSet used;
  for (const auto& s : guests_[vm].sw)
    if (s.running) used |= s.active;
  return used;
}

}  // namespace evcsim
