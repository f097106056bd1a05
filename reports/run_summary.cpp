#include "reports/run_summary.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "catalog/catalog.hpp"
#include "catalog/guest_os.hpp"
#include "catalog/host_state.hpp"
#include "catalog/hypervisor_support.hpp"
#include "cpu/feature_registry.hpp"
#include "events/event_text.hpp"
#include "scenario/metrics.hpp"

namespace evcsim {

namespace {
// What a raise gains: every feature up to 8, else the first 8 and a count.
std::string gained_text(const FeatureSet& gained) {
  auto names = feature_names(gained);
  if (names.size() <= 8) return join_names(gained);
  return fmt::format("{} features: {}, ... (+{} more; all in results.json's raises)", names.size(),
                     fmt::join(names.begin(), names.begin() + 8, ", "), names.size() - 8);
}

// What enabling EVC on a cluster without a baseline does: no feature gained, those above the mode hidden.
std::string enabling_text(const FeatureSet& hidden) {
  auto names = feature_names(hidden);
  if (names.empty()) return "enables EVC: gains no feature, hides none its hosts have";
  const size_t shown = std::min<size_t>(names.size(), 8);
  return fmt::format(
      "enables EVC: gains no feature, hides {} its hosts have: {}{} (running VMs keep them until "
      "their next power cycle)",
      names.size(), fmt::join(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(shown), ", "),
      names.size() > shown ? fmt::format(", ... (+{} more)", names.size() - shown) : "");
}
}  // namespace

namespace {
constexpr double kMonth = 365.25 * 86400 / 12;
}

void RunSummary::on_event(const Event& ev) {
  const double when = std::visit([](const auto& e) { return e.t; }, ev);
  if (spec_.hypervisor.upgrade_at_s >= 0 && !upgrade_checked_ && when >= spec_.hypervisor.upgrade_at_s) check_upgrade();
  if (std::holds_alternative<HostJoined>(ev) || std::holds_alternative<HostBought>(ev) ||
      std::holds_alternative<HostRemoved>(ev))
    in_service_known_ = true;  // the start's hosts join by events too: from now on the events say
  host_seconds_ += static_cast<double>(in_service_.size()) * (when - last_t_);
  last_t_ = when;
  if (const auto* e = std::get_if<HostJoined>(&ev)) set_in_service(e->host, e->cluster, true, when);
  if (const auto* e = std::get_if<HostBought>(&ev))
    set_in_service(e->host, e->cluster, true, when), bought_cpu_[e->host] = e->cpu;
  if (const auto* e = std::get_if<HostRemoved>(&ev)) set_in_service(e->host, -1, false, when);
  auto name = [&](int vm) { return spec_.vms[vm].name; };
  auto host = [&](int h) { return h >= 0 ? spec_.host_name(h) : std::string("-"); };
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, MigrationStarted>) {
          counts_["migrations_started"]++;
          // Why the VM moves: its host is being emptied (and for what), else balancing.
          const auto kind = maintenance_kind_.find(e.src);
          const char* cause = kind == maintenance_kind_.end()               ? "balancing"
                              : kind->second == MaintenanceKind::patch      ? "patching"
                              : kind->second == MaintenanceKind::retirement ? "retirement"
                                                                            : "maintenance";
          counts_[std::string("vmotions.") + cause]++;
          cluster_years_.add_vmotion(cluster_of(e.src), cause, e.t);
          if (e.waited_s > 0) {
            counts_["migrations_queued"]++;
            counts_["migration_wait_minutes"] += e.waited_s / 60;
            wait_max_s_ = std::max(wait_max_s_, e.waited_s);
          }
        } else if constexpr (std::is_same_v<T, MigrationCompleted>) {
          counts_["migrations"]++;
          if (e.over_downtime_target) counts_["migrations_over_downtime_target"]++;
          if (e.throttled_s > 0) counts_["guest_throttled_minutes"] += e.throttled_s / 60;
          if (e.lost_guest_cpu_s > 0) counts_["guest_cpu_seconds_lost"] += e.lost_guest_cpu_s;
          migration_s_ += e.duration_s;
          migration_max_s_ = std::max(migration_max_s_, e.duration_s);
          downtime_s_ += e.downtime_s;
          downtime_max_s_ = std::max(downtime_max_s_, e.downtime_s);
        } else if constexpr (std::is_same_v<T, MigrationBlocked>) {
          counts_["blocked_migrations"]++;
          const std::string_view code = code_name(e.code);
          counts_["blocked_migrations." + std::string(code)]++;
          example(blocked_, fmt::format("{}  {} {} -> {} blocked [{}]: {}", stamp(e.t), name(e.vm), host(e.src),
                                        host(e.dst), code, e.reason));
        } else if constexpr (std::is_same_v<T, MigrationAborted>) {
          counts_["migrations_aborted"]++;
        } else if constexpr (std::is_same_v<T, Crash>) {
          counts_["crashes"]++;
          counts_["crashes." + std::string(code_name(e.cause))]++;
          counts_[e.kernel ? "vm_crashes" : "app_crashes"]++;
          const std::string& sw = (*spec_.vms[e.vm].software)[e.sw].name;
          example(crashes_, fmt::format("{}  {}{} crashed on {}{}: missing {} [{}]", stamp(e.t), name(e.vm),
                                        e.kernel ? " (guest kernel " + sw + ")" : "/" + sw, host(e.host),
                                        e.src >= 0 ? " after moving from " + host(e.src) : "", join_names(e.missing),
                                        code_name(e.cause)));
        } else if constexpr (std::is_same_v<T, ColdMigration>) {
          counts_["cold_migrations"]++;
          // A cold evacuation is the maintenance's outage; a scheduled cold_migrate its own.
          add_outage(e.why == PowerOffReason::cold_evacuation ? "maintenance" : "cold_migration", cluster_of(e.src),
                     e.t, e.outage_s);
        } else if constexpr (std::is_same_v<T, PowerOnRefused>) {
          counts_["power_on_refused"]++;
          if (e.waits) {
            auto [it, first] = waiting_.try_emplace(e.vm, Waiting{e.t, {}});
            it->second.why = power_on_refused_text(e, spec_);
            if (first) counts_["power_on_waits"]++, waits_by_cluster_[spec_.vms[e.vm].cluster]++;
          }
          example(refused_, fmt::format("{}  power-on of {} refused: {}", stamp(e.t), name(e.vm),
                                        power_on_refused_text(e, spec_)));
          if (e.why.code == PlacementCode::guest_os_floor && floor_refused_vms_.insert(e.vm).second) {
            counts_["vms_refused_guest_os_floor"]++;
            floor_refused_[{e.why.guest_os, join_names(e.missing)}].push_back(e.vm);
          }
        } else if constexpr (std::is_same_v<T, OperationRefused>) {
          counts_["refused_operations"]++;
          example(refused_,
                  fmt::format("{}  '{}' refused: {}", stamp(e.t), spec_.operations[e.op].text, text(e.why, spec_)));
        } else if constexpr (std::is_same_v<T, SoftwareRefused>) {
          counts_["software_refused"]++;
          example(refused_, fmt::format("{}  {}/{} refused to start: the guest view lacks {}", stamp(e.t), name(e.vm),
                                        (*spec_.vms[e.vm].software)[e.sw].name, join_names(e.missing)));
        } else if constexpr (std::is_same_v<T, SoftwareGaveUp>) {
          counts_["software_gave_up"]++;
        } else if constexpr (std::is_same_v<T, HostJoinRefused>) {
          if (e.code == JoinRefusal::cluster_at_cap) {
            counts_["hosts_not_bought_at_cap"] += e.short_by;
            return;
          }
          counts_["host_join_refused"]++;
          // A purchase refused before any host existed (no part can join) names the cluster.
          example(refused_, e.host >= 0 ? fmt::format("{}  host {} refused by cluster {}: {}", stamp(e.t), host(e.host),
                                                      spec_.clusters[e.cluster].name, join_refused_text(e))
                                        : fmt::format("{}  cluster {} could not buy a host: {}", stamp(e.t),
                                                      spec_.clusters[e.cluster].name, join_refused_text(e)));
        } else if constexpr (std::is_same_v<T, VmPoweredOff>) {
          if (e.reason == PowerOffReason::crash_loop) counts_["vms_powered_off_by_ha"]++;
          if (e.reason == PowerOffReason::host_failed) down_since_[e.vm] = {e.t, cluster_of(e.host)};
        } else if constexpr (std::is_same_v<T, VmPlacedInFallback>) {
          counts_["vms_placed_in_fallback"]++;
          example(fallbacks_,
                  fmt::format("{}  {} powered on in {}: {} refused it ({})", stamp(e.t), name(e.vm),
                              spec_.clusters[e.cluster].name, spec_.clusters[e.home].name, text(e.why, spec_)));
        } else if constexpr (std::is_same_v<T, VmPoweredOn>) {
          if (auto it = waiting_.find(e.vm); it != waiting_.end()) {
            wait_days_.push_back((e.t - it->second.since) / 86400);
            waiting_.erase(it);
          }
          // Down from its host's failure until it runs again (the boot included).
          if (auto it = down_since_.find(e.vm); it != down_since_.end()) {
            if (e.t > it->second.first + spec_.failures.ha_detection_s + 1e-9) counts_["ha_restarts_delayed"]++;
            ha_outage(e.vm, e.t, true);
          }
        } else if constexpr (std::is_same_v<T, DrsPass>) {
          if (e.drs_score >= 0) {  // vSphere 7's DRS scores the cluster at every pass
            score_sum_ += e.drs_score, ++score_passes_;
            score_min_ = std::min(score_min_, e.drs_score_min);
          }
          // A vSphere 7 pass that found every VM happy looked for no move:
          // neither a pass that acted nor one stuck.
          if (e.drs_score_min < 100) {
            counts_[e.moves > 0 ? "drs_passes" : "drs_passes_stuck"]++;
            counts_["drs_moves"] += e.moves;
            for (const auto& [code, n] : e.blocked) {
              counts_["drs_blocked"] += n;
              counts_["drs_blocked." + std::string(code_name(code))] += n;
            }
            left_sum_ += e.left_by_compatibility;
          }
        } else if constexpr (std::is_same_v<T, MaintenanceStarted>) {
          counts_["maintenances"]++;
          if (e.kind == MaintenanceKind::patch) counts_["patch_maintenances"]++;
          retiring_[e.host] = e.kind == MaintenanceKind::retirement;
          maintenance_kind_[e.host] = e.kind;
        } else if constexpr (std::is_same_v<T, MaintenanceFailed>) {
          counts_["failed_maintenances"]++;
          if (maintenance_kind_[e.host] == MaintenanceKind::patch) counts_["failed_patch_maintenances"]++;
          maintenance_kind_.erase(e.host);
          if (retiring_[e.host] && overdue_since_.emplace(e.host, e.t).second) counts_["hosts_overdue"]++;
          example(refused_, fmt::format("{}  maintenance of {} failed: {}", stamp(e.t), host(e.host),
                                        maintenance_failed_text(e, spec_)));
        } else if constexpr (std::is_same_v<T, RetirementDeferred>) {
          counts_["retirements_deferred"]++;
          example(refused_, fmt::format("{}  {}", stamp(e.t), retirement_deferred_text(e, spec_)));
        } else if constexpr (std::is_same_v<T, PatchCycle>) {
          if (e.phase == PatchCycle::Phase::started) counts_["patch_cycles"]++;
          if (e.phase == PatchCycle::Phase::skipped) counts_["patch_cycles_skipped"]++;
        } else if constexpr (std::is_same_v<T, MaintenanceDone>) {
          maintenance_kind_.erase(e.host);
          if (e.outcome == MaintenanceOutcome::retired) {
            counts_["hosts_retired"]++;
            if (auto it = overdue_since_.find(e.host); it != overdue_since_.end()) {
              counts_["overdue_host_months"] += (e.t - it->second) / kMonth;
              overdue_since_.erase(it);
            }
          }
        } else if constexpr (std::is_same_v<T, HostFailed>) {
          counts_["host_failures"]++;
        } else if constexpr (std::is_same_v<T, HaRestart>) {
          counts_["ha_restarts"]++;
          if (!e.gained.empty()) counts_["ha_pinned"]++;
        } else if constexpr (std::is_same_v<T, MemoryPressure>) {
          end_memory_state(e.host, e.t);
          if (e.state != MemoryState::normal) memory_state_[e.host] = {e.state, e.t};
        } else if constexpr (std::is_same_v<T, Snapshot>) {
          if (first_demand_ < 0) first_demand_ = e.demand;
          last_demand_ = e.demand;
          double& peak = counts_["memory_overcommit_peak"];
          peak = std::max(peak, e.memory_overcommit_max);
        } else if constexpr (std::is_same_v<T, HostUpdated>) {
          const std::string& what = spec_.operations[e.op].update_name;
          if (e.refused.empty()) {
            counts_["host_updates"]++;
            updates_[what].first++;
          } else {
            counts_["host_updates_refused"]++;
            updates_[what].second++;
            example(update_refusals_,
                    fmt::format("{}  '{}' refused on {}: {}", stamp(e.t), what, host(e.host), e.refused));
          }
        } else if constexpr (std::is_same_v<T, HostBought>) {
          counts_["hosts_bought"]++;
        } else if constexpr (std::is_same_v<T, BaselineRaised>) {
          counts_["baseline_raises"]++;
          // A cluster without a baseline that gets one (`from` "none", `gained` the mode's features)
          // gains nothing: its VMs saw every feature of their host. The mode hides what its hosts have above it.
          FeatureSet hidden;
          if (e.from == "none") {
            for (int h : in_service_) {
              if (cluster_of(h) != e.cluster) continue;
              const CpuModel* cpu = nullptr;
              if (auto it = bought_cpu_.find(h); it != bought_cpu_.end()) cpu = Catalog::builtin().find_cpu(it->second);
              if (!cpu) cpu = spec_.hosts[static_cast<size_t>(h)].cpu.get();
              if (cpu) hidden |= cpu->migratable();
            }
            hidden -= e.gained;
          }
          if (!e.locks_out.empty()) counts_["raises_locking_out_next"]++;
          raises_.push_back(fmt::format("{}  cluster {}: {} -> {} (possible since {}), {}", stamp(e.t),
                                        spec_.clusters[e.cluster].name, e.from, e.to, stamp(e.possible_since, false),
                                        e.from == "none" ? enabling_text(hidden) : "gains " + gained_text(e.gained)) +
                            (e.locks_out.empty() ? ""
                                                 : fmt::format("; WARNING: locks out {} (lacks {})", e.locks_out,
                                                               join_names(e.locks_out_missing))));
        } else if constexpr (std::is_same_v<T, BaselineRaiseSeen>) {
          raises_.push_back(
              fmt::format("{}  cluster {}: every VM running at the raise to {} sees it ({:.1f} days after)", stamp(e.t),
                          spec_.clusters[e.cluster].name, e.to, (e.t - e.raised_at) / 86400));
        } else if constexpr (std::is_same_v<T, VmRebooted>) {
          // A power cycle that widened the guest view (a raised baseline): the raise's outage.
          // Other reboots and power cycles (patch windows, crashes) are the guest's own.
          // A power cycle done on purpose (a scenario's operation) that picks up a
          // raise is the raise's outage; one that rides a patch window costs
          // the raise nothing (the window's reboot happens anyway).
          if (e.picks_up) {
            counts_["baseline_pickup_power_cycles"]++;
            if (e.operation) add_outage("power_cycle", cluster_of(e.host), e.t, spec_.migration.reboot_s);
            else counts_["baseline_pickups_in_patch_windows"]++;
          }
        } else if constexpr (std::is_same_v<T, VmReplacedAtEndOfSupport>) {
          counts_["vms_replaced_end_of_support"]++;
          replaced_by_os_[{e.from, e.to}]++;
        } else if constexpr (std::is_same_v<T, OsUpgraded>) {
          counts_["os_upgrades"]++;
          upgraded_by_os_[{e.from, e.to}]++;
          upgrade_blocked_.erase(e.vm);
        } else if constexpr (std::is_same_v<T, OsUpgradeRefused>) {
          counts_["os_upgrades_refused"]++;
          upgrade_blocked_[e.vm] = fmt::format(
              "{} ({}): {} -> {} {}", name(e.vm), spec_.clusters[static_cast<size_t>(e.cluster)].name,
              guest_os_table()[static_cast<size_t>(e.from)].name, guest_os_table()[static_cast<size_t>(e.to)].name,
              e.not_running ? "not running" : "lacks " + join_names(e.missing));
        } else if constexpr (std::is_same_v<T, VmArrived>) {
          counts_["vm_arrivals"]++;
        } else if constexpr (std::is_same_v<T, ArrivalWithoutSlot>) {
          counts_["arrivals_without_slot"]++;
        } else if constexpr (std::is_same_v<T, VmDeparted>) {
          if (waiting_.erase(e.vm)) counts_["power_on_waits_departed"]++;  // it left before it ever ran
          if (down_since_.count(e.vm)) ha_outage(e.vm, e.t, false);        // it left while waiting
          counts_["vm_departures"]++;
        } else if constexpr (std::is_same_v<T, BaselineChanged>) {
          baseline_log_.emplace_back(e.t, e.cluster, e.to);
          if (e.to_features > 0) features_of_.emplace(e.to, static_cast<double>(e.to_features));
        }
      },
      ev);
}

