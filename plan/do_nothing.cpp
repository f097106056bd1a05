#include "plan/do_nothing.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "base/text_util.hpp"
#include "base/textproto.hpp"
#include "catalog/catalog.hpp"
#include "catalog/guest_os.hpp"
#include "catalog/hypervisor_support.hpp"
#include "cpu/feature_registry.hpp"
#include "plan/planner.hpp"
#include "policy/procurement/procurement_policy.hpp"
#include "reports/results.hpp"
#include "scenario/scenario.pb.h"

namespace evcsim::plan {

namespace {

constexpr double kDay = 86400, kYear = 365.25 * kDay, kQuarter = kYear / 4;
constexpr int kMaxVmRows = 20000;  // per outlook: a ten-year plan's raises over thousands of VMs

// Hardware support life: vendors include 1 to 3 years with a server and sell
// extensions in 1-3 year steps up to a vendor-defined maximum, often 5 to 7
// years from shipment (Dell ProSupport, HPE, Lenovo, Cisco alike; secondary:
// expirationreminder.com, "Server Warranty", 2025). kVendorSupportYears is the
// typical contract, kVendorSupportMaxYears the longest extension.
static_assert(kVendorSupportYears <= kVendorSupportMaxYears);
constexpr const char* kVendorSource =
    "hardware support: 1-3 years included, extensions in 1-3 year steps to a vendor-defined maximum, often 5 to 7 "
    "years from shipment (secondary: expirationreminder.com, \"Server Warranty\")";

// ESXi end of general support (VMware/Broadcom's lifecycle matrix; the policy
// gives a major release 5 years of general support and 2 of technical
// guidance from GA: vmware.com/support/policies/enterprise-infrastructure.html).
constexpr std::array<EsxiLifecycle, 7> kEsxiLife = {{
    {"5.5", "2018-09-19",
     "VMware lifecycle matrix: vSphere 5.5 general support ended 2018-09-19 (secondary: nolabnoparty.com, "
     "2018)"},
    {"6.0", "2020-03-12",
     "VMware lifecycle matrix: vSphere 6.0 general support ended 2020-03-12 (secondary: nolabnoparty.com and "
     "ceriumnetworks.com)"},
    {"6.5", "2022-10-15",
     "ESXi 6.5 and 6.7 general support extended from 2021-11-15 to 2022-10-15 (VMware vSphere blog, "
     "2020-06, for 6.7; 6.5 the same by a later post, secondary: virtuwise.com)"},
    {"6.7", "2022-10-15",
     "Broadcom lifecycle matrix: ESXi 6.5 and 6.7 general support ended 2022-10-15 (secondary: "
     "vmwaremigrationhub.com and it-server-room.com tabulate it)"},
    {"7.0", "2025-10-02",
     "Broadcom lifecycle matrix: ESXi 7.0 general support extended from 2025-04-02 to 2025-10-02 (secondary: "
     "helient.com and it-server-room.com; some pages still give 2025-04-02)"},
    {"8.0", "2027-10-11",
     "Broadcom lifecycle matrix: ESXi 8.0 general support ends 2027-10-11, technical guidance 2029-10-11 "
     "(secondary: vmwaremigrationhub.com and it-server-room.com tabulate it)"},
    {"9.0", "",
     "no end of general support published for ESXi 9.0 (GA 2025-06); VMware's policy of 5 years from GA "
     "would give about 2030-06 (an estimate, not a date)"},
}};

// The releases a part is checked against, oldest first (catalog/hypervisor_support.hpp's).
const std::vector<std::string> kReleases = {"5.5", "6.0", "6.5", "6.7", "7.0", "8.0", "8.0u2", "9.0"};

YearMonth month_at(int index) { return YearMonth{index / 12, index % 12 + 1}; }
YearMonth add_years(const YearMonth& m, int years) { return month_at(m.index() + 12 * years); }
std::string quarter_name(const YearMonth& m) { return fmt::format("{}Q{}", m.year, (m.month - 1) / 3 + 1); }

int notable_count(const FeatureSet& f) {
  int n = 0;
  for (const auto& name : notable_features()) n += f.test(feature_id(name));
  return n;
}

// The quarters of the horizon, as the planner counts them (planner.cpp).
std::vector<YearMonth> quarters_of(const ScenarioSpec& spec) {
  const int Q = std::max(1, static_cast<int>(std::ceil((spec.horizon_s - 7 * kDay) / kQuarter)));
  std::vector<YearMonth> out;
  for (int q = 0; q < Q; ++q) out.push_back(month_at(spec.start_date.index() + 3 * q));
  return out;
}

// The ESXi side of a part: the newest release known to run it and when it
// is stranded (that release's end of general support, when a later one refuses it).
struct EsxiFate {
  std::string last, stranded = "unknown", why;
  std::vector<std::string> sources;
};
EsxiFate esxi_fate(const CpuModel& part) {
  std::vector<std::string> releases = kReleases;
  for (const auto& r : {part.esxi_deprecated_in, part.esxi_unsupported_in})
    if (!r.empty() &&
        std::none_of(releases.begin(), releases.end(), [&](const std::string& x) { return compare_esxi(x, r) == 0; }))
      releases.push_back(r);
  std::sort(releases.begin(), releases.end(),
            [](const std::string& a, const std::string& b) { return compare_esxi(a, b) < 0; });
  EsxiFate f;
  std::string refused_by, refused_why, last_why;
  Support last_status = Support::unknown;
  for (const auto& r : releases) {
    const SupportAnswer a = esxi_support(part, r);
    if (a.status == Support::supported || a.status == Support::deprecated) {
      f.last = r, last_status = a.status, last_why = a.why, refused_by.clear();
    } else if (a.status == Support::unsupported && !f.last.empty() && refused_by.empty()) {
      refused_by = r, refused_why = a.why;
    }
  }
  if (f.last.empty()) {
    f.last = "unknown";
    f.why = "the catalog has no ESXi support facts for the part (no source found)";
    return f;
  }
  f.sources.push_back(last_why);
  if (refused_by.empty()) {
    f.why = last_status == Support::deprecated
                ? fmt::format("ESXi {} runs it but warns it is deprecated: a later release drops it, when is not known",
                              f.last)
                : fmt::format("ESXi {} runs it; no release is known to refuse it", f.last);
    return f;
  }
  f.sources.push_back(refused_why);
  const auto life = esxi_lifecycle(f.last);
  if (life) f.sources.emplace_back(life->source);
  if (life && !life->end_of_general_support.empty()) {
    f.stranded = std::string(life->end_of_general_support);
    f.why = fmt::format("ESXi {} is the last release that runs it, its general support ends {}; ESXi {} refuses it",
                        life->release, f.stranded, refused_by);
  } else {
    f.why = fmt::format(
        "ESXi {} is the last release known to run it, its end of general support is not published; ESXi {} "
        "refuses it",
        f.last, refused_by);
  }
  return f;
}

// The host index of each scenario host group's first host, in the planner's order.
std::vector<int> group_of_host(const ScenarioSpec& spec, const Plan* plan) {
  std::vector<int> out(spec.hosts.size(), -1);
  if (!plan) return out;
  size_t h = 0;
  for (size_t g = 0; g < plan->groups.size(); ++g)
    for (int k = 0; k < plan->groups[g].count && h < out.size(); ++k) out[h++] = static_cast<int>(g);
  return out;
}

// The cluster's view under its mode at the start: the mode's features, or
// without one the features every host has.
FeatureSet cluster_view(const ScenarioSpec& spec, int c) {
  const auto& b = spec.clusters[static_cast<size_t>(c)].baseline;
  if (b) return b->features;
  std::vector<const CpuModel*> parts;
  for (const auto& h : spec.hosts)
    if (h.cpu && h.cluster == c) parts.push_back(h.cpu.get());
  return parts.empty() ? FeatureSet{} : lowest_common_denominator(parts);
}

}  // namespace

std::optional<EsxiLifecycle> esxi_lifecycle(std::string_view release) {
  std::optional<EsxiLifecycle> out;
  for (const auto& l : kEsxiLife)
    if (compare_esxi(l.release, release) <= 0) out = l;
  return out;
}

FloorAnswer os_floor_met(int os, const FeatureSet& view) {
  if (os < 0) return {FloorCheck::unknown, "the guest OS is not in the catalog"};
  const GuestOs& g = guest_os_table()[static_cast<size_t>(os)];
  if (g.floor.empty())
    return {FloorCheck::unknown, fmt::format("the guest OS catalog gives no CPU floor for {}", g.name)};
  const FeatureSet missing = guest_os_floor(os, Catalog::builtin()) - view;
  if (missing.empty()) return {FloorCheck::met, fmt::format("the mode has {}'s floor, {}", g.name, g.floor)};
  return {FloorCheck::not_met,
          fmt::format("the mode lacks {} of {}'s floor ({}); {}", join_names(missing), g.name, g.floor, g.detection)};
}

CapturedViews captured_views(const std::string& text, const std::string& file, const ScenarioSpec& spec,
                             const Catalog& catalog) {
  scenario::Scenario msg;
  const TextprotoFile tp(file, text, &msg);
  CapturedViews out;
  for (int i = 0; i < msg.vm_size(); ++i) {
    const auto& g = msg.vm(i);
    if (g.captured_baseline().empty()) continue;
    const Baseline* b = catalog.find_baseline(g.captured_baseline());
    if (!b)
      tp.fail(tp.line(g, "captured_baseline", -1, tp.nested(msg, "vm", i)), "captured_baseline",
              fmt::format("vm {}: unknown mode '{}' (`evcsim cpu modes` lists them)", g.name(), g.captured_baseline()));
    for (const auto& v : spec.vms)
      if (v.group == g.name()) out[v.name] = b;
  }
  return out;
}

plan_report::Outlook outlook(const ScenarioSpec& spec, const Catalog& catalog, const Plan* plan,
                             const CapturedViews& views) {
  (void)catalog;
  plan_report::Outlook out;
  out.set_name(plan ? "the plan" : "do nothing");
  const YearMonth start = spec.start_date, end = date_at(spec.start_date, spec.horizon_s);
  out.set_horizon_start(start.str());
  out.set_horizon_end(end.str());
  const auto quarters = plan ? plan->quarters : quarters_of(spec);
  const auto group = group_of_host(spec, plan);
  // When each scenario host leaves (plan: its group's retirement quarter).
  std::vector<std::optional<YearMonth>> leaves(spec.hosts.size());
  if (plan)
    for (const auto& r : plan->retirements)
      for (size_t h = 0; h < spec.hosts.size(); ++h)
        if (group[h] == r.group) leaves[h] = quarters[static_cast<size_t>(r.quarter)];
  // Hosts.
  struct Row {
    std::string key;
    plan_report::HostRisk risk;
  };
  std::vector<Row> rows;
  std::map<std::string, EsxiFate> fates;
  auto fate_of = [&](const CpuModel& cpu) -> const EsxiFate& {
    auto it = fates.find(cpu.name);
    if (it == fates.end()) it = fates.emplace(cpu.name, esxi_fate(cpu)).first;
    return it->second;
  };
  auto add_host = [&](const std::string& name, int cluster, const CpuModel& cpu, const YearMonth& purchased,
                      const std::optional<YearMonth>& leave) {
    if (leave && !(start < *leave)) return;  // the plan retires it at the start
    const YearMonth vendor_end = add_years(purchased, kVendorSupportYears);
    const EsxiFate& f = fate_of(cpu);
    const YearMonth gone = leave ? *leave : end;
    const bool vendor_hit = vendor_end < gone;
    const bool esxi_hit = f.stranded == "unknown" || f.stranded < gone.str();
    // The release the scenario says the fleet runs, when its general support
    // ends while the host is in service and a later release runs the part.
    std::string running;
    if (const auto& esxi = spec.hypervisor.esxi; !esxi.empty())
      if (const auto life = esxi_lifecycle(esxi);
          life && !life->end_of_general_support.empty() && std::string(life->end_of_general_support) < gone.str())
        running = fmt::format(
            "runs ESXi {} (hypervisor {{ esxi }}), its general support {} {}{}", esxi,
            std::string(life->end_of_general_support) < start.str() ? "ended" : "ends", life->end_of_general_support,
            f.last != "unknown" && compare_esxi(f.last, esxi) > 0 ? fmt::format(": upgrade to ESXi {}", f.last) : "");
    if (!vendor_hit && !esxi_hit && running.empty()) return;
    plan_report::HostRisk r;
    r.set_host(name);
    r.set_cluster(spec.clusters[static_cast<size_t>(cluster)].name);
    r.set_cpu(cpu.name);
    r.set_purchased(purchased.str());
    r.set_vendor_support_end(vendor_end.str());
    r.set_vendor_support_max(add_years(purchased, kVendorSupportMaxYears).str());
    r.set_last_esxi(f.last);
    r.set_stranded(f.stranded);
    if (leave) r.set_leaves(leave->str());
    std::string why;
    if (vendor_hit)
      why = fmt::format("vendor support {} {} (extensions to {})", vendor_end < start ? "ended" : "ends",
                        vendor_end.str(), add_years(purchased, kVendorSupportMaxYears).str());
    if (!running.empty()) why += (why.empty() ? "" : "; ") + running;
    r.set_why(why + (why.empty() ? "" : "; ") + f.why);
    if (vendor_hit) r.add_sources(kVendorSource);
    for (const auto& src : f.sources) r.add_sources(src);
    const std::string first = std::min(vendor_end.str(), f.stranded == "unknown" ? std::string("9999") : f.stranded);
    rows.push_back({first + name, std::move(r)});
  };
  for (size_t h = 0; h < spec.hosts.size(); ++h) {
    const HostSpec& hs = spec.hosts[h];
    if (!hs.cpu || !spec.host_present_at_start[h]) continue;
    add_host(hs.name, hs.cluster, *hs.cpu, hs.purchased.valid() ? hs.purchased : start, leaves[h]);
  }
  if (plan)
    for (const auto& p : plan->purchases) {
      const YearMonth bought = quarters[static_cast<size_t>(p.quarter)];
      std::optional<YearMonth> leave;
      if (p.retire_quarter >= 0 && static_cast<size_t>(p.retire_quarter) < quarters.size())
        leave = quarters[static_cast<size_t>(p.retire_quarter)];
      add_host(fmt::format("{} x {} bought {}", p.count, p.part->name, quarter_name(bought)), p.cluster, *p.part,
               bought, leave);
    }
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.key < b.key; });
  for (auto& r : rows) *out.add_hosts() = std::move(r.risk);

  // Capacity: the first quarter demand (with the refresh headroom) does not
  // fit in the hosts present with the largest one kept spare.
  for (size_t c = 0; c < spec.clusters.size(); ++c) {
    auto* cap = out.add_capacity();
    cap->set_cluster(spec.clusters[c].name);
    for (size_t q = 0; q < quarters.size(); ++q) {
      const YearMonth m = quarters[q];
      double ram = 0, cpu = 0, big_ram = 0, big_cpu = 0;
      auto host = [&](double r, double p) {
        ram += r, cpu += p, big_ram = std::max(big_ram, r), big_cpu = std::max(big_cpu, p);
      };
      for (size_t h = 0; h < spec.hosts.size(); ++h) {
        const HostSpec& hs = spec.hosts[h];
        if (!hs.cpu || !spec.host_present_at_start[h] || hs.cluster != static_cast<int>(c)) continue;
        if (leaves[h] && !(m < *leaves[h])) continue;
        host(static_cast<double>(hs.ram_mib) / 1024, host_capacity(hs.cores, *hs.cpu));
      }
      if (plan)
        for (const auto& p : plan->purchases) {
          if (p.cluster != static_cast<int>(c) || p.quarter > static_cast<int>(q)) continue;
          if (p.retire_quarter >= 0 && p.retire_quarter <= static_cast<int>(q)) continue;
          for (int k = 0; k < p.count; ++k)
            host(static_cast<double>(bought_ram_mib(*p.part, spec.refresh.ram_gib)) / 1024, bought_capacity(*p.part));
        }
      const Demand d = demand_at(spec, static_cast<int>(c), seconds_at(start, m.str()));
      const double k = 1 + spec.refresh.headroom;
      cap->set_demand_ram_gib(k * d.ram_gib);
      cap->set_usable_ram_gib(ram - big_ram);
      cap->set_demand_cpu(k * d.cpu);
      cap->set_usable_cpu(cpu - big_cpu);
      const bool short_ram = k * d.ram_gib > ram - big_ram, short_cpu = k * d.cpu > cpu - big_cpu;
      if (short_ram || short_cpu) {
        cap->set_exhausted(quarter_name(m));
        cap->set_binding(short_ram && short_cpu ? "RAM and CPU" : short_ram ? "RAM" : "CPU");
        break;
      }
    }
  }

  // VMs: on an old view after the plan's raises (until their next power
  // cycle), and guest OS end of support within the horizon.
  const double cycle_days = spec.workload.power_cycle_every_days;
  plan_report::VmRisk scratch;  // rows past kMaxVmRows go here, counted
  uint32_t left_out = 0;
  auto add_vm = [&]() -> plan_report::VmRisk* {
    if (out.vms_size() < kMaxVmRows) return out.add_vms();
    ++left_out;
    return &scratch;
  };
  if (plan)
    for (const auto& x : plan->raises) {
      const double t = seconds_at(start, quarters[static_cast<size_t>(x.quarter)].str()) + kRaiseDelayDays * kDay;
      for (const auto& v : spec.vms) {
        if (v.arrival_slot || v.start_powered_off || v.cluster != x.cluster) continue;
        auto* r = add_vm();
        r->set_vm(v.name);
        r->set_cluster(spec.clusters[static_cast<size_t>(v.cluster)].name);
        r->set_risk("old view");
        r->set_date(calendar_date(start, t));
        r->set_details(
            cycle_days > 0
                ? fmt::format("runs on {} after the raise to {} until its next power cycle (every {} days: by {})",
                              x.from, x.to, grouped(cycle_days, 0), calendar_date(start, t + cycle_days * kDay))
                : fmt::format("runs on {} after the raise to {} until it is power-cycled (the scenario schedules no "
                              "power cycles)",
                              x.from, x.to));
      }
    }
  // VMs whose captured view is below their cluster's mode (the export's):
  // they run on it until their next power cycle, doing nothing or not.
  for (const auto& v : spec.vms) {
    const auto it = views.find(v.name);
    const auto& mode = spec.clusters[static_cast<size_t>(v.cluster)].baseline;
    if (it == views.end() || v.arrival_slot || v.start_powered_off || !mode) continue;
    const Baseline& seen = *it->second;
    if (seen.name == mode->name || !mode->includes(seen)) continue;
    const FeatureSet more = mode->features - seen.features;
    auto* r = add_vm();
    r->set_vm(v.name);
    r->set_cluster(spec.clusters[static_cast<size_t>(v.cluster)].name);
    r->set_risk("old view");
    r->set_date(calendar_date(start, 0));
    r->set_details(fmt::format(
        "runs on {}, below cluster {}'s {} ({} notable features, {} in all, unseen) until its "
        "next power cycle{}",
        seen.name, r->cluster(), mode->name, notable_count(more), more.count(),
        cycle_days > 0
            ? fmt::format(" (every {} days: by {})", grouped(cycle_days, 0), calendar_date(start, cycle_days * kDay))
            : " (the scenario schedules none)"));
  }
  const std::string end_day = calendar_date(start, spec.horizon_s);
  uint32_t without_os = 0;
  for (const auto& v : spec.vms) {
    if (v.arrival_slot) continue;
    if (v.guest_os < 0) {
      ++without_os;
      continue;
    }
    const GuestOs& os = guest_os_table()[static_cast<size_t>(v.guest_os)];
    if (std::string(os.end_of_support) > end_day) continue;
    const int next = current_release(v.guest_os, os.end_of_support);
    const auto& name = spec.clusters[static_cast<size_t>(v.cluster)].name;
    auto* r = add_vm();
    r->set_vm(v.name);
    r->set_cluster(name);
    r->set_risk("guest OS end of support");
    r->set_date(std::string(os.end_of_support));
    std::string next_text;
    if (next == v.guest_os) {
      next_text = "no newer release of its family in the catalog";
    } else {
      const FloorAnswer f = os_floor_met(next, cluster_view(spec, v.cluster));
      next_text = fmt::format("next release {}: {} under cluster {}'s mode ({})", guest_os_table()[next].name,
                              f.status == FloorCheck::met       ? "it can take it"
                              : f.status == FloorCheck::not_met ? "it cannot take it"
                                                                : "unknown whether it can take it",
                              name, f.why);
    }
    r->set_details(fmt::format("{} support {} {}; {}", os.name,
                               std::string(os.end_of_support) < start.str() ? "ended" : "ends", os.end_of_support,
                               next_text));
  }
  out.set_vms_without_os(without_os);
  out.set_vms_left_out(left_out);
  if (left_out > 0)
    out.add_notes(
        fmt::format("{} more VM row(s) left out of the first {} (every VM of a raised cluster is on an "
                    "old view until its power cycle)",
                    left_out, kMaxVmRows));
  if (without_os > 0)
    out.add_notes(
        fmt::format("{} VM(s) have no guest_os in the scenario: their OS end of support is unknown", without_os));
  if (views.empty())
    out.add_notes(
        "the scenario records no VM's captured view (vm { captured_baseline }): VMs are taken to run on their "
        "cluster's "
        "mode");
  if (spec.hypervisor.esxi.empty())
    out.add_notes(
        "the scenario does not say which ESXi release the hosts run (hypervisor { esxi }): each host is taken to "
        "run the last release known to run its part (a fleet that upgrades on time)");
  else if (const auto life = esxi_lifecycle(spec.hypervisor.esxi); life && !life->end_of_general_support.empty())
    out.add_notes(fmt::format("the fleet runs ESXi {}: general support {} {} ({})", spec.hypervisor.esxi,
                              std::string(life->end_of_general_support) < start.str() ? "ended" : "ends",
                              life->end_of_general_support, life->source));
  return out;
}

