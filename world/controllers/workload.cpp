#include "world/controllers/workload.hpp"

#include <cmath>

namespace evcsim {

namespace {
constexpr double kDay = 86400;
constexpr int kPatchSlots = 240;  // a patch window spreads VMs over 240 minutes
}  // namespace

WorkloadController::WorkloadController(Env& env, Inventory& inv, GuestModel& guests, Placement& placement)
    : env_(env),
      spec_(env.spec),
      inv_(inv),
      guests_(guests),
      placement_(placement),
      rng_(env.spec.seed, "workload"),
      arrived_(env.spec.vms.size(), 0),
      life_(env.spec.vms.size(), 0) {}

void WorkloadController::start_patch_windows() {
  if (spec_.workload.reboot_every_days > 0 || spec_.workload.power_cycle_every_days > 0)
    env_.schedule(kDay, [this] { daily(); });
}

void WorkloadController::start_arrivals() {
  // The VMs present at the start have lived part of their lives: with
  // exponential lifetimes the rest is again exponential with the same mean
  // (their ages spread as a steady fleet's would), so they leave over the run.
  for (size_t vm = 0; vm < spec_.vms.size(); ++vm) {
    const VmSpec& v = spec_.vms[vm];
    if (v.arrival_slot || v.lifetime_days <= 0 || v.start_powered_off) continue;
    arrived_[vm] = 1;
    schedule_departure(static_cast<int>(vm), v.power_on_at_s + rng_.exponential(1 / (v.lifetime_days * kDay)));
  }
  for (size_t a = 0; a < spec_.arrivals.size(); ++a) {
    const int ai = static_cast<int>(a);
    env_.schedule(rng_.exponential(spec_.arrivals[a].per_day / kDay), [this, ai] { arrival(ai); });
  }
}

// Patch windows: spread the VMs over the following four hours. A power
// cycle due the same day replaces the guest reboot.
void WorkloadController::daily() {
  const double day = std::floor(env_.now() / kDay + 0.5);
  const auto& w = spec_.workload;
  auto due = [&](double every) { return every > 0 && std::fmod(day, std::round(every)) == 0; };
  bool cycle = due(w.power_cycle_every_days), reboot = due(w.reboot_every_days);
  if (cycle || reboot)
    for (int slot = 0; slot < kPatchSlots; ++slot)
      env_.schedule(env_.now() + slot * 60.0, [this, slot, cycle] { patch(slot, cycle); });
  env_.schedule(env_.now() + kDay, [this] { daily(); });
}

void WorkloadController::arrival(int a) {
  const ArrivalSpec& ar = spec_.arrivals[a];
  bool placed = false;
  for (int vm = ar.first_vm; vm < ar.end_vm && !placed; ++vm) {
    const VmRec& v = inv_.vms[vm];
    if (v.power != Power::off || v.cold_moving || arrived_[vm]) continue;
    arrived_[vm] = 1;
    placed = true;
    env_.emit(VmArrived{env_.now(), vm});
    placement_.power_on(vm, -1);
    if (spec_.vms[vm].lifetime_days > 0)
      schedule_departure(vm, env_.now() + rng_.exponential(1 / (spec_.vms[vm].lifetime_days * kDay)));
  }
  if (!placed) env_.emit(ArrivalWithoutSlot{env_.now(), a});
  env_.schedule(env_.now() + rng_.exponential(ar.per_day / kDay), [this, a] { arrival(a); });
}

// The departure belongs to the VM's life in its slot, not to one boot of it.
void WorkloadController::schedule_departure(int vm, double at) {
  const uint32_t token = ++life_[vm];
  env_.schedule(at, [this, vm, token] {
    if (life_[vm] == token && arrived_[vm]) departure(vm);
  });
}

void WorkloadController::departure(int vm) {
  const VmRec& v = inv_.vms[vm];
  if (v.migrating || v.cold_moving) {  // leaves once the move is over (a cold move ends running)
    schedule_departure(vm, env_.now() + 60);
    return;
  }
  env_.emit(VmDeparted{env_.now(), vm});
  if (v.power != Power::off) guests_.power_off(vm, VmPoweredOff{0, vm, -1, PowerOffReason::departed});
  arrived_[vm] = 0;  // the slot is free for a later arrival
  placement_.forget(vm);
}

void WorkloadController::patch(int slot, bool power_cycle) {
  for (size_t vm = static_cast<size_t>(slot); vm < inv_.vms.size(); vm += kPatchSlots) {
    const VmRec& v = inv_.vms[vm];
    if (v.power != Power::running || v.migrating) continue;
    guests_.guest_reboot(static_cast<int>(vm), power_cycle || spec_.vms[vm].power_cycle_on_reboot);
  }
}

}  // namespace evcsim
