// Operations over time: DRS, workload, failures and refresh settings; timed operations.
#include "scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "catalog/guest_os.hpp"
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

void Loader::load_operations_settings() {
  const auto& d = msg_.drs();
  const Tree* dt = file_.nested(msg_, "drs", -1);
  spec_.drs.balance = d.balance();
  auto interval = time_of(d, dt, "interval_s", d.interval_s(), "", "", "interval", d.interval());
  if (interval) {
    positive(d, d.interval().empty() ? "interval_s" : "interval", dt, *interval, false);
    at_most(d, d.interval().empty() ? "interval_s" : "interval", dt, spec_.horizon_s / *interval, 1e7,
            "DRS passes per cluster");
    spec_.drs.interval_s = *interval;
    spec_.drs.interval_set = true;
  }
  if (!d.placement().empty()) {
    if (!find_named(placement_policy_table(), d.placement()))
      fail(d, "placement", dt, -1, fmt::format("'{}' is not {}", d.placement(), names_of(placement_policy_table())));
    spec_.drs.placement = d.placement();
  }
  if (d.threshold() != 0) {
    if (d.threshold() > 5) fail(d, "threshold", dt, -1, fmt::format("{} is not a level from 1 to 5", d.threshold()));
    spec_.drs.threshold = static_cast<int>(d.threshold());
  }
  if (d.max_moves_per_pass()) spec_.drs.max_moves_per_pass = static_cast<int>(d.max_moves_per_pass());
  if (d.max_per_host()) spec_.drs.max_per_host = static_cast<int>(d.max_per_host());
  const auto& w = msg_.workload();
  const Tree* wt = file_.nested(msg_, "workload", -1);
  if (msg_.has_workload()) {
    if (w.diurnal_amplitude() < 0 || w.diurnal_amplitude() > 1)
      fail(w, "diurnal_amplitude", wt, -1, fmt::format("{} is not between 0 and 1", w.diurnal_amplitude()));
    positive(w, "noise", wt, w.noise(), true);
    positive(w, "reboot_every_days", wt, w.reboot_every_days(), true);
    positive(w, "power_cycle_every_days", wt, w.power_cycle_every_days(), true);
    const double days = spec_.horizon_s / 86400;
    if (w.reboot_every_days() > 0)
      at_most(w, "reboot_every_days", wt, days / w.reboot_every_days(), 1e5, "patch windows");
    if (w.power_cycle_every_days() > 0)
      at_most(w, "power_cycle_every_days", wt, days / w.power_cycle_every_days(), 1e5, "power-cycle windows");
    if (w.growth_per_year() <= -1) fail(w, "growth_per_year", wt, -1, "growth must be above -1 (-100%)");
    spec_.workload = {w.diurnal_amplitude(),
                      w.noise(),
                      w.growth_per_year(),
                      w.reboot_every_days(),
                      w.power_cycle_every_days(),
                      false,
                      12};
    positive(w, "replacement_months", wt, w.replacement_months(), true);
    if (w.replacement_months() > 120)
      fail(
          w, "replacement_months", wt, -1,
          fmt::format("{} months is not a replacement after the end of support (at most 120)", w.replacement_months()));
    if (w.replacement_months() > 0) spec_.workload.replacement_months = w.replacement_months();
    if (w.replace_at_end_of_support() && !spec_.calendar)
      fail(w, "replace_at_end_of_support", wt, -1,
           "end of support is a date: the scenario needs its start_date (\"YYYY-MM\")");
    spec_.workload.replace_at_end_of_support = w.replace_at_end_of_support();
    if (w.upgrade_at_end_of_support() && !spec_.calendar)
      fail(w, "upgrade_at_end_of_support", wt, -1,
           "end of support is a date: the scenario needs its start_date (\"YYYY-MM\")");
    if (w.upgrade_at_end_of_support() && w.replace_at_end_of_support())
      fail(w, "upgrade_at_end_of_support", wt, -1,
           "a VM at its end of support is either replaced or upgraded: set one of replace_at_end_of_support and "
           "upgrade_at_end_of_support");
    spec_.workload.upgrade_at_end_of_support = w.upgrade_at_end_of_support();
  }
  const auto& pt = msg_.patching();
  const Tree* ptt = file_.nested(msg_, "patching", -1);
  PatchingSpec& ps = spec_.patching;
  // On by default where DRS runs for longer than six months: a vSphere fleet is patched.
  ps.enabled = pt.has_enabled() ? pt.enabled() : spec_.drs.balance && spec_.horizon_s > 365.25 / 2 * 86400;
  if (auto every = time_of(pt, ptt, "every_s", pt.every_s(), "", "", "every", pt.every())) {
    const char* field = pt.every().empty() ? "every_s" : "every";
    positive(pt, field, ptt, *every, false);
    if (*every < 7 * 86400) fail(pt, field, ptt, -1, "patch cycles more often than weekly are not a patch cycle");
    ps.every_s = *every;
  }
  if (pt.hosts_at_once()) ps.hosts_at_once = static_cast<int>(std::min<uint32_t>(pt.hosts_at_once(), 1000));
  positive(pt, "minutes", ptt, pt.minutes(), true);
  if (pt.minutes() > 24 * 60) fail(pt, "minutes", ptt, -1, "a host patched for more than a day is not a patch");
  if (pt.minutes() > 0) ps.minutes = pt.minutes();
  const auto& mem = msg_.memory();
  const Tree* mt = file_.nested(msg_, "memory", -1);
  if (mem.active() < 0 || mem.active() > 1)
    fail(mem, "active", mt, -1, fmt::format("{} is not a share from 0 to 1", mem.active()));
  if (mem.active() > 0) spec_.memory_active = mem.active();
  if (mem.overcommit_limit() != 0 && mem.overcommit_limit() < 1)
    fail(mem, "overcommit_limit", mt, -1,
         fmt::format("{} is below 1: a host cannot hold less configured RAM than it has", mem.overcommit_limit()));
  const auto& f = msg_.failures();
  const Tree* ft = file_.nested(msg_, "failures", -1);
  positive(f, "mtbf_days", ft, f.mtbf_days(), true);
  if (f.mtbf_days() > 0) at_most(f, "mtbf_days", ft, spec_.horizon_s / 86400 / f.mtbf_days(), 1e6, "failures per host");
  if (f.annual_rate() > 0)
    at_most(f, "annual_rate", ft, spec_.horizon_s / (365.25 * 86400) * f.annual_rate(), 1e6, "failures per host");
  positive(f, "repair_hours", ft, f.repair_hours(), true);
  positive(f, "annual_rate", ft, f.annual_rate(), true);
  positive(f, "wear_out_after_years", ft, f.wear_out_after_years(), true);
  if (f.annual_rate() > 0 && f.mtbf_days() > 0)
    fail(f, "annual_rate", ft, -1, "give mtbf_days or annual_rate, not both");
  if (f.annual_rate() > 12) fail(f, "annual_rate", ft, -1, "more than 12 failures a year per host is not a rate");
  spec_.failures.mtbf_days = f.annual_rate() > 0 ? 365.25 / f.annual_rate() : f.mtbf_days();
  spec_.failures.wear_out_after_years = f.wear_out_after_years();
  spec_.failures.failover_hosts = static_cast<int>(std::min<uint32_t>(f.failover_hosts(), 1000));
  if (f.has_ha_detection_s()) {
    positive(f, "ha_detection_s", ft, f.ha_detection_s(), true);
    if (f.ha_detection_s() > 3600) fail(f, "ha_detection_s", ft, -1, "more than an hour is not a heartbeat timeout");
    spec_.failures.ha_detection_s = f.ha_detection_s();
  }
  if (spec_.failures.mtbf_days > 0 && spec_.failures.mtbf_days < 365.25 / 0.2)
    warn(f, f.annual_rate() > 0 ? "annual_rate" : "mtbf_days", ft,
         fmt::format("{:.1f} failures per host and year; field data says 0.02 to 0.05",
                     365.25 / spec_.failures.mtbf_days));
  if (f.repair_hours() > 0) spec_.failures.repair_hours = f.repair_hours();
  const auto& r = msg_.refresh();
  const Tree* rt = file_.nested(msg_, "refresh", -1);
  if (msg_.has_refresh()) {
    RefreshSpec& rs = spec_.refresh;
    rs.enabled = true;
    positive(r, "lifetime_years", rt, r.lifetime_years(), true);
    rs.lifetime_years = r.lifetime_years();
    if (!r.procurement().empty()) {
      if (!find_named(procurement_policy_table(), r.procurement()))
        fail(r, "procurement", rt, -1,
             fmt::format("'{}' is not {}", r.procurement(), names_of(procurement_policy_table())));
      rs.procurement = r.procurement();
    }
    if (r.headroom() < 0 || r.headroom() >= 1) fail(r, "headroom", rt, -1, "headroom is a fraction from 0 to 1");
    if (r.headroom() > 0) rs.headroom = r.headroom();
    if (r.hosts_per_purchase()) rs.hosts_per_purchase = static_cast<int>(r.hosts_per_purchase());
    if (!r.baseline_policy().empty()) {
      rs.baseline_policy = r.baseline_policy();
      if (rs.baseline_policy == "never") {  // the old name of fixed: they behaved alike
        warn(r, "baseline_policy", rt, "'never' is read as 'fixed' (the same behaviour, one name now)");
        rs.baseline_policy = "fixed";
      }
      if (!find_named(baseline_policy_table(), rs.baseline_policy))
        fail(r, "baseline_policy", rt, -1,
             fmt::format("'{}' is not {}", r.baseline_policy(), names_of(baseline_policy_table())));
    }
    positive(r, "window_days", rt, r.window_days(), true);
    if (r.window_days() > 0) rs.window_days = r.window_days();
    rs.cold_evacuation = r.cold_evacuation();
    rs.enable_needs_all_off = r.enable_needs_all_off();
    rs.planned = r.planned();
    if (!r.bought_host_name().empty()) {
      auto named = [&](int n) { return fmt::format(fmt::runtime(r.bought_host_name()), n, fmt::arg("cluster", "c")); };
      std::string one, two;
      try {
        one = named(1), two = named(2);
      } catch (const fmt::format_error& e) {
        fail(r, "bought_host_name", rt, -1,
             fmt::format("'{}' is not a naming rule ({}): write {{}} or {{:03}} for the number and {{cluster}} for "
                         "the cluster, e.g. \"esx-n{{:03}}\"",
                         r.bought_host_name(), e.what()));
      }
      if (one == two)
        fail(r, "bought_host_name", rt, -1,
             fmt::format("'{}' has no number: write {{}} or {{:03}} where it goes, e.g. \"esx-n{{:03}}\"",
                         r.bought_host_name()));
      rs.bought_host_name = r.bought_host_name();
    }
    if (r.max_share_retiring() < 0 || r.max_share_retiring() > 1)
      fail(r, "max_share_retiring", rt, -1, "a share from 0 to 1");
    if (r.max_share_retiring() > 0) rs.max_share_retiring = r.max_share_retiring();
    positive(r, "ram_gib", rt, r.ram_gib(), true);
    positive(r, "qualification_months", rt, r.qualification_months(), true);
    rs.ram_gib = r.ram_gib();
    if (r.has_qualification_months()) rs.qualification_months = r.qualification_months();
    max_hosts_per_cluster_ = r.max_hosts_per_cluster();
    if (max_hosts_per_cluster_ > kVsphereMaxHosts)
      warn(r, "max_hosts_per_cluster", rt,
           fmt::format("{} hosts per cluster is above vSphere's maximum of {}", max_hosts_per_cluster_,
                       kVsphereMaxHosts));
  }
}

