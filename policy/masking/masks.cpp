#include "policy/masking/masks.hpp"

#include "cpu/feature_registry.hpp"

namespace evcsim {

FeatureSet masked_features(const CpuModel& host, const VmMasks& masks) {
  if (masks.empty()) return host.migratable();
  CpuidDump view = host.cpuid;
  for (const auto& [reg, mask] : masks) view.set_register(reg, mask.apply(view.get(reg)));
  return decode(view) & (migratable_features() | host.compared);
}

VmMasks overlay_masks(const VmMasks& custom, const VmMasks& defaults) {
  VmMasks out = defaults;
  for (const auto& [reg, mask] : custom) {
    auto it = out.find(reg);
    out[reg] = it == out.end() ? mask : mask.overlay_on(it->second);
  }
  return out;
}

}  // namespace evcsim
