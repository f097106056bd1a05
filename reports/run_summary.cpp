#include "reports/run_summary.hpp"

#include <cmath>

#include <fmt/format.h>

#include "models/feature_registry.hpp"

namespace evcsim {

void RunSummary::on_event(const Event& ev) {
  auto name = [&](int vm) { return spec_.vms[vm].name; };
  auto host = [&](int h) { return h >= 0 ? spec_.hosts[h].name : std::string("-"); };
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, MigrationStarted>) {
          counts_["migrations_started"]++;
        } else if constexpr (std::is_same_v<T, MigrationCompleted>) {
          counts_["migrations"]++;
          migration_s_ += e.duration_s;
          migration_max_s_ = std::max(migration_max_s_, e.duration_s);
          downtime_s_ += e.downtime_s;
          downtime_max_s_ = std::max(downtime_max_s_, e.downtime_s);
        } else if constexpr (std::is_same_v<T, MigrationBlocked>) {
          counts_["blocked_migrations"]++;
          counts_["blocked_migrations." + e.code]++;
          example(blocked_, fmt::format("t={:9.1f} s  {} {} -> {} blocked [{}]: {}", e.t, name(e.vm), host(e.src),
                                        host(e.dst), e.code, e.reason));
        } else if constexpr (std::is_same_v<T, Crash>) {
          counts_["crashes"]++;
          counts_["crashes." + e.cause]++;
          counts_[e.kernel ? "vm_crashes" : "app_crashes"]++;
          const std::string& sw = (*spec_.vms[e.vm].software)[e.sw].name;
          example(crashes_, fmt::format("t={:9.1f} s  {}{} crashed on {}{}: missing {} [{}]", e.t, name(e.vm),
                                        e.kernel ? " (guest kernel " + sw + ")" : "/" + sw, host(e.host),
                                        e.src >= 0 ? " after moving from " + host(e.src) : "", join_names(e.missing),
                                        e.cause));
        } else if constexpr (std::is_same_v<T, ColdMigration>) {
          counts_["cold_migrations"]++;
          outage_s_ += e.outage_s;
        } else if constexpr (std::is_same_v<T, PowerOnRefused>) {
          counts_["power_on_refused"]++;
          example(refused_, fmt::format("t={:9.1f} s  power-on of {} refused: {}", e.t, name(e.vm), e.reason));
        } else if constexpr (std::is_same_v<T, OperationRefused>) {
          counts_["refused_operations"]++;
          example(refused_, fmt::format("t={:9.1f} s  '{}' refused: {}", e.t, spec_.operations[e.op].text, e.reason));
        } else if constexpr (std::is_same_v<T, SoftwareRefused>) {
          counts_["software_refused"]++;
          example(refused_, fmt::format("t={:9.1f} s  {}/{} refused to start: the guest view lacks {}", e.t, name(e.vm),
                                        (*spec_.vms[e.vm].software)[e.sw].name, join_names(e.missing)));
        } else if constexpr (std::is_same_v<T, SoftwareGaveUp>) {
          counts_["software_gave_up"]++;
        } else if constexpr (std::is_same_v<T, HostJoinRefused>) {
          counts_["host_join_refused"]++;
          example(refused_, fmt::format("t={:9.1f} s  host {} refused by cluster {}: {}", e.t, host(e.host),
                                        spec_.clusters[e.cluster].name, e.reason));
        } else if constexpr (std::is_same_v<T, VmPoweredOff>) {
          if (e.reason.rfind("HA powered", 0) == 0) counts_["vms_powered_off_by_ha"]++;
        }
      },
      ev);
}

std::map<std::string, double> RunSummary::metrics() const {
  std::map<std::string, double> m = {{"migrations", 0},       {"migrations_started", 0}, {"blocked_migrations", 0},
                                     {"crashes", 0},          {"app_crashes", 0},        {"vm_crashes", 0},
                                     {"cold_migrations", 0},  {"power_on_refused", 0},   {"refused_operations", 0},
                                     {"software_refused", 0}, {"software_gave_up", 0},   {"host_join_refused", 0},
                                     {"vms_powered_off_by_ha", 0}};
  for (const auto& [k, v] : counts_) m[k] = v;
  m["outage_minutes"] = outage_s_ / 60.0;
  return m;
}

std::vector<ExpectationResult> RunSummary::evaluate() const {
  auto m = metrics();
  std::vector<ExpectationResult> out;
  for (const auto& e : spec_.expectations) {
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
    out.push_back({e, v, ok});
  }
  return out;
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
  int vms = static_cast<int>(spec_.vms.size()), hosts = static_cast<int>(spec_.hosts.size());
  std::string out = fmt::format("evcsim run: {} (seed {}, policy {})\n", spec_.name, spec_.seed, spec_.policy.name);
  out += fmt::format("  simulated       {:.1f} s ({:.2f} h): {} host(s) in {} cluster(s), {} VM(s)\n", end_s_,
                     end_s_ / 3600, hosts, spec_.clusters.size(), vms);
  long long done = count("migrations");
  out += fmt::format("  migrations      {} completed", done);
  if (done)
    out += fmt::format(" (mean {:.2f} s, max {:.2f} s; downtime mean {:.0f} ms, max {:.0f} ms)", migration_s_ / done,
                       migration_max_s_, 1000 * downtime_s_ / done, 1000 * downtime_max_s_);
  out += fmt::format("; {} network transfers\n", stats.communications);
  out += fmt::format("  blocked         {}{}\n", count("blocked_migrations"),
                     count("blocked_migrations") ? " (" + by_prefix("blocked_migrations.") + ")" : "");
  for (size_t i = 0; i < std::min(examples, blocked_.size()); ++i) out += "    " + blocked_[i] + "\n";
  out += fmt::format("  crashes         {} (applications {}, guests {}){}\n", count("crashes"), count("app_crashes"),
                     count("vm_crashes"), count("crashes") ? ": " + by_prefix("crashes.") : "");
  for (size_t i = 0; i < std::min(examples, crashes_.size()); ++i) out += "    " + crashes_[i] + "\n";
  out += fmt::format("  cold migrations {} (outage {:.1f} min)\n", count("cold_migrations"), outage_s_ / 60);
  out += fmt::format("  refused         power-on {}, operations {}, software starts {}, host joins {}\n",
                     count("power_on_refused"), count("refused_operations"), count("software_refused"),
                     count("host_join_refused"));
  for (size_t i = 0; i < std::min(examples, refused_.size()); ++i) out += "    " + refused_[i] + "\n";
  auto results = evaluate();
  if (!results.empty()) {
    size_t ok = 0;
    for (const auto& r : results) ok += r.ok;
    out += fmt::format("Expectations: {} of {} hold\n", ok, results.size());
    for (const auto& r : results)
      out += fmt::format("  {:<4} {} (measured {})\n", r.ok ? "ok" : "FAIL", r.expectation.text(), r.measured);
  }
  return out;
}

}  // namespace evcsim