void RunSummary::check_upgrade() {
  upgrade_checked_ = true;
  if (!in_service_known_)  // no host joined or left before: those of the start
    for (size_t h = 0; h < spec_.hosts.size(); ++h)
      if (spec_.host_present_at_start[h] && spec_.hosts[h].cpu) in_service_.insert(static_cast<int>(h));
  for (int h : in_service_) {
    const CpuModel* cpu = spec_.hosts[h].cpu.get();
    if (!cpu && bought_cpu_.count(h)) cpu = Catalog::builtin().find_cpu(bought_cpu_[h]);
    if (!cpu) continue;
    const CpuModel* part = part_of(*cpu, Catalog::builtin());
    const SupportAnswer a = esxi_support(part ? *part : *cpu, spec_.hypervisor.upgrade_to);
    if (a.status == Support::unsupported) upgrade_refused_[a.why].push_back(spec_.host_name(h));
    if (a.status == Support::deprecated) upgrade_deprecated_[a.why].push_back(spec_.host_name(h));
  }
  for (const auto& [why, hosts] : upgrade_refused_)
    counts_["upgrade_refused_hosts"] += static_cast<double>(hosts.size());
  for (const auto& [why, hosts] : upgrade_deprecated_)
    counts_["upgrade_deprecated_hosts"] += static_cast<double>(hosts.size());
}

