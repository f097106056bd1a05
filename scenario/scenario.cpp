#include "scenario/scenario.hpp"

#include "policy/baseline/baseline_policy.hpp"
#include "policy/codes.hpp"
#include "scenario/metrics.hpp"
#include "policy/named_table.hpp"
#include "policy/placement/placement_policy.hpp"
#include "policy/procurement/procurement_policy.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "base/error.hpp"
#include "cpu/feature_registry.hpp"
#include "interop/importers.hpp"
#include "policy/masking/masking_policy.hpp"
#include "base/textproto.hpp"
#include "scenario/scenario.pb.h"

namespace evcsim {

namespace {
constexpr uint32_t kVsphereMaxHosts = 96;  // hosts per cluster (vSphere 7 and 8 configuration maximums)
}

std::string_view detection_name(Detection d) {
  switch (d) {
    case Detection::cpuid: return "cpuid";
    case Detection::probe: return "probe";
    case Detection::fixed: return "fixed";
  }
  return "cpuid";
}

std::string_view op_kind_name(OpKind k) {
  switch (k) {
    case OpKind::migrate: return "migrate";
    case OpKind::cold_migrate: return "cold_migrate";
    case OpKind::power_on: return "power_on";
    case OpKind::power_off: return "power_off";
    case OpKind::reboot: return "reboot";
    case OpKind::power_cycle: return "power_cycle";
    case OpKind::set_mask: return "set_mask";
    case OpKind::add_host: return "add_host";
    case OpKind::remove_host: return "remove_host";
    case OpKind::set_baseline: return "set_baseline";
    case OpKind::maintenance: return "maintenance";
    case OpKind::exit_maintenance: return "exit_maintenance";
    case OpKind::fail_host: return "fail_host";
  }
  return "?";
}

// A name, or a name and a reason code / crash cause after a dot.
YearMonth date_at(const YearMonth& start, double t) {
  int months = static_cast<int>(std::floor(t / (86400.0 * 365.25 / 12)));
  int idx = start.index() + std::max(0, months);
  return YearMonth{idx / 12, idx % 12 + 1};
}

std::string ScenarioSpec::date(double t) const { return calendar ? calendar_date(start_date, t) : std::string(); }

std::string ExpectationSpec::text() const {
  return expected_name.empty() ? fmt::format("{} {} {}", metric, op, value)
                                    : fmt::format("{} {} \"{}\"", metric, op, expected_name);
}

namespace {

namespace sc = scenario;
using Tree = google::protobuf::TextFormat::ParseInfoTree;

class Loader {
 public:
  Loader(const std::string& text, const std::string& file, const Catalog& catalog)
      : file_(file, text, &msg_), catalog_(catalog), dir_(std::filesystem::path(file).parent_path().string()) {}

  ScenarioSpec load() {
    spec_.file = file_.file();
    spec_.name = msg_.name().empty() ? std::filesystem::path(spec_.file).stem().string() : msg_.name();
    spec_.description = msg_.description();
    spec_.seed = msg_.seed() == 0 ? 1 : msg_.seed();
    load_start_date();
    auto horizon = time_of(msg_, nullptr, "horizon_s", msg_.horizon_s(), "end_date", msg_.end_date(), "horizon",
                           msg_.horizon());
    if (!horizon) fail(msg_, "horizon_s", nullptr, -1, "say how long the run is: horizon: \"5y\", end_date or horizon_s");
    if (!(*horizon > 0))
      fail(msg_, msg_.horizon_s() != 0 ? "horizon_s" : !msg_.end_date().empty() ? "end_date" : "horizon", nullptr, -1,
           !msg_.end_date().empty() ? fmt::format("end_date {} is not after start_date {}", msg_.end_date(),
                                                  spec_.start_date.str())
                                    : msg_.horizon().empty() ? "horizon_s must be a positive number of seconds"
                                                             : "horizon must be positive");
    spec_.horizon_s = *horizon;
    load_policy();
    load_settings();
    load_operations_settings();
    for (int i = 0; i < msg_.cluster_size(); ++i) load_cluster(i);
    if (spec_.clusters.empty()) fail(msg_, "cluster", nullptr, -1, "a scenario needs at least one cluster");
    add_bays();
    for (int i = 0; i < msg_.vm_size(); ++i) load_vm_group(i);
    for (int i = 0; i < msg_.rule_size(); ++i) load_rule(i);
    for (int i = 0; i < msg_.at_size(); ++i) load_operation(i);
    std::stable_sort(spec_.operations.begin(), spec_.operations.end(),
                     [](const OperationSpec& a, const OperationSpec& b) { return a.at_s < b.at_s; });
    for (int i = 0; i < msg_.expect_size(); ++i) load_expectation(i);
    load_report_settings();
    check_sizes();
    warn_ineffective();
    return std::move(spec_);
  }

