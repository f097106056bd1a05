#include "sim/controllers/schedule.hpp"

#include <fmt/format.h>

namespace evcsim {

ScheduleController::ScheduleController(Env& env, Inventory& inv, GuestModel& guests, Placement& placement,
                                       Migrations& migrations, MaintenanceController& maintenance)
    : env_(env), spec_(env.spec), inv_(inv), guests_(guests), placement_(placement), migrations_(migrations),
      maintenance_(maintenance) {}

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
    env_.schedule(spec_.operations[o].at_s, [this, op] { run(op); });
  }
}

void ScheduleController::refuse(int op, std::string reason) {
  env_.emit(OperationRefused{env_.now(), op, std::move(reason)});
}

void ScheduleController::run(int op) {
  const OperationSpec& o = spec_.operations[op];
  auto vm_name = [&](int vm) { return spec_.vms[vm].name; };
  auto host_name = [&](int h) { return spec_.hosts[h].name; };
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
          refuse(op, fmt::format("{} is already on", vm_name(vm)));
        else placement_.power_on(vm, o.host);
      }
      break;
    case OpKind::power_off:
      for (int vm : o.vms) {
        if (inv_.vms[vm].power == Power::off) refuse(op, fmt::format("{} is already off", vm_name(vm)));
        else if (inv_.vms[vm].migrating) refuse(op, fmt::format("{} is migrating", vm_name(vm)));
        else guests_.power_off(vm, "powered off by the schedule");
      }
      break;
    case OpKind::reboot:
    case OpKind::power_cycle:
      for (int vm : o.vms) {
        if (inv_.vms[vm].power != Power::running) refuse(op, fmt::format("{} is not running", vm_name(vm)));
        else if (inv_.vms[vm].migrating) refuse(op, fmt::format("{} is migrating", vm_name(vm)));
        else guests_.guest_reboot(vm, o.kind == OpKind::power_cycle || spec_.vms[vm].power_cycle_on_reboot);
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
    case OpKind::add_host: add_hosts(o); break;
    case OpKind::remove_host: remove_host(op, o.host); break;
    case OpKind::set_baseline: {
      std::string why;
      if (!inv_.apply_baseline(o.cluster, o.baseline, &why)) refuse(op, why);
      break;
    }
    case OpKind::maintenance:
      if (!inv_.hosts[o.host].present || !inv_.hosts[o.host].up)
        return refuse(op, fmt::format("host {} is not up in the inventory", host_name(o.host)));
      if (inv_.hosts[o.host].maintenance)
        return refuse(op, fmt::format("host {} is already in maintenance", host_name(o.host)));
      maintenance_.enter(o.host, "scheduled", false);
      break;
    case OpKind::exit_maintenance:
      if (!inv_.hosts[o.host].maintenance)
        return refuse(op, fmt::format("host {} is not in maintenance", host_name(o.host)));
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
        env_.emit(HostJoinRefused{env_.now(), h, o.cluster, a.missing, a.reason});
        continue;
      }
    }
    inv_.join_host(h, o.cluster);
  }
}

void ScheduleController::remove_host(int op, int h) {
  const HostRec& hr = inv_.hosts[h];
  if (!hr.present) return refuse(op, fmt::format("host {} is not in the inventory", spec_.hosts[h].name));
  if (!hr.vms.empty() || hr.ram_reserved_mib > 0)
    return refuse(op, fmt::format("host {} still runs {} VM(s) or receives one: evacuate it first",
                                  spec_.hosts[h].name, hr.vms.size()));
  inv_.remove_host(h);
}

void ScheduleController::migrate(int op, int vm, int dst) {
  const VmRec& v = inv_.vms[vm];
  const HostRec& d = inv_.hosts[dst];
  const std::string& name = spec_.vms[vm].name;
  const std::string& dst_name = spec_.hosts[dst].name;
  if (v.power != Power::running) return refuse(op, fmt::format("{} is not running", name));
  if (v.migrating || v.cold_moving) return refuse(op, fmt::format("{} is already migrating", name));
  if (!d.present) return refuse(op, fmt::format("host {} is not in the inventory", dst_name));
  if (!d.up) return refuse(op, fmt::format("host {} is down", dst_name));
  if (d.maintenance) return refuse(op, fmt::format("host {} is in maintenance", dst_name));
  if (v.host == dst) return refuse(op, fmt::format("{} already runs on {}", name, dst_name));
  if (!inv_.rules_allow(vm, dst)) return refuse(op, fmt::format("a DRS rule keeps {} off {}", name, dst_name));
  if (!inv_.has_room(dst, vm))
    return refuse(op, fmt::format("host {} has {} MiB free, {} needs {} MiB", dst_name, inv_.free_mib(dst), name,
                                  spec_.vms[vm].ram_mib));
  Verdict verdict = migrations_.admit(vm, dst);
  if (!verdict.ok) {
    env_.emit(MigrationBlocked{env_.now(), vm, v.host, dst, verdict.code, verdict.missing, verdict.reason});
    return;
  }
  migrations_.start_live(vm, dst);
}

void ScheduleController::cold_migrate(int op, int vm, int dst) {
  const VmRec& v = inv_.vms[vm];
  const std::string& name = spec_.vms[vm].name;
  const std::string& dst_name = spec_.hosts[dst].name;
  if (v.power == Power::off)
    return refuse(op, fmt::format("{} is powered off: power it on at the destination instead", name));
  if (v.migrating || v.cold_moving) return refuse(op, fmt::format("{} is already migrating", name));
  if (!inv_.hosts[dst].present) return refuse(op, fmt::format("host {} is not in the inventory", dst_name));
  if (v.host == dst) return refuse(op, fmt::format("{} already runs on {}", name, dst_name));
  if (!inv_.has_room(dst, vm)) return refuse(op, fmt::format("host {} has no room for {}", dst_name, name));
  migrations_.start_cold(vm, dst, fmt::format("cold migration to {}", dst_name));
}

}  // namespace evcsim
