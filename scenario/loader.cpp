// The order of loading, errors and warnings, and the readers the concerns share.
#include "scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
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

ScenarioSpec Loader::load() {
  spec_.file = file_.file();
  spec_.name = msg_.name().empty() ? std::filesystem::path(spec_.file).stem().string() : msg_.name();
  spec_.description = msg_.description();
  spec_.notes.assign(msg_.notes().begin(), msg_.notes().end());
  spec_.seed = msg_.seed() == 0 ? 1 : msg_.seed();
  load_start_date();
  auto horizon =
      time_of(msg_, nullptr, "horizon_s", msg_.horizon_s(), "end_date", msg_.end_date(), "horizon", msg_.horizon());
  if (!horizon) fail(msg_, "horizon_s", nullptr, -1, "say how long the run is: horizon: \"5y\", end_date or horizon_s");
  if (!(*horizon > 0))
    fail(msg_,
         msg_.horizon_s() != 0      ? "horizon_s"
         : !msg_.end_date().empty() ? "end_date"
                                    : "horizon",
         nullptr, -1,
         !msg_.end_date().empty()
             ? fmt::format("end_date {} is not after start_date {}", msg_.end_date(), spec_.start_date.str())
         : msg_.horizon().empty() ? "horizon_s must be a positive number of seconds"
                                  : "horizon must be positive");
  // Work a scenario may ask for: runs beyond two centuries are typos
  // ("99999999999y"), and the run's dates and counts would overflow.
  constexpr double kMaxHorizonYears = 200;
  if (*horizon > kMaxHorizonYears * 365.25 * 86400)
    fail(msg_,
         msg_.horizon_s() != 0      ? "horizon_s"
         : !msg_.end_date().empty() ? "end_date"
                                    : "horizon",
         nullptr, -1,
         fmt::format("the run would last {:.3g} years; at most {} years", *horizon / (365.25 * 86400),
                     kMaxHorizonYears));
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
  load_hypervisor();
  apply_vmotion_era();
  load_report_settings();
  check_sizes();
  warn_ineffective();
  return std::move(spec_);
}

void Loader::fail(const google::protobuf::Message& m, std::string_view field, const Tree* t, int index,
                  std::string message) const {
  file_.fail(file_.line(m, field, index, t), std::string(field), std::move(message));
}

std::optional<Baseline> Loader::baseline(const std::string& name, const google::protobuf::Message& m,
                                         std::string_view field, const Tree* t) const {
  if (name.empty()) return std::nullopt;
  if (const Baseline* b = catalog_.find_baseline(name)) return *b;
  try {
    catalog_.baseline(name);
  } catch (const InputError& e) {
    fail(m, field, t, -1, e.message());
  }
  return std::nullopt;
}

VmMasks Loader::masks(const google::protobuf::RepeatedPtrField<sc::RegisterMask>& list,
                      const google::protobuf::Message& parent, std::string_view field, const Tree* t,
                      bool allow_dash) const {
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

void Loader::at_most(const google::protobuf::Message& m, std::string_view field, const Tree* t, double count,
                     double limit, std::string_view what) {
  if (count <= limit) return;
  // A count beyond a trillion says only its size: "3.16e+19", not 20 digits.
  const std::string shown = count < 1e12 ? grouped(count, 0) : fmt::format("{:.3g}", count);
  fail(m, field, t, -1,
       fmt::format("the run would need {} {}; at most {} (a longer interval or a shorter run)", shown, what,
                   grouped(limit, 0)));
}

void Loader::positive(const google::protobuf::Message& m, std::string_view field, const Tree* t, double v,
                      bool allow_zero) {
  if (v < 0 || (!allow_zero && v == 0) || !std::isfinite(v))
    fail(m, field, t, -1, fmt::format("{} must be {}, not {}", field, allow_zero ? "zero or more" : "positive", v));
}

void Loader::not_zero(const google::protobuf::Message& m, std::string_view field, const Tree* t, double v) {
  if (v == 0 && file_.line(m, field, -1, t) > 0)
    fail(m, field, t, -1, fmt::format("{} must be positive, not 0 (leave it out for the default)", field));
}

void Loader::warn(const google::protobuf::Message& m, std::string_view field, const Tree* t, std::string message) {
  spec_.warnings.push_back(
      fmt::format("{}:{}: {}: warning: {}", file_.file(), file_.line(m, field, -1, t), field, message));
}

int Loader::cluster_index(const std::string& name, const google::protobuf::Message& m, std::string_view field,
                          const Tree* t) const {
  for (size_t i = 0; i < spec_.clusters.size(); ++i)
    if (spec_.clusters[i].name == name) return static_cast<int>(i);
  fail(m, field, t, -1, fmt::format("unknown cluster '{}'", name));
}

int Loader::host_index(const std::string& name, const google::protobuf::Message& m, std::string_view field,
                       const Tree* t) const {
  for (size_t i = 0; i < spec_.hosts.size(); ++i)
    if (spec_.hosts[i].name == name) return static_cast<int>(i);
  fail(m, field, t, -1, fmt::format("unknown host '{}'", name));
}

std::vector<int> Loader::vm_indices(const std::string& name, const google::protobuf::Message& m, const Tree* t) const {
  std::vector<int> out;
  for (size_t i = 0; i < spec_.vms.size(); ++i)
    if (spec_.vms[i].name == name) return {static_cast<int>(i)};
  for (size_t i = 0; i < spec_.vms.size(); ++i)
    if (spec_.vms[i].group == name) out.push_back(static_cast<int>(i));
  if (out.empty()) fail(m, "vm", t, -1, fmt::format("unknown VM or VM group '{}'", name));
  return out;
}

}  // namespace evcsim::loading

namespace evcsim {

ScenarioSpec parse_scenario(const std::string& text, const std::string& file, const Catalog& catalog) {
  return loading::Loader(text, file, catalog).load();
}

ScenarioSpec load_scenario(const std::string& path, const Catalog& catalog) {
  return parse_scenario(read_file(path), path, catalog);
}

}  // namespace evcsim
