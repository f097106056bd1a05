// Validation: sizes, settings no chosen policy reads, expectations.
#include "scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "base/error.hpp"
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

void Loader::check_sizes() {
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

void Loader::warn_ineffective() {
  const auto& p = msg_.policy();
  const Tree* pt = file_.nested(msg_, "policy", -1);
  const std::string& name = spec_.policy.name;
  const MaskingPolicyEntry* chosen = find_named(masking_policy_table(), name);
  // A setting the chosen masking policy does not read: say which policies read it.
  auto unread = [&](std::string_view field, const char* what) -> std::optional<std::string> {
    if (chosen && chosen->reads_setting(field)) return std::nullopt;
    std::string readers;
    for (const auto& e : masking_policy_table())
      if (e.reads_setting(field)) readers += (readers.empty() ? "" : " or ") + std::string(e.name);
    return fmt::format("{} only matter{} under {}, not {}", what, std::string_view(what).starts_with("a ") ? "s" : "",
                       readers, name);
  };
  if (p.default_mask_size() > 0)
    if (auto w = unread("default_mask", "default masks")) warn(p, "default_mask", pt, *w);
  if (!p.model().empty())
    if (auto w = unread("model", "a model")) warn(p, "model", pt, *w);
  for (int i = 0; i < msg_.vm_size(); ++i) {
    const auto& g = msg_.vm(i);
    const Tree* t = file_.nested(msg_, "vm", i);
    if (g.mask_size() > 0)
      if (auto w = unread("mask", "VM masks")) warn(g, "mask", t, *w);
    if (!g.baseline().empty())
      if (auto w = unread("baseline", "a VM baseline")) warn(g, "baseline", t, *w);
  }
  const auto& d = msg_.drs();
  if (!d.balance() && (d.threshold() || d.max_moves_per_pass() || d.interval_s() > 0))
    warn(d,
         d.threshold()            ? "threshold"
         : d.max_moves_per_pass() ? "max_moves_per_pass"
                                  : "interval_s",
         file_.nested(msg_, "drs", -1), "balancing settings have no effect without `balance: true`");
  // A baseline policy that reads the cluster's `baseline` raises only one a cluster has.
  const BaselinePolicyEntry* raise = find_named(baseline_policy_table(), spec_.refresh.baseline_policy);
  if (spec_.refresh.enabled && raise && raise->reads_setting("baseline"))
    for (size_t c = 0; c < spec_.clusters.size(); ++c)
      if (!spec_.clusters[c].baseline)
        spec_.warnings.push_back(fmt::format(
            "{}:{}: baseline: warning: cluster {} has no baseline (no EVC): once retirements allow one, {} "
            "enables EVC on it at the best mode its hosts join, which hides the features its hosts have above "
            "that mode (the run names them); give the cluster a `baseline` to start from, or use "
            "`baseline_policy: \"fixed\"` to keep it without EVC",
            file_.file(), file_.line(msg_, "cluster", static_cast<int>(c)), spec_.clusters[c].name, raise->name));
}

void Loader::load_expectation(int i) {
  const auto& e = msg_.expect(i);
  const Tree* t = file_.nested(msg_, "expect", i);
  static const std::set<std::string> ops = {"==", "!=", "<=", ">=", "<", ">"};
  if (e.metric().empty()) fail(msg_, "expect", nullptr, i, "an expectation needs a metric");
  if (!ops.count(e.op())) fail(e, "op", t, -1, fmt::format("'{}' is not one of == != <= >= < >", e.op()));
  if (!is_known_metric(e.metric())) fail(e, "metric", t, -1, unknown_metric_text(e.metric()));
  if (!e.text().empty() && e.op() != "==" && e.op() != "!=")
    fail(e, "op", t, -1, "a text expectation compares with == or != only");
  if (!e.text().empty() && e.metric().rfind("baseline_at_year.", 0) != 0)
    fail(e, "text", t, -1, "only baseline_at_year.N has a named result");
  spec_.expectations.push_back({e.metric(), e.op(), e.value(), e.text(), file_.line(msg_, "expect", i)});
}

}  // namespace evcsim::loading
