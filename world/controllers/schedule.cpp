#include "world/controllers/schedule.hpp"

namespace evcsim {

ScheduleController::ScheduleController(Env& env, Inventory& inv, GuestModel& guests, Placement& placement,
                                       Migrations& migrations, MaintenanceController& maintenance, HaController& ha)
    : env_(env),
      spec_(env.spec),
      inv_(inv),
      guests_(guests),
      placement_(placement),
      migrations_(migrations),
      maintenance_(maintenance),
      ha_(ha) {}

void ScheduleController::start_power_ons() {
  for (size_t v = 0; v < spec_.vms.size(); ++v) {
    if (spec_.vms[v].start_powered_off) continue;
    const int vm = static_cast<int>(v);
    env_.schedule(spec_.vms[v].power_on_at_s, [this, vm] {
      if (inv_.vms[vm].power == Power::off && !inv_.vms[vm].cold_moving) placement_.power_on(vm, spec_.vms[vm].host);
    });
  }
}

void ScheduleController::start_operations() {
  for (size_t o = 0; o < spec_.operations.size(); ++o) {
    const int op = static_cast<int>(o);
    if (!spec_.operations[o].in_part) continue;  // a split run's other parts do it
    env_.schedule(spec_.operations[o].at_s, [this, op] { run(op); });
  }
}

void ScheduleController::refuse(int op, Refusal why) { env_.emit(OperationRefused{env_.now(), op, std::move(why)}); }

namespace {
Refusal about_vm(RefusalCode code, int vm, int host = -1) { return Refusal{code, vm, host, -1, 0, 0, {}, {}, {}}; }
Refusal about_host(RefusalCode code, int host) { return Refusal{code, -1, host, -1, 0, 0, {}, {}, {}}; }
}  // namespace

void ScheduleController::run(int op) {
  const OperationSpec& o = spec_.operations[op];
  switch (o.kind) {
    case OpKind::migrate:
      for (int vm : o.vms) migrate(op, vm, o.host);
      break;
    case OpKind::cold_migrate:
      for (int vm : o.vms) cold_migrate(op, vm, o.host);
      break;
    case OpKind::power_on:
      for (int vm : o.vms) {
        if (inv_.vms[vm].power != Power::off || inv_.vms[vm].cold_moving)
          refuse(op, about_vm(RefusalCode::already_on, vm));
        else placement_.power_on(vm, o.host);
      }
      break;
    case OpKind::power_off:
      for (int vm : o.vms) {
        if (inv_.vms[vm].power == Power::off) refuse(op, about_vm(RefusalCode::already_off, vm));
        else if (inv_.vms[vm].migrating) refuse(op, about_vm(RefusalCode::migrating, vm));
        else guests_.power_off(vm, VmPoweredOff{0, vm, -1, PowerOffReason::schedule});
      }
      break;
    case OpKind::reboot:
    case OpKind::power_cycle:
      for (int vm : o.vms) {
        if (inv_.vms[vm].power != Power::running) refuse(op, about_vm(RefusalCode::not_running, vm));
        else if (inv_.vms[vm].migrating) refuse(op, about_vm(RefusalCode::migrating, vm));
        else guests_.guest_reboot(vm, o.kind == OpKind::power_cycle || spec_.vms[vm].power_cycle_on_reboot, true);
      }
      break;
    case OpKind::set_mask:
      for (int vm : o.vms) {
        VmRec& v = inv_.vms[vm];
        for (const auto& [reg, mask] : o.masks) v.custom_masks[reg] = mask;
        v.effective_masks = overlay_masks(v.custom_masks, spec_.policy.default_masks);
        env_.emit(MaskChanged{env_.now(), vm});
      }
      break;
    case OpKind::add_host:
      add_hosts(o);
      break;
    case OpKind::remove_host:
      remove_host(op, o.host);
      break;
    case OpKind::set_baseline: {
      Refusal why;
      if (!inv_.apply_baseline(o.cluster, o.baseline, &why)) refuse(op, std::move(why));
      break;
    }
    case OpKind::maintenance:
      if (!inv_.hosts[o.host].present || !inv_.hosts[o.host].up)
        return refuse(op, about_host(RefusalCode::host_not_up, o.host));
      if (inv_.hosts[o.host].maintenance) return refuse(op, about_host(RefusalCode::already_in_maintenance, o.host));
      maintenance_.enter(o.host, MaintenanceStarted{0, o.host, MaintenanceKind::scheduled}, false);
      break;
    case OpKind::fail_host:
      if (!inv_.hosts[o.host].present || !inv_.hosts[o.host].up)
        return refuse(op, about_host(RefusalCode::host_not_up, o.host));
      ha_.fail(o.host, o.repair_hours);
      break;
    case OpKind::update_hosts:
      update_requested(op);
      break;
    case OpKind::upgrade_os:
      for (int vm : o.vms)
        if (inv_.vms[vm].guest_os != o.guest_os) guests_.upgrade_os(vm, o.guest_os);
      break;
    case OpKind::exit_maintenance:
      if (!inv_.hosts[o.host].maintenance) return refuse(op, about_host(RefusalCode::not_in_maintenance, o.host));
      maintenance_.exit(o.host);
      break;
  }
}

void ScheduleController::add_hosts(const OperationSpec& o) {
  for (int h : o.new_hosts) {
    const ClusterRec& c = inv_.clusters[o.cluster];
    if (c.baseline) {
      Admission a = check_admission(inv_.cpu_of(h), *c.baseline);
      if (!a.ok) {
        env_.emit(HostJoinRefused{env_.now(), h, o.cluster, a.missing, JoinRefusal::baseline, a.reason});
        continue;
      }
    }
    inv_.join_host(h, o.cluster);
  }
}

void ScheduleController::remove_host(int op, int h) {
  const HostRec& hr = inv_.hosts[h];
  if (!hr.present) return refuse(op, about_host(RefusalCode::host_absent, h));
  if (!hr.vms.empty() || hr.ram_reserved_mib > 0) {
    Refusal why = about_host(RefusalCode::host_not_empty, h);
    why.vms = hr.vms;
    return refuse(op, std::move(why));
  }
  inv_.remove_host(h);
}

// The checks vCenter makes before a migration is admitted by the policy.
std::optional<Refusal> ScheduleController::move_refusal(int vm, int dst, bool live) const {
  const VmRec& v = inv_.vms[vm];
  const HostRec& d = inv_.hosts[dst];
  if (live && v.power != Power::running) return about_vm(RefusalCode::not_running, vm);
  if (!live && v.power == Power::off) return about_vm(RefusalCode::powered_off, vm);
  if (v.migrating || v.cold_moving) return about_vm(RefusalCode::already_migrating, vm);
  if (!d.present) return about_host(RefusalCode::host_absent, dst);
  if (live && !d.up) return about_host(RefusalCode::host_down, dst);
  if (live && d.maintenance) return about_host(RefusalCode::host_in_maintenance, dst);
  if (v.host == dst) return about_vm(RefusalCode::already_there, vm, dst);
  if (live && !inv_.rules_allow(vm, dst)) return about_vm(RefusalCode::rule, vm, dst);
  if (const Inventory::MemoryFit fit = inv_.fit(dst, vm); !fit.ok)
    return Refusal{RefusalCode::no_room, vm, dst, -1, fit.free_mib, fit.need_mib, {}, {}, {}, fit.over_limit};
  return std::nullopt;
}

void ScheduleController::migrate(int op, int vm, int dst) {
  if (auto no = move_refusal(vm, dst, true)) return refuse(op, std::move(*no));
  Verdict verdict = migrations_.admit(vm, dst);
  if (!verdict.ok) {
    env_.emit(MigrationBlocked{env_.now(), vm, inv_.vms[vm].host, dst, verdict.code, verdict.missing, verdict.reason});
    return;
  }
  migrations_.start_live(vm, dst, verdict);
}

void ScheduleController::cold_migrate(int op, int vm, int dst) {
  if (auto no = move_refusal(vm, dst, false)) return refuse(op, std::move(*no));
  migrations_.start_cold(vm, dst, PowerOffReason::cold_migration);
}

}  // namespace evcsim
