#include "world/migrations.hpp"

#include <algorithm>

namespace evcsim {

MigrationJob make_migration_job(const ScenarioSpec& spec, int vm, int src, int dst, Convergence convergence) {
  const VmSpec& vs = spec.vms[vm];
  constexpr double kMiB = 1024.0 * 1024.0;
  return MigrationJob{vm,
                      src,
                      dst,
                      vs.ram_mib * kMiB,
                      vs.dirty_mib_per_s * kMiB,
                      vs.working_set_mib * kMiB,
                      spec.migration.max_downtime_ms / 1000.0,
                      spec.migration.max_rounds,
                      convergence,
                      vs.vcpus};
}

Migrations::Migrations(Env& env, Inventory& inv, GuestModel& guests, const MaskingPolicy& policy)
    : env_(env),
      spec_(env.spec),
      inv_(inv),
      guests_(guests),
      policy_(policy),
      convergence_(parse_convergence(env.spec.migration.convergence.empty() ? policy.default_convergence()
                                                                            : env.spec.migration.convergence)),
      limit_(env.spec.migration.max_per_host > 0     ? env.spec.migration.max_per_host
             : env.spec.network.host_link_gbps >= 10 ? 8
                                                     : 4),
      active_(env.spec.hosts.size(), 0),
      queued_at_(env.spec.hosts.size()),
      queued_vm_(env.spec.vms.size(), Key{-1, 0}),
      suspects_(env.spec.clusters.size()) {}

Verdict Migrations::admit(int vm, int dst) const {
  const int src = inv_.vms[vm].host;
  return admit_migration(policy_, inv_.vm_view(vm), inv_.host_view(src), inv_.host_view(dst),
                         spec_.policy.allow_cross_vendor);
}

void Migrations::start_live(int vm, int dst, const Verdict& admission, Priority priority) {
  VmRec& v = inv_.vms[vm];
  v.admission = admission;
  int src = v.host;
  v.migrating = true;
  v.migration_dst = dst;
  inv_.book(dst, vm, 1);
  ++inv_.hosts[src].migrations;  // requested: running or queued
  ++inv_.hosts[dst].migrations;
  if (has_slot(src, dst)) {
    transfer(vm, src, dst, 0);
    return;
  }
  const Key key{static_cast<int>(priority), arrivals_++};
  queue_.emplace(key, Queued{vm, src, dst, priority, env_.now()});
  queued_at_[src].push_back(key);
  queued_at_[dst].push_back(key);
  queued_vm_[vm] = key;
  suspect(key);  // as if its VM had changed: the next look decides
}

// Suspects wait in their cluster's list, looked at when a migration of that
// cluster ends: a move of one cluster is never aborted because another
// cluster's migration ended (issue 26: clusters' histories stay apart).
void Migrations::suspect(const Key& key) {
  suspects_[static_cast<size_t>(spec_.hosts[static_cast<size_t>(queue_.at(key).src)].cluster)].push_back(key);
}

void Migrations::vm_changed(int vm) {
  if (queued_vm_[vm].first >= 0) suspect(queued_vm_[vm]);
}

void Migrations::host_failed(int host) {
  for (const Key& k : queued_at_[host]) suspect(k);
}

void Migrations::dequeue(const Key& key) {
  const Queued& q = queue_.at(key);
  for (int h : {q.src, q.dst}) {
    auto& at = queued_at_[h];
    at.erase(std::find(at.begin(), at.end(), key));
  }
  queued_vm_[q.vm] = Key{-1, 0};
  queue_.erase(key);
}

bool Migrations::has_slot(int src, int dst) const { return active_[src] < limit_ && active_[dst] < limit_; }

void Migrations::transfer(int vm, int src, int dst, double waited_s) {
  ++active_[src];
  ++active_[dst];
  ++in_flight_;
  env_.emit(MigrationStarted{env_.now(), vm, src, dst, waited_s});
  env_.start_migration(make_migration_job(spec_, vm, src, dst, convergence_),
                       [this](const MigrationJob& job, const MigrationOutcome& out) { live_done(job, out); });
}

// Starts what the slots freed at `src` and `dst` allow, in queue order; a
// queued move whose VM stopped or whose destination went away meanwhile is
// aborted. The same as going through the whole queue: only moves from or to
// those hosts can have a slot now, only suspects can have died.
void Migrations::start_queued(int src, int dst) {
  std::vector<Key> look;
  for (int h : {src, dst}) {
    std::vector<Key>& suspects = suspects_[static_cast<size_t>(spec_.hosts[static_cast<size_t>(h)].cluster)];
    look.insert(look.end(), suspects.begin(), suspects.end());
    suspects.clear();
    look.insert(look.end(), queued_at_[h].begin(), queued_at_[h].end());
  }
  std::sort(look.begin(), look.end());
  look.erase(std::unique(look.begin(), look.end()), look.end());
  std::vector<Queued> dead;
  for (const Key& key : look) {
    auto it = queue_.find(key);
    if (it == queue_.end()) continue;  // started or aborted meanwhile
    const Queued q = it->second;
    const VmRec& v = inv_.vms[q.vm];
    const HostRec& d = inv_.hosts[q.dst];
    const bool vm_stopped = v.host != q.src || v.power != Power::running;
    if (vm_stopped || !d.up || !d.present) {
      dequeue(key);
      dead.push_back(q);
      continue;
    }
    if (!has_slot(q.src, q.dst)) continue;
    dequeue(key);
    transfer(q.vm, q.src, q.dst, env_.now() - q.since);
  }
  for (const Queued& q : dead) finish(make_migration_job(spec_, q.vm, q.src, q.dst), MigrationOutcome{}, false);
}

void Migrations::live_done(const MigrationJob& job, const MigrationOutcome& out) {
  --in_flight_;
  --active_[job.src];
  --active_[job.dst];
  finish(job, out, true);
  start_queued(job.src, job.dst);
}

void Migrations::finish(const MigrationJob& job, const MigrationOutcome& out, bool ran) {
  VmRec& v = inv_.vms[job.vm];
  HostRec& dst = inv_.hosts[job.dst];
  --inv_.hosts[job.src].migrations;
  --dst.migrations;
  v.migrating = false;
  v.migration_dst = -1;
  const bool vm_stopped = v.host != job.src || v.power == Power::off;
  if (!ran || vm_stopped || !dst.up || !dst.present) {
    inv_.book(job.dst, job.vm, -1);
    env_.emit(MigrationAborted{env_.now(), job.vm, job.src, job.dst, vm_stopped});
    aborted(job);
    return;
  }
  inv_.move_booked(job.vm, job.dst);  // RAM was booked when the migration was requested
  env_.emit(MigrationCompleted{env_.now(), job.vm, job.src, job.dst, out.duration_s, out.downtime_s, out.rounds,
                               out.bytes_sent / (1024.0 * 1024.0), out.throttled_s, out.lost_guest_cpu_s,
                               out.downtime_s > job.max_downtime_s + 1e-9});
  completed(job);
}

void Migrations::start_cold(int vm, int dst, PowerOffReason reason) {
  VmRec& v = inv_.vms[vm];
  int src = v.host;
  inv_.book(dst, vm, 1);  // first: a VM waiting for room must not take it
  guests_.power_off(vm, VmPoweredOff{0, vm, src, reason, dst});
  v.cold_moving = true;
  v.cold_dst = dst;
  env_.emit(ColdMigration{env_.now(), vm, src, dst, spec_.migration.cold_outage_s, reason});
  const double move_s = std::max(0.0, spec_.migration.cold_outage_s - spec_.migration.reboot_s);
  const uint32_t epoch = v.epoch;
  env_.schedule(env_.now() + move_s, [this, vm, dst, epoch] {
    if (inv_.vms[vm].epoch == epoch && inv_.vms[vm].cold_moving) cold_arrived(vm, dst);
  });
}

void Migrations::cold_arrived(int vm, int dst) {
  VmRec& v = inv_.vms[vm];
  v.cold_moving = false;
  v.cold_dst = -1;
  inv_.book(dst, vm, -1);
  BootView bv = guests_.view_at(vm, dst);
  if (!bv.ok) {
    env_.emit(PowerOnRefused{env_.now(), vm, dst, bv.missing,
                             PlacementRefusal{PlacementCode::policy_at_destination, dst, 0, 0, bv.reason}});
    return;
  }
  guests_.power_on(vm, dst, bv.view);
}

}  // namespace evcsim
