#include "scenario/partition.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

namespace evcsim {

namespace {

// At most this many reasons are listed per group: a fleet with thousands of
// rules across two clusters says the first few and how many more.
constexpr size_t kReasonsListed = 12;

// Union-find over the clusters; each union records its reason against the
// clusters it joined, so a group collects what coupled it.
class Coupling {
 public:
  explicit Coupling(const ScenarioSpec& spec) : spec_(spec), parent_(spec.clusters.size()) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }

  // Couples `clusters` (any order, repeats allowed) for `reason`; nothing
  // when they are one cluster.
  void couple(const std::set<int>& clusters, const std::string& reason) {
    if (clusters.size() < 2) return;
    const int first = *clusters.begin();
    for (int c : clusters) join(first, c);
    reasons_.emplace_back(first, reason);
  }

  // "prod-a and prod-b", "a, b and c".
  std::string names(const std::set<int>& clusters) const {
    std::vector<std::string> n;
    for (int c : clusters) n.push_back(spec_.clusters[static_cast<size_t>(c)].name);
    if (n.size() < 2) return n.empty() ? "" : n[0];
    const std::string last = n.back();
    n.pop_back();
    return fmt::format("{} and {}", fmt::join(n, ", "), last);
  }

  std::vector<CoupledGroup> groups() {
    std::map<int, CoupledGroup> by_root;  // the groups, found by their root
    for (size_t c = 0; c < parent_.size(); ++c)
      by_root[root(static_cast<int>(c))].clusters.push_back(static_cast<int>(c));
    for (const HostSpec& h : spec_.hosts) ++by_root[root(h.cluster)].hosts;
    for (const VmSpec& v : spec_.vms) ++by_root[root(v.cluster)].vms;
    std::map<int, std::set<std::string>> seen;
    for (const auto& [cluster, reason] : reasons_) {
      const int r = root(cluster);
      if (!seen[r].insert(reason).second) continue;
      by_root[r].reasons.push_back(reason);
    }
    std::vector<CoupledGroup> out;
    for (auto& [r, g] : by_root) {
      if (g.reasons.size() > kReasonsListed) {
        const size_t more = g.reasons.size() - kReasonsListed;
        g.reasons.resize(kReasonsListed);
        g.reasons.push_back(fmt::format("and {} more", more));
      }
      out.push_back(std::move(g));
    }
    // Clusters were added in ascending order: each group's first is its least.
    std::sort(out.begin(), out.end(),
              [](const CoupledGroup& a, const CoupledGroup& b) { return a.clusters.front() < b.clusters.front(); });
    return out;
  }

 private:
  int root(int c) {
    while (parent_[static_cast<size_t>(c)] != c) {
      int& p = parent_[static_cast<size_t>(c)];
      p = parent_[static_cast<size_t>(p)];  // path halving
      c = p;
    }
    return c;
  }
  void join(int a, int b) {
    a = root(a), b = root(b);
    if (a != b) parent_[static_cast<size_t>(std::max(a, b))] = std::min(a, b);
  }

