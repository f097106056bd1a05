#include "world/event_order.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace evcsim {

CanonicalOrder::CanonicalOrder(const ScenarioSpec& spec, const Catalog& catalog, std::vector<Listener*> listeners,
                               Samples samples)
    : spec_(spec),
      catalog_(catalog),
      listeners_(std::move(listeners)),
      samples_mode_(samples),
      policy_(make_masking_policy(spec.policy)) {
  assembler_ = std::make_unique<SnapshotAssembler>(spec_, *policy_);
  vm_cluster_.reserve(spec.vms.size());
  for (const VmSpec& v : spec.vms) vm_cluster_.push_back(v.cluster);
  for (const ArrivalSpec& a : spec.arrivals) {  // the cluster of the group's VMs
    auto v = std::find_if(spec.vms.begin(), spec.vms.end(), [&](const VmSpec& x) { return x.group == a.group; });
    arrival_cluster_.push_back(v == spec.vms.end() ? -1 : v->cluster);
  }
}

CanonicalOrder::~CanonicalOrder() = default;

int CanonicalOrder::cluster_of(const Event& e) const {
  const int none = static_cast<int>(spec_.clusters.size());
  auto of_vm = [&](int vm) { return vm >= 0 ? vm_cluster_[static_cast<size_t>(vm)] : -1; };
  auto of_host = [&](int h) { return h >= 0 ? spec_.hosts[static_cast<size_t>(h)].cluster : -1; };
  auto first = [&](std::initializer_list<int> candidates) {
    for (int c : candidates)
      if (c >= 0) return c;
    return none;
  };
  return std::visit(
      [&](const auto& x) -> int {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Snapshot>) {
          return none;
        } else if constexpr (std::is_same_v<T, OperationRefused>) {
          const OperationSpec& op = spec_.operations[static_cast<size_t>(x.op)];
          return first({x.why.cluster, of_vm(x.why.vm), of_host(x.why.host), op.cluster,
                        op.vms.empty() ? -1 : of_vm(op.vms.front()), of_host(op.host),
                        op.new_hosts.empty() ? -1 : of_host(op.new_hosts.front())});
        } else if constexpr (std::is_same_v<T, ArrivalWithoutSlot>) {
          return first({arrival_cluster_[static_cast<size_t>(x.arrival)]});
        } else if constexpr (requires { x.cluster; }) {
          return first({x.cluster});
        } else if constexpr (requires { x.vm; }) {
          return first({of_vm(x.vm)});
        } else if constexpr (requires { x.host; }) {
          return first({of_host(x.host)});
        } else {
          static_assert(sizeof(T) == 0, "an event names no cluster, VM or host: say which cluster it concerns");
        }
      },
      e);
}

void CanonicalOrder::on_event(const Event& e) {
  const double t = event_time(e);
  if (t != now_) {
    if (t < now_)
      throw std::logic_error(
          fmt::format("an event of {} s came after one of {} s: events must come in time order", t, now_));
    flush();
    now_ = t;
  }
  events_.emplace_back(cluster_of(e), e);
  if (const auto* f = std::get_if<VmPlacedInFallback>(&e)) vm_cluster_[static_cast<size_t>(f->vm)] = f->cluster;
}

void CanonicalOrder::on_sample(const ClusterSample& s) {
  if (s.t != now_) {
    flush();
    now_ = s.t;
  }
  samples_.push_back(s);
}

void CanonicalOrder::flush() {
  std::stable_sort(events_.begin(), events_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [cluster, e] : events_) {
    if (const auto* b = std::get_if<HostBought>(&e)) {
      auto& part = parts_[b->cpu];
      if (!part) {
        const CpuModel* model = catalog_.find_cpu(b->cpu);
        if (!model) throw std::logic_error("a host bought of a part the catalog does not have: " + b->cpu);
        part = std::make_shared<const CpuModel>(*model);
      }
      spec_.name_bought_host(b->host, b->name, part);
    }
    for (Listener* l : listeners_) l->on_event(e);
  }
  events_.clear();
  if (samples_.empty()) return;
  std::stable_sort(samples_.begin(), samples_.end(),
                   [](const auto& a, const auto& b) { return a.cluster < b.cluster; });
  if (samples_mode_ == Samples::forward) {
    for (const ClusterSample& s : samples_)
      for (Listener* l : listeners_) l->on_sample(s);
  } else {
    if (samples_.size() != spec_.clusters.size())
      throw std::logic_error(
          fmt::format("{} cluster samples at {} s for {} clusters", samples_.size(), now_, spec_.clusters.size()));
    const Event snap = assembler_->assemble(samples_);
    for (Listener* l : listeners_) l->on_event(snap);
  }
  samples_.clear();
}

void CanonicalOrder::on_end(double t) {
  flush();
  for (Listener* l : listeners_) l->on_end(t);
}

}  // namespace evcsim
