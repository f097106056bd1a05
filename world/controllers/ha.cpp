#include "world/controllers/ha.hpp"

#include <algorithm>

namespace evcsim {

namespace {
constexpr double kDay = 86400, kMonth = 365.25 / 12 * kDay;
}

HaController::HaController(Env& env, Inventory& inv, GuestModel& guests, Placement& placement)
    : env_(env),
      spec_(env.spec),
      inv_(inv),
      guests_(guests),
      placement_(placement),
      rng_(cluster_streams(env.spec, "host-failures")),
      epoch_(env.spec.hosts.size(), 0) {}

void HaController::start() {
  if (spec_.failures.mtbf_days <= 0) return;
  for (size_t h = 0; h < inv_.hosts.size(); ++h) schedule_failure(static_cast<int>(h), 0);
}

// Exponential times at the scenario's rate; hosts past wear_out_after_years
// (from their purchase) fail twice as often. A draw that lands past the
// host's wear-out date is drawn again at that date at the doubled rate
// (the hazard steps up there; the exponential has no memory), so the rate
// doubles on the date, not at the first failure after it.
void HaController::schedule_failure(int host, double from) {
  const uint32_t epoch = epoch_[host];
  double rate = 1 / (spec_.failures.mtbf_days * kDay);
  const double wear = spec_.failures.wear_out_after_years;
  double wear_at = -1;  // when the host wears out, if after `from`
  if (wear > 0 && inv_.hosts[host].cpu) {
    const double months_to_wear = inv_.hosts[host].purchased.index() + wear * 12 - spec_.start_date.index();
    const double at = months_to_wear * kMonth;
    if (at <= from) rate *= 2;
    else wear_at = at;
  }
  const double next = from + rng_[static_cast<size_t>(spec_.hosts[host].cluster)].exponential(rate);
  if (wear_at >= 0 && next > wear_at) {
    env_.schedule(wear_at, [this, host, epoch, wear_at] {
      if (epoch_[host] == epoch) schedule_failure(host, wear_at);
    });
    return;
  }
  env_.schedule(next, [this, host, epoch] {
    if (epoch_[host] == epoch) host_fails(host, spec_.failures.repair_hours * 3600);
  });
}

void HaController::on_host_bought(int host) {
  ++epoch_[host];
  if (spec_.failures.mtbf_days > 0) schedule_failure(host, env_.now());
}

void HaController::fail(int host, double repair_hours) {
  host_fails(host, (repair_hours > 0 ? repair_hours : spec_.failures.repair_hours) * 3600);
}

void HaController::host_fails(int host, double repair_s) {
  HostRec& hr = inv_.hosts[host];
  if (!hr.present || !hr.up) return;
  inv_.set_up(host, false);
  failed(host);
  const uint32_t epoch = ++epoch_[host];
  std::vector<int> victims = hr.vms;  // restarted by HA priority (high first), then in host order
  std::stable_sort(victims.begin(), victims.end(),
                   [&](int a, int b) { return spec_.vms[a].ha_priority < spec_.vms[b].ha_priority; });
  env_.emit(HostFailed{env_.now(), host, static_cast<int>(victims.size())});
  // The VMs are down now; HA restarts them once it has declared the host
  // failed (ha_detection_s), in priority order, each unless something else
  // powered it on or it departed meanwhile.
  struct Victim {
    int vm;
    uint32_t epoch;
    FeatureSet before;
  };
  std::vector<Victim> down;
  for (int vm : victims) {
    FeatureSet before = inv_.vms[vm].guest_view;
    guests_.power_off(vm, VmPoweredOff{0, vm, host, PowerOffReason::host_failed});
    down.push_back({vm, inv_.vms[vm].epoch, before});
  }
  auto restart = [this, host, down = std::move(down)] {
    for (const Victim& v : down)
      if (inv_.vms[v.vm].epoch == v.epoch && inv_.vms[v.vm].power == Power::off)
        placement_.ha_restart(v.vm, host, v.before);
  };
  if (spec_.failures.ha_detection_s > 0) env_.schedule(env_.now() + spec_.failures.ha_detection_s, std::move(restart));
  else restart();
  env_.schedule(env_.now() + repair_s, [this, host, epoch] {
    if (epoch_[host] == epoch && !inv_.hosts[host].up) host_repaired(host);
  });
}

void HaController::host_repaired(int host) {
  inv_.set_up(host, true);
  env_.emit(HostRepaired{env_.now(), host});
  repaired(host);  // a host that failed while being emptied
  if (spec_.failures.mtbf_days > 0) schedule_failure(host, env_.now());
}

}  // namespace evcsim