  const ScenarioSpec& spec_;
  std::vector<int> parent_;
  std::vector<std::pair<int, std::string>> reasons_;  // (a cluster it coupled, why)
};

const char* rule_kind_name(RuleKind k) {
  switch (k) {
    case RuleKind::affinity:
      return "affinity";
    case RuleKind::anti_affinity:
      return "anti-affinity";
    case RuleKind::vm_host:
      return "vm-host";
  }
  return "";
}

// VM groups: a group whose VMs are in several clusters (one name given to
// groups in several clusters shares the group's reports and random stream),
// and a group's fallback clusters (a power-on refused at home goes there).
void couple_vm_groups(const ScenarioSpec& spec, Coupling& coupling) {
  std::map<std::string, std::set<int>> group_clusters;
  std::map<std::string, std::set<int>> group_fallbacks;
  for (const VmSpec& v : spec.vms) {
    group_clusters[v.group].insert(v.cluster);
    if (v.fallback_clusters) {
      std::set<int>& f = group_fallbacks[v.group];
      f.insert(v.cluster);
      f.insert(v.fallback_clusters->begin(), v.fallback_clusters->end());
    }
  }
  for (const auto& [group, clusters] : group_clusters)
    if (clusters.size() > 1)
      coupling.couple(clusters, fmt::format("VM group {} spans {}", group, coupling.names(clusters)));
  for (const auto& [group, clusters] : group_fallbacks)
    coupling.couple(clusters, fmt::format("VM group {} falls back over {}", group, coupling.names(clusters)));
}

// Rules: an affinity, anti-affinity or vm-host rule whose VMs (at the start)
// and hosts are in several clusters binds them.
void couple_rules(const ScenarioSpec& spec, Coupling& coupling) {
  for (size_t r = 0; r < spec.rules.size(); ++r) {
    const RuleSpec& rule = spec.rules[r];
    std::set<int> clusters;
    for (int vm : rule.vms) clusters.insert(spec.vms[static_cast<size_t>(vm)].cluster);
    for (int h : rule.hosts) clusters.insert(spec.hosts[static_cast<size_t>(h)].cluster);
    coupling.couple(clusters,
                    fmt::format("{} rule {} spans {}", rule_kind_name(rule.kind), r + 1, coupling.names(clusters)));
  }
}

// Operations that move a VM or power it on at a named host take it where the
// host is: a destination in another cluster than the VM's couples the two.
// add_host brings hosts to the operation's cluster. The others act on each
// target where it is (a part keeps only its own targets) and couple nothing.
void couple_operations(const ScenarioSpec& spec, Coupling& coupling) {
  for (const OperationSpec& o : spec.operations) {
    std::set<int> clusters;
    switch (o.kind) {
      case OpKind::migrate:
      case OpKind::cold_migrate:
      case OpKind::power_on:
        if (o.host < 0) continue;
        clusters.insert(spec.hosts[static_cast<size_t>(o.host)].cluster);
        for (int vm : o.vms) clusters.insert(spec.vms[static_cast<size_t>(vm)].cluster);
        break;
      case OpKind::add_host:
        clusters.insert(o.cluster);
        for (int h : o.new_hosts) clusters.insert(spec.hosts[static_cast<size_t>(h)].cluster);
        break;
      default:
        continue;
    }
    coupling.couple(clusters,
                    fmt::format("operation '{}' (line {}) spans {}", o.text, o.line, coupling.names(clusters)));
  }
}

// Hosts bought by the refresh controller are named by one rule; a rule
// without {cluster} numbers them across the run (world/controllers/refresh.cpp,
// new_host_name), so every cluster's purchase takes the next number of one
// count shared by all: any cluster may buy (a retired host leaves a bay).
// A planned refresh buys through add_host operations, whose hosts are named.
//
// With {cluster} each cluster counts its own purchases, but the names stay
// unique across the fleet: a name one cluster's rule gives that another's
// already took is skipped, so two clusters whose names can give the same
// host name ("{cluster}{:02}" over "a" and "a1": a's 101st and a1's 1st are
// both "a101") must run together. Coupled when one name starts with the
// other's followed by the rule's text after {cluster} (a field after it), or
// ends with the other (a field before it): more often than names collide,
// never less.
void couple_cluster_names(const ScenarioSpec& spec, Coupling& coupling) {
  const std::string& rule = spec.refresh.bought_host_name;
  const size_t at = rule.find("{cluster");
  const size_t close = rule.find('}', at);
  if (close == std::string::npos) return;
  const std::string after = rule.substr(close + 1, rule.find('{', close) - close - 1);
  const bool field_after = rule.find('{', close) != std::string::npos;
  const bool field_before = rule.rfind('{', at == 0 ? 0 : at - 1) < at;
  for (size_t a = 0; a < spec.clusters.size(); ++a)
    for (size_t b = 0; b < spec.clusters.size(); ++b) {
      const std::string& x = spec.clusters[a].name;
      const std::string& y = spec.clusters[b].name;
      if (a == b || y.size() <= x.size()) continue;
      const bool prefix = field_after && y.rfind(x + after, 0) == 0;
      const bool suffix = field_before && y.compare(y.size() - x.size(), x.size(), x) == 0;
      if (!prefix && !suffix) continue;
      std::set<int> pair{static_cast<int>(a), static_cast<int>(b)};
      coupling.couple(pair,
                      fmt::format("bought hosts of {} and {} can be given the same name (refresh.bought_host_name "
                                  "'{}'), and a name is taken once across the run",
                                  x, y, rule));
    }
}

void couple_bought_host_names(const ScenarioSpec& spec, Coupling& coupling) {
  const RefreshSpec& r = spec.refresh;
  if (!r.enabled || r.planned) return;
  if (r.bought_host_name.find("{cluster") != std::string::npos) return couple_cluster_names(spec, coupling);
  std::set<int> all;
  for (size_t c = 0; c < spec.clusters.size(); ++c) all.insert(static_cast<int>(c));
  coupling.couple(all, fmt::format("bought hosts are numbered across the run (refresh.bought_host_name '{}' has no "
                                   "{{cluster}}): {} share one count",
                                   r.bought_host_name, coupling.names(all)));
}

// The work of simulating a group, in host-equivalents: a host is scored by
// every DRS pass, samples and refresh checks whether its cluster's VMs run or
// not, and a VM costs its boots, moves and software events; one host is
// counted as 20 VMs (about a fleet's VMs per host, so hosts and VMs weigh
// alike in a typical cluster). An estimate for balance, not a measurement.
size_t work(const CoupledGroup& g) { return g.hosts * 20 + g.vms; }

}  // namespace

std::vector<CoupledGroup> coupled_groups(const ScenarioSpec& spec) {
  Coupling coupling(spec);
  couple_vm_groups(spec, coupling);
  couple_rules(spec, coupling);
  couple_operations(spec, coupling);
  couple_bought_host_names(spec, coupling);
  return coupling.groups();
}

std::vector<std::vector<int>> split_clusters(const std::vector<CoupledGroup>& groups, int parts) {
  const size_t n = parts <= 0 ? groups.size() : std::min(groups.size(), static_cast<size_t>(parts));
  // Longest processing time first: the heaviest group onto the lightest
  // part; ties by the group's first cluster and the part's index, so the
  // same scenario always splits the same way.
  std::vector<size_t> order(groups.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return work(groups[a]) > work(groups[b]); });
  std::vector<size_t> load(n, 0);
  std::vector<std::vector<int>> out(n);
  for (size_t g : order) {
    const size_t lightest = static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[lightest] += work(groups[g]);
    out[lightest].insert(out[lightest].end(), groups[g].clusters.begin(), groups[g].clusters.end());
  }
  for (auto& p : out) std::sort(p.begin(), p.end());
  // Parts in the order of their first cluster: part 0 holds cluster 0.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return out;
}

}  // namespace evcsim