std::string RunSummary::hypervisor_text(size_t examples) const {
  const auto& hv = spec_.hypervisor;
  if (hv.upgrade_at_s < 0) return "";
  std::string out = fmt::format("  hypervisor      ESXi {}{} at {}: ", hv.esxi.empty() ? "" : hv.esxi + " -> ",
                                hv.upgrade_to, stamp(hv.upgrade_at_s, false));
  if (!upgrade_checked_) return out + "after the run's end\n";
  auto counted = [&](const char* k) { return counts_.count(k) ? static_cast<long long>(counts_.at(k)) : 0LL; };
  out += fmt::format("{} host(s) in service cannot take it, {} more are deprecated by it\n",
                     counted("upgrade_refused_hosts"), counted("upgrade_deprecated_hosts"));
  for (const auto* list : {&upgrade_refused_, &upgrade_deprecated_})
    for (const auto& [why, hosts] : *list)
      out += fmt::format(
          "    {} {}: {}{} -- {}\n", list == &upgrade_refused_ ? "refused:" : "deprecated:", hosts.size(),
          fmt::join(hosts.begin(), hosts.begin() + static_cast<ptrdiff_t>(std::min(examples, hosts.size())), ", "),
          hosts.size() > examples ? ", ..." : "", why);
  return out;
}

