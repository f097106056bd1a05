#include "world/controllers/workload.hpp"

#include <algorithm>
#include <cmath>

#include "base/year_month.hpp"
#include "catalog/guest_os.hpp"

namespace evcsim {

namespace {
constexpr double kDay = 86400;
constexpr double kMonth = 365.25 / 12 * kDay;
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
      life_(env.spec.vms.size(), 0),
      eos_rng_(env.spec.seed, "end-of-support"),
      eos_(env.spec.vms.size(), 0),
      blocked_(env.spec.vms.size(), 0) {}

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
  if (at_end_of_support())
    for (size_t vm = 0; vm < spec_.vms.size(); ++vm) {
      const VmSpec& v = spec_.vms[vm];
      if (v.arrival_slot || v.start_powered_off) continue;
      arrived_[vm] = 1;  // the start's VMs without a lifetime too: a replacement is a departure
      schedule_replacement(static_cast<int>(vm));
    }
  for (size_t a = 0; a < spec_.arrivals.size(); ++a) {
    const int ai = static_cast<int>(a);
    if (spec_.arrivals[a].per_day <= 0) continue;  // none (a split run's other parts bring them)
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
    if (at_end_of_support() && spec_.vms[vm].guest_os >= 0)  // new VMs get the current release
      inv_.vms[vm].guest_os = current_release(spec_.vms[vm].guest_os, spec_.date(env_.now()));
    env_.emit(VmArrived{env_.now(), vm});
    placement_.power_on(vm, -1);
    start_life(vm, rng_);
    if (at_end_of_support()) schedule_replacement(vm);
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
  leave(vm);
}

void WorkloadController::leave(int vm) {
  env_.emit(VmDeparted{env_.now(), vm});
  if (inv_.vms[vm].power != Power::off) guests_.power_off(vm, VmPoweredOff{0, vm, -1, PowerOffReason::departed});
  arrived_[vm] = 0;  // the slot is free for a later arrival
  ++eos_[vm];        // and a pending replacement is void
  blocked_[vm] = 0;
  placement_.forget(vm);
}

void WorkloadController::start_life(int vm, Rng& rng) {
  if (spec_.vms[vm].lifetime_days > 0)
    schedule_departure(vm, env_.now() + rng.exponential(1 / (spec_.vms[vm].lifetime_days * kDay)));
}

// The replacement comes uniformly over the months after the OS's last day of
// support (or after now, when that has passed); none when that is past the
// run's end.
void WorkloadController::schedule_replacement(int vm) {
  const int os = inv_.vms[vm].guest_os;
  if (os < 0) return;
  const double ended = seconds_at(spec_.start_date, guest_os_table()[os].end_of_support) + kDay;
  const double at = std::max(ended, env_.now()) + eos_rng_.uniform() * spec_.workload.replacement_months * kMonth;
  if (at < spec_.horizon_s) replacement_at(vm, at);
}

void WorkloadController::replacement_at(int vm, double at) {
  const uint32_t token = ++eos_[vm];
  env_.schedule(at, [this, vm, token] {
    if (eos_[vm] != token || !arrived_[vm]) return;
    if (spec_.workload.upgrade_at_end_of_support) upgrade(vm);
    else replace(vm);
  });
}

// A departure and an arrival in the same slot: the new VM runs the family's
// current release and has a life of its own.
void WorkloadController::replace(int vm) {
  const VmRec& v = inv_.vms[vm];
  if (v.migrating || v.cold_moving) {  // replaced once the move is over
    replacement_at(vm, env_.now() + 60);
    return;
  }
  const int from = v.guest_os, to = current_release(from, spec_.date(env_.now()));
  if (to == from) return;  // nothing newer to replace it with
  env_.emit(VmReplacedAtEndOfSupport{env_.now(), vm, from, to});
  leave(vm);
  arrived_[vm] = 1;
  inv_.vms[vm].guest_os = to;
  env_.emit(VmArrived{env_.now(), vm});
  placement_.power_on(vm, spec_.vms[vm].host);
  start_life(vm, eos_rng_);
  schedule_replacement(vm);
}

// In place: the VM keeps its slot, its life and its view.
void WorkloadController::upgrade(int vm) {
  const VmRec& v = inv_.vms[vm];
  const int from = v.guest_os, to = current_release(from, spec_.date(env_.now()));
  if (to == from) return;  // nothing newer
  if (v.migrating || v.cold_moving) {
    replacement_at(vm, env_.now() + 60);
    return;
  }
  if (v.power != Power::running) {  // off, waiting or booting: when it next runs
    if (blocked_[vm] == 0) blocked_[vm] = 1;
    return;
  }
  // Tried again on a new view: refused once, not again while the floor is still missing.
  if (blocked_[vm] == 2 && !lacking(v.guest_view, guests_.os_floor(to)).empty()) return;
  blocked_[vm] = 0;
  if (guests_.upgrade_os(vm, to)) schedule_replacement(vm);  // the new release's own end of support
  else blocked_[vm] = 2;                                     // refused for its view
}

void WorkloadController::on_view_changed(int vm) {
  if (!blocked_[vm] || !arrived_[vm]) return;
  const uint32_t token = eos_[vm];
  env_.schedule(env_.now() + spec_.migration.reboot_s + 1, [this, vm, token] {
    if (eos_[vm] == token && arrived_[vm] && blocked_[vm] && inv_.vms[vm].power == Power::running) upgrade(vm);
  });
}

void WorkloadController::patch(int slot, bool power_cycle) {
  for (size_t vm = static_cast<size_t>(slot); vm < inv_.vms.size(); vm += kPatchSlots) {
    const VmRec& v = inv_.vms[vm];
    if (v.power != Power::running || v.migrating) continue;
    guests_.guest_reboot(static_cast<int>(vm), power_cycle || spec_.vms[vm].power_cycle_on_reboot);
  }
}

}  // namespace evcsim
