#include "sim/controllers/workload.hpp"

#include <cmath>

namespace evcsim {

namespace {
constexpr double kDay = 86400;
constexpr int kPatchSlots = 240;  // a patch window spreads VMs over 240 minutes
}  // namespace

WorkloadController::WorkloadController(Env& env, Inventory& inv, GuestModel& guests, Placement& placement)
    : env_(env), spec_(env.spec), inv_(inv), guests_(guests), placement_(placement), rng_(env.spec.seed, "workload"),
      arrived_(env.spec.vms.size(), 0) {}

void WorkloadController::start_patch_windows() {
  if (spec_.workload.reboot_every_days > 0 || spec_.workload.power_cycle_every_days > 0)
    env_.schedule(kDay, [this] { daily(); });
}

void WorkloadController::start_arrivals() {
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
  for (int vm = ar.first_vm; vm < ar.end_vm; ++vm) {
    const VmRec& v = inv_.vms[vm];
    if (v.power != Power::off || v.cold_moving || arrived_[vm]) continue;
    arrived_[vm] = 1;
    env_.emit(VmArrived{env_.now(), vm});
    placement_.power_on(vm, -1);
    if (spec_.vms[vm].lifetime_days > 0) {
      const uint32_t epoch = inv_.vms[vm].epoch;
      env_.schedule(env_.now() + rng_.exponential(1 / (spec_.vms[vm].lifetime_days * kDay)), [this, vm, epoch] {
        if (inv_.vms[vm].epoch == epoch) departure(vm);
      });
    }
    break;
  }
  env_.schedule(env_.now() + rng_.exponential(ar.per_day / kDay), [this, a] { arrival(a); });
}

void WorkloadController::departure(int vm) {
  if (inv_.vms[vm].power == Power::off || inv_.vms[vm].migrating) return;
  env_.emit(VmDeparted{env_.now(), vm});
  guests_.power_off(vm, VmPoweredOff{0, vm, -1, PowerOffReason::departed});
}

void WorkloadController::patch(int slot, bool power_cycle) {
  for (size_t vm = static_cast<size_t>(slot); vm < inv_.vms.size(); vm += kPatchSlots) {
    const VmRec& v = inv_.vms[vm];
    if (v.power != Power::running || v.migrating) continue;
    guests_.guest_reboot(static_cast<int>(vm), power_cycle || spec_.vms[vm].power_cycle_on_reboot);
  }
}

}  // namespace evcsim