void RunSummary::count_outage(const char* cause, double s) {
  outage_s_ += s;
  counts_[std::string("outage_minutes.") + cause] += s / 60;
}

void RunSummary::add_outage(const char* cause, int cluster, double from_t, double s) {
  count_outage(cause, s);
  cluster_years_.add_outage(cluster, cause, from_t, s);
}

// A VM whose host failed runs again (booted: HA powered it on at `up_t`) or
// left: HA's detection and the boot are the restart's own outage; beyond the
// detection it waited for capacity. In the failed host's cluster.
void RunSummary::ha_outage(int vm, double up_t, bool booted) {
  const auto it = down_since_.find(vm);
  const auto [since, cluster] = it->second;
  down_since_.erase(it);
  const double down_s = up_t - since, detecting = std::min(down_s, spec_.failures.ha_detection_s);
  const double boot_s = booted ? spec_.migration.reboot_s : 0;
  count_outage("ha_restart", detecting + boot_s);
  cluster_years_.add_outage(cluster, "ha_restart", since, detecting);
  cluster_years_.add_outage(cluster, "ha_restart", up_t, boot_s);
  if (down_s > detecting) add_outage("ha_waiting_for_capacity", cluster, since + detecting, down_s - detecting);
}

int RunSummary::cluster_of(int host) const {
  if (auto it = host_cluster_.find(host); it != host_cluster_.end()) return it->second;
  return host >= 0 ? spec_.hosts[static_cast<size_t>(host)].cluster : -1;
}

void RunSummary::book_host_time(double t) {
  if (t <= hosts_since_) return;
  for (const auto& [cluster, n] : hosts_in_cluster_) cluster_years_.add_hosts(cluster, n, hosts_since_, t);
  hosts_since_ = t;
}

// A host enters (in) or leaves service; its cluster's count changes from `t`.
void RunSummary::set_in_service(int host, int cluster, bool in, double t) {
  book_host_time(t);
  if (in_service_.count(host)) --hosts_in_cluster_[cluster_of(host)];
  if (in) {
    in_service_.insert(host);
    host_cluster_[host] = cluster;
    ++hosts_in_cluster_[cluster];
  } else {
    in_service_.erase(host);
  }
}

// A host leaves a memory state: its time there counts as ballooning (soft
// and worse) and as swapping (hard and worse).
void RunSummary::end_memory_state(int host, double t) {
  auto it = memory_state_.find(host);
  if (it == memory_state_.end()) return;
  const auto [state, since] = it->second;
  counts_["memory_ballooning_host_hours"] += (t - since) / 3600;
  if (state >= MemoryState::hard) counts_["memory_swapping_host_hours"] += (t - since) / 3600;
  memory_state_.erase(it);
}

