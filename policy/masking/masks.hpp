// Register masks as a VM's configuration holds them, and the masking maths
// every masking policy shares: what a host shows through a VM's masks, and a
// VM's own masks laid over the policy's defaults. The masking policy's
// settings (PolicySpec) as a scenario states them.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "catalog/baseline.hpp"
#include "cpu/cpu_model.hpp"
#include "cpu/register_mask.hpp"

namespace evcsim {

using VmMasks = std::map<RegisterRef, RegisterMask>;

struct PolicySpec {
  std::string name = "modern-superset";
  bool allow_cross_vendor = false;
  VmMasks default_masks;
  std::optional<Baseline> model;
};

// The features of `host` a VM sees through `masks` (registers not in the map
// pass through). Only migratable features are kept.
FeatureSet masked_features(const CpuModel& host, const VmMasks& masks);
// `custom` overlaid on `defaults`, register by register.
VmMasks overlay_masks(const VmMasks& custom, const VmMasks& defaults);

}  // namespace evcsim