 private:
  [[noreturn]] void fail(const google::protobuf::Message& m, std::string_view field, const Tree* t, int index,
                         std::string message) const {
    file_.fail(file_.line(m, field, index, t), std::string(field), std::move(message));
  }

  std::optional<Baseline> baseline(const std::string& name, const google::protobuf::Message& m, std::string_view field,
                                   const Tree* t) const {
    if (name.empty()) return std::nullopt;
    if (const Baseline* b = catalog_.find_baseline(name)) return *b;
    try {
      catalog_.baseline(name);
    } catch (const InputError& e) {
      fail(m, field, t, -1, e.message());
    }
    return std::nullopt;
  }

  VmMasks masks(const google::protobuf::RepeatedPtrField<sc::RegisterMask>& list, const google::protobuf::Message& parent,
                std::string_view field, const Tree* t, bool allow_dash) const {
    VmMasks out;
    for (int i = 0; i < list.size(); ++i) {
      const auto& m = list.Get(i);
      const Tree* mt = file_.nested(parent, field, i, t);
      RegisterRef reg;
      try {
        reg = parse_register(m.register_());
      } catch (const InputError& e) {
        fail(m, "register", mt, -1, e.message());
      }
      if (features_in(reg).empty())
        fail(m, "register", mt, -1, fmt::format("register {} holds no feature evcsim models", m.register_()));
      RegisterMask rm;
      try {
        rm = RegisterMask::parse(m.mask());
      } catch (const InputError& e) {
        fail(m, "mask", mt, -1, e.message());
      }
      if (!allow_dash && rm.has_defaults()) fail(m, "mask", mt, -1, "a default mask cannot contain '-'");
      if (out.count(reg)) fail(m, "register", mt, -1, fmt::format("register {} is masked twice", m.register_()));
      out[reg] = rm;
    }
    return out;
  }

  void load_policy() {
    const auto& p = msg_.policy();
    const Tree* t = file_.nested(msg_, "policy", -1);
    spec_.policy.name = p.name().empty() ? "modern-superset" : p.name();
    bool known = false;
    for (const auto& e : policy_table()) known = known || e.name == spec_.policy.name;
    if (!known) {
      try {
        make_policy(spec_.policy);
      } catch (const InputError& e) {
        fail(p, "name", t, -1, e.message());
      }
    }
    spec_.policy.allow_cross_vendor = p.allow_cross_vendor();
    spec_.policy.default_masks = masks(p.default_mask(), p, "default_mask", t, false);
    spec_.policy.model = baseline(p.model(), p, "model", t);
    if (spec_.policy.name == "named-model" && !spec_.policy.model)
      fail(p, "model", t, -1, "policy named-model needs a model (a baseline name such as x86-64-v2)");
  }

  // A simulated time as the user wrote it: a date with the calendar, else seconds.
  std::string when(double t) const {
    return spec_.calendar ? spec_.date(t) : fmt::format("{} s", t);
  }

  void positive(const google::protobuf::Message& m, std::string_view field, const Tree* t, double v, bool allow_zero) {
    if (v < 0 || (!allow_zero && v == 0) || !std::isfinite(v))
      fail(m, field, t, -1, fmt::format("{} must be {}, not {}", field, allow_zero ? "zero or more" : "positive", v));
  }

