#include "scenario/metrics.hpp"

#include "base/text_util.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "policy/codes.hpp"

namespace evcsim {

namespace {

constexpr std::array<MetricInfo, 79> kMetrics = {{
    {"migrations", "count", "live migrations completed", false, ""},
    {"migrations_started", "count", "live migrations started", false, ""},
    {"migrations_over_downtime_target", "count", "live migrations whose stop-and-copy exceeded max_downtime_ms", false,
     ""},
    {"guest_throttled_minutes", "minutes", "time guests ran slowed so pre-copy converged (auto-converge, SDPS)", false,
     ""},
    {"guest_cpu_seconds_lost", "vCPU-seconds",
     "guest CPU time convergence throttling took: throttle depth x time x vCPUs, over all migrations", false, ""},
    {"memory_overcommit_peak", "ratio", "configured VM RAM / RAM of the most overcommitted host, at the samples", false,
     ""},
    {"memory_ballooning_host_hours", "hours", "host time in ESXi's soft memory state or worse (ballooning)", false, ""},
    {"memory_swapping_host_hours", "hours", "host time in ESXi's hard memory state or worse (compression, swapping)",
     false, ""},
    {"vmotions.", "count", "live migrations started, by why the VM moved", true, "<cause>"},
    {"host_years", "host-years", "hosts in service x time", false, ""},
    {"vmotions_per_host_year", "count",
     "live migrations started per host-year in service (field: patching alone "
     "evacuates each host every quarter)",
     false, ""},
    {"patch_cycles", "count", "host patch cycles started (one per cluster and period)", false, ""},
    {"patch_cycles_skipped", "count", "patch cycles skipped because the previous one was still rolling", false, ""},
    {"patch_maintenances", "count", "hosts that entered maintenance for a patch cycle", false, ""},
    {"failed_patch_maintenances", "count", "patch maintenances whose host could not be emptied (skipped)", false, ""},
    {"migrations_queued", "count", "live migrations that waited for a vMotion slot (max_per_host)", false, ""},
    {"migration_wait_minutes", "minutes", "total time live migrations waited for a slot", false, ""},
    {"blocked_migrations", "count", "live migrations refused (vendor rule or policy)", false, ""},
    {"blocked_migrations.", "count", "refused live migrations by verdict code", true, "<code>"},
    {"crashes", "count", "software and guest crashes on a host lacking a feature in use", false, ""},
    {"crashes.", "count", "crashes by cause", true, "<cause>"},
    {"app_crashes", "count", "application crashes", false, ""},
    {"vm_crashes", "count", "guest kernel crashes (the whole VM reboots)", false, ""},
    {"cold_migrations", "count", "cold migrations (scheduled or cold evacuations)", false, ""},
    {"outage_minutes", "minutes",
     "VM outage: HA from the host's failure to running again, cold migrations, cold evacuations for maintenance, power "
     "cycles that picked up a raised baseline (by cluster and year in results.json's cluster_years)",
     false, ""},
    {"outage_minutes.", "minutes", "VM outage by cause", true, "<cause>"},
    {"power_on_refused", "count", "power-ons that found no host (placement, HA, cold arrival)", false, ""},
    {"power_on_waits", "count", "power-ons by the cluster (new VMs, the start's) that waited for room", false, ""},
    {"power_on_wait_days_median", "days", "median wait of those that then started", false, ""},
    {"power_on_wait_days_max", "days", "longest wait of those that then started", false, ""},
    {"power_on_waits_departed", "count", "waiting VMs that departed (end of life) before they ever started", false, ""},
    {"power_on_still_waiting", "count", "power-ons still waiting for room at the end of the run", false, ""},
    {"power_on_still_waiting_days_max", "days", "how long the first of those had waited by the end", false, ""},
    {"vms_placed_in_fallback", "count",
     "power-ons their home cluster refused that a fallback cluster took (fallback_clusters)", false, ""},
    {"refused_operations", "count", "scheduled operations refused, with their reasons", false, ""},
    {"software_refused", "count", "software built for features the guest view lacks that refused to start", false, ""},
    {"software_gave_up", "count", "programs left stopped after crashing in a loop", false, ""},
    {"host_join_refused", "count", "hosts (or market parts) refused by a cluster's baseline", false, ""},
    {"host_updates", "count", "hosts that took an update_hosts update (firmware, microcode)", false, ""},
    {"host_updates_refused", "count", "hosts an update_hosts update was refused on, with the reason", false, ""},
    {"upgrade_refused_hosts", "count", "hosts in service that the hypervisor upgrade's release refuses", false, ""},
    {"upgrade_deprecated_hosts", "count", "hosts in service that the hypervisor upgrade's release deprecates", false,
     ""},
    {"vms_powered_off_by_ha", "count", "VMs powered off after guest crashes in a row", false, ""},
    {"drs_passes", "count", "DRS passes that found the imbalance above target and moved VMs", false, ""},
    {"drs_passes_stuck", "count", "DRS passes above target that could not move anything", false, ""},
    {"drs_moves", "count", "live migrations started by DRS", false, ""},
    {"drs_blocked", "count", "DRS candidate moves refused", false, ""},
    {"drs_blocked.", "count", "DRS candidate moves refused, by verdict code", true, "<code>"},
    {"drs_score.", "percent",
     "vSphere 7's DRS: the cluster DRS score (mean VM score) averaged over the passes, and the lowest VM score a "
     "pass saw",
     true, "<stat>"},
    {"imbalance_left_by_compatibility", "0..1", "mean over DRS passes of the imbalance compatibility left", false, ""},
    {"maintenances", "count", "maintenance entries (scheduled and retirements)", false, ""},
    {"failed_maintenances", "count", "maintenance attempts that could not empty their host", false, ""},
    {"hosts_overdue", "count", "hosts whose retirement failed at least once", false, ""},
    {"overdue_host_months", "host-months", "time hosts stayed past a failed retirement, until retired or the end",
     false, ""},
    {"host_failures", "count", "host failures", false, ""},
    {"ha_restarts", "count", "VMs restarted by HA on another host", false, ""},
    {"ha_restarts_delayed", "count", "HA restarts that waited for capacity (a host repaired, bought, freed)", false,
     ""},
    {"ha_lost_vms", "count", "VMs whose host failed and that HA had not restarted by the end", false, ""},
    {"ha_lost_vm_hours", "VM-hours", "time those VMs were down, to the end of the run", false, ""},
    {"ha_pinned", "count", "HA restarts whose new view gained features (pinned to newer hosts)", false, ""},
    {"hosts_bought", "count", "hosts bought by procurement", false, ""},
    {"hosts_not_bought_at_cap", "count", "hosts procurement wanted but the cluster's host cap left no bay for", false,
     ""},
    {"retirements_deferred", "count", "hosts due for retirement kept because the others could not carry their VMs",
     false, ""},
    {"hosts_retired", "count", "hosts retired (emptied and removed)", false, ""},
    {"baseline_raises", "count", "automatic baseline raises", false, ""},
    {"raises_locking_out_next", "count", "raises that shut out the vendor's next generation (look-ahead)", false, ""},
    {"baseline_pickup_power_cycles", "count", "power cycles that picked up a raised baseline", false, ""},
    {"baseline_pickups_in_patch_windows", "count",
     "of those, power cycles of patch windows (no outage of the raise's own; the others are "
     "outage_minutes.power_cycle)",
     false, ""},
    {"vm_arrivals", "count", "VMs that arrived (workload)", false, ""},
    {"vm_departures", "count", "VMs that departed at the end of their life (or were replaced: below)", false, ""},
    {"vms_replaced_end_of_support", "count",
     "VMs replaced because their guest OS reached its end of support (a departure and an arrival each)", false, ""},
    {"vms_refused_guest_os_floor", "count",
     "VMs that could not power on: the guest view lacked their guest OS's CPU floor (each VM once)", false, ""},
    {"os_upgrades", "count", "guest OS upgrades in place (upgrade_os, upgrade_at_end_of_support)", false, ""},
    {"os_upgrades_refused", "count",
     "guest OS upgrades refused: the VM's guest view lacked the new OS's CPU floor (or it was not running)", false, ""},
    {"vms_blocked_from_os_upgrade", "count", "VMs whose last OS upgrade was refused, at the end of the run", false, ""},
    {"demand_growth", "ratio",
     "the running VMs' CPU demand at the last sample over the first (arrivals, departures "
     "and per-VM growth together)",
     false, ""},
    {"arrivals_without_slot", "count", "arrivals that found every slot of their group taken (max_count)", false, ""},
    {"baseline_at_year.", "features", "the first cluster's baseline N years in (compare with a name too)", true, "<N>"},
    {"migrations_aborted", "count", "started live migrations aborted (VM stopped or destination failed)", false, ""},
}};

bool whole_number(std::string_view s) {
  return !s.empty() && s.size() < 4 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::span<const MetricInfo> metric_registry() { return kMetrics; }

std::vector<std::string> family_suffixes(std::string_view family) {
  std::vector<std::string> out;
  if (family == "crashes.")
    for (CrashCause c : all_crash_causes()) out.emplace_back(code_name(c));
  if (family == "blocked_migrations." || family == "drs_blocked.")
    for (VerdictCode c : all_verdict_codes())
      if (c != VerdictCode::admitted) out.emplace_back(code_name(c));
  if (family == "drs_score.") out = {"mean", "min"};
  if (family == "vmotions.") out = {"balancing", "patching", "retirement", "maintenance"};
  if (family == "outage_minutes.")
    out = {"ha_restart", "ha_waiting_for_capacity", "cold_migration", "maintenance", "power_cycle"};
  return out;
}

bool is_known_metric(const std::string& metric) {
  for (const MetricInfo& m : kMetrics) {
    if (!m.family) {
      if (metric == m.name) return true;
      continue;
    }
    if (metric.size() <= m.name.size() || metric.compare(0, m.name.size(), m.name) != 0) continue;
    std::string_view suffix = std::string_view(metric).substr(m.name.size());
    if (m.suffix_meta == "<N>") return whole_number(suffix);
    auto known = family_suffixes(m.name);
    return std::find(known.begin(), known.end(), suffix) != known.end();
  }
  return false;
}

std::vector<std::string> nearest_metrics(const std::string& metric, size_t n) {
  std::vector<std::pair<size_t, std::string>> scored;
  for (const MetricInfo& m : kMetrics) {
    if (!m.family) {
      scored.emplace_back(edit_distance(metric, m.name), std::string(m.name));
      continue;
    }
    if (m.suffix_meta == "<N>") {
      std::string example = std::string(m.name) + "N";
      scored.emplace_back(edit_distance(metric, example), example);
      continue;
    }
    for (const std::string& s : family_suffixes(m.name)) {
      std::string full = std::string(m.name) + s;
      scored.emplace_back(edit_distance(metric, full), full);
    }
  }
  return best_scored(std::move(scored), n);
}

std::string metrics_table(bool markdown) {
  std::string out = markdown ? "| metric | unit | what it counts |\n|---|---|---|\n" : "";
  for (const MetricInfo& m : kMetrics) {
    std::string name = std::string(m.name) + std::string(m.suffix_meta);
    std::string what(m.description);
    if (m.family && m.suffix_meta != "<N>") what += fmt::format(" ({})", fmt::join(family_suffixes(m.name), ", "));
    out += markdown ? fmt::format("| `{}` | {} | {} |\n", name, m.unit, what)
                    : fmt::format("{:<34} {:<9} {}\n", name, m.unit, what);
  }
  return out;
}

std::string unknown_metric_text(const std::string& metric) {
  return fmt::format("unknown metric '{}'; nearest known: {} (`evcsim metrics` lists them all)", metric,
                     fmt::join(nearest_metrics(metric), ", "));
}

}  // namespace evcsim