void Loader::load_operation(int i) {
  const auto& o = msg_.at(i);
  const Tree* t = file_.nested(msg_, "at", i);
  OperationSpec op;
  op.line = file_.line(msg_, "at", i);
  auto at = time_of(o, t, "at_s", o.at_s(), "at_date", o.at_date(), "after", o.after());
  const char* at_field = !o.at_date().empty() ? "at_date" : !o.after().empty() ? "after" : "at_s";
  if (at && *at < 0) fail(o, at_field, t, -1, fmt::format("{} is before the run starts ({})", when(*at), when(0)));
  op.at_s = at.value_or(0);
  auto vm_host = [&](const sc::VmHost& vh, const char* field, bool host_required) {
    const Tree* vt = file_.nested(o, field, -1, t);
    op.vms = vm_indices(vh.vm(), vh, vt);
    if (!vh.host().empty()) op.host = host_index(vh.host(), vh, "host", vt);
    else if (host_required) fail(vh, "host", vt, -1, fmt::format("{} needs a destination host", field));
    op.text = fmt::format("{} {}{}", field, vh.vm(), vh.host().empty() ? "" : " to " + vh.host());
  };
  switch (o.op_case()) {
    case sc::Operation::kMigrate:
      op.kind = OpKind::migrate;
      vm_host(o.migrate(), "migrate", true);
      break;
    case sc::Operation::kColdMigrate:
      op.kind = OpKind::cold_migrate;
      vm_host(o.cold_migrate(), "cold_migrate", true);
      break;
    case sc::Operation::kPowerOn:
      op.kind = OpKind::power_on;
      vm_host(o.power_on(), "power_on", false);
      break;
    case sc::Operation::kPowerOff:
      op.kind = OpKind::power_off;
      vm_host(o.power_off(), "power_off", false);
      break;
    case sc::Operation::kReboot:
      op.kind = OpKind::reboot;
      vm_host(o.reboot(), "reboot", false);
      break;
    case sc::Operation::kPowerCycle:
      op.kind = OpKind::power_cycle;
      vm_host(o.power_cycle(), "power_cycle", false);
      break;
    case sc::Operation::kSetMask: {
      op.kind = OpKind::set_mask;
      const Tree* st = file_.nested(o, "set_mask", -1, t);
      op.vms = vm_indices(o.set_mask().vm(), o.set_mask(), st);
      op.masks = masks(o.set_mask().mask(), o.set_mask(), "mask", st, true);
      op.text = fmt::format("set_mask {}", o.set_mask().vm());
      break;
    }
    case sc::Operation::kAddHost: {
      op.kind = OpKind::add_host;
      const Tree* at = file_.nested(o, "add_host", -1, t);
      op.cluster = cluster_index(o.add_host().cluster(), o.add_host(), "cluster", at);
      op.new_hosts = add_hosts(o.add_host().hosts(), file_.nested(o.add_host(), "hosts", -1, at), op.cluster, false);
      op.text = fmt::format("add_host {} to {}", spec_.hosts[op.new_hosts.front()].name, o.add_host().cluster());
      break;
    }
    case sc::Operation::kRemoveHost:
      op.kind = OpKind::remove_host;
      op.host = host_index(o.remove_host(), o, "remove_host", t);
      op.text = fmt::format("remove_host {}", o.remove_host());
      break;
    case sc::Operation::kMaintenance:
      op.kind = OpKind::maintenance;
      op.host = host_index(o.maintenance(), o, "maintenance", t);
      op.text = fmt::format("maintenance {}", o.maintenance());
      break;
    case sc::Operation::kExitMaintenance:
      op.kind = OpKind::exit_maintenance;
      op.host = host_index(o.exit_maintenance(), o, "exit_maintenance", t);
      op.text = fmt::format("exit_maintenance {}", o.exit_maintenance());
      break;
    case sc::Operation::kFailHost: {
      op.kind = OpKind::fail_host;
      const Tree* ft = file_.nested(o, "fail_host", -1, t);
      op.host = host_index(o.fail_host().host(), o.fail_host(), "host", ft);
      positive(o.fail_host(), "repair_hours", ft, o.fail_host().repair_hours(), true);
      op.repair_hours = o.fail_host().repair_hours();
      op.text = fmt::format("fail_host {}", o.fail_host().host());
      break;
    }
    case sc::Operation::kSetBaseline: {
      op.kind = OpKind::set_baseline;
      const Tree* bt = file_.nested(o, "set_baseline", -1, t);
      op.cluster = cluster_index(o.set_baseline().cluster(), o.set_baseline(), "cluster", bt);
      op.baseline = baseline(o.set_baseline().baseline(), o.set_baseline(), "baseline", bt);
      op.text = fmt::format("set_baseline {} {}", o.set_baseline().cluster(),
                            o.set_baseline().baseline().empty() ? "(none)" : o.set_baseline().baseline());
      break;
    }
    case sc::Operation::kUpdateHosts: {
      const auto& u = o.update_hosts();
      op.kind = OpKind::update_hosts;
      const Tree* ut = file_.nested(o, "update_hosts", -1, t);
      op.cluster = cluster_index(u.cluster(), u, "cluster", ut);
      if (u.name().empty()) fail(u, "name", ut, -1, "an update needs a name (\"spectre microcode\")");
      op.update_name = u.name();
      for (auto [field, list, set] :
           {std::tuple{"add", &u.add(), &op.add}, std::tuple{"remove", &u.remove(), &op.remove}})
        for (int k = 0; k < list->size(); ++k) {
          auto id = find_feature((*list)[k]);
          if (!id) fail(u, field, ut, k, fmt::format("unknown feature '{}'", (*list)[k]));
          set->set(*id);
        }
      if (op.add.empty() && op.remove.empty()) fail(u, "add", ut, -1, "an update adds or removes features");
      if ((op.add & op.remove).count() > 0)
        fail(u, "remove", ut, -1, fmt::format("{} both added and removed", join_names(op.add & op.remove)));
      positive(u, "patch_minutes", ut, u.patch_minutes(), true);
      if (u.patch_minutes() > 0) op.patch_s = u.patch_minutes() * 60;
      op.text = fmt::format("update_hosts {} '{}'", u.cluster(), u.name());
      break;
    }
    case sc::Operation::kUpgradeOs: {
      const auto& u = o.upgrade_os();
      op.kind = OpKind::upgrade_os;
      const Tree* ut = file_.nested(o, "upgrade_os", -1, t);
      op.guest_os = guest_os_index(u.to());
      if (op.guest_os < 0) fail(u, "to", ut, -1, unknown_guest_os(u.to()));
      if (u.vms().empty()) fail(u, "vms", ut, -1, "an upgrade names its VMs (a VM or a VM group each)");
      for (int k = 0; k < u.vms_size(); ++k) {
        const size_t before = op.vms.size();
        for (size_t v = 0; v < spec_.vms.size(); ++v)
          if (spec_.vms[v].name == u.vms(k) || spec_.vms[v].group == u.vms(k)) op.vms.push_back(static_cast<int>(v));
        if (op.vms.size() == before) fail(u, "vms", ut, k, fmt::format("unknown VM or VM group '{}'", u.vms(k)));
        for (size_t j = before; j < op.vms.size(); ++j)
          if (spec_.vms[static_cast<size_t>(op.vms[j])].guest_os < 0)
            fail(u, "vms", ut, k,
                 fmt::format("{} has no guest_os to upgrade from (give its group a guest_os)",
                             spec_.vms[static_cast<size_t>(op.vms[j])].name));
      }
      op.text = fmt::format("upgrade_os {} to {}", fmt::join(u.vms(), ", "), u.to());
      break;
    }
    default:
      fail(msg_, "at", nullptr, i, "an operation needs one of migrate, cold_migrate, power_on, ...");
  }
  if (op.at_s > spec_.horizon_s) {
    warn(o, at_field, t,
         fmt::format("{} is after the end of the run ({}): '{}' will not happen", when(op.at_s), when(spec_.horizon_s),
                     op.text));
    return;
  }
  spec_.operations.push_back(std::move(op));
}

}  // namespace evcsim::loading