namespace {

// "12 host(s) past vendor support (since 2021-09), 8 stranded by ESXi on
// 2027-10-11" for a cluster's hosts in an outlook; "" when none.
std::string cluster_hosts_clause(const plan_report::Outlook& o, const std::string& cluster) {
  int vendor = 0, stranded = 0;
  std::string since, on;
  for (const auto& h : o.hosts()) {
    if (h.cluster() != cluster) continue;
    const std::string until = h.leaves().empty() ? o.horizon_end() : h.leaves();
    if (h.vendor_support_end() < until) {
      ++vendor;
      if (since.empty() || h.vendor_support_end() < since) since = h.vendor_support_end();
    }
    if (h.stranded() != "unknown" && h.stranded() < until) {
      ++stranded;
      if (on.empty() || h.stranded() < on) on = h.stranded();
    }
  }
  std::vector<std::string> parts;
  if (vendor > 0)
    parts.push_back(fmt::format("{} host(s) past vendor support ({} {})", vendor,
                                since < o.horizon_start() ? "since" : "from", since));
  if (stranded > 0) parts.push_back(fmt::format("{} stranded by ESXi from {}", stranded, on));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

void add_recommendations(const ScenarioSpec& spec, const Catalog& catalog, const Plan& plan,
                         plan_report::PlanReport* rep) {
  const auto& nothing = rep->do_nothing();
  const auto& planned = rep->with_plan();
  for (size_t c = 0; c < spec.clusters.size(); ++c) {
    const ClusterSpec& cl = spec.clusters[c];
    std::vector<std::string> act;
    std::vector<const CpuModel*> hosts;
    for (size_t h = 0; h < spec.hosts.size(); ++h)
      if (spec.hosts[h].cpu && spec.host_present_at_start[h] && spec.hosts[h].cluster == static_cast<int>(c))
        hosts.push_back(spec.hosts[h].cpu.get());
    // EVC.
    const auto best = hosts.empty() ? std::nullopt : best_baseline(hosts, catalog.baselines(), BaselineKind::evc);
    bool raised = false;
    for (const auto& x : plan.raises)
      if (x.cluster == static_cast<int>(c)) {
        raised = true;
        act.push_back(
            fmt::format("raise EVC {} -> {} in {} (+{} notable features, {} in all; each VM picks it up "
                        "at its next power cycle)",
                        x.from, x.to, quarter_name(plan.quarters[static_cast<size_t>(x.quarter)]), x.notable_gained,
                        x.features_gained));
      }
    if (!cl.baseline && best) {
      const FeatureSet lost = lowest_common_denominator(hosts) - best->features;
      const int notable = notable_count(lost);
      const std::string hidden = lost.count() == 0   ? ""
                                 : lost.count() <= 5 ? fmt::format("; it hides {}", join_names(lost))
                                                     : fmt::format("; it hides {} minor features", lost.count());
      act.push_back(
          notable == 0 ? fmt::format("enable EVC at {} now (no VM loses a notable feature{}; running VMs take the mode "
                                     "at their next power cycle, and newer hosts can then join live)",
                                     best->name, hidden)
                       : fmt::format("enable EVC at {} now (VMs lose {} notable feature(s) at their next power "
                                     "cycle: {})",
                                     best->name, notable, join_names(lost)));
    } else if (cl.baseline && !raised && best && best->name != cl.baseline->name && best->includes(*cl.baseline)) {
      act.push_back(fmt::format("the hosts allow EVC {} now (+{} notable features over {})", best->name,
                                notable_count(best->features) - notable_count(cl.baseline->features),
                                cl.baseline->name));
    }
    // Retirements and purchases, by quarter.
    std::map<std::pair<int, std::string>, int> retire;
    for (const auto& r : plan.retirements) {
      const Group& g = plan.groups[static_cast<size_t>(r.group)];
      if (g.cluster == static_cast<int>(c)) retire[{r.quarter, g.cpu->name}] += g.count;
    }
    for (const auto& [key, n] : retire) {
      std::string why;
      for (const auto& h : nothing.hosts())
        if (h.cluster() == cl.name && h.cpu() == key.second) {
          why = fmt::format(" (vendor support {} {}{})",
                            h.vendor_support_end() < nothing.horizon_start() ? "ended" : "ends", h.vendor_support_end(),
                            h.stranded() == "unknown"
                                ? ""
                                : fmt::format("; stranded {}: ESXi {} is the last release that runs them", h.stranded(),
                                              h.last_esxi()));
          break;
        }
      act.push_back(fmt::format("retire the {} {} host(s) in {}{}", n, key.second,
                                quarter_name(plan.quarters[static_cast<size_t>(key.first)]), why));
    }
    std::map<std::pair<int, std::string>, std::pair<int, std::string>> buy;
    for (const auto& p : plan.purchases)
      if (p.cluster == static_cast<int>(c)) {
        auto& b = buy[{p.quarter, p.part->name}];
        b.first += p.count, b.second = p.why;
      }
    for (const auto& [key, b] : buy)
      act.push_back(fmt::format("buy {} x {} in {} ({})", b.first, key.second,
                                quarter_name(plan.quarters[static_cast<size_t>(key.first)]), b.second));
    if (act.empty()) act.emplace_back("keep as is");
    // Doing nothing, and what the plan leaves.
    std::vector<std::string> nothing_breaks, plan_leaves;
    if (auto h = cluster_hosts_clause(nothing, cl.name); !h.empty()) nothing_breaks.push_back(h);
    if (auto h = cluster_hosts_clause(planned, cl.name); !h.empty()) plan_leaves.push_back(h);
    for (const auto* o : {&nothing, &planned})
      for (const auto& cap : o->capacity())
        if (cap.cluster() == cl.name)
          (o == &nothing ? nothing_breaks : plan_leaves)
              .push_back(cap.exhausted().empty() ? std::string("capacity fits to the horizon with one host spare")
                                                 : fmt::format("capacity runs out in {} ({} with one host spare)",
                                                               cap.exhausted(), cap.binding()));
    for (const auto* o : {&nothing, &planned}) {
      int old_view = 0, os_eos = 0;
      for (const auto& v : o->vms())
        if (v.cluster() == cl.name) (v.risk() == "old view" ? old_view : os_eos) += 1;
      auto& into = o == &nothing ? nothing_breaks : plan_leaves;
      if (old_view > 0) into.push_back(fmt::format("{} VM(s) on an old view until their next power cycle", old_view));
      if (os_eos > 0) into.push_back(fmt::format("{} VM(s) reach their guest OS's end of support", os_eos));
    }
    auto* r = rep->add_recommendations();
    r->set_cluster(cl.name);
    r->set_text(fmt::format("{}: {}. Doing nothing: {}. With the plan: {}.", cl.name, fmt::join(act, "; "),
                            fmt::join(nothing_breaks, "; "), fmt::join(plan_leaves, "; ")));
  }
}

namespace {

constexpr int kHtmlRows = 200;

std::string outlook_html(const plan_report::Outlook& o, const std::string& id) {
  std::string out = fmt::format("<h3>{}</h3>\n", xml_escape(o.name()));
  out += fmt::format(
      "<table id=\"{}-hosts\"><tr><th>host</th><th>cluster</th><th>CPU</th><th>bought</th><th>vendor support "
      "ends</th><th>last ESXi</th><th>stranded</th><th>leaves</th><th>why</th></tr>\n",
      id);
  int n = 0;
  std::vector<std::string> sources;  // each once, numbered in order of first use
  for (const auto& h : o.hosts()) {
    if (++n > kHtmlRows) break;
    std::string refs;
    for (const auto& src : h.sources()) {
      auto it = std::find(sources.begin(), sources.end(), src);
      if (it == sources.end()) it = sources.insert(sources.end(), src);
      refs += fmt::format("{}[{}]", refs.empty() ? " " : "", it - sources.begin() + 1);
    }
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"d\">{}</td><td class=\"d\">{}</td><td>{}</td><td "
        "class=\"d\">{}</td><td class=\"d\">{}</td><td>{}{}</td></tr>\n",
        xml_escape(h.host()), xml_escape(h.cluster()), xml_escape(h.cpu()), h.purchased(), h.vendor_support_end(),
        xml_escape(h.last_esxi()), h.stranded(), h.leaves().empty() ? "stays" : h.leaves(), xml_escape(h.why()), refs);
  }
  if (o.hosts_size() > kHtmlRows)
    out += fmt::format("<tr><td colspan=\"9\">... {} more in plan.json</td></tr>\n", o.hosts_size() - kHtmlRows);
  if (o.hosts_size() == 0) out += "<tr><td colspan=\"9\">none</td></tr>\n";
  out += "</table>\n";
  if (!sources.empty()) {
    out += "<ol class=\"sources\">";
    for (const auto& src : sources) out += "<li>" + xml_escape(src) + "</li>";
    out += "</ol>\n";
  }
  out += fmt::format(
      "<table id=\"{}-capacity\"><tr><th>cluster</th><th>capacity exhausted</th><th>RAM needed (GiB, with "
      "headroom; that quarter or the last)</th><th>RAM usable, one host spare</th><th>CPU needed</th><th>CPU "
      "usable</th></tr>\n",
      id);
  for (const auto& c : o.capacity())
    out += fmt::format(
        "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
        "class=\"n\">{}</td></tr>\n",
        xml_escape(c.cluster()),
        c.exhausted().empty() ? "not within the horizon" : c.exhausted() + " (" + c.binding() + ")",
        grouped(c.demand_ram_gib(), 0), grouped(c.usable_ram_gib(), 0), grouped(c.demand_cpu(), 1),
        grouped(c.usable_cpu(), 1));
  out += fmt::format(
      "</table>\n<table id=\"{}-vms\"><tr><th>VM</th><th>cluster</th><th>what</th><th>date</th><th>details</th></"
      "tr>\n",
      id);
  n = 0;
  for (const auto& v : o.vms()) {
    if (++n > kHtmlRows) break;
    out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"d\">{}</td><td>{}</td></tr>\n",
                       xml_escape(v.vm()), xml_escape(v.cluster()), v.risk(), v.date(), xml_escape(v.details()));
  }
  if (o.vms_size() > kHtmlRows)
    out += fmt::format("<tr><td colspan=\"5\">... {} more in plan.json</td></tr>\n", o.vms_size() - kHtmlRows);
  if (o.vms_size() == 0) out += "<tr><td colspan=\"5\">none</td></tr>\n";
  out += "</table>\n";
  for (const auto& note : o.notes()) out += "<p class=\"note\">" + xml_escape(note) + "</p>\n";
  return out;
}

// "8 host(s) past vendor support (first esx-a01 2021-09), 8 stranded by ESXi (first 2027-10-11), 15 unknown".
std::string hosts_line(const plan_report::Outlook& o) {
  int vendor = 0, stranded = 0, unknown = 0;
  std::string first_vendor, first_stranded;
  for (const auto& h : o.hosts()) {
    const std::string until = h.leaves().empty() ? o.horizon_end() : h.leaves();
    if (h.vendor_support_end() < until) {
      ++vendor;
      if (first_vendor.empty() || h.vendor_support_end() < first_vendor) first_vendor = h.vendor_support_end();
    }
    if (h.stranded() == "unknown") {
      ++unknown;
    } else if (h.stranded() < until) {
      ++stranded;
      if (first_stranded.empty() || h.stranded() < first_stranded) first_stranded = h.stranded();
    }
  }
  return fmt::format("{} past vendor support{}; {} stranded by ESXi{}; {} with ESXi support unknown", vendor,
                     vendor ? " (first " + first_vendor + ")" : "", stranded,
                     stranded ? " (first " + first_stranded + ")" : "", unknown);
}

std::string capacity_line(const plan_report::Outlook& o) {
  std::vector<std::string> parts;
  for (const auto& c : o.capacity())
    parts.push_back(c.exhausted().empty()
                        ? c.cluster() + " fits"
                        : fmt::format("{} runs out {} ({})", c.cluster(), c.exhausted(), c.binding()));
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string vms_line(const plan_report::Outlook& o) {
  std::map<std::string, int> by;
  for (const auto& v : o.vms()) ++by[v.risk()];
  return fmt::format("{} on an old view (need a power cycle), {} reach guest OS end of support, {} without a guest OS",
                     by["old view"], by["guest OS end of support"], o.vms_without_os());
}

}  // namespace

std::string do_nothing_html(const plan_report::PlanReport& rep) {
  std::string out =
      "<h2 id=\"do-nothing\">What breaks if we do nothing, and with the plan</h2>\n<style>td.d{white-space:nowrap} "
      "ol.sources{font-size:12px;color:#444}</style>\n<p>Hosts past their vendor's "
      "hardware support (" +
      std::to_string(kVendorSupportYears) + " years from purchase, a typical contract; extensions to " +
      std::to_string(kVendorSupportMaxYears) +
      ") or stranded by ESXi (the last release that runs the part ends its general support and the next refuses "
      "it), the quarter each cluster's demand with its growth no longer fits with one host spare, and the VMs "
      "that need a power cycle or a new guest OS. First " +
      std::to_string(kHtmlRows) + " rows of each table; plan.json has them all.</p>\n";
  out += "<h3>Recommendations</h3><ul id=\"recommendations\">\n";
  for (const auto& r : rep.recommendations()) out += "<li>" + xml_escape(r.text()) + "</li>\n";
  out += "</ul>\n";
  out += outlook_html(rep.do_nothing(), "do-nothing");
  out += outlook_html(rep.with_plan(), "with-plan");
  return out;
}

std::string do_nothing_text(const plan_report::PlanReport& rep) {
  std::string out;
  for (const auto* o : {&rep.do_nothing(), &rep.with_plan()}) {
    out += fmt::format("  {}:\n", o->name() == "do nothing" ? "if we do nothing" : "with the plan");
    out += fmt::format("    hosts     {}\n", hosts_line(*o));
    out += fmt::format("    capacity  {}\n", capacity_line(*o));
    out += fmt::format("    VMs       {}\n", vms_line(*o));
  }
  for (const auto& r : rep.recommendations()) out += "  " + r.text() + "\n";
  return out;
}

}  // namespace evcsim::plan