// VMs the guest OS's CPU floor kept off (which, which OS, which features),
// and in-place OS upgrades: taken, and refused for the view.
std::string RunSummary::guest_os_text(size_t examples) const {
  std::string out;
  auto n = [&](const char* k) {
    auto it = counts_.find(k);
    return it == counts_.end() ? 0LL : std::llround(it->second);
  };
  if (!floor_refused_.empty()) {
    out += fmt::format(
        "  guest OS floor  {} VM(s) could not power on: the guest view (the cluster's mode, or the host's CPU "
        "without one) lacks their OS's CPU floor\n",
        floor_refused_vms_.size());
    for (const auto& [key, vms] : floor_refused_) {
      std::vector<std::string> names;
      for (size_t i = 0; i < std::min(examples, vms.size()); ++i) names.push_back(spec_.vms[vms[i]].name);
      if (vms.size() > examples) names.emplace_back("...");
      out += fmt::format("    {} needs {}: {} VM(s) ({})\n", guest_os_table()[static_cast<size_t>(key.first)].name,
                         key.second, vms.size(), fmt::join(names, ", "));
    }
  }
  if (!upgraded_by_os_.empty() || !upgrade_blocked_.empty()) {
    std::vector<std::string> parts;
    for (const auto& [os, times] : upgraded_by_os_)
      parts.push_back(fmt::format("{} {} -> {}", times, guest_os_table()[static_cast<size_t>(os.first)].name,
                                  guest_os_table()[static_cast<size_t>(os.second)].name));
    out += fmt::format("  OS upgrades     {} done{}{}, {} refused; {} VM(s) blocked from their next OS at the end\n",
                       n("os_upgrades"), parts.empty() ? "" : " (",
                       parts.empty() ? "" : fmt::format("{})", fmt::join(parts, ", ")), n("os_upgrades_refused"),
                       upgrade_blocked_.size());
    size_t shown = 0;
    for (const auto& [vm, line] : upgrade_blocked_) {
      if (shown++ == examples) {
        out += "    ... (os_upgrade_refused in events.sqlite)\n";
        break;
      }
      out += "    " + line + "\n";
    }
  }
  return out;
}

