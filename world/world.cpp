#include "world/world.hpp"

#include <algorithm>

namespace evcsim {

World::World(const ScenarioSpec& spec, const Catalog& catalog, SimServices& sim, std::vector<Listener*> listeners)
    : env_(spec, catalog, sim, std::move(listeners)),
      policy_(make_masking_policy(spec.policy)),
      inventory_(env_),
      guests_(env_, inventory_, *policy_),
      placement_(env_, inventory_, guests_),
      migrations_(env_, inventory_, guests_, *policy_),
      maintenance_(env_, inventory_, migrations_, placement_),
      ha_(env_, inventory_, guests_, placement_),
      workload_(env_, inventory_, guests_, placement_),
      drs_(env_, inventory_, migrations_),
      refresh_(env_, inventory_, maintenance_),
      schedule_(env_, inventory_, guests_, placement_, migrations_, maintenance_, ha_),
      updater_(env_, inventory_, maintenance_),
      patching_(env_, inventory_, maintenance_),
      sampler_(
          env_, inventory_, [this](int cluster) { return drs_.imbalance_left(cluster); },
          [this](int vm) { return guests_.in_use(vm); }) {
  // Who hears whom.
  guests_.view_changed.connect([this](int vm) { refresh_.on_view_changed(vm); });
  guests_.view_changed.connect([this](int vm) { workload_.on_view_changed(vm); });
  migrations_.completed.connect([this](const MigrationJob& j) { guests_.arm_faults_after_move(j.vm, j.src, j.dst); });
  migrations_.completed.connect([this](const MigrationJob& j) { maintenance_.on_migration_completed(j); });
  migrations_.aborted.connect([this](const MigrationJob& j) { maintenance_.on_migration_aborted(j); });
  guests_.power_changed.connect([this](int vm) { migrations_.vm_changed(vm); });
  ha_.failed.connect([this](int host) { migrations_.host_failed(host); });
  maintenance_.retired.connect([this](int host, int cluster) { refresh_.on_host_retired(host, cluster); });
  ha_.repaired.connect([this](int host) { maintenance_.check_done(host); });
  schedule_.update_requested.connect([this](int op) { updater_.start(op); });
  maintenance_.emptied.connect([this](int host) { updater_.on_emptied(host); });
  maintenance_.released.connect([this](int host) { updater_.on_released(host); });
  maintenance_.emptied.connect([this](int host) { patching_.on_emptied(host); });
  maintenance_.released.connect([this](int host) { patching_.on_released(host); });
  refresh_.bought.connect([this](int host) { ha_.on_host_bought(host); });
  // Capacity appears: VMs waiting for a host are tried again.
  auto cluster_of = [this](int host) { return env_.spec.hosts[host].cluster; };
  inventory_.joined.connect([this](int, int cluster) { placement_.retry(cluster, true); });
  ha_.repaired.connect([this, cluster_of](int host) { placement_.retry(cluster_of(host), true); });
  maintenance_.released.connect([this, cluster_of](int host) { placement_.retry(cluster_of(host), true); });
  guests_.stopped.connect([this, cluster_of](int, int host) { placement_.retry(cluster_of(host), false); });
  drs_.exclude_targets([this](int host) { return maintenance_.awaiting_retry(host); });
  env_.on_each_timer([this] { after_timer(); });
}

void World::start() {
  drs_.start();
  workload_.start_patch_windows();
  refresh_.start();
  ha_.start();
  workload_.start_arrivals();
  const ScenarioSpec& spec = env_.spec;
  for (size_t h = 0; h < spec.hosts.size(); ++h)
    if (spec.host_present_at_start[h]) inventory_.join_host(static_cast<int>(h), spec.hosts[h].cluster);
  schedule_.start_power_ons();
  schedule_.start_operations();
  sampler_.start();
  patching_.start();
}

// Every timer in small worlds; in large ones often enough that the check
// costs a few operations per timer (and always at the end).
void World::after_timer() {
  ++timers_;
  const uint64_t every = std::max<uint64_t>(1, (inventory_.vms.size() + inventory_.hosts.size()) / 2000 * 1000);
  if (timers_ % every == 0) check_invariants();
}

void World::finish() {
  check_invariants();
  env_.end();
}

}  // namespace evcsim
