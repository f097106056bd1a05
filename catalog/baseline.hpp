// Baselines (EVC modes and x86-64 psABI levels), host admission, best
// baseline and lowest common denominator.
//
// A baseline holds migratable features only. Admission: the host must be of
// the baseline's vendor (levels accept any), report every baseline feature,
// and either report exactly the baseline (nothing to hide) or be able to mask.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cpu/cpu_model.hpp"
#include "cpu/feature_set.hpp"

namespace evcsim {

enum class BaselineKind { evc, level, model };  // model: a QEMU / libvirt named CPU model

struct Baseline {
  std::string name;
  BaselineKind kind = BaselineKind::evc;
  std::string vendor;  // "" for vendor-neutral levels
  std::string label;
  FeatureSet features;
  std::string extends;                  // the baseline below, when it was built from one
  std::vector<std::string> check_cpus;  // the generation's catalog CPUs, each with every feature
  std::string vcenter, vcenter_source;  // EVC modes: the vCenter release that introduced it, and the source

  // True when every feature of `other` is in this baseline (and vendors agree).
  bool includes(const Baseline& other) const;
};

enum class JoinHow { native, masking, refused };
std::string_view join_how_name(JoinHow h);  // "natively", "by masking", "refused"

struct Admission {
  bool ok = false;
  JoinHow how = JoinHow::refused;
  FeatureSet missing;  // baseline features the host lacks
  FeatureSet hidden;   // host features the baseline hides (masking needed)
  std::string reason;
};

Admission check_admission(const CpuModel& host, const Baseline& baseline);

// The intersection of the hosts' migratable features.
FeatureSet lowest_common_denominator(const std::vector<const CpuModel*>& hosts);

// The highest baseline of `kind` every host can join: a maximal element of
// the joinable ones under inclusion; among incomparable maxima, the one with
// the most features, then the first in catalog order. nullopt if none.
std::optional<Baseline> best_baseline(const std::vector<const CpuModel*>& hosts, const std::vector<Baseline>& baselines,
                                      BaselineKind kind);

}  // namespace evcsim