  // A field written as 0 where 0 means nothing sensible (a group of no hosts,
  // a VM of no RAM): an error, not the default it would silently become.
  void not_zero(const google::protobuf::Message& m, std::string_view field, const Tree* t, double v) {
    if (v == 0 && file_.line(m, field, -1, t) > 0)
      fail(m, field, t, -1, fmt::format("{} must be positive, not 0 (leave it out for the default)", field));
  }

  void load_settings() {
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

  void load_start_date() {
    if (msg_.start_date().empty()) return;
    try {
      spec_.start_date = parse_year_month(msg_.start_date());
    } catch (const InputError& e) {
      fail(msg_, "start_date", nullptr, -1, e.message());
    }
    spec_.calendar = true;
  }

  // A time written in one of three fields beside each other: seconds, a
  // calendar date (from start_date) or a duration from the start. nullopt
  // when none is written; an error when two are.
  std::optional<double> time_of(const google::protobuf::Message& m, const Tree* t, std::string_view seconds_field,
                                double seconds, std::string_view date_field, const std::string& date,
                                std::string_view duration_field, const std::string& duration) const {
    bool has_seconds = seconds != 0 || file_.line(m, seconds_field, -1, t) > 0;
    int given = has_seconds + !date.empty() + !duration.empty();
    if (given > 1) {
      std::vector<std::string_view> fields = {seconds_field};
      for (auto f : {date_field, duration_field})
        if (!f.empty()) fields.push_back(f);
      std::string names(fields[0]);
      for (size_t i = 1; i < fields.size(); ++i) names += fmt::format("{}{}", i + 1 == fields.size() ? " or " : ", ", fields[i]);
      fail(m, !date.empty() && has_seconds ? date_field : duration_field, t, -1,
           fmt::format("give one of {}, not {}", names, given == 3 ? "all three" : "two"));
    }
    try {
      if (!date.empty()) {
        if (!spec_.calendar)
          fail(m, date_field, t, -1,
               fmt::format("a date needs the scenario's start_date (\"YYYY-MM\", the day the run starts)"));
        return seconds_at(spec_.start_date, date);
      }
      if (!duration.empty()) return parse_duration(duration);
    } catch (const InputError& e) {
      fail(m, date.empty() ? duration_field : date_field, t, -1, e.message());
    }
    if (has_seconds) return seconds;
    return std::nullopt;
  }

  void load_operations_settings() {
    const auto& d = msg_.drs();
    const Tree* dt = file_.nested(msg_, "drs", -1);
    spec_.drs.balance = d.balance();
    auto interval = time_of(d, dt, "interval_s", d.interval_s(), "", "", "interval", d.interval());
    if (interval) {
      positive(d, d.interval().empty() ? "interval_s" : "interval", dt, *interval, false);
      spec_.drs.interval_s = *interval;
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
      if (w.growth_per_year() <= -1) fail(w, "growth_per_year", wt, -1, "growth must be above -1 (-100%)");
      spec_.workload = {w.diurnal_amplitude(), w.noise(), w.growth_per_year(), w.reboot_every_days(),
                        w.power_cycle_every_days()};
    }
    const auto& f = msg_.failures();
    const Tree* ft = file_.nested(msg_, "failures", -1);
    positive(f, "mtbf_days", ft, f.mtbf_days(), true);
    positive(f, "repair_hours", ft, f.repair_hours(), true);
    positive(f, "annual_rate", ft, f.annual_rate(), true);
    positive(f, "wear_out_after_years", ft, f.wear_out_after_years(), true);
    if (f.annual_rate() > 0 && f.mtbf_days() > 0)
      fail(f, "annual_rate", ft, -1, "give mtbf_days or annual_rate, not both");
    if (f.annual_rate() > 12) fail(f, "annual_rate", ft, -1, "more than 12 failures a year per host is not a rate");
    spec_.failures.mtbf_days = f.annual_rate() > 0 ? 365.25 / f.annual_rate() : f.mtbf_days();
    spec_.failures.wear_out_after_years = f.wear_out_after_years();
    spec_.failures.failover_hosts = static_cast<int>(std::min<uint32_t>(f.failover_hosts(), 1000));
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

  // Empty bays per cluster for the hosts procurement will buy.
  void add_bays() {
    if (!spec_.refresh.enabled) return;
    for (size_t c = 0; c < spec_.clusters.size(); ++c) {
      int present = 0;
      int64_t ram = 0;
      int cores = 0;
      for (const auto& h : spec_.hosts)
        if (h.cluster == static_cast<int>(c)) ++present, ram = std::max(ram, h.ram_mib), cores = std::max(cores, h.cores);
      // Default cap: the starting size plus as many again (at least 8), within vSphere's 96.
      int cap = max_hosts_per_cluster_ ? static_cast<int>(max_hosts_per_cluster_)
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

  void load_rule(int i) {
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
    if (rs.kind != RuleKind::vm_host && rs.vms.size() < 2) fail(r, "vm", t, -1, "a rule between VMs needs two VMs or more");
    spec_.rules.push_back(std::move(rs));
  }

  std::vector<int> add_hosts(const sc::HostGroup& g, const Tree* t, int cluster, bool present) {
    if (g.cpu().empty()) fail(g, "cpu", t, -1, "a host group needs a cpu (catalog name, SKU or dump file)");
    auto it = cpus_.find(g.cpu());
    if (it == cpus_.end()) {
      std::shared_ptr<const CpuModel> model;
      if (const CpuModel* c = catalog_.find_cpu(g.cpu())) {
        model = std::make_shared<CpuModel>(*c);
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
    const auto& cpu = it->second;
    not_zero(g, "count", t, g.count());
    not_zero(g, "cores", t, g.cores());
    not_zero(g, "ram_gib", t, g.ram_gib());
    uint32_t count = g.count() == 0 ? 1 : g.count();
    if (count > 1000000) fail(g, "count", t, -1, fmt::format("{} hosts in one group is more than evcsim supports", count));
    std::string base = g.name().empty() ? cpu->name : g.name();
    std::vector<int> out;
    for (uint32_t k = 1; k <= count; ++k) {
      HostSpec h;
      h.name = count == 1 ? base : fmt::format("{}-{}", base, k);
      if (!names_.insert(h.name).second) fail(g, g.name().empty() ? "cpu" : "name", t, -1, fmt::format("duplicate host name '{}'", h.name));
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

  void load_cluster(int i) {
    const auto& c = msg_.cluster(i);
    const Tree* t = file_.nested(msg_, "cluster", i);
    if (c.name().empty()) fail(msg_, "cluster", nullptr, i, "every cluster needs a name");
    for (const auto& other : spec_.clusters)
      if (other.name == c.name()) fail(c, "name", t, -1, fmt::format("duplicate cluster '{}'", c.name()));
    ClusterSpec cs{c.name(), baseline(c.baseline(), c, "baseline", t)};
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

  int cluster_index(const std::string& name, const google::protobuf::Message& m, std::string_view field,
                    const Tree* t) const {
    for (size_t i = 0; i < spec_.clusters.size(); ++i)
      if (spec_.clusters[i].name == name) return static_cast<int>(i);
    fail(m, field, t, -1, fmt::format("unknown cluster '{}'", name));
  }

  int host_index(const std::string& name, const google::protobuf::Message& m, std::string_view field,
                 const Tree* t) const {
    for (size_t i = 0; i < spec_.hosts.size(); ++i)
      if (spec_.hosts[i].name == name) return static_cast<int>(i);
    fail(m, field, t, -1, fmt::format("unknown host '{}'", name));
  }

  std::vector<int> vm_indices(const std::string& name, const google::protobuf::Message& m, const Tree* t) const {
    std::vector<int> out;
    for (size_t i = 0; i < spec_.vms.size(); ++i)
      if (spec_.vms[i].name == name) return {static_cast<int>(i)};
    for (size_t i = 0; i < spec_.vms.size(); ++i)
      if (spec_.vms[i].group == name) out.push_back(static_cast<int>(i));
    if (out.empty()) fail(m, "vm", t, -1, fmt::format("unknown VM or VM group '{}'", name));
    return out;
  }

  void load_vm_group(int i) {
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
        case sc::PROBE: sw.detection = Detection::probe; break;
        case sc::FIXED: sw.detection = Detection::fixed; break;
        default: sw.detection = Detection::cpuid; break;
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
    positive(g, "dirty_mib_per_s", t, g.dirty_mib_per_s(), true);
    double power_on_at =
        time_of(g, t, "power_on_at_s", g.power_on_at_s(), "power_on_date", g.power_on_date(), "", "").value_or(0);
    const char* power_on_field = g.power_on_date().empty() ? "power_on_at_s" : "power_on_date";
    positive(g, power_on_field, t, power_on_at, true);
    not_zero(g, "ram_mib", t, g.ram_mib());
    not_zero(g, "vcpus", t, g.vcpus());
    if (g.arrivals_per_day() == 0) not_zero(g, "count", t, g.count());  // a group that arrives may start empty
    if (power_on_at > spec_.horizon_s)
      fail(g, power_on_field, t, -1, fmt::format("{} is after the end of the run ({})", when(power_on_at), when(spec_.horizon_s)));
    uint32_t count = g.count() == 0 ? 1 : g.count();
    positive(g, "arrivals_per_day", t, g.arrivals_per_day(), true);
    positive(g, "lifetime_days", t, g.lifetime_days(), true);
    positive(g, "cpu_demand", t, g.cpu_demand(), true);
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
      slots = g.max_count() ? g.max_count()
                            : count + static_cast<uint32_t>(std::min(1e6, expected * 1.2 + 10));
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
      v.dirty_mib_per_s = g.dirty_mib_per_s() > 0 ? g.dirty_mib_per_s() : 50;
      v.working_set_mib = g.working_set_mib() ? g.working_set_mib() : std::max<int64_t>(1, v.ram_mib / 4);
      if (v.working_set_mib > v.ram_mib)
        fail(g, "working_set_mib", t, -1, fmt::format("working set {} MiB exceeds RAM {} MiB", v.working_set_mib, v.ram_mib));
      v.cluster = cluster;
      v.host = host;
      v.software = software;
      v.masks = own;
      v.baseline = base;
      v.power_cycle_on_reboot = g.power_cycle_on_reboot();
      v.ha_priority = ha_priority;
      v.power_on_at_s = power_on_at;
      v.start_powered_off = g.start_powered_off() || k > count;
      v.arrival_slot = k > count;
      v.lifetime_days = k > count ? g.lifetime_days() : 0;
      v.cpu_demand = g.cpu_demand() > 0 ? g.cpu_demand() : 0.3 * v.vcpus;
      spec_.vms.push_back(std::move(v));
    }
    if (slots > count) spec_.arrivals.push_back({g.name(), g.arrivals_per_day(), first_slot, static_cast<int>(spec_.vms.size())});
  }

  void load_operation(int i) {
    const auto& o = msg_.at(i);
    const Tree* t = file_.nested(msg_, "at", i);
    OperationSpec op;
    op.line = file_.line(msg_, "at", i);
    auto at = time_of(o, t, "at_s", o.at_s(), "at_date", o.at_date(), "after", o.after());
    const char* at_field = !o.at_date().empty() ? "at_date" : !o.after().empty() ? "after" : "at_s";
    if (at && *at < 0)
      fail(o, at_field, t, -1, fmt::format("{} is before the run starts ({})", when(*at), when(0)));
    op.at_s = at.value_or(0);
    auto vm_host = [&](const sc::VmHost& vh, const char* field, bool host_required) {
      const Tree* vt = file_.nested(o, field, -1, t);
      op.vms = vm_indices(vh.vm(), vh, vt);
      if (!vh.host().empty()) op.host = host_index(vh.host(), vh, "host", vt);
      else if (host_required) fail(vh, "host", vt, -1, fmt::format("{} needs a destination host", field));
      op.text = fmt::format("{} {}{}", field, vh.vm(), vh.host().empty() ? "" : " to " + vh.host());
    };
    switch (o.op_case()) {
      case sc::Operation::kMigrate: op.kind = OpKind::migrate; vm_host(o.migrate(), "migrate", true); break;
      case sc::Operation::kColdMigrate: op.kind = OpKind::cold_migrate; vm_host(o.cold_migrate(), "cold_migrate", true); break;
      case sc::Operation::kPowerOn: op.kind = OpKind::power_on; vm_host(o.power_on(), "power_on", false); break;
      case sc::Operation::kPowerOff: op.kind = OpKind::power_off; vm_host(o.power_off(), "power_off", false); break;
      case sc::Operation::kReboot: op.kind = OpKind::reboot; vm_host(o.reboot(), "reboot", false); break;
      case sc::Operation::kPowerCycle: op.kind = OpKind::power_cycle; vm_host(o.power_cycle(), "power_cycle", false); break;
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
      default: fail(msg_, "at", nullptr, i, "an operation needs one of migrate, cold_migrate, power_on, ...");
    }
    if (op.at_s > spec_.horizon_s) {
      warn(o, at_field, t,
           fmt::format("{} is after the end of the run ({}): '{}' will not happen", when(op.at_s), when(spec_.horizon_s),
                       op.text));
      return;
    }
    spec_.operations.push_back(std::move(op));
  }

  // A VM that fits no host of its cluster can never run: an error, not a run
  // full of refused power-ons.
  void check_sizes() {
    for (int i = 0, vm = 0; i < msg_.vm_size(); ++i) {
      const auto& g = msg_.vm(i);
      while (vm < static_cast<int>(spec_.vms.size()) && spec_.vms[vm].group != g.name()) ++vm;
      if (vm >= static_cast<int>(spec_.vms.size())) break;
      const VmSpec& v = spec_.vms[vm];
      int64_t largest = 0;
      for (const auto& h : spec_.hosts)
        if (h.cluster == v.cluster) largest = std::max(largest, h.ram_mib);
      if (largest > 0 && v.ram_mib > largest)
        fail(g, "ram_mib", file_.nested(msg_, "vm", i), -1,
             fmt::format("{} MiB is more than any host of cluster {} has ({} MiB)", v.ram_mib,
                         spec_.clusters[v.cluster].name, largest));
    }
  }

  void warn(const google::protobuf::Message& m, std::string_view field, const Tree* t, std::string message) {
    spec_.warnings.push_back(fmt::format("{}:{}: {}: warning: {}", file_.file(), file_.line(m, field, -1, t), field, message));
  }

  // Parameters that have no effect under the chosen settings.
  void warn_ineffective() {
    const auto& p = msg_.policy();
    const Tree* pt = file_.nested(msg_, "policy", -1);
    const std::string& name = spec_.policy.name;
    if (p.default_mask_size() > 0 && name != "per-vm-mask")
      warn(p, "default_mask", pt, fmt::format("default masks only matter under per-vm-mask, not {}", name));
    if (!p.model().empty() && name != "named-model")
      warn(p, "model", pt, fmt::format("a model only matters under named-model, not {}", name));
    for (int i = 0; i < msg_.vm_size(); ++i) {
      const auto& g = msg_.vm(i);
      const Tree* t = file_.nested(msg_, "vm", i);
      if (g.mask_size() > 0 && name != "per-vm-mask")
        warn(g, "mask", t, fmt::format("VM masks only matter under per-vm-mask, not {}", name));
      if (!g.baseline().empty() && name != "per-vm-baseline")
        warn(g, "baseline", t, fmt::format("a VM baseline only matters under per-vm-baseline, not {}", name));
    }
    const auto& d = msg_.drs();
    if (!d.balance() && (d.threshold() || d.max_moves_per_pass() || d.interval_s() > 0))
      warn(d, d.threshold() ? "threshold" : d.max_moves_per_pass() ? "max_moves_per_pass" : "interval_s",
           file_.nested(msg_, "drs", -1), "balancing settings have no effect without `balance: true`");
    if (spec_.refresh.enabled && spec_.refresh.baseline_policy != "fixed")
      for (size_t c = 0; c < spec_.clusters.size(); ++c)
        if (!spec_.clusters[c].baseline && spec_.refresh.baseline_policy == "auto-raise")
          spec_.warnings.push_back(fmt::format("{}:{}: baseline: warning: auto-raise only raises a baseline a cluster "
                                               "has; cluster {} has none",
                                               file_.file(), file_.line(msg_, "cluster", static_cast<int>(c)),
                                               spec_.clusters[c].name));
  }

  void load_report_settings() {
    const auto& r = msg_.report();
    const Tree* t = file_.nested(msg_, "report", -1);
    auto interval =
        time_of(r, t, "sample_interval_s", r.sample_interval_s(), "", "", "sample_interval", r.sample_interval());
    if (interval) positive(r, r.sample_interval().empty() ? "sample_interval_s" : "sample_interval", t, *interval, false);
    spec_.sample_interval_s = interval ? *interval : std::max(1.0, spec_.horizon_s / 100);
    auto graph_at = [&](double at, const char* field, int i) {
      if (at < 0 || at > spec_.horizon_s)
        fail(r, field, t, i, fmt::format("{} is outside the run ({} to {})", when(at), when(0), when(spec_.horizon_s)));
      spec_.graph_at_s.push_back(at);
    };
    for (int i = 0; i < r.graph_at_s_size(); ++i) graph_at(r.graph_at_s(i), "graph_at_s", i);
    for (int i = 0; i < r.graph_at_date_size(); ++i) {
      if (!spec_.calendar)
        fail(r, "graph_at_date", t, i, "a date needs the scenario's start_date (\"YYYY-MM\", the day the run starts)");
      try {
        graph_at(seconds_at(spec_.start_date, r.graph_at_date(i)), "graph_at_date", i);
      } catch (const InputError& e) {
        fail(r, "graph_at_date", t, i, e.message());
      }
    }
    if (spec_.graph_at_s.empty()) spec_.graph_at_s = {0, spec_.horizon_s};
    std::sort(spec_.graph_at_s.begin(), spec_.graph_at_s.end());
  }

  void load_expectation(int i) {
    const auto& e = msg_.expect(i);
    const Tree* t = file_.nested(msg_, "expect", i);
    static const std::set<std::string> ops = {"==", "!=", "<=", ">=", "<", ">"};
    if (e.metric().empty()) fail(msg_, "expect", nullptr, i, "an expectation needs a metric");
    if (!ops.count(e.op())) fail(e, "op", t, -1, fmt::format("'{}' is not one of == != <= >= < >", e.op()));
    if (!is_known_metric(e.metric()))
      fail(e, "metric", t, -1, unknown_metric_text(e.metric()));
    if (!e.text().empty() && e.op() != "==" && e.op() != "!=")
      fail(e, "op", t, -1, "a text expectation compares with == or != only");
    if (!e.text().empty() && e.metric().rfind("baseline_at_year.", 0) != 0)
      fail(e, "text", t, -1, "only baseline_at_year.N has a named result");
    spec_.expectations.push_back({e.metric(), e.op(), e.value(), e.text(), file_.line(msg_, "expect", i)});
  }

  sc::Scenario msg_;
  TextprotoFile file_;
  const Catalog& catalog_;
  std::string dir_;
  ScenarioSpec spec_;
  std::map<std::string, std::shared_ptr<const CpuModel>> cpus_;
  std::set<std::string> names_, vm_names_;
  uint32_t max_hosts_per_cluster_ = 0;
};

}  // namespace

ScenarioSpec parse_scenario(const std::string& text, const std::string& file, const Catalog& catalog) {
  return Loader(text, file, catalog).load();
}

ScenarioSpec load_scenario(const std::string& path, const Catalog& catalog) {
  return parse_scenario(read_file(path), path, catalog);
}

}  // namespace evcsim
