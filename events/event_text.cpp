#include "events/event_text.hpp"

#include <fmt/format.h>

#include "catalog/guest_os.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {

namespace {
const std::string& host_name(const ScenarioSpec& spec, int h) { return spec.host_name(h); }
// A host named in a move, with its part ("esx-d03 (rome)"): a bought host's name says nothing of what it is.
std::string host_with_part(const ScenarioSpec& spec, int h) {
  const CpuModel* part = spec.host_part(h);
  return part ? fmt::format("{} ({})", spec.host_name(h), part->name) : spec.host_name(h);
}
const std::string& vm_name(const ScenarioSpec& spec, int v) { return spec.vms[static_cast<size_t>(v)].name; }
// Which memory bound refused a VM (world/inventory.hpp, Inventory::fit): its
// reservation plus overhead against the unreserved RAM, or its configured RAM
// against the cluster's overcommit limit.
const char* memory_room_words(bool over_limit) {
  return over_limit ? "left under the cluster's memory overcommit limit" : "unreserved (reservations + overhead)";
}
}  // namespace

std::string text(const PlacementRefusal& r, const ScenarioSpec& spec) {
  switch (r.code) {
    case PlacementCode::none:
      return "no host";
    case PlacementCode::no_hosts:
      return "its cluster has no hosts";
    case PlacementCode::host_absent:
      return fmt::format("host {} is not in the inventory", host_name(spec, r.host));
    case PlacementCode::host_down:
      return fmt::format("host {} is down", host_name(spec, r.host));
    case PlacementCode::host_in_maintenance:
      return fmt::format("host {} is in maintenance", host_name(spec, r.host));
    case PlacementCode::no_room:
      return fmt::format("host {} has {} MiB {}, the VM needs {} MiB", host_name(spec, r.host), r.free_mib,
                         memory_room_words(r.over_limit), r.need_mib);
    case PlacementCode::rule:
      return fmt::format("a DRS rule keeps it off {}", host_name(spec, r.host));
    case PlacementCode::policy:
      return fmt::format("host {}: {}", host_name(spec, r.host), r.detail);
    case PlacementCode::policy_at_destination:
      return r.detail;
    case PlacementCode::guest_os_floor: {
      const std::string_view how =
          r.guest_os >= 0 ? guest_os_table()[static_cast<size_t>(r.guest_os)].detection : std::string_view("");
      return fmt::format("{}, which the guest view at {} lacks ({})", r.detail, host_name(spec, r.host), how);
    }
    case PlacementCode::ha_reserve:
      return fmt::format(
          "HA admission control keeps room for {} host failure(s) ({} MiB free beyond it, the VM needs {} MiB)", r.host,
          r.free_mib, r.need_mib);
  }
  return "?";
}

std::string power_on_refused_text(const PowerOnRefused& e, const ScenarioSpec& spec) {
  return (e.ha ? "HA restart: " : "") + text(e.why, spec);
}

std::string text(const Refusal& r, const ScenarioSpec& spec) {
  auto vm = [&] { return vm_name(spec, r.vm); };
  auto host = [&] { return host_name(spec, r.host); };
  auto cluster = [&] { return spec.clusters[static_cast<size_t>(r.cluster)].name; };
  switch (r.code) {
    case RefusalCode::already_on:
      return fmt::format("{} is already on", vm());
    case RefusalCode::already_off:
      return fmt::format("{} is already off", vm());
    case RefusalCode::migrating:
      return fmt::format("{} is migrating", vm());
    case RefusalCode::not_running:
      return fmt::format("{} is not running", vm());
    case RefusalCode::already_migrating:
      return fmt::format("{} is already migrating", vm());
    case RefusalCode::host_absent:
      return fmt::format("host {} is not in the inventory", host());
    case RefusalCode::host_down:
      return fmt::format("host {} is down", host());
    case RefusalCode::host_in_maintenance:
      return fmt::format("host {} is in maintenance", host());
    case RefusalCode::host_not_up:
      return fmt::format("host {} is not up in the inventory", host());
    case RefusalCode::already_there:
      return fmt::format("{} already runs on {}", vm(), host());
    case RefusalCode::rule:
      return fmt::format("a DRS rule keeps {} off {}", vm(), host());
    case RefusalCode::no_room:
      return fmt::format("host {} has {} MiB {}, {} needs {} MiB", host(), r.free_mib, memory_room_words(r.over_limit),
                         vm(), r.need_mib);
    case RefusalCode::powered_off:
      return fmt::format("{} is powered off: power it on at the destination instead", vm());
    case RefusalCode::host_not_empty:
      return fmt::format("host {} still runs {} VM(s) or receives one: evacuate it first", host(), r.vms.size());
    case RefusalCode::already_in_maintenance:
      return fmt::format("host {} is already in maintenance", host());
    case RefusalCode::not_in_maintenance:
      return fmt::format("host {} is not in maintenance", host());
    case RefusalCode::baseline_host_cannot_join:
      return fmt::format("cluster {} cannot take baseline {}: {}", cluster(), r.baseline, r.detail);
    case RefusalCode::enable_vms_see_more:
    case RefusalCode::lower_vms_see_more: {
      std::vector<std::string> names;
      for (int v : r.vms) names.emplace_back(vm_name(spec, v));
      if (names.size() > 5) names.resize(5), names.emplace_back("...");
      return fmt::format("{} baseline {} on cluster {}: power off the VMs that see more first ({})",
                         r.code == RefusalCode::enable_vms_see_more ? "enabling" : "lowering to", r.baseline, cluster(),
                         fmt::join(names, ", "));
    }
  }
  return "?";
}

