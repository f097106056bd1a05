#include "world/controllers/patching.hpp"

#include <algorithm>

namespace evcsim {

PatchCycles::PatchCycles(Env& env, Inventory& inv, MaintenanceController& maintenance)
    : env_(env), spec_(env.spec), inv_(inv), maintenance_(maintenance), rolls_(env.spec.clusters.size()) {}

void PatchCycles::start() {
  const PatchingSpec& p = spec_.patching;
  if (!p.enabled || p.every_s <= 0) return;
  // Clusters are staggered evenly over the period (the first a full period
  // in: the fleet starts patched), so a fleet's remediation load is spread.
  const size_t n = rolls_.size();
  for (size_t c = 0; c < n; ++c) {
    const double first = p.every_s * (1 + static_cast<double>(c) / static_cast<double>(std::max<size_t>(1, n)));
    if (first < spec_.horizon_s) env_.schedule(first, [this, c] { cycle(static_cast<int>(c)); });
  }
}

void PatchCycles::cycle(int cluster) {
  if (const double at = env_.now() + spec_.patching.every_s; at < spec_.horizon_s)
    env_.schedule(at, [this, cluster] { cycle(cluster); });
  Roll& r = rolls_[cluster];
  if (r.active) {
    env_.emit(PatchCycle{env_.now(), cluster, PatchCycle::Phase::skipped, static_cast<int>(r.hosts.size())});
    return;
  }
  r.active = true;
  r.hosts.assign(inv_.clusters[cluster].hosts.begin(), inv_.clusters[cluster].hosts.end());
  env_.emit(PatchCycle{env_.now(), cluster, PatchCycle::Phase::started, static_cast<int>(r.hosts.size())});
  next(cluster);
}

void PatchCycles::next(int cluster) {
  Roll& r = rolls_[cluster];
  while (!r.hosts.empty() && static_cast<int>(r.current.size()) < spec_.patching.hosts_at_once) {
    const int h = r.hosts.front();
    r.hosts.pop_front();
    const HostRec& hr = inv_.hosts[h];
    if (!hr.present || !hr.up || hr.maintenance) continue;  // gone, down, or busy with another maintenance
    r.current.push_back(h);
    maintenance_.enter(h, MaintenanceStarted{0, h, MaintenanceKind::patch}, false);
  }
  if (r.hosts.empty() && r.current.empty() && r.active) {
    r.active = false;
    env_.emit(PatchCycle{env_.now(), cluster, PatchCycle::Phase::done, 0});
  }
}

bool PatchCycles::mine(int host) const {
  const Roll& r = rolls_[spec_.hosts[host].cluster];
  return std::find(r.current.begin(), r.current.end(), host) != r.current.end();
}

void PatchCycles::finished(int host) {
  Roll& r = rolls_[spec_.hosts[host].cluster];
  r.current.erase(std::find(r.current.begin(), r.current.end(), host));
  next(spec_.hosts[host].cluster);
}

void PatchCycles::on_emptied(int host) {
  if (!mine(host)) return;
  env_.schedule(env_.now() + spec_.patching.minutes * 60, [this, host] {
    if (!mine(host)) return;
    if (inv_.hosts[host].maintenance) maintenance_.exit(host);
    else finished(host);  // it failed meanwhile and left maintenance: released already
  });
}

void PatchCycles::on_released(int host) {
  if (mine(host)) finished(host);  // patched and back, or its evacuation failed
}

}  // namespace evcsim
