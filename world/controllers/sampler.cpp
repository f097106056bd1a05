#include "world/controllers/sampler.hpp"

#include <algorithm>
#include <cmath>

#include "cpu/feature_registry.hpp"

namespace evcsim {

Sampler::Sampler(Env& env, const Inventory& inv, std::function<double(int)> imbalance_left,
                 std::function<FeatureSet(int)> in_use)
    : env_(env), spec_(env.spec), inv_(inv), imbalance_left_(std::move(imbalance_left)), in_use_(std::move(in_use)) {
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
  const size_t clusters = inv_.clusters.size();
  std::vector<ClusterSample> out(clusters);
  std::vector<FeatureId> ids;
  for (const auto& n : notable_features()) ids.push_back(feature_id(n));
  for (size_t c = 0; c < clusters; ++c) {
    out[c].t = env_.now();
    out[c].cluster = static_cast<int>(c);
    out[c].graph = with_graph;
    out[c].feature_counts.assign(ids.size(), 0);
    out[c].feature_in_use.assign(ids.size(), 0);
  }
  for (size_t vm = 0; vm < inv_.vms.size(); ++vm) {
    const VmRec& v = inv_.vms[vm];
    if (!spec_.cluster_active(v.cluster)) continue;
    ClusterSample& s = out[static_cast<size_t>(v.cluster)];
    if (v.power == Power::off) {
      ++s.vms_off;
      continue;
    }
    ++s.vms_on;
    for (size_t i = 0; i < ids.size(); ++i) s.feature_counts[i] += v.guest_view.test(ids[i]);
    const FeatureSet in_use = in_use_(static_cast<int>(vm));
    for (size_t i = 0; i < ids.size(); ++i) s.feature_in_use[i] += in_use.test(ids[i]);
    std::string level = "below x86-64-v1";
    for (const Baseline* b : levels_)
      if (v.guest_view.contains(b->features)) level = b->name;
    s.vms_by_level[level]++;
  }
  const double growth = inv_.growth_factor();
  for (size_t h = 0; h < inv_.hosts.size(); ++h) {
    const HostRec& hr = inv_.hosts[h];
    ClusterSample& s = out[static_cast<size_t>(spec_.hosts[h].cluster)];
    s.demand += hr.demand;
    if (!hr.present || hr.ram_mib <= 0) continue;
    s.configured_mib += static_cast<double>(hr.ram_configured_mib);
    s.ram_mib += static_cast<double>(hr.ram_mib);
    s.memory_overcommit_max =
        std::max(s.memory_overcommit_max, static_cast<double>(hr.ram_configured_mib) / static_cast<double>(hr.ram_mib));
  }
  const double factor = inv_.demand_factor();
  for (size_t c = 0; c < clusters; ++c) {
    if (!spec_.cluster_active(static_cast<int>(c))) continue;
    ClusterSample& s = out[c];
    s.demand *= growth;
    const ClusterRec& cs = inv_.clusters[c];
    // Without EVC a VM sees its host's CPU: the cluster passes what its hosts
    // have in common (issue 24: drawn as "none" at 0 features, as if it passed nothing).
    s.baseline = cs.baseline ? cs.baseline->name : std::string(kNoEvcLabel);
    s.baseline_features = static_cast<int>(cs.baseline ? cs.baseline->features.count() : cs.lcd.count());
    std::shared_ptr<const Baseline> baseline = cs.baseline ? std::make_shared<const Baseline>(*cs.baseline) : nullptr;
    for (int h : cs.hosts) {
      const CpuModel& hc = inv_.cpu_of(h);
      s.hosts_by_generation[hc.generation.empty() ? hc.name : hc.generation]++;
      double load = inv_.load(h, factor);
      s.load_sum += load;
      s.load_sum2 += load * load;
      ++s.present;
      // A class is a (cluster, CPU model) pair: hosts whose CPUs are equal
      // parts share one, whichever CpuModel object each host holds.
      auto it = std::find_if(s.classes.begin(), s.classes.end(), [&](const ClusterSample::HostClassSample& k) {
        return k.cpu.get() == &hc || (k.cpu->name == hc.name && k.cpu->features == hc.features);
      });
      if (it == s.classes.end()) s.classes.push_back({inv_.hosts[h].cpu, baseline, cs.lcd, 1});
      else ++it->hosts;
    }
    s.imbalance_left = imbalance_left_(static_cast<int>(c));
    env_.emit_sample(s);
  }
}

Snapshot SnapshotAssembler::assemble(const std::vector<ClusterSample>& samples) {
  Snapshot snap;
  snap.t = samples.empty() ? 0 : samples.front().t;
  const bool with_graph = !samples.empty() && samples.front().graph;
  const auto& notable = notable_features();
  std::vector<int> counts(notable.size(), 0), used(notable.size(), 0);
  double configured = 0, ram = 0, sum = 0, sum2 = 0;
  int present = 0;
  std::vector<HostClass> classes;
  std::vector<ClassKey> key;
  std::vector<int> class_hosts;
  std::vector<std::shared_ptr<const void>> pointed_at;
  for (const ClusterSample& s : samples) {
    snap.vms_on += s.vms_on;
    snap.vms_off += s.vms_off;
    for (size_t i = 0; i < notable.size() && i < s.feature_counts.size(); ++i) {
      counts[i] += s.feature_counts[i];
      used[i] += s.feature_in_use[i];
    }
    for (const auto& [level, n] : s.vms_by_level) snap.vms_by_level[level] += n;
    for (const auto& [generation, n] : s.hosts_by_generation) snap.hosts_by_generation[generation] += n;
    snap.baselines.push_back(s.baseline);
    snap.baseline_features.push_back(s.baseline_features);
    snap.demand += s.demand;
    configured += s.configured_mib;
    ram += s.ram_mib;
    snap.memory_overcommit_max = std::max(snap.memory_overcommit_max, s.memory_overcommit_max);
    sum += s.load_sum;
    sum2 += s.load_sum2;
    present += s.present;
    snap.imbalance_left = std::max(snap.imbalance_left, s.imbalance_left);
    for (const auto& k : s.classes) {
      classes.push_back(HostClass{s.cluster, k.cpu.get(), k.baseline.get(), k.lcd, k.hosts});
      key.push_back({s.cluster, k.cpu->name, k.cpu->features, k.baseline ? k.baseline->name : std::string(),
                     k.baseline ? k.baseline->features : FeatureSet{}, k.lcd});
      class_hosts.push_back(k.hosts);
      pointed_at.push_back(k.cpu);
      if (k.baseline) pointed_at.push_back(k.baseline);
    }
  }
  for (size_t i = 0; i < notable.size(); ++i) {
    snap.feature_counts.emplace_back(notable[i], counts[i]);
    snap.feature_in_use.emplace_back(notable[i], used[i]);
  }
  snap.memory_overcommit = ram > 0 ? configured / ram : 0;
  if (present > 0) {
    double mean = sum / present;
    snap.imbalance = std::sqrt(std::max(0.0, sum2 / present - mean * mean));
  }
  std::shared_ptr<CompatibilityGraph> graph;
  if (last_graph_ && key == last_key_) {
    graph = std::make_shared<CompatibilityGraph>(*last_graph_);
    recount_compatibility_graph(*graph, class_hosts);
  } else {
    graph = std::make_shared<CompatibilityGraph>(build_compatibility_graph(
        std::move(classes), policy_, spec_.policy.default_masks, spec_.policy.allow_cross_vendor));
    last_key_ = std::move(key);
    kept_.insert(kept_.end(), pointed_at.begin(), pointed_at.end());
  }
  last_graph_ = graph;
  snap.domains = graph->domains;
  for (int h : graph->domain_hosts) snap.largest_domain_hosts = std::max(snap.largest_domain_hosts, h);
  if (with_graph) snap.graph = std::move(graph);
  return snap;
}

}  // namespace evcsim
