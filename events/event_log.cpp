#include "events/event_log.hpp"

#include "base/json.hpp"
#include "catalog/guest_os.hpp"
#include "cpu/feature_registry.hpp"
#include "events/event_store.hpp"
#include "events/event_text.hpp"
#include "events/row_sink.hpp"

namespace evcsim {
namespace {

// Sets an event's fields on R: a report::EventRecord, or the event store's
// RowSink (the same setters, kept by field number).
template <class R>
struct Recorder {
  const ScenarioSpec& spec;
  R& r;

  void vm(int i) { r.set_vm(spec.vms[i].name); }
  void host(int i) {
    if (i >= 0) r.set_host(spec.host_name(i));
  }
  void route(int s, int d) {
    if (s >= 0) r.set_src(spec.host_name(s));
    if (d >= 0) r.set_dst(spec.host_name(d));
  }
  void sw(int vm_index, int s) { r.set_software((*spec.vms[vm_index].software)[s].name); }
  void features(const FeatureSet& f) {
    for (auto& n : feature_names(f)) r.add_features(n);
  }

  void operator()(const HostJoined& e) {
    r.set_type("host_joined");
    host(e.host);
    r.set_cluster(spec.clusters[e.cluster].name);
  }
  void operator()(const HostJoinRefused& e) {
    r.set_type("host_join_refused");
    host(e.host);
    r.set_cluster(spec.clusters[e.cluster].name);
    features(e.missing);
    r.set_reason(join_refused_text(e));
  }
  void operator()(const HostRemoved& e) {
    r.set_type("host_removed");
    host(e.host);
  }
  void operator()(const BaselineChanged& e) {
    r.set_type("baseline_changed");
    r.set_cluster(spec.clusters[e.cluster].name);
    r.set_from(e.from);
    r.set_to(e.to);
  }
  void operator()(const VmPoweredOn& e) {
    r.set_type("vm_powered_on");
    vm(e.vm);
    host(e.host);
    features(e.guest_view);
    r.set_new_view(e.new_view);
  }
  void operator()(const PowerOnRefused& e) {
    r.set_type("power_on_refused");
    vm(e.vm);
    host(e.host);
    features(e.missing);
    r.set_reason(power_on_refused_text(e, spec));
    if (e.why.code == PlacementCode::guest_os_floor && e.why.guest_os >= 0) {
      r.set_code("guest-os-floor");
      r.set_guest_os(std::string(guest_os_table()[static_cast<size_t>(e.why.guest_os)].name));
    }
  }
  void operator()(const VmPoweredOff& e) {
    r.set_type("vm_powered_off");
    vm(e.vm);
    host(e.host);
    r.set_reason(power_off_text(e, spec));
  }
  void operator()(const SoftwareStarted& e) {
    r.set_type("software_started");
    vm(e.vm);
    sw(e.vm, e.sw);
    features(e.active);
    r.set_why(std::string(start_text(e.why)));
  }
  void operator()(const SoftwareRefused& e) {
    r.set_type("software_refused");
    vm(e.vm);
    sw(e.vm, e.sw);
    features(e.missing);
    r.set_reason("built for features the guest view lacks");
  }
  void operator()(const SoftwareGaveUp& e) {
    r.set_type("software_gave_up");
    vm(e.vm);
    sw(e.vm, e.sw);
    r.set_crashes(static_cast<uint32_t>(e.crashes));
  }
  void operator()(const MigrationStarted& e) {
    r.set_type("migration_started");
    vm(e.vm);
    route(e.src, e.dst);
    if (e.waited_s > 0) r.set_waited_s(e.waited_s);
  }
  void operator()(const MigrationBlocked& e) {
    r.set_type("migration_blocked");
    vm(e.vm);
    route(e.src, e.dst);
    r.set_code(std::string(code_name(e.code)));
    features(e.missing);
    r.set_reason(e.reason);
  }
  void operator()(const MigrationAborted& e) {
    r.set_type("migration_aborted");
    vm(e.vm);
    route(e.src, e.dst);
    r.set_reason(aborted_text(e));
  }
  void operator()(const MigrationCompleted& e) {
    r.set_type("migration_completed");
    vm(e.vm);
    route(e.src, e.dst);
    r.set_duration_s(e.duration_s);
    r.set_downtime_s(e.downtime_s);
    r.set_rounds(static_cast<uint32_t>(e.rounds));
    r.set_mib_sent(e.mib_sent);
    if (e.throttled_s > 0) r.set_throttled_s(e.throttled_s);
    if (e.lost_guest_cpu_s > 0) r.set_lost_guest_cpu_s(e.lost_guest_cpu_s);
    if (e.over_downtime_target) r.set_over_downtime_target(true);
  }
  void operator()(const Crash& e) {
    r.set_type("crash");
    vm(e.vm);
    sw(e.vm, e.sw);
    r.set_kernel(e.kernel);
    host(e.host);
    features(e.missing);
    route(e.src, e.dst);
    r.set_cause(std::string(code_name(e.cause)));
  }
  void operator()(const ColdMigration& e) {
    r.set_type("cold_migration");
    vm(e.vm);
    route(e.src, e.dst);
    r.set_outage_s(e.outage_s);
  }
  void operator()(const MaskChanged& e) {
    r.set_type("mask_changed");
    vm(e.vm);
  }
  void operator()(const VmRebooted& e) {
    r.set_type("vm_rebooted");
    vm(e.vm);
    host(e.host);
    r.set_new_view(e.power_cycle);
    r.set_why(std::string(reboot_text(e)));
  }
  void operator()(const Snapshot&) { r.set_type("sample"); }
  void operator()(const DrsPass& e) {
    r.set_type("drs_pass");
    r.set_cluster(spec.clusters[e.cluster].name);
    r.set_imbalance(e.imbalance);
    r.set_left_by_compatibility(e.left_by_compatibility);
    r.set_moves(static_cast<uint32_t>(e.moves));
    for (const auto& [code, n] : e.blocked)
      (*r.mutable_blocked_by_code())[std::string(code_name(code))] = static_cast<uint32_t>(n);
  }
  void operator()(const MaintenanceStarted& e) {
    r.set_type("maintenance_started");
    host(e.host);
    r.set_why(maintenance_started_text(e));
  }
  void operator()(const MaintenanceDone& e) {
    r.set_type(e.outcome == MaintenanceOutcome::retired ? "host_retired" : "maintenance_done");
    host(e.host);
  }
  void operator()(const MaintenanceFailed& e) {
    r.set_type("maintenance_failed");
    host(e.host);
    r.set_count(static_cast<uint32_t>(e.stranded));
    features(e.missing);
    r.set_reason(maintenance_failed_text(e, spec));
  }
  void operator()(const HostFailed& e) {
    r.set_type("host_failed");
    host(e.host);
    r.set_count(static_cast<uint32_t>(e.vms));
  }
  void operator()(const HostRepaired& e) {
    r.set_type("host_repaired");
    host(e.host);
  }
  void operator()(const HaRestart& e) {
    r.set_type("ha_restart");
    vm(e.vm);
    route(e.from, e.to);
    features(e.gained);
    for (auto& n : feature_names(e.lost)) r.add_lost(n);
  }
  void operator()(const HostBought& e) {
    r.set_type("host_bought");
    host(e.host);
    r.set_cluster(spec.clusters[e.cluster].name);
    r.set_cpu(e.cpu);
    r.set_why(std::string(purchase_text(e.why)));
  }
  void operator()(const BaselineRaised& e) {
    r.set_type("baseline_raised");
    r.set_cluster(spec.clusters[e.cluster].name);
    r.set_from(e.from);
    r.set_to(e.to);
    r.set_possible_since(e.possible_since);
    features(e.gained);
    r.set_count(static_cast<uint32_t>(e.vms_to_cycle));
    if (!e.locks_out.empty()) {
      r.set_locks_out(e.locks_out);
      for (auto& n : feature_names(e.locks_out_missing)) r.add_locks_out_missing(n);
    }
  }
  void operator()(const BaselineRaiseSeen& e) {
    r.set_type("baseline_raise_seen");
    r.set_cluster(spec.clusters[e.cluster].name);
    r.set_to(e.to);
    r.set_raised_at(e.raised_at);
  }
  void operator()(const VmArrived& e) {
    r.set_type("vm_arrived");
    vm(e.vm);
  }
  void operator()(const ArrivalWithoutSlot& e) {
    r.set_type("arrival_without_slot");
    r.set_vm(spec.arrivals[e.arrival].group);
  }
  void operator()(const VmDeparted& e) {
    r.set_type("vm_departed");
    vm(e.vm);
  }
  void operator()(const HostUpdated& e) {
    r.set_type(e.refused.empty() ? "host_updated" : "host_update_refused");
    r.set_host(spec.host_name(e.host));
    r.set_cluster(spec.clusters[e.cluster].name);
    r.set_operation(spec.operations[e.op].text);
    for (auto& n : feature_names(e.added)) r.add_features(n);
    for (auto& n : feature_names(e.removed)) r.add_lost(n);
    if (!e.refused.empty()) r.set_reason(e.refused);
  }
  void operator()(const RetirementDeferred& e) {
    r.set_type("retirement_deferred");
    r.set_host(spec.host_name(e.host));
    r.set_cluster(spec.clusters[e.cluster].name);
    r.set_reason(retirement_deferred_text(e, spec));
  }
  void operator()(const VmPlacedInFallback& e) {
    r.set_type("vm_placed_in_fallback");
    vm(e.vm);
    r.set_from(spec.clusters[e.home].name);
    r.set_cluster(spec.clusters[e.cluster].name);
    r.set_reason(text(e.why, spec));
  }
  void operator()(const VmReplacedAtEndOfSupport& e) {
    r.set_type("vm_replaced_at_end_of_support");
    vm(e.vm);
    r.set_from(std::string(guest_os_table()[e.from].name));
    r.set_to(std::string(guest_os_table()[e.to].name));
  }
  void operator()(const OsUpgraded& e) {
    r.set_type("os_upgraded");
    vm(e.vm);
    r.set_from(std::string(guest_os_table()[static_cast<size_t>(e.from)].name));
    r.set_to(std::string(guest_os_table()[static_cast<size_t>(e.to)].name));
    r.set_guest_os(std::string(guest_os_table()[static_cast<size_t>(e.to)].name));
  }
  // Everything a "VMs blocked from their next OS" list needs: the VM, its
  // cluster, the OS it runs and the one it could not take, the features its
  // view lacks, the time (t, date) and why in words.
  void operator()(const OsUpgradeRefused& e) {
    r.set_type("os_upgrade_refused");
    vm(e.vm);
    r.set_cluster(spec.clusters[static_cast<size_t>(e.cluster)].name);
    r.set_from(std::string(guest_os_table()[static_cast<size_t>(e.from)].name));
    r.set_to(std::string(guest_os_table()[static_cast<size_t>(e.to)].name));
    r.set_guest_os(std::string(guest_os_table()[static_cast<size_t>(e.from)].name));
    features(e.missing);
    r.set_code(e.not_running ? "not-running" : "lacks-floor");
    r.set_reason(os_upgrade_refused_text(e, spec));
  }
  void operator()(const PatchCycle& e) {
    static constexpr const char* kPhase[] = {"patch_cycle_started", "patch_cycle_done", "patch_cycle_skipped"};
    r.set_type(kPhase[static_cast<int>(e.phase)]);
    r.set_cluster(spec.clusters[e.cluster].name);
    r.set_count(static_cast<uint32_t>(e.hosts));
  }
  void operator()(const MemoryPressure& e) {
    r.set_type("memory_pressure");
    r.set_host(spec.host_name(e.host));
    r.set_memory_state(std::string(memory_state_name(e.state)));
    r.set_demand_mib(static_cast<uint32_t>(e.demand_mib));
    r.set_configured_mib(static_cast<uint32_t>(e.configured_mib));
    r.set_ram_mib(static_cast<uint32_t>(e.ram_mib));
  }
  void operator()(const OperationRefused& e) {
    r.set_type("operation_refused");
    r.set_operation(spec.operations[e.op].text);
    r.set_reason(text(e.why, spec));
  }
};

}  // namespace

report::EventRecord to_record(const Event& e, const ScenarioSpec& spec) {
  report::EventRecord r;
  r.set_t(event_time(e));
  if (spec.calendar) r.set_date(spec.date(r.t()));
  std::visit(Recorder<report::EventRecord>{spec, r}, e);
  return r;
}

void to_row(const Event& e, const ScenarioSpec& spec, RowSink& row) {
  row.clear();
  row.set_t(event_time(e));
  std::visit(Recorder<RowSink>{spec, row}, e);
}

void EventLog::on_event(const Event& e) {
  if (!recorded(e, detail_)) return;  // samples go to the time series, not the log
  out_ << to_json_line(to_record(e, spec_)) << '\n';
}

}  // namespace evcsim