std::string power_off_text(const VmPoweredOff& e, const ScenarioSpec& spec) {
  switch (e.reason) {
    case PowerOffReason::schedule:
      return "powered off by the schedule";
    case PowerOffReason::crash_loop:
      return fmt::format("HA powered it off after {} guest crashes in a row", e.count);
    case PowerOffReason::power_cycle_refused:
      return fmt::format("power cycle refused on {}: {}", host_name(spec, e.host), e.detail);
    case PowerOffReason::cold_migration:
      return fmt::format("cold migration from {} to {}", host_with_part(spec, e.host),
                         host_with_part(spec, e.other_host));
    case PowerOffReason::cold_evacuation:
      return fmt::format("cold evacuation of {} to {}", host_with_part(spec, e.host),
                         host_with_part(spec, e.other_host));
    case PowerOffReason::host_failed:
      return fmt::format("host {} failed", host_name(spec, e.host));
    case PowerOffReason::departed:
      return "departed (end of its life)";
  }
  return "?";
}

std::string_view start_text(StartReason why) {
  switch (why) {
    case StartReason::power_on:
      return "power-on";
    case StartReason::reboot:
      return "reboot";
    case StartReason::restart:
      return "restart";
    case StartReason::restart_after_crash:
      return "restart after crash";
  }
  return "?";
}

std::string_view reboot_text(const VmRebooted& e) {
  if (!e.power_cycle) return "guest reboot";
  return e.picks_up ? "power cycle (picks up a raised baseline)" : "power cycle";
}

std::string_view purchase_text(PurchaseReason why) {
  switch (why) {
    case PurchaseReason::replacement:
      return "replacing hosts due for retirement";
    case PurchaseReason::ram_headroom:
      return "RAM headroom below the threshold";
    case PurchaseReason::cpu_headroom:
      return "CPU headroom below the threshold";
  }
  return "?";
}

std::string retirement_deferred_text(const RetirementDeferred& e, const ScenarioSpec& spec) {
  return fmt::format(
      "retirement of {} deferred: without it cluster {}'s other hosts would carry {:.0f}% of their RAM in active "
      "memory and {:.0f}% of their CPU at the daily peak, and no replacement joined (a trap when nothing on the market "
      "can join)",
      host_name(spec, e.host), spec.clusters[static_cast<size_t>(e.cluster)].name, 100 * e.memory_share,
      100 * e.cpu_share);
}

std::string replaced_at_end_of_support_text(const VmReplacedAtEndOfSupport& e, const ScenarioSpec& spec) {
  const GuestOs& from = guest_os_table()[static_cast<size_t>(e.from)];
  return fmt::format("{} replaced: {} reached its end of support on {}; the new VM runs {}",
                     spec.vms[static_cast<size_t>(e.vm)].name, from.name, from.end_of_support,
                     guest_os_table()[static_cast<size_t>(e.to)].name);
}

std::string os_upgraded_text(const OsUpgraded& e, const ScenarioSpec& spec) {
  return fmt::format("{} upgraded in place from {} to {} (reboots into it)", vm_name(spec, e.vm),
                     guest_os_table()[static_cast<size_t>(e.from)].name,
                     guest_os_table()[static_cast<size_t>(e.to)].name);
}

std::string os_upgrade_refused_text(const OsUpgradeRefused& e, const ScenarioSpec& spec) {
  const std::string_view from = guest_os_table()[static_cast<size_t>(e.from)].name,
                         to = guest_os_table()[static_cast<size_t>(e.to)].name;
  if (e.not_running)
    return fmt::format("{} cannot upgrade from {} to {}: it is not running", vm_name(spec, e.vm), from, to);
  return fmt::format(
      "{} cannot upgrade from {} to {}: its guest view lacks {} ({} needs them); a baseline raise and a power cycle "
      "of the VM give it a new view",
      vm_name(spec, e.vm), from, to, join_names(e.missing), to);
}

std::string maintenance_started_text(const MaintenanceStarted& e) {
  if (e.kind == MaintenanceKind::scheduled) return "scheduled";
  if (e.kind == MaintenanceKind::patch) return "patch cycle";
  return fmt::format("retirement after {:.1f} years", e.age_years);
}

std::string maintenance_failed_text(const MaintenanceFailed& e, const ScenarioSpec& spec) {
  return fmt::format("{} VM(s) cannot leave {}{}", e.stranded, host_name(spec, e.host),
                     e.detail.empty() ? ": no host with room" : ": " + e.detail);
}

std::string join_refused_text(const HostJoinRefused& e) {
  switch (e.code) {
    case JoinRefusal::baseline:
      return e.detail;
    case JoinRefusal::market_cannot_join:
      return fmt::format("no part on the market can join: {}", e.detail);
    case JoinRefusal::cluster_at_cap:
      return fmt::format("the cluster is at its host cap: {} host(s) not bought", e.short_by);
    case JoinRefusal::market_empty:
      return fmt::format("no part on the market can join: the market sells no {} part in {}", e.vendor, e.month);
  }
  return "?";
}

std::string aborted_text(const MigrationAborted& e) {
  return e.vm_stopped ? "the VM stopped during the migration" : "the destination failed during the migration";
}

}  // namespace evcsim