void RunSummary::on_end(double t) {
  end_s_ = t;
  host_seconds_ += static_cast<double>(in_service_.size()) * (t - last_t_);
  last_t_ = t;
  book_host_time(t);
  while (!memory_state_.empty()) end_memory_state(memory_state_.begin()->first, t);
  if (spec_.hypervisor.upgrade_at_s >= 0 && !upgrade_checked_ && t >= spec_.hypervisor.upgrade_at_s) check_upgrade();
  // VMs HA never brought back: lost, not an outage that ended.
  for (const auto& [vm, since] : down_since_) {
    counts_["ha_lost_vms"]++;
    counts_["ha_lost_vm_hours"] += (t - since.first) / 3600;
  }
  down_since_.clear();
  for (const auto& [host, since] : overdue_since_) counts_["overdue_host_months"] += (t - since) / kMonth;
  overdue_since_.clear();
  if (!upgrade_blocked_.empty()) counts_["vms_blocked_from_os_upgrade"] = static_cast<double>(upgrade_blocked_.size());
  // Power-ons still waiting for room: how many, since when, and why.
  for (const auto& [vm, w] : waiting_) {
    counts_["power_on_still_waiting"]++;
    double& longest = counts_["power_on_still_waiting_days_max"];
    longest = std::max(longest, (t - w.since) / 86400);
    still_waiting_.emplace_back(
        w.since, fmt::format("{} ({})", spec_.vms[vm].name, spec_.clusters[spec_.vms[vm].cluster].name) + ": " + w.why);
  }
  waiting_.clear();
  std::stable_sort(still_waiting_.begin(), still_waiting_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (!wait_days_.empty()) {
    std::vector<double> d = wait_days_;
    std::sort(d.begin(), d.end());
    const size_t n = d.size();
    counts_["power_on_wait_days_median"] = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
    counts_["power_on_wait_days_max"] = d.back();
  }
}

// New VMs (and the start's) that waited for room, those still waiting at the
// end with the date they began and their last refusal, and those a fallback
// cluster took.
std::string RunSummary::waiting_text(size_t examples) const {
  auto at = [&](const char* k) { return counts_.count(k) ? counts_.at(k) : 0.0; };
  const auto waits = static_cast<long long>(at("power_on_waits"));
  const auto fallbacks = static_cast<long long>(at("vms_placed_in_fallback"));
  if (waits == 0 && fallbacks == 0) return "";
  std::string out = fmt::format("  new VMs         {} power-on(s) waited for room", waits);
  if (!wait_days_.empty())
    out += fmt::format(" ({} started after a median {:.1f} days, longest {:.1f} days)", wait_days_.size(),
                       at("power_on_wait_days_median"), at("power_on_wait_days_max"));
  if (waits_by_cluster_.size() > 1 || (!waits_by_cluster_.empty() && spec_.clusters.size() > 1)) {
    std::vector<std::string> parts;
    for (const auto& [c, n] : waits_by_cluster_) parts.push_back(fmt::format("{} {}", spec_.clusters[c].name, n));
    out += fmt::format(" (in {})", fmt::join(parts, ", "));
  }
  if (at("power_on_waits_departed") > 0)
    out += fmt::format("; {} departed before they started", static_cast<long long>(at("power_on_waits_departed")));
  if (!still_waiting_.empty())
    out += fmt::format("; {} still waiting at the end, the first since {}", still_waiting_.size(),
                       stamp(still_waiting_.front().first, false));
  if (fallbacks) out += fmt::format("; {} placed in a fallback cluster", fallbacks);
  out += "\n";
  for (size_t i = 0; i < std::min(examples, still_waiting_.size()); ++i)
    out += fmt::format("    waiting since {}: {}\n", stamp(still_waiting_[i].first, false), still_waiting_[i].second);
  if (still_waiting_.size() > examples)
    out += fmt::format("    ... and {} more still waiting\n", still_waiting_.size() - examples);
  for (size_t i = 0; i < std::min(examples, fallbacks_.size()); ++i) out += "    " + fallbacks_[i] + "\n";
  out += more(fallbacks_, examples, "the vm_placed_in_fallback table of events.sqlite");
  return out;
}

double RunSummary::baseline_features_of(const std::string& name) const {
  if (auto it = features_of_.find(name); it != features_of_.end()) return it->second;
  const Baseline* b = Catalog::builtin().find_baseline(name);
  return b ? static_cast<double>(b->features.count()) : 0;
}

std::map<std::string, double> RunSummary::metrics() const {
  std::map<std::string, double> m;
  for (const MetricInfo& info : metric_registry())
    if (!info.family) m[std::string(info.name)] = 0;
  for (const auto& [k, v] : counts_) m[k] = v;
  m["outage_minutes"] = outage_s_ / 60.0;
  const double host_years = host_seconds_ / (365.25 * 86400);
  m["host_years"] = host_years;
  m["demand_growth"] = first_demand_ > 0 ? last_demand_ / first_demand_ : 0;
  m["vmotions_per_host_year"] = host_years > 0 ? m["migrations_started"] / host_years : 0;
  const double passes = m["drs_passes"] + m["drs_passes_stuck"];
  m["imbalance_left_by_compatibility"] = passes > 0 ? left_sum_ / passes : 0;
  if (score_passes_ > 0) {  // only runs under vSphere 7's DRS have them
    m["drs_score.mean"] = score_sum_ / score_passes_;
    m["drs_score.min"] = score_min_;
  }
  // baseline_at_year.N: features of the first cluster's baseline N years in.
  for (int y = 0; y <= static_cast<int>(spec_.horizon_s / (365.25 * 86400)); ++y) {
    double t = y * 365.25 * 86400,
           v = spec_.clusters.empty() || !spec_.clusters[0].baseline ? 0 : spec_.clusters[0].baseline->features.count();
    for (const auto& [when, c, name] : baseline_log_)
      if (c == 0 && when <= t) v = baseline_features_of(name);
    m[fmt::format("baseline_at_year.{}", y)] = v;
  }
  return m;
}

std::string ExpectationResult::measured_text() const {
  return expectation.expected_name.empty() ? fmt::format("{}", measured) : "\"" + measured_name + "\"";
}

std::map<std::string, std::string> RunSummary::names() const {
  std::map<std::string, std::string> out;
  for (int y = 0; y <= static_cast<int>(spec_.horizon_s / (365.25 * 86400)); ++y) {
    double t = y * 365.25 * 86400;
    std::string name =
        spec_.clusters.empty() || !spec_.clusters[0].baseline ? "none" : spec_.clusters[0].baseline->name;
    for (const auto& [when, c, to] : baseline_log_)
      if (c == 0 && when <= t) name = to;
    out[fmt::format("baseline_at_year.{}", y)] = name;
  }
  return out;
}

std::vector<ExpectationResult> RunSummary::evaluate() const {
  auto m = metrics();
  auto named = names();
  std::vector<ExpectationResult> out;
  for (const auto& e : spec_.expectations) {
    if (!e.expected_name.empty()) {
      auto it = named.find(e.metric);
      std::string got = it == named.end() ? "(beyond the horizon)" : it->second;
      bool same = got == e.expected_name;
      out.push_back({e, 0, got, e.op == "==" ? same : !same});
      continue;
    }
    auto it = m.find(e.metric);
    double v = it == m.end() ? 0 : it->second;  // a reason or cause never seen counts 0
    bool ok = false;
    constexpr double eps = 1e-9;
    if (e.op == "==") ok = std::fabs(v - e.value) <= eps;
    else if (e.op == "!=") ok = std::fabs(v - e.value) > eps;
    else if (e.op == "<=") ok = v <= e.value + eps;
    else if (e.op == ">=") ok = v >= e.value - eps;
    else if (e.op == "<") ok = v < e.value;
    else if (e.op == ">") ok = v > e.value;
    out.push_back({e, v, "", ok});
  }
  return out;
}

std::string RunSummary::more(const std::vector<std::string>& list, size_t shown, std::string_view where) const {
  auto it = listed_.find(&list);
  size_t seen = it == listed_.end() ? 0 : it->second;
  shown = std::min(shown, list.size());
  return seen > shown ? fmt::format("    ... and {} more (see {})\n", seen - shown, where) : "";
}

// Hosts whose CPU differs from its part (firmware, microcode, the scenario's
// `firmware`, `disable`, `add`), and what that does to their cluster's mode.
std::string RunSummary::host_state_text(size_t examples) const {
  std::map<std::string, std::vector<std::string>> by_state;  // "cascadelake-sp: TSX (hle, rtm) off" -> hosts
  size_t differing = 0;
  for (const auto& h : spec_.hosts) {
    if (!h.cpu || h.cpu->state.empty()) continue;
    by_state[fmt::format("{}: {}", h.cpu->name, h.cpu->state)].push_back(h.name);
    ++differing;
  }
  if (differing == 0) return "";
  std::string out = fmt::format("  host state      {} host(s) differ from their part\n", differing);
  for (const auto& [state, hosts] : by_state)
    out += fmt::format(
        "    {} ({}): {}{}\n", state, hosts.size(),
        fmt::join(hosts.begin(), hosts.begin() + static_cast<ptrdiff_t>(std::min(examples, hosts.size())), ", "),
        hosts.size() > examples ? ", ..." : "");
  for (size_t c = 0; c < spec_.clusters.size(); ++c) {
    std::vector<const CpuModel*> members;
    for (size_t h = 0; h < spec_.hosts.size(); ++h)
      if (spec_.hosts[h].cpu && spec_.hosts[h].cluster == static_cast<int>(c) && spec_.host_present_at_start[h])
        members.push_back(spec_.hosts[h].cpu.get());
    const HeldBack held = held_back(members, Catalog::builtin());
    if (!held.held()) continue;
    out += fmt::format("    cluster {}: its hosts' parts join {}, the hosts as they are {} ({} lack {})\n",
                       spec_.clusters[c].name, held.part_mode->name, held.host_mode ? held.host_mode->name : "no mode",
                       held.hosts.size(), join_names(held.missing));
  }
  return out;
}

// One line: the outage of each year over every cluster, when the run spans
// more than one year (results.json's cluster_years takes it apart).
std::string RunSummary::outage_by_year_text() const {
  std::map<int, double> by_year;
  for (const auto& [key, row] : cluster_years_.rows()) by_year[key.second] += row.outage_total();
  if (by_year.size() < 2) return "";
  std::string years;
  for (const auto& [year, minutes] : by_year)
    years += fmt::format("{}{} {:.1f}", years.empty() ? "" : ", ", year, minutes);
  return fmt::format("    by year{}: {} VM-minutes (by cluster and cause: results.json's cluster_years)\n",
                     spec_.calendar ? "" : " of the run", years);
}

std::string RunSummary::render_text(const RunStats& stats, size_t examples) const {
  auto m = metrics();
  auto count = [&](const char* k) { return static_cast<long long>(m[k]); };
  auto by_prefix = [&](const std::string& prefix) {
    std::string s;
    for (const auto& [k, v] : m)
      if (k.rfind(prefix, 0) == 0) s += fmt::format("{}{} {}", s.empty() ? "" : ", ", k.substr(prefix.size()), v);
    return s;
  };
  int vms = 0, hosts = 0, bays = 0;
  for (const auto& v : spec_.vms) vms += !v.arrival_slot;
  for (size_t h = 0; h < spec_.hosts.size(); ++h) (spec_.host_present_at_start[h] ? hosts : bays) += 1;
  std::string out = fmt::format("evcsim run: {} (seed {}, policy {})\n", spec_.name, spec_.seed, spec_.policy.name);
  double days = end_s_ / 86400;
  std::string span = days >= 2 ? fmt::format("{:.1f} days", days) : fmt::format("{:.0f} s", end_s_);
  if (spec_.calendar) span = fmt::format("{} to {} ({})", spec_.date(0), spec_.date(end_s_), span);
  out +=
      fmt::format("  simulated       {}: {} host(s) in {} cluster(s){}, {} VM(s) at start\n", span, hosts,
                  spec_.clusters.size(), bays ? fmt::format(" (room for {} more hosts bought later)", bays) : "", vms);
  for (const auto& n : spec_.notes) out += fmt::format("  note            {}\n", n);
  long long done = count("migrations");
  out += fmt::format("  migrations      {} completed", done);
  if (done)
    out += fmt::format(" (mean {:.2f} s, max {:.2f} s; downtime mean {:.0f} ms, max {:.0f} ms)", migration_s_ / done,
                       migration_max_s_, 1000 * downtime_s_ / done, 1000 * downtime_max_s_);
  if (count("migrations_aborted")) out += fmt::format(", {} aborted", count("migrations_aborted"));
  if (count("migrations_over_downtime_target"))
    out += fmt::format(", {} over the {:.0f} ms downtime target", count("migrations_over_downtime_target"),
                       spec_.migration.max_downtime_ms);
  if (m["guest_throttled_minutes"] > 0)
    out += fmt::format(", guests throttled {:.1f} min to converge ({:.0f} vCPU-s of guest CPU lost)",
                       m["guest_throttled_minutes"], m["guest_cpu_seconds_lost"]);
  if (count("migrations_queued"))
    out += fmt::format(", {} waited for a vMotion slot (mean {:.0f} s, max {:.0f} s)", count("migrations_queued"),
                       60 * m["migration_wait_minutes"] / count("migrations_queued"), wait_max_s_);
  out += fmt::format("; {} network transfers\n", stats.communications);
  if (!spec_.migration.era.empty())
    out += fmt::format("  vMotion         {}: {:g} Gb/s links, {} at once per host, {}\n", spec_.migration.era,
                       spec_.network.host_link_gbps, spec_.migration.max_per_host,
                       spec_.migration.convergence.empty() ? "the policy's convergence" : spec_.migration.convergence);
  if (m["host_years"] >= 1 && count("migrations_started"))  // per host-year: over a host-year at least
    out += fmt::format(
        "  vMotions        {:.1f} started per host-year ({}){}\n", m["vmotions_per_host_year"], by_prefix("vmotions."),
        count("patch_cycles") ? fmt::format("; patch cycles {} ({} skipped), {} hosts patched, {} could "
                                            "not be emptied",
                                            count("patch_cycles"), count("patch_cycles_skipped"),
                                            count("patch_maintenances") - count("failed_patch_maintenances"),
                                            count("failed_patch_maintenances"))
                              : std::string());
  out += fmt::format("  blocked         {}{}\n", count("blocked_migrations"),
                     count("blocked_migrations") ? " (" + by_prefix("blocked_migrations.") + ")" : "");
  for (size_t i = 0; i < std::min(examples, blocked_.size()); ++i) out += "    " + blocked_[i] + "\n";
  out += more(blocked_, examples, "blocked.csv with --format csv, or the migration_blocked table of events.sqlite");
  out += fmt::format("  crashes         {} (applications {}, guests {}){}\n", count("crashes"), count("app_crashes"),
                     count("vm_crashes"), count("crashes") ? ": " + by_prefix("crashes.") : "");
  for (size_t i = 0; i < std::min(examples, crashes_.size()); ++i) out += "    " + crashes_[i] + "\n";
  out += more(crashes_, examples, "crashes.csv with --format csv, or the crash table of events.sqlite");
  out +=
      fmt::format("  cold migrations {} (outage {:.1f} min, every cause)\n", count("cold_migrations"), outage_s_ / 60);
  if (outage_s_ > 0) {
    out += fmt::format(
        "  outage          {:.1f} VM-minutes: HA restarts {:.1f} (detection and boot), HA waiting for capacity {:.1f}, "
        "cold migrations {:.1f}, maintenance {:.1f} (cold evacuations), power cycles for raises {:.1f}\n",
        outage_s_ / 60, m["outage_minutes.ha_restart"], m["outage_minutes.ha_waiting_for_capacity"],
        m["outage_minutes.cold_migration"], m["outage_minutes.maintenance"], m["outage_minutes.power_cycle"]);
    out += outage_by_year_text();
  }
  if (count("ha_lost_vms") || count("ha_restarts_delayed"))
    out += fmt::format(
        "  HA              {} restarts waited for capacity; {} VMs never restarted ({:.0f} VM-hours lost)\n",
        count("ha_restarts_delayed"), count("ha_lost_vms"), m["ha_lost_vm_hours"]);
  if (m["memory_overcommit_peak"] > 1 || m["memory_ballooning_host_hours"] > 0)
    out += fmt::format(
        "  memory          overcommitted up to {:.2f}x (configured VM RAM / host RAM); ballooning {:.0f} host-hours, "
        "swapping {:.0f} (ESXi memory states by active memory)\n",
        m["memory_overcommit_peak"], m["memory_ballooning_host_hours"], m["memory_swapping_host_hours"]);
  if (count("drs_passes") || count("drs_passes_stuck"))
    out += fmt::format(
        "  DRS             {} passes that acted ({} more could not), {} moves, {} candidate moves blocked{}; imbalance "
        "left by compatibility {:.3f}\n",
        count("drs_passes"), count("drs_passes_stuck"), count("drs_moves"), count("drs_blocked"),
        count("drs_blocked") ? " (" + by_prefix("drs_blocked.") + ")" : "", m["imbalance_left_by_compatibility"]);
  if (score_passes_ > 0)
    out += fmt::format("  DRS score       cluster mean {:.1f}% over {} passes (vSphere 7), lowest VM score {:.1f}%\n",
                       m["drs_score.mean"], score_passes_, m["drs_score.min"]);
  if (count("maintenances") || count("host_failures") || count("hosts_bought"))
    out += fmt::format(
        "  operations      maintenances {} (failed {}), host failures {} (HA restarts {}, {} pinned to newer "
        "hosts), hosts bought {}, retired {}{}{}\n",
        count("maintenances"), count("failed_maintenances"), count("host_failures"), count("ha_restarts"),
        count("ha_pinned"), count("hosts_bought"), count("hosts_retired"),
        count("hosts_overdue") ? fmt::format(", {} overdue ({:.0f} host-months past a failed retirement)",
                                             count("hosts_overdue"), m["overdue_host_months"])
                               : "",
        count("hosts_not_bought_at_cap")
            ? fmt::format(", {} not bought: cluster at its host cap", count("hosts_not_bought_at_cap"))
            : "");
  if (count("vm_arrivals") || count("vm_departures"))
    out += fmt::format(
        "  workload        {} VMs arrived, {} departed{}{}\n", count("vm_arrivals"), count("vm_departures"),
        m["demand_growth"] > 0
            ? fmt::format("; CPU demand x{:.2f} from the first sample to the last (measured)", m["demand_growth"])
            : "",
        count("arrivals_without_slot")
            ? fmt::format(", {} arrivals found every slot taken (raise max_count)", count("arrivals_without_slot"))
            : "");
  if (count("vms_replaced_end_of_support")) {
    std::vector<std::string> parts;
    for (const auto& [os, n] : replaced_by_os_)
      parts.push_back(fmt::format("{} {} -> {}", n, guest_os_table()[static_cast<size_t>(os.first)].name,
                                  guest_os_table()[static_cast<size_t>(os.second)].name));
    out += fmt::format(
        "                  {} replaced at their OS's end of support (a departure and an arrival each: "
        "{})\n",
        count("vms_replaced_end_of_support"), fmt::join(parts, ", "));
  }
  out += guest_os_text(examples);
  out += waiting_text(examples);
  if (count("baseline_raises") || !raises_.empty()) {
    out += fmt::format("  baseline raises {} ({} power cycles picked one up)\n", count("baseline_raises"),
                       count("baseline_pickup_power_cycles"));
    for (size_t i = 0; i < std::min<size_t>(examples * 2, raises_.size()); ++i) out += "    " + raises_[i] + "\n";
    out += more(raises_, examples * 2, "raises in results.json, or the baseline_raised table of events.sqlite");
  }
  out += fmt::format(
      "  refused         power-on {}, operations {}, software starts {}, host joins {}{}\n", count("power_on_refused"),
      count("refused_operations"), count("software_refused"), count("host_join_refused"),
      count("retirements_deferred")
          ? fmt::format(", retirements deferred {} (the others could not carry the VMs)", count("retirements_deferred"))
          : "");
  for (size_t i = 0; i < std::min(examples, refused_.size()); ++i) out += "    " + refused_[i] + "\n";
  out += more(refused_, examples, "refused.csv with --format csv");
  out += host_state_text(examples);
  out += hypervisor_text(examples);
  for (const auto& [what, n] : updates_)
    out += fmt::format("  host update     '{}': {} host(s) updated, {} refused\n", what, n.first, n.second);
  for (size_t i = 0; i < std::min(examples, update_refusals_.size()); ++i) out += "    " + update_refusals_[i] + "\n";
  out += more(update_refusals_, examples, "the host_update_refused events of events.sqlite");
  auto results = evaluate();
  if (!results.empty()) {
    size_t ok = 0;
    for (const auto& r : results) ok += r.ok;
    out += fmt::format("Expectations: {} of {} hold\n", ok, results.size());
    for (const auto& r : results)
      out += fmt::format("  {:<4} {} (measured {})\n", r.ok ? "ok" : "FAIL", r.expectation.text(), r.measured_text());
  }
  return out;
}

}  // namespace evcsim
