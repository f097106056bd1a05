#include "catalog/baseline.hpp"

#include <fmt/format.h>

#include "cpu/feature_registry.hpp"
#include "cpu/firmware_switch.hpp"

namespace evcsim {

bool Baseline::includes(const Baseline& other) const {
  if (!vendor.empty() && !other.vendor.empty() && vendor != other.vendor) return false;
  return features.contains(other.features);
}

std::string_view join_how_name(JoinHow h) {
  switch (h) {
    case JoinHow::native:
      return "natively";
    case JoinHow::masking:
      return "by masking";
    case JoinHow::refused:
      return "refused";
  }
  return "refused";
}

Admission check_admission(const CpuModel& host, const Baseline& baseline) {
  Admission a;
  const std::string vendor = host.vendor();
  if (!baseline.vendor.empty() && vendor != baseline.vendor) {
    a.reason = fmt::format("vendor mismatch: {} is {}, baseline {} needs {}", host.name,
                           vendor.empty() ? "of unknown vendor" : vendor, baseline.name, baseline.vendor);
    return a;
  }
  FeatureSet have = host.migratable();
  a.missing = lacking(have, baseline.features);
  a.hidden = have - baseline.features;
  if (!a.missing.empty()) {
    a.reason = fmt::format("{} lacks {} of baseline {}: {}", host.name, a.missing.count(), baseline.name,
                           join_names(a.missing));
    // When all it lacks is what its firmware, microcode or OS turned off
    // on a part that has it (TSX, AES-NI), that is the reason, and turning
    // it on is the remedy.
    if (host.turned_off.contains(a.missing)) {
      std::vector<std::string_view> labels;
      for (const FirmwareSwitch* s : switches_meeting(a.missing)) labels.push_back(s->label);
      a.reason += fmt::format(
          " -- {} turned off on a part that has it (firmware, microcode or the host OS); "
          "turned on, the host joins",
          labels.empty() ? join_names(a.missing) : fmt::format("{}", fmt::join(labels, " and ")));
    }
    return a;
  }
  if (a.hidden.empty()) {
    a.ok = true;
    a.how = JoinHow::native;
    a.reason = fmt::format("{} reports exactly the features of {}", host.name, baseline.name);
    return a;
  }
  if (!host.can_mask()) {
    a.reason = fmt::format(
        "{} has {} feature(s) beyond {} ({}) and no CPUID masking (needs Intel FlexMigration or AMD-V "
        "Extended Migration)",
        host.name, a.hidden.count(), baseline.name, join_names(a.hidden));
    return a;
  }
  a.ok = true;
  a.how = JoinHow::masking;
  a.reason = fmt::format("{} hides {} with {}", host.name, join_names(a.hidden), masking_name(host.masking));
  return a;
}

FeatureSet lowest_common_denominator(const std::vector<const CpuModel*>& hosts) {
  if (hosts.empty()) return {};
  FeatureSet lcd = hosts.front()->migratable();
  for (const CpuModel* h : hosts) lcd &= h->migratable();
  return lcd;
}

std::optional<Baseline> best_baseline(const std::vector<const CpuModel*>& hosts, const std::vector<Baseline>& baselines,
                                      BaselineKind kind) {
  if (hosts.empty()) return std::nullopt;
  std::vector<const Baseline*> joinable;
  for (const Baseline& b : baselines) {
    if (b.kind != kind) continue;
    bool all = true;
    for (const CpuModel* h : hosts) all = all && check_admission(*h, b).ok;
    if (all) joinable.push_back(&b);
  }
  const Baseline* best = nullptr;
  for (const Baseline* b : joinable) {
    bool dominated = false;
    for (const Baseline* o : joinable)
      if (o != b && o->features.contains(b->features) && o->features != b->features) dominated = true;
    if (dominated) continue;
    if (!best || b->features.count() > best->features.count()) best = b;
  }
  if (!best) return std::nullopt;
  return *best;
}

}  // namespace evcsim
