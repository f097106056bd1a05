#include "world/inventory.hpp"

#include "policy/procurement/procurement_policy.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include <fmt/format.h>

namespace evcsim {

namespace {
constexpr double kDay = 86400, kYear = 365.25 * kDay;
}

Inventory::Inventory(Env& env)
    : hosts(env.spec.hosts.size()),
      vms(env.spec.vms.size()),
      clusters(env.spec.clusters.size()),
      env_(env),
      spec_(env.spec) {
  for (size_t c = 0; c < clusters.size(); ++c) clusters[c].baseline = spec_.clusters[c].baseline;
  for (size_t h = 0; h < hosts.size(); ++h) {
    HostRec& hr = hosts[h];
    const HostSpec& hs = spec_.hosts[h];
    hr.cpu = hs.cpu;
    hr.purchased = hs.purchased;
    hr.ram_mib = hs.ram_mib;
    if (hr.cpu) hr.capacity = host_capacity(hs.cores, *hr.cpu);
    if (hr.cpu && clusters[hs.cluster].vendor.empty()) clusters[hs.cluster].vendor = hr.cpu->vendor();
  }
  for (size_t v = 0; v < vms.size(); ++v) {
    vms[v].cluster = spec_.vms[v].cluster;
    vms[v].guest_os = spec_.vms[v].guest_os;
    vms[v].custom_masks = spec_.vms[v].masks;
    vms[v].effective_masks = overlay_masks(vms[v].custom_masks, spec_.policy.default_masks);
  }
}

HostView Inventory::host_view(int host) const {
  const ClusterRec& c = clusters[static_cast<size_t>(spec_.hosts[host].cluster)];
  return HostView{hosts[host].cpu.get(), c.baseline ? &*c.baseline : nullptr, c.lcd};
}

VmView Inventory::vm_view(int vm) const {
  const VmRec& v = vms[vm];
  const VmSpec& s = spec_.vms[vm];
  return VmView{&v.effective_masks, s.baseline ? &*s.baseline : nullptr, v.guest_view,
                v.host >= 0 ? hosts[v.host].cpu.get() : nullptr, v.guest_os};
}

Inventory::MemoryFit Inventory::fit(int host, int vm, int64_t pending_admit_mib, int64_t pending_configured_mib) const {
  const HostRec& hr = hosts[host];
  const VmSpec& v = spec_.vms[vm];
  const int64_t reserved = hr.ram_reserved_mib + pending_admit_mib;
  if (reserved + v.admit_mib() > hr.ram_mib) return {false, hr.ram_mib - reserved, v.admit_mib()};
  const double limit = spec_.clusters[spec_.hosts[host].cluster].overcommit_limit;
  if (limit > 0) {
    const auto cap = static_cast<int64_t>(limit * static_cast<double>(hr.ram_mib));
    const int64_t configured = hr.ram_configured_mib + pending_configured_mib;
    if (configured + v.ram_mib > cap) return {false, cap - configured, v.ram_mib, true};
  }
  return {};
}

int64_t Inventory::pack_size(int vm) const {
  const VmSpec& v = spec_.vms[vm];
  return spec_.clusters[vms[vm].cluster].overcommit_limit > 0 ? std::max(v.admit_mib(), v.ram_mib) : v.admit_mib();
}

int64_t Inventory::pack_room(int host) const {
  const HostRec& hr = hosts[host];
  const double limit = spec_.clusters[spec_.hosts[host].cluster].overcommit_limit;
  if (limit <= 0) return free_mib(host);
  const auto cap = static_cast<int64_t>(limit * static_cast<double>(hr.ram_mib));
  return std::min(free_mib(host), cap - hr.ram_configured_mib);
}

// ESXi's memory states by the host's free memory against minFree (899 MB
// for the first 28 GB of RAM plus 1% of the rest): soft below 64% of it
// (ballooning), hard below 32% (compression and swapping), low below 16%
// (allocations blocked). vSphere 6 thresholds, as VMware's "Memory
// Management in ESXi" material gives them (secondary: running-system.com,
// "vSphere 6 ESXi memory states and reclamation techniques"). Free memory
// here is the host's RAM less its VMs' active memory and overhead.
int memory_state_of(int64_t demand_mib, int64_t ram_mib) {
  const double min_free = 899 + 0.01 * static_cast<double>(std::max<int64_t>(0, ram_mib - 28 * 1024));
  const double free = static_cast<double>(ram_mib - demand_mib);
  if (free < 0.16 * min_free) return static_cast<int>(MemoryState::low);
  if (free < 0.32 * min_free) return static_cast<int>(MemoryState::hard);
  if (free < 0.64 * min_free) return static_cast<int>(MemoryState::soft);
  return static_cast<int>(MemoryState::normal);
}

void Inventory::add_memory(int host, int vm, int sign) {
  HostRec& hr = hosts[host];
  const VmSpec& v = spec_.vms[vm];
  hr.ram_reserved_mib += sign * v.admit_mib();
  hr.ram_demand_mib += sign * v.demand_mib();
  hr.ram_configured_mib += sign * v.ram_mib;
  const int state = memory_state_of(hr.ram_demand_mib, hr.ram_mib);
  if (state != hr.memory_state) {
    hr.memory_state = state;
    env_.emit(MemoryPressure{env_.now(), host, static_cast<MemoryState>(state), hr.ram_demand_mib,
                             hr.ram_configured_mib, hr.ram_mib});
  }
}

void Inventory::book(int host, int vm, int sign) {
  add_memory(host, vm, sign);
  touch(host);
}

bool Inventory::rules_allow(int vm, int host) const {
  for (const RuleSpec& r : spec_.rules) {
    if (std::find(r.vms.begin(), r.vms.end(), vm) == r.vms.end()) continue;
    switch (r.kind) {
      case RuleKind::vm_host:
        if (std::find(r.hosts.begin(), r.hosts.end(), host) == r.hosts.end()) return false;
        break;
      case RuleKind::anti_affinity:
        for (int other : hosts[host].vms)
          if (other != vm && std::find(r.vms.begin(), r.vms.end(), other) != r.vms.end()) return false;
        break;
      case RuleKind::affinity: {
        bool any_elsewhere = false, any_here = false;
        for (int other : r.vms) {
          if (other == vm || vms[other].power == Power::off) continue;
          (vms[other].host == host ? any_here : any_elsewhere) = true;
        }
        if (any_elsewhere && !any_here) return false;
        break;
      }
    }
  }
  return true;
}

double Inventory::growth_factor() const { return std::pow(1 + spec_.workload.growth_per_year, env_.now() / kYear); }

double Inventory::demand_factor() const {
  const auto& w = spec_.workload;
  const double now = env_.now();
  double wave = 1 + w.diurnal_amplitude * std::sin(2 * std::numbers::pi * now / kDay - std::numbers::pi / 2);
  return wave * growth_factor();
}

int Inventory::open_touch_log() {
  touch_logs_.push_back(TouchLog{{}, std::vector<uint8_t>(hosts.size(), 0)});
  return static_cast<int>(touch_logs_.size()) - 1;
}

std::vector<int> Inventory::take_touched(int log) {
  TouchLog& l = touch_logs_[static_cast<size_t>(log)];
  std::vector<int> out = std::move(l.hosts);
  l.hosts.clear();
  for (int h : out) l.flag[h] = 0;
  return out;
}

void Inventory::place(int vm, int host) {
  hosts[host].vms.push_back(vm);
  add_memory(host, vm, 1);
  hosts[host].demand += spec_.vms[vm].cpu_demand;
  vms[vm].host = host;
  touch(host);
}

void Inventory::unplace(int vm) {
  VmRec& v = vms[vm];
  if (v.host < 0) return;
  auto& list = hosts[v.host].vms;
  list.erase(std::find(list.begin(), list.end(), vm));
  add_memory(v.host, vm, -1);
  hosts[v.host].demand -= spec_.vms[vm].cpu_demand;
  touch(v.host);
  v.host = -1;
}

void Inventory::move_booked(int vm, int dst) {
  VmRec& v = vms[vm];
  auto& list = hosts[v.host].vms;
  list.erase(std::find(list.begin(), list.end(), vm));
  add_memory(v.host, vm, -1);
  hosts[v.host].demand -= spec_.vms[vm].cpu_demand;
  hosts[dst].vms.push_back(vm);
  hosts[dst].demand += spec_.vms[vm].cpu_demand;
  touch(v.host);
  touch(dst);
  v.host = dst;
}

void Inventory::recompute_lcd(int cluster) {
  ClusterRec& c = clusters[cluster];
  std::vector<const CpuModel*> cpus;
  for (const auto& [cpu, n] : c.cpus) cpus.push_back(cpu);
  c.lcd = lowest_common_denominator(cpus);
}

void Inventory::join_host(int host, int cluster) {
  hosts[host].present = true;
  ClusterRec& c = clusters[cluster];
  c.hosts.push_back(host);
  ++c.membership;
  touch(host);
  const CpuModel* cpu = hosts[host].cpu.get();
  auto it = std::find_if(c.cpus.begin(), c.cpus.end(), [&](const auto& k) { return k.first == cpu; });
  if (it != c.cpus.end()) {
    ++it->second;
  } else {
    c.cpus.emplace_back(cpu, 1);
    recompute_lcd(cluster);
  }
  env_.emit(HostJoined{env_.now(), host, cluster});
  joined(host, cluster);
}

void Inventory::change_cpu(int host, std::shared_ptr<const CpuModel> cpu) {
  HostRec& hr = hosts[host];
  if (hr.present) {
    const int c = spec_.hosts[host].cluster;
    auto& cpus = clusters[c].cpus;
    auto it = std::find_if(cpus.begin(), cpus.end(), [&](const auto& k) { return k.first == hr.cpu.get(); });
    if (--it->second == 0) cpus.erase(it);
    auto now = std::find_if(cpus.begin(), cpus.end(), [&](const auto& k) { return k.first == cpu.get(); });
    if (now != cpus.end()) ++now->second;
    else cpus.emplace_back(cpu.get(), 1);
    hr.cpu = std::move(cpu);
    recompute_lcd(c);
  } else {
    hr.cpu = std::move(cpu);
  }
  touch(host);
}

void Inventory::remove_host(int host) {
  hosts[host].present = false;
  int c = spec_.hosts[host].cluster;
  auto& list = clusters[c].hosts;
  list.erase(std::find(list.begin(), list.end(), host));
  ++clusters[c].membership;
  touch(host);
  auto& cpus = clusters[c].cpus;
  auto it = std::find_if(cpus.begin(), cpus.end(), [&](const auto& k) { return k.first == hosts[host].cpu.get(); });
  if (--it->second == 0) {
    cpus.erase(it);
    recompute_lcd(c);
  }
  env_.emit(HostRemoved{env_.now(), host});
}

bool Inventory::apply_baseline(int cluster, const std::optional<Baseline>& to_b, Refusal* why) {
  ClusterRec& c = clusters[cluster];
  std::string from = c.baseline ? c.baseline->name : "none";
  std::string to = to_b ? to_b->name : "none";
  if (to_b) {
    for (int h : c.hosts) {
      Admission a = check_admission(cpu_of(h), *to_b);
      if (!a.ok) {
        *why = Refusal{RefusalCode::baseline_host_cannot_join, -1, h, cluster, 0, 0, to, a.reason, {}};
        return false;
      }
    }
    bool raising = c.baseline && to_b->features.contains(c.baseline->features);
    if (!raising) {
      bool all = !c.baseline && spec_.refresh.enable_needs_all_off;
      std::vector<int> above;
      for (int h : c.hosts)
        for (int vm : hosts[h].vms)
          if (all || !to_b->features.contains(vms[vm].guest_view)) above.push_back(vm);
      if (!above.empty()) {
        RefusalCode code = c.baseline ? RefusalCode::lower_vms_see_more : RefusalCode::enable_vms_see_more;
        *why = Refusal{code, -1, -1, cluster, 0, 0, to, {}, std::move(above)};
        return false;
      }
    }
  }
  c.baseline = to_b;
  env_.emit(BaselineChanged{env_.now(), cluster, from, to, to_b ? to_b->features.count() : 0});
  return true;
}

void Inventory::check_invariants() const {
  std::vector<int> seen(vms.size(), 0);
  std::vector<int64_t> booked(hosts.size(), 0), demand(hosts.size(), 0), configured(hosts.size(), 0);
  auto count = [&](size_t h, int vm) {
    booked[h] += spec_.vms[vm].admit_mib();
    demand[h] += spec_.vms[vm].demand_mib();
    configured[h] += spec_.vms[vm].ram_mib;
  };
  for (size_t h = 0; h < hosts.size(); ++h)
    for (int vm : hosts[h].vms) {
      if (++seen[vm] > 1) throw std::logic_error(fmt::format("invariant: VM {} is on two hosts", spec_.vms[vm].name));
      if (vms[vm].host != static_cast<int>(h))
        throw std::logic_error(fmt::format("invariant: VM {} is listed on {} but records host {}", spec_.vms[vm].name,
                                           spec_.host_name(h), vms[vm].host));
      if (!hosts[h].present)
        throw std::logic_error(
            fmt::format("invariant: VM {} runs on absent host {}", spec_.vms[vm].name, spec_.host_name(h)));
      count(h, vm);
    }
  for (size_t vm = 0; vm < vms.size(); ++vm) {
    const VmRec& v = vms[vm];
    bool off = v.power == Power::off;
    if (off && (seen[vm] != 0 || v.host != -1))
      throw std::logic_error(fmt::format("invariant: VM {} is off but placed on a host", spec_.vms[vm].name));
    if (!off && seen[vm] != 1)
      throw std::logic_error(fmt::format("invariant: VM {} is on but on {} hosts", spec_.vms[vm].name, seen[vm]));
    if (v.migrating) count(static_cast<size_t>(v.migration_dst), static_cast<int>(vm));
    if (v.cold_moving) count(static_cast<size_t>(v.cold_dst), static_cast<int>(vm));
  }
  for (size_t c = 0; c < clusters.size(); ++c) {
    size_t counted = 0;
    for (const auto& [cpu, n] : clusters[c].cpus) {
      counted += static_cast<size_t>(n);
      const auto holds = std::count_if(clusters[c].hosts.begin(), clusters[c].hosts.end(),
                                       [&, cpu = cpu](int h) { return hosts[h].cpu.get() == cpu; });
      if (holds != n)
        throw std::logic_error(fmt::format("invariant: cluster {} counts {} hosts of {}, holds {}",
                                           spec_.clusters[c].name, n, cpu->name, holds));
    }
    if (counted != clusters[c].hosts.size())
      throw std::logic_error(fmt::format("invariant: cluster {} counts {} hosts by CPU model, lists {}",
                                         spec_.clusters[c].name, counted, clusters[c].hosts.size()));
  }
  for (size_t h = 0; h < hosts.size(); ++h) {
    const HostRec& hr = hosts[h];
    if (booked[h] != hr.ram_reserved_mib || hr.ram_reserved_mib > hr.ram_mib)
      throw std::logic_error(fmt::format("invariant: host {} reserves {} MiB for {} MiB of VMs (capacity {} MiB)",
                                         spec_.host_name(h), hr.ram_reserved_mib, booked[h], hr.ram_mib));
    if (demand[h] != hr.ram_demand_mib || configured[h] != hr.ram_configured_mib)
      throw std::logic_error(
          fmt::format("invariant: host {} books {} MiB active and {} MiB configured for {} and {} MiB of VMs",
                      spec_.host_name(h), hr.ram_demand_mib, hr.ram_configured_mib, demand[h], configured[h]));
  }
}

}  // namespace evcsim
