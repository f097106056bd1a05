#include "world/controllers/host_update.hpp"

#include <fmt/format.h>

#include "cpu/feature_registry.hpp"

namespace evcsim {

HostUpdater::HostUpdater(Env& env, Inventory& inv, MaintenanceController& maintenance)
    : env_(env), spec_(env.spec), inv_(inv), maintenance_(maintenance) {}

void HostUpdater::start(int op) {
  const int cluster = spec_.operations[op].cluster;
  if (rolling_.count(cluster)) {
    waiting_[cluster].push_back(op);
    return;
  }
  begin(op);
}

std::shared_ptr<const CpuModel> HostUpdater::comparing(const std::shared_ptr<const CpuModel>& cpu, int op) {
  const FeatureSet features = spec_.operations[op].add - migratable_features();
  if (cpu->compared.contains(features)) return cpu;
  auto& slot = models_[{cpu.get(), -2 - op}];
  if (!slot) {
    auto m = std::make_shared<CpuModel>(*cpu);
    m->compared |= features;
    slot = std::move(m);
  }
  return slot;
}

std::shared_ptr<const CpuModel> HostUpdater::updated(const std::shared_ptr<const CpuModel>& cpu, int op) {
  const OperationSpec& o = spec_.operations[op];
  auto& slot = models_[{cpu.get(), op}];
  if (!slot) {
    auto m = std::make_shared<CpuModel>(*cpu);
    o.add.for_each([&](FeatureId id) { set_feature(*m, id, true); });
    o.remove.for_each([&](FeatureId id) { set_feature(*m, id, false); });
    m->state += fmt::format("{}{}", m->state.empty() ? "" : ", ", o.update_name);
    slot = std::move(m);
  }
  return slot;
}

void HostUpdater::refuse(int host, int op, std::string why) {
  const OperationSpec& o = spec_.operations[op];
  env_.emit(HostUpdated{env_.now(), host, o.cluster, op, o.add, o.remove, std::move(why)});
}

void HostUpdater::begin(int op) {
  const OperationSpec& o = spec_.operations[op];
  const ClusterRec& c = inv_.clusters[o.cluster];
  // An update that takes away what the cluster's mode needs: vCenter would
  // refuse the host into the mode; lower the mode first.
  if (c.baseline && c.baseline->features.intersects(o.remove)) {
    const std::string why = fmt::format(
        "cluster {}'s EVC mode {} needs {}, which '{}' removes: lower the mode first (set_baseline), which needs the "
        "VMs that see them powered off",
        spec_.clusters[o.cluster].name, c.baseline->name, join_names(c.baseline->features & o.remove), o.update_name);
    for (int h : c.hosts) refuse(h, op, why);
    return;
  }
  // From now on the update's features are compared on the cluster's hosts.
  const FeatureSet compare = o.add - migratable_features();
  if (!compare.empty())
    for (int h : std::vector<int>(c.hosts)) inv_.change_cpu(h, comparing(inv_.hosts[h].cpu, op));
  Rolling& r = rolling_[o.cluster];
  r.op = op;
  r.hosts.assign(c.hosts.begin(), c.hosts.end());
  next(o.cluster);
}

void HostUpdater::next(int cluster) {
  Rolling& r = rolling_[cluster];
  r.current = -1;
  while (!r.hosts.empty()) {
    const int h = r.hosts.front();
    r.hosts.pop_front();
    const HostRec& hr = inv_.hosts[h];
    if (!hr.present) continue;
    if (!hr.up || hr.maintenance) {
      refuse(h, r.op, hr.up ? "the host was in maintenance already" : "the host was down");
      continue;
    }
    r.current = h;
    maintenance_.enter(h, MaintenanceStarted{0, h, MaintenanceKind::scheduled}, false);
    return;  // on_emptied or on_released goes on
  }
  done(cluster);
}

void HostUpdater::done(int cluster) {
  if (rolling_[cluster].op >= 0) raise_if_all_have(cluster, rolling_[cluster].op);
  rolling_.erase(cluster);
  auto it = waiting_.find(cluster);
  if (it != waiting_.end() && !it->second.empty()) {
    const int op = it->second.front();
    it->second.pop_front();
    begin(op);
  }
}

void HostUpdater::on_emptied(int host) {
  const int cluster = spec_.hosts[host].cluster;
  auto it = rolling_.find(cluster);
  if (it == rolling_.end() || it->second.current != host) return;
  const int op = it->second.op;
  it->second.current = -2;  // applied: the next release is the update's own exit
  inv_.change_cpu(host, updated(inv_.hosts[host].cpu, op));
  const OperationSpec& o = spec_.operations[op];
  env_.emit(HostUpdated{env_.now(), host, cluster, op, o.add, o.remove, ""});
  env_.schedule(env_.now() + o.patch_s, [this, host, cluster, op] {
    maintenance_.exit(host);
    raise_if_all_have(cluster, op);
    next(cluster);
  });
}

void HostUpdater::on_released(int host) {
  const int cluster = spec_.hosts[host].cluster;
  auto it = rolling_.find(cluster);
  if (it == rolling_.end() || it->second.current != host) return;
  // Its maintenance failed: the VMs found no host to go to.
  refuse(host, it->second.op,
         "the host could not be emptied (its VMs found no host that can take them; see the maintenance failure)");
  next(cluster);
}

void HostUpdater::raise_if_all_have(int cluster, int op) {
  const OperationSpec& o = spec_.operations[op];
  const ClusterRec& c = inv_.clusters[cluster];
  if (!c.baseline || o.add.empty() || c.baseline->features.contains(o.add)) return;
  for (int h : c.hosts)
    if (!inv_.hosts[h].cpu->migratable().contains(o.add)) return;
  Baseline raised = *c.baseline;
  raised.features |= o.add;
  std::string tag = o.update_name;
  for (char& ch : tag)
    if (ch == ' ') ch = '-';
  raised.name = fmt::format("{}+{}", c.baseline->name, tag);
  raised.label = fmt::format("{} with {}", c.baseline->label, o.update_name);
  Refusal why;
  inv_.apply_baseline(cluster, raised, &why);  // every host has the features: a raise is admitted
}

}  // namespace evcsim
