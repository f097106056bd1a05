#include "world/controllers/sampler.hpp"

#include <algorithm>
#include <cmath>

#include "cpu/feature_registry.hpp"

namespace evcsim {

Sampler::Sampler(Env& env, const Inventory& inv, const MaskingPolicy& policy, std::function<double()> imbalance_left,
                 std::function<FeatureSet(int)> in_use)
    : env_(env),
      spec_(env.spec),
      inv_(inv),
      policy_(policy),
      imbalance_left_(std::move(imbalance_left)),
      in_use_(std::move(in_use)) {
  for (const Baseline& b : env.catalog.baselines())
    if (b.kind == BaselineKind::level) levels_.push_back(&b);
}

void Sampler::start() {
  // Samples go last at their time (scheduled after everything else due then).
  std::vector<std::pair<double, bool>> samples;
  for (double t = 0; t < spec_.horizon_s; t += spec_.sample_interval_s) samples.emplace_back(t, false);
  samples.emplace_back(spec_.horizon_s, false);
  for (double g : spec_.graph_at_s) {
    auto it = std::find_if(samples.begin(), samples.end(), [&](const auto& s) { return s.first == g; });
    if (it != samples.end()) it->second = true;
    else samples.emplace_back(g, true);
  }
  std::stable_sort(samples.begin(), samples.end());
  for (const auto& [t, graph] : samples) env_.schedule(t, [this, graph = graph] { sample(graph); });
}

void Sampler::sample(bool with_graph) {
  Snapshot snap;
  snap.t = env_.now();
  std::vector<FeatureId> ids;
  for (const auto& n : notable_features()) ids.push_back(feature_id(n));
  std::vector<int> counts(ids.size(), 0), used(ids.size(), 0);
  for (size_t vm = 0; vm < inv_.vms.size(); ++vm) {
    const VmRec& v = inv_.vms[vm];
    if (v.power == Power::off) {
      ++snap.vms_off;
      continue;
    }
    ++snap.vms_on;
    for (size_t i = 0; i < ids.size(); ++i) counts[i] += v.guest_view.test(ids[i]);
    const FeatureSet in_use = in_use_(static_cast<int>(vm));
    for (size_t i = 0; i < ids.size(); ++i) used[i] += in_use.test(ids[i]);
    std::string level = "below x86-64-v1";
    for (const Baseline* b : levels_)
      if (v.guest_view.contains(b->features)) level = b->name;
    snap.vms_by_level[level]++;
  }
  double configured = 0, ram = 0;
  for (const HostRec& hr : inv_.hosts) {
    snap.demand += hr.demand;
    if (!hr.present || hr.ram_mib <= 0) continue;
    configured += static_cast<double>(hr.ram_configured_mib);
    ram += static_cast<double>(hr.ram_mib);
    snap.memory_overcommit_max = std::max(snap.memory_overcommit_max,
                                          static_cast<double>(hr.ram_configured_mib) / static_cast<double>(hr.ram_mib));
  }
  snap.memory_overcommit = ram > 0 ? configured / ram : 0;
  snap.demand *= inv_.growth_factor();
  for (size_t i = 0; i < ids.size(); ++i) {
    snap.feature_counts.emplace_back(notable_features()[i], counts[i]);
    snap.feature_in_use.emplace_back(notable_features()[i], used[i]);
  }
  std::vector<HostClass> classes;
  double sum = 0, sum2 = 0;
  int present = 0;
  const double factor = inv_.demand_factor();
  for (size_t c = 0; c < inv_.clusters.size(); ++c) {
    const ClusterRec& cs = inv_.clusters[c];
    // Without EVC a VM sees its host's CPU: the cluster passes what its hosts
    // have in common (issue 24: drawn as "none" at 0 features, as if it passed nothing).
    snap.baselines.push_back(cs.baseline ? cs.baseline->name : std::string(kNoEvcLabel));
    snap.baseline_features.push_back(static_cast<int>(cs.baseline ? cs.baseline->features.count() : cs.lcd.count()));
    for (int h : cs.hosts) {
      const CpuModel& hc = inv_.cpu_of(h);
      snap.hosts_by_generation[hc.generation.empty() ? hc.name : hc.generation]++;
      double load = inv_.load(h, factor);
      sum += load;
      sum2 += load * load;
      ++present;
      // A class is a (cluster, CPU model) pair: hosts whose CPUs are equal
      // parts share one, whichever CpuModel object each host holds.
      auto it = std::find_if(classes.begin(), classes.end(), [&](const HostClass& k) {
        return k.cluster == static_cast<int>(c) &&
               (k.cpu == &hc || (k.cpu->name == hc.name && k.cpu->features == hc.features));
      });
      if (it == classes.end())
        classes.push_back(
            HostClass{static_cast<int>(c), inv_.hosts[h].cpu.get(), cs.baseline ? &*cs.baseline : nullptr, cs.lcd, 1});
      else ++it->hosts;
    }
  }
  if (present > 0) {
    double mean = sum / present;
    snap.imbalance = std::sqrt(std::max(0.0, sum2 / present - mean * mean));
  }
  snap.imbalance_left = imbalance_left_();
  // The graph is rebuilt only when the classes changed (a CPU joined or left
  // a cluster, a baseline or an LCD moved); otherwise the last one serves
  // with the new host counts.
  std::vector<ClassKey> key;
  std::vector<int> class_hosts;
  for (const auto& k : classes) {
    key.push_back({k.cluster, k.cpu->name, k.cpu->features, k.baseline ? k.baseline->name : std::string(),
                   k.baseline ? k.baseline->features : FeatureSet{}, k.cluster_lcd});
    class_hosts.push_back(k.hosts);
  }
  std::shared_ptr<CompatibilityGraph> graph;
  if (last_graph_ && key == last_key_) {
    graph = std::make_shared<CompatibilityGraph>(*last_graph_);
    recount_compatibility_graph(*graph, class_hosts);
  } else {
    graph = std::make_shared<CompatibilityGraph>(build_compatibility_graph(
        std::move(classes), policy_, spec_.policy.default_masks, spec_.policy.allow_cross_vendor));
    last_key_ = std::move(key);
  }
  last_graph_ = graph;
  snap.domains = graph->domains;
  for (int h : graph->domain_hosts) snap.largest_domain_hosts = std::max(snap.largest_domain_hosts, h);
  if (with_graph) snap.graph = std::move(graph);
  env_.emit(snap);
}

}  // namespace evcsim
