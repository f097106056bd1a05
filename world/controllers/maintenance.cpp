#include "world/controllers/maintenance.hpp"

#include <algorithm>

#include "policy/placement/evacuation.hpp"

namespace evcsim {

MaintenanceController::MaintenanceController(Env& env, Inventory& inv, Migrations& migrations, Placement& placement)
    : env_(env),
      spec_(env.spec),
      inv_(inv),
      migrations_(migrations),
      placement_(placement),
      retiring_(env.spec.hosts.size(), 0),
      awaiting_retry_(env.spec.hosts.size(), 0) {}

void MaintenanceController::mark(int host, bool retire) {
  inv_.set_maintenance(host, true);
  awaiting_retry_[host] = 0;
  retiring_[host] = retire;
}

void MaintenanceController::begin(int host, MaintenanceStarted why) {
  why.t = env_.now();
  why.host = host;
  env_.emit(why);
  evacuate(host);
}

void MaintenanceController::enter(int host, MaintenanceStarted why, bool retire) {
  mark(host, retire);
  begin(host, why);
}

void MaintenanceController::exit(int host) {
  inv_.set_maintenance(host, false);
  released(host);
}

void MaintenanceController::on_migration_completed(const MigrationJob& job) {
  const HostRec& src = inv_.hosts[job.src];
  if (src.maintenance && src.up && !src.vms.empty()) evacuate(job.src);  // the next ones
  check_done(job.src);
  if (inv_.hosts[job.dst].maintenance) evacuate(job.dst);  // it landed on a host being emptied
}

void MaintenanceController::on_migration_aborted(const MigrationJob& job) {
  const HostRec& src = inv_.hosts[job.src];
  if (src.maintenance && src.up && inv_.vms[job.vm].host == job.src) evacuate(job.src);
  check_done(job.src);
}

// Moves every VM off a host in maintenance (again, when one lands there).
void MaintenanceController::evacuate(int host) {
  HostRec& hr = inv_.hosts[host];
  std::vector<int> leaving;
  for (int vm : hr.vms)
    if (!inv_.vms[vm].migrating) leaving.push_back(vm);
  if (leaving.empty()) {  // every VM is on its way (each completion calls again)
    check_done(host);
    return;
  }
  // Destinations: the cluster's usable hosts, the emptiest first (most free
  // RAM; cluster order among equals), as DRS spreads an evacuation.
  std::vector<int> dests;
  for (int h : inv_.clusters[spec_.hosts[host].cluster].hosts)
    if (h != host && inv_.usable(h)) dests.push_back(h);
  std::stable_sort(dests.begin(), dests.end(), [&](int a, int b) { return inv_.pack_room(a) > inv_.pack_room(b); });
  std::vector<int64_t> ram, free;
  for (int vm : leaving) ram.push_back(inv_.pack_size(vm));
  for (int h : dests) free.push_back(inv_.pack_room(h));
  // The masking policy's verdict on a move depends on the destination only
  // through its CPU model (one cluster, one baseline): asked once per VM and
  // CPU model, not once per VM and host. `note` keeps what a refused move
  // lacked, to explain a failed evacuation.
  struct Asked {
    int of = -1;  // the VM being asked about
    std::vector<std::pair<const CpuModel*, bool>> verdicts;
  };
  FeatureSet missing;
  std::string first_reason;
  auto ask = [&](Asked& a, int i, int d, bool note) {
    int vm = leaving[static_cast<size_t>(i)], h = dests[static_cast<size_t>(d)];
    if (!inv_.rules_allow(vm, h)) return false;
    if (a.of != i) a.verdicts.clear(), a.of = i;
    const CpuModel* cpu = inv_.hosts[h].cpu.get();
    for (const auto& [c, ok] : a.verdicts)
      if (c == cpu) return ok;
    Verdict v = migrations_.admit(vm, h);
    if (!v.ok && note) {
      missing |= v.missing;
      if (first_reason.empty()) first_reason = v.reason;
    }
    a.verdicts.emplace_back(cpu, v.ok);
    return v.ok;
  };
  Asked planning;
  auto allowed = [&](int i, int d) { return ask(planning, i, d, false); };
  // The plan is sought first among the 2 x VMs emptiest hosts (at least 16),
  // spread evenly over them (as DRS spreads a host entering maintenance), so
  // that the moves run side by side, no host takes a whole host's VMs while
  // others stay empty, and the flow has O(VMs^2) edges instead of
  // O(VMs x hosts); only if that leaves a VM behind is the whole cluster
  // searched without the spread, so no feasible plan is missed.
  const size_t near = std::min(dests.size(), std::max<size_t>(16, 2 * leaving.size()));
  EvacuationPlan plan;
  std::vector<const std::vector<int64_t>*> searched;  // the host sets the plan was sought among
  std::vector<int64_t> near_free;
  if (near > 0) {
    near_free.assign(free.begin(), free.begin() + static_cast<long>(near));
    const int spread = static_cast<int>((leaving.size() + near - 1) / near);
    plan = plan_evacuation(ram, near_free, allowed, spread);
    searched.push_back(&near_free);
  }
  if (plan.placed < static_cast<int>(leaving.size())) {
    plan = plan_evacuation(ram, free, allowed);
    searched.push_back(&free);
  }
  // What the refused moves lacked, over every VM and host that had the room,
  // in that order (the first refusal's reason is the one reported).
  auto explain = [&] {
    Asked noting;
    for (const auto* f : searched)
      for (size_t i = 0; i < ram.size(); ++i)
        for (size_t d = 0; d < f->size(); ++d)
          if (ram[i] <= (*f)[d]) ask(noting, static_cast<int>(i), static_cast<int>(d), true);
  };
  // Every planned move is requested at once; Migrations runs as many as the
  // hosts' vMotion slots allow and queues the rest (evacuations first).
  std::vector<int> stranded;
  for (size_t i = 0; i < leaving.size(); ++i) {
    int vm = leaving[i];
    if (plan.destination[i] >= 0) {
      if (inv_.vms[vm].power != Power::running) {
        stranded.push_back(vm);
      } else {
        const int to = dests[static_cast<size_t>(plan.destination[i])];
        migrations_.start_live(vm, to, migrations_.admit(vm, to), Migrations::Priority::evacuation);
      }
    } else {
      stranded.push_back(vm);
    }
  }
  // Cold moves only when they empty the host: a maintenance that fails anyway
  // must cost no outage. Planned against the RAM the live plan still needs.
  if (spec_.refresh.cold_evacuation && !stranded.empty()) {
    std::vector<std::pair<int, int>> held;  // (host, VM) booked for the dry run, undone below
    auto hold = [&](int h, int vm) {
      inv_.book(h, vm, 1);
      held.emplace_back(h, vm);
    };
    std::vector<std::pair<int, int>> cold;  // (vm, destination)
    for (int vm : stranded) {
      Placed p = placement_.choose(vm, dests);
      if (p.host < 0) break;
      cold.emplace_back(vm, p.host);
      hold(p.host, vm);
    }
    for (const auto& [h, vm] : held) inv_.book(h, vm, -1);
    if (cold.size() == stranded.size())
      for (const auto& [vm, to] : cold) migrations_.start_cold(vm, to, PowerOffReason::cold_evacuation);
  }
  int left = static_cast<int>(stranded.size());
  for (int vm : stranded) left -= inv_.vms[vm].cold_moving;  // cold-evacuated
  if (left > 0) {
    explain();
    env_.emit(MaintenanceFailed{env_.now(), host, left, missing, first_reason});
    inv_.set_maintenance(host, false);
    awaiting_retry_[host] = retiring_[host];  // refresh tries again later
    retiring_[host] = 0;
    released(host);
    return;
  }
  check_done(host);
}

void MaintenanceController::check_done(int host) {
  HostRec& hr = inv_.hosts[host];
  if (!hr.maintenance || !hr.vms.empty() || hr.migrations > 0 || hr.ram_reserved_mib > 0) return;
  const bool retire = retiring_[host];
  env_.emit(MaintenanceDone{env_.now(), host, retire ? MaintenanceOutcome::retired : MaintenanceOutcome::done});
  if (!retire) {
    emptied(host);
    return;
  }
  inv_.set_maintenance(host, false);
  retiring_[host] = 0;
  inv_.remove_host(host);
  retired(host, spec_.hosts[host].cluster);
}

}  // namespace evcsim
