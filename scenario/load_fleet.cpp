// The fleet: policy, network and migration settings, clusters, hosts, VMs, rules.
#include "scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "base/error.hpp"
#include "catalog/catalog_lists.hpp"
#include "catalog/guest_os.hpp"
#include "catalog/host_state.hpp"
#include "catalog/hypervisor_support.hpp"
#include "catalog/vmotion_era.hpp"
#include "cpu/feature_registry.hpp"
#include "interop/importers.hpp"
#include "policy/baseline/baseline_policy.hpp"
#include "policy/codes.hpp"
#include "policy/masking/masking_policy.hpp"
#include "policy/named_table.hpp"
#include "policy/placement/placement_policy.hpp"
#include "policy/procurement/procurement_policy.hpp"
#include "scenario/metrics.hpp"

namespace evcsim::loading {

void Loader::load_policy() {
  const auto& p = msg_.policy();
  const Tree* t = file_.nested(msg_, "policy", -1);
  spec_.policy.name = p.name().empty() ? "modern-superset" : p.name();
  if (!find_named(masking_policy_table(), spec_.policy.name)) {
    try {
      make_masking_policy(spec_.policy);
    } catch (const InputError& e) {
      fail(p, "name", t, -1, e.message());
    }
  }
  spec_.policy.allow_cross_vendor = p.allow_cross_vendor();
  spec_.policy.default_masks = masks(p.default_mask(), p, "default_mask", t, false);
  spec_.policy.model = baseline(p.model(), p, "model", t);
  if (std::string why = validate_masking_policy(spec_.policy); !why.empty()) fail(p, "model", t, -1, why);
}

void Loader::load_settings() {
  const auto& n = msg_.network();
  const Tree* nt = file_.nested(msg_, "network", -1);
  auto set = [&](double v, double& into, const char* field, bool allow_zero) {
    if (v != 0 || allow_zero) positive(n, field, nt, v, true);
    if (v != 0) into = v;
  };
  set(n.host_link_gbps(), spec_.network.host_link_gbps, "host_link_gbps", false);
  set(n.host_link_latency_us(), spec_.network.host_link_latency_us, "host_link_latency_us", true);
  set(n.uplink_gbps(), spec_.network.uplink_gbps, "uplink_gbps", false);
  set(n.uplink_latency_us(), spec_.network.uplink_latency_us, "uplink_latency_us", true);
  const auto& m = msg_.migration();
  const Tree* mt = file_.nested(msg_, "migration", -1);
  positive(m, "max_downtime_ms", mt, m.max_downtime_ms(), true);
  positive(m, "cold_outage_s", mt, m.cold_outage_s(), true);
  positive(m, "reboot_s", mt, m.reboot_s(), true);
  if (m.max_downtime_ms() > 0) spec_.migration.max_downtime_ms = m.max_downtime_ms();
  if (m.max_rounds() > 0) spec_.migration.max_rounds = static_cast<int>(std::min<uint32_t>(m.max_rounds(), 1000));
  if (m.cold_outage_s() > 0) spec_.migration.cold_outage_s = m.cold_outage_s();
  if (m.reboot_s() > 0) spec_.migration.reboot_s = m.reboot_s();
  if (m.max_crash_loops() > 0) spec_.migration.max_crash_loops = static_cast<int>(m.max_crash_loops());
  spec_.migration.max_per_host = static_cast<int>(std::min<uint32_t>(m.max_per_host(), 1000));
  if (!m.convergence().empty()) {
    try {
      parse_convergence(m.convergence());
    } catch (const InputError& e) {
      fail(m, "convergence", mt, -1, e.what());
    }
    spec_.migration.convergence = m.convergence();
  }
}

void Loader::apply_vmotion_era() {
  const bool esxi = !spec_.hypervisor.esxi.empty();
  // The release a date implies applies to vSphere-like policies only (their
  // hypervisor converges by SDPS today); a named ESXi release to any.
  const bool vsphere = make_masking_policy(spec_.policy)->default_convergence() == "sdps";
  if (!esxi && !(spec_.calendar && vsphere)) return;  // today's defaults
  const std::string release = esxi ? spec_.hypervisor.esxi : std::string(esxi_release_at(spec_.start_date));
  const VmotionEra& era = vmotion_era(release);
  const bool all_given = msg_.network().host_link_gbps() != 0 && msg_.migration().max_per_host() != 0 &&
                         !msg_.migration().convergence().empty();
  if (all_given) return;  // the scenario states its vMotion: no era to name
  if (msg_.network().host_link_gbps() == 0) spec_.network.host_link_gbps = era.link_gbps;
  if (msg_.migration().max_per_host() == 0)
    spec_.migration.max_per_host = vmotion_max_per_host(era, spec_.network.host_link_gbps);
  if (msg_.migration().convergence().empty() && vsphere) spec_.migration.convergence = std::string(era.convergence);
  spec_.migration.era = fmt::format("{} ({})", era.releases,
                                    esxi ? fmt::format("hypervisor.esxi {}", release)
                                         : fmt::format("start_date {}: {} {} was out", spec_.start_date.str(),
                                                       release.starts_with("3.") || release == "4.0" ? "ESX" : "ESXi",
                                                       newest_esxi_at(spec_.start_date)));
}

void Loader::add_bays() {
  if (!spec_.refresh.enabled) return;
  for (size_t c = 0; c < spec_.clusters.size(); ++c) {
    int present = 0;
    int64_t ram = 0;
    int cores = 0;
    for (const auto& h : spec_.hosts)
      if (h.cluster == static_cast<int>(c)) ++present, ram = std::max(ram, h.ram_mib), cores = std::max(cores, h.cores);
    // Default cap: the starting size plus as many again (at least 8), within vSphere's 96.
    int cap = max_hosts_per_cluster_
                  ? static_cast<int>(max_hosts_per_cluster_)
                  : std::max(present, std::min<int>(kVsphereMaxHosts, present + std::max(8, present)));
    int bays = cap - present;
    for (int k = 1; k <= bays; ++k) {
      HostSpec b;
      b.name = fmt::format("{}-bay-{}", spec_.clusters[c].name, k);
      b.cluster = static_cast<int>(c);
      b.ram_mib = ram > 0 ? ram : 256 * 1024;
      b.cores = cores;
      spec_.hosts.push_back(b);
      spec_.host_present_at_start.push_back(false);
    }
  }
}

void Loader::load_rule(int i) {
  const auto& r = msg_.rule(i);
  const Tree* t = file_.nested(msg_, "rule", i);
  RuleSpec rs;
  if (r.kind() == "affinity") rs.kind = RuleKind::affinity;
  else if (r.kind() == "anti-affinity") rs.kind = RuleKind::anti_affinity;
  else if (r.kind() == "vm-host") rs.kind = RuleKind::vm_host;
  else fail(r, "kind", t, -1, fmt::format("'{}' is not affinity, anti-affinity or vm-host", r.kind()));
  for (int k = 0; k < r.vm_size(); ++k) {
    auto ids = vm_indices(r.vm(k), r, t);
    rs.vms.insert(rs.vms.end(), ids.begin(), ids.end());
  }
  for (int k = 0; k < r.host_size(); ++k) rs.hosts.push_back(host_index(r.host(k), r, "host", t));
  if (rs.kind == RuleKind::vm_host && rs.hosts.empty()) fail(r, "host", t, -1, "a vm-host rule needs hosts");
  if (rs.kind != RuleKind::vm_host && rs.vms.size() < 2)
    fail(r, "vm", t, -1, "a rule between VMs needs two VMs or more");
  spec_.rules.push_back(std::move(rs));
}

std::vector<int> Loader::add_hosts(const sc::HostGroup& g, const Tree* t, int cluster, bool present) {
  if (g.cpu().empty()) fail(g, "cpu", t, -1, "a host group needs a cpu (catalog name, SKU or dump file)");
  auto it = cpus_.find(g.cpu());
  if (it == cpus_.end()) {
    std::shared_ptr<const CpuModel> model;
    if (const CpuModel* c = catalog_.find_cpu(g.cpu())) {
      model = std::make_shared<CpuModel>(*c);
      if (!catalog_lists(catalog_, g.cpu()))  // matched by the vendor's numbering only: say what it was taken as
        warn(g, "cpu", t,
             fmt::format("'{}' is not a SKU the catalog lists; taken as {} ({}) by the vendor's model numbering "
                         "(catalog SKUs of it: {}; `evcsim cpu show {}`)",
                         g.cpu(), c->name, c->family_name, fmt::join(c->skus, ", "), c->name));
    } else {
      std::string path = (std::filesystem::path(dir_) / g.cpu()).string();
      std::error_code ec;
      if (!std::filesystem::is_regular_file(path, ec))
        fail(g, "cpu", t, -1,
             fmt::format("unknown CPU '{}': not a catalog name, code name, SKU or brand string, and no file {}; "
                         "nearest: {}",
                         g.cpu(), path, fmt::join(catalog_.nearest_cpus(g.cpu()), ", ")));
      model = std::make_shared<CpuModel>(resolve_cpu(catalog_, path));  // a dump or a catalog entry
    }
    it = cpus_.emplace(g.cpu(), std::move(model)).first;
  }
  std::shared_ptr<const CpuModel> cpu = it->second;
  // The hosts' state: what their firmware turned off, features disabled or added.
  std::vector<std::string> off;
  if (g.firmware().tsx() == sc::off) off.emplace_back("tsx");
  if (g.firmware().aes() == sc::off) off.emplace_back("aes");
  for (const char* field : {"disable", "add"}) {
    const auto& names = std::string_view(field) == "add" ? g.add() : g.disable();
    for (int k = 0; k < names.size(); ++k)
      if (!find_feature(names[k])) fail(g, field, t, k, fmt::format("unknown feature '{}'", names[k]));
  }
  if (!off.empty() || g.disable_size() > 0 || g.add_size() > 0) {
    try {
      cpu = std::make_shared<CpuModel>(
          with_state(*cpu, off, {g.disable().begin(), g.disable().end()}, {g.add().begin(), g.add().end()}));
    } catch (const InputError& e) {
      fail(g, "firmware", t, -1, e.message());
    }
  }
  not_zero(g, "count", t, g.count());
  not_zero(g, "cores", t, g.cores());
  not_zero(g, "ram_gib", t, g.ram_gib());
  uint32_t count = g.count() == 0 ? 1 : g.count();
  if (count > 1000000)
    fail(g, "count", t, -1, fmt::format("{} hosts in one group is more than evcsim supports", count));
  std::string base = g.name().empty() ? cpu->name : g.name();
  std::vector<int> out;
  for (uint32_t k = 1; k <= count; ++k) {
    HostSpec h;
    h.name = count == 1 ? base : fmt::format("{}-{}", base, k);
    if (!names_.insert(h.name).second)
      fail(g, g.name().empty() ? "cpu" : "name", t, -1, fmt::format("duplicate host name '{}'", h.name));
    h.cpu = cpu;
    h.cluster = cluster;
    h.cores = g.cores() ? static_cast<int>(g.cores()) : 2 * std::max(1, cpu->cores_per_socket);
    h.ram_mib = static_cast<int64_t>(g.ram_gib() ? g.ram_gib() : 256) * 1024;
    h.purchased = spec_.start_date;
    if (!g.retire().empty()) {
      try {
        h.retire = parse_year_month(g.retire());
      } catch (const InputError& e) {
        fail(g, "retire", t, -1, e.message());
      }
    }
    if (!g.purchased().empty()) {
      try {
        h.purchased = parse_year_month(g.purchased());
      } catch (const InputError& e) {
        fail(g, "purchased", t, -1, e.message());
      }
    }
    out.push_back(static_cast<int>(spec_.hosts.size()));
    spec_.hosts.push_back(std::move(h));
    spec_.host_present_at_start.push_back(present);
  }
  return out;
}

void Loader::load_cluster(int i) {
  const auto& c = msg_.cluster(i);
  const Tree* t = file_.nested(msg_, "cluster", i);
  if (c.name().empty()) fail(msg_, "cluster", nullptr, i, "every cluster needs a name");
  for (const auto& other : spec_.clusters)
    if (other.name == c.name()) fail(c, "name", t, -1, fmt::format("duplicate cluster '{}'", c.name()));
  ClusterSpec cs{c.name(), baseline(c.baseline(), c, "baseline", t), msg_.memory().overcommit_limit()};
  if (c.memory_overcommit_limit() != 0) {
    if (c.memory_overcommit_limit() < 1)
      fail(c, "memory_overcommit_limit", t, -1,
           fmt::format("{} is below 1: a host cannot hold less configured RAM than it has",
                       c.memory_overcommit_limit()));
    cs.overcommit_limit = c.memory_overcommit_limit();
  }
  spec_.clusters.push_back(cs);
  int idx = static_cast<int>(spec_.clusters.size()) - 1;
  for (int k = 0; k < c.hosts_size(); ++k) {
    const Tree* ht = file_.nested(c, "hosts", k, t);
    auto ids = add_hosts(c.hosts(k), ht, idx, true);
    if (cs.baseline)
      for (int h : ids) {
        Admission a = check_admission(*spec_.hosts[h].cpu, *cs.baseline);
        if (!a.ok)
          fail(c.hosts(k), "cpu", ht, -1,
               fmt::format("host {} cannot join cluster {} at baseline {}: {}", spec_.hosts[h].name, c.name(),
                           cs.baseline->name, a.reason));
      }
  }
}

void Loader::load_vm_group(int i) {
  const auto& g = msg_.vm(i);
  const Tree* t = file_.nested(msg_, "vm", i);
  if (g.name().empty()) fail(msg_, "vm", nullptr, i, "every vm group needs a name");
  auto software = std::make_shared<std::vector<SoftwareSpec>>();
  for (int k = 0; k < g.software_size(); ++k) {
    const auto& s = g.software(k);
    const Tree* st = file_.nested(g, "software", k, t);
    SoftwareSpec sw;
    sw.name = s.name().empty() ? fmt::format("software-{}", k + 1) : s.name();
    switch (s.detection()) {
      case sc::PROBE:
        sw.detection = Detection::probe;
        break;
      case sc::FIXED:
        sw.detection = Detection::fixed;
        break;
      default:
        sw.detection = Detection::cpuid;
        break;
    }
    for (int u = 0; u < s.uses_size(); ++u) {
      auto id = find_feature(s.uses(u));
      if (!id) fail(s, "uses", st, u, fmt::format("unknown feature '{}' (see `evcsim cpu features`)", s.uses(u)));
      sw.uses.set(*id);
    }
    sw.kernel = s.kernel();
    positive(s, "restarts_per_day", st, s.restarts_per_day(), true);
    positive(s, "uses_per_s", st, s.uses_per_s(), true);
    positive(s, "restart_delay_s", st, s.restart_delay_s(), true);
    sw.restarts_per_day = s.restarts_per_day();
    if (s.uses_per_s() > 0) sw.uses_per_s = s.uses_per_s();
    if (s.restart_delay_s() > 0) sw.restart_delay_s = s.restart_delay_s();
    software->push_back(std::move(sw));
  }
  VmMasks own = masks(g.mask(), g, "mask", t, true);
  auto base = baseline(g.baseline(), g, "baseline", t);
  int cluster = g.cluster().empty() ? -1 : cluster_index(g.cluster(), g, "cluster", t);
  int host = g.host().empty() ? -1 : host_index(g.host(), g, "host", t);
  if (host >= 0) {
    if (cluster >= 0 && spec_.hosts[host].cluster != cluster)
      fail(g, "host", t, -1, fmt::format("host {} is not in cluster {}", g.host(), g.cluster()));
    cluster = spec_.hosts[host].cluster;
  }
  if (cluster < 0) {
    if (spec_.clusters.size() > 1) fail(g, "cluster", t, -1, "say which cluster (or host) the VMs power on in");
    cluster = 0;
  }
  std::shared_ptr<const std::vector<int>> fallbacks;
  if (g.fallback_clusters_size() > 0) {
    if (host >= 0) fail(g, "fallback_clusters", t, 0, "a VM pinned to a host (`host`) has no fallback cluster");
    auto list = std::make_shared<std::vector<int>>();
    for (int i = 0; i < g.fallback_clusters_size(); ++i) {
      const std::string& name = g.fallback_clusters(i);
      int c = -1;
      for (size_t k = 0; k < spec_.clusters.size(); ++k)
        if (spec_.clusters[k].name == name) c = static_cast<int>(k);
      if (c < 0) fail(g, "fallback_clusters", t, i, fmt::format("unknown cluster '{}'", name));
      if (c == cluster)
        fail(g, "fallback_clusters", t, i, fmt::format("cluster '{}' is the group's own cluster", name));
      if (std::find(list->begin(), list->end(), c) != list->end())
        fail(g, "fallback_clusters", t, i, fmt::format("cluster '{}' is named twice", name));
      list->push_back(c);
    }
    fallbacks = std::move(list);
  }
  std::vector<int> guest_os;
  for (int i = 0; i < g.guest_os_size(); ++i) {
    const int os = guest_os_index(g.guest_os(i));
    if (os < 0) fail(g, "guest_os", t, i, unknown_guest_os(g.guest_os(i)));
    const GuestOs& g_os = guest_os_table()[static_cast<size_t>(os)];
    if (spec_.calendar && g_os.ga > spec_.date(0))
      warn(g, "guest_os", t,
           fmt::format("{} was not out at the start ({}; generally available {})", g_os.name, spec_.date(0), g_os.ga));
    guest_os.push_back(os);
  }
  // A VM runs its OS: the OS kernel (FIXED, the floor of the OS it runs now)
  // unless the group gives a kernel of its own, and when the group lists no
  // software at all, applications that ask CPUID and use what they find up to
  // AVX2 and AES-NI (glibc's string functions, OpenSSL, JITs: an assumption,
  // not a measurement). Appended, so the group's own software keeps its indices.
  if (!guest_os.empty()) {
    const bool had_software = !software->empty();
    if (std::none_of(software->begin(), software->end(), [](const SoftwareSpec& s) { return s.kernel; })) {
      SoftwareSpec os;
      os.name = "guest-os";
      os.detection = Detection::fixed;
      os.kernel = true;
      os.guest_os_kernel = true;
      software->push_back(std::move(os));
    }
    if (!had_software) {
      SoftwareSpec apps;
      apps.name = "applications";
      apps.detection = Detection::cpuid;
      apps.uses = catalog_.baseline("x86-64-v3").features | make_feature_set({"aes", "pclmulqdq"});
      software->push_back(std::move(apps));
    }
  }
  positive(g, "dirty_mib_per_s", t, g.dirty_mib_per_s(), true);
  double power_on_at =
      time_of(g, t, "power_on_at_s", g.power_on_at_s(), "power_on_date", g.power_on_date(), "", "").value_or(0);
  const char* power_on_field = g.power_on_date().empty() ? "power_on_at_s" : "power_on_date";
  // A power_on_date before the start (an inventory's PowerOn): the VM is
  // running at the start, on the view it captured that day.
  const double view_since = power_on_at;
  if (!g.power_on_date().empty() && power_on_at < 0) power_on_at = 0;
  positive(g, power_on_field, t, power_on_at, true);
  std::optional<FeatureSet> captured_view;
  if (!g.captured_baseline().empty()) {
    try {
      captured_view = catalog_.baseline(g.captured_baseline()).features;
    } catch (const InputError& e) {
      fail(g, "captured_baseline", t, -1, e.message());
    }
  }
  not_zero(g, "ram_mib", t, g.ram_mib());
  not_zero(g, "vcpus", t, g.vcpus());
  if (g.arrivals_per_day() == 0) not_zero(g, "count", t, g.count());  // a group that arrives may start empty
  if (power_on_at > spec_.horizon_s)
    fail(g, power_on_field, t, -1,
         fmt::format("{} is after the end of the run ({})", when(power_on_at), when(spec_.horizon_s)));
  uint32_t count = g.count() == 0 ? 1 : g.count();
  positive(g, "arrivals_per_day", t, g.arrivals_per_day(), true);
  positive(g, "lifetime_days", t, g.lifetime_days(), true);
  positive(g, "cpu_demand", t, g.cpu_demand(), true);
  if (g.active_memory() < 0 || g.active_memory() > 1)
    fail(g, "active_memory", t, -1, fmt::format("{} is not a share from 0 to 1", g.active_memory()));
  if (g.reserved_mib() > (g.ram_mib() ? g.ram_mib() : 4096))
    fail(g, "reserved_mib", t, -1,
         fmt::format("a reservation of {} MiB is more than the VM's {} MiB", g.reserved_mib(),
                     g.ram_mib() ? g.ram_mib() : 4096));
  const double active_share = g.active_memory() > 0 ? g.active_memory() : spec_.memory_active;
  int ha_priority = 1;
  if (!g.ha_priority().empty()) {
    static const std::map<std::string, int> kPriorities = {{"high", 0}, {"medium", 1}, {"low", 2}};
    auto p = kPriorities.find(g.ha_priority());
    if (p == kPriorities.end())
      fail(g, "ha_priority", t, -1, fmt::format("'{}' is not high, medium or low", g.ha_priority()));
    ha_priority = p->second;
  }
  uint32_t slots = count;
  if (g.arrivals_per_day() > 0) {
    // Departed VMs free their slots: with a lifetime, about per_day x
    // lifetime_days run at once (three times that leaves ample room).
    double expected = g.arrivals_per_day() * spec_.horizon_s / 86400;
    if (g.lifetime_days() > 0) expected = std::min(expected, g.arrivals_per_day() * g.lifetime_days() * 2.5);
    slots = g.max_count() ? g.max_count() : count + static_cast<uint32_t>(std::min(1e6, expected * 1.2 + 10));
    if (slots < count) fail(g, "max_count", t, -1, fmt::format("max_count {} is below count {}", slots, count));
  }
  if (slots > 10000000) fail(g, "count", t, -1, "too many VMs in one group");
  int first_slot = static_cast<int>(spec_.vms.size()) + static_cast<int>(count);
  for (uint32_t k = 1; k <= slots; ++k) {
    VmSpec v;
    v.name = slots == 1 ? g.name() : fmt::format("{}-{}", g.name(), k);
    v.group = g.name();
    if (!vm_names_.insert(v.name).second) fail(g, "name", t, -1, fmt::format("duplicate VM name '{}'", v.name));
    v.vcpus = g.vcpus() ? static_cast<int>(g.vcpus()) : 2;
    v.ram_mib = g.ram_mib() ? g.ram_mib() : 4096;
    v.reserved_mib = g.reserved_mib();
    v.overhead_mib = vm_overhead_mib(v.ram_mib, v.vcpus);
    v.active_mib = std::llround(active_share * static_cast<double>(v.ram_mib));
    v.dirty_mib_per_s = g.has_dirty_mib_per_s() ? g.dirty_mib_per_s() : 50;  // 0: idle, dirties nothing
    v.working_set_mib = g.working_set_mib() ? g.working_set_mib() : std::max<int64_t>(1, v.ram_mib / 4);
    if (v.working_set_mib > v.ram_mib)
      fail(g, "working_set_mib", t, -1,
           fmt::format("working set {} MiB exceeds RAM {} MiB", v.working_set_mib, v.ram_mib));
    v.cluster = cluster;
    v.fallback_clusters = fallbacks;
    v.host = host;
    v.software = software;
    v.masks = own;
    v.baseline = base;
    v.power_cycle_on_reboot = g.power_cycle_on_reboot();
    v.ha_priority = ha_priority;
    v.power_on_at_s = power_on_at;
    v.start_powered_off = g.start_powered_off() || k > count;
    v.arrival_slot = k > count;
    v.lifetime_days = g.lifetime_days();  // the VMs present at the start leave too
    v.cpu_demand = g.cpu_demand() > 0 ? g.cpu_demand() : 0.3 * v.vcpus;
    if (!guest_os.empty()) v.guest_os = guest_os[(k - 1) % guest_os.size()];
    v.captured_view = captured_view;
    v.captured_baseline = g.captured_baseline();
    v.view_since_s = view_since;
    spec_.vms.push_back(std::move(v));
  }
  if (slots > count)
    spec_.arrivals.push_back({g.name(), g.arrivals_per_day(), first_slot, static_cast<int>(spec_.vms.size())});
}

}  // namespace evcsim::loading
