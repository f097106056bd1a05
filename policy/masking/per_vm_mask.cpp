// per-vm-mask: VMware per-VM custom masks over the guest OS default masks.
// The guest view applies the VM's configured masks at power-on. The check,
// like vCenter's, is computed from the VM's *configured* masks: for each
// masked register the mask letters must pass (R/H equal, T/F required), and
// the destination must provide what the configured masks show. A mask edited
// after power-on therefore changes the check before it changes the guest:
// software that captured a now-hidden feature can crash after an admitted
// move. O(registers masked) per check.
#include <fmt/format.h>

#include "cpu/feature_registry.hpp"
#include "policy/masking/masking_policy.hpp"

namespace evcsim {
namespace {

FeatureSet features_at_bits(const RegisterRef& reg, const std::vector<RegisterMask::Violation>& v) {
  FeatureSet s;
  for (const auto& x : v)
    for (size_t i = 0; i < all_features().size(); ++i)
      if (all_features()[i].where() == reg && all_features()[i].bit == x.bit) s.set(static_cast<FeatureId>(i));
  return s;
}

class PerVmMaskPolicy final : public MaskingPolicy {
 public:
  std::string_view description() const override {
    return "VMware per-VM custom masks over the default masks; the check uses the configured masks";
  }
  BootView power_on(const VmView& vm, const HostView& host) const override {
    return {true, masked_features(*host.cpu, *vm.masks), {}, "host features through the VM's masks"};
  }
  Verdict check_migration(const VmView& vm, const HostView& src, const HostView& dst) const override {
    for (const auto& [reg, mask] : *vm.masks) {
      auto v = mask.check(src.cpu->cpuid.get(reg), dst.cpu->cpuid.get(reg));
      if (!v.empty()) {
        FeatureSet f = features_at_bits(reg, v);
        return Verdict{false, VerdictCode::mask_check, f,
                       fmt::format(
                           "{} fails the mask {} at bit(s) {}{}", short_register(reg), mask.str(),
                           [&] {
                             std::string b;
                             for (const auto& x : v) {
                               if (!b.empty()) b += ',';
                               b += std::to_string(x.bit);
                             }
                             return b;
                           }(),
                           f.empty() ? "" : " (" + join_names(f) + ")")};
      }
    }
    FeatureSet configured = masked_features(*src.cpu, *vm.masks);
    FeatureSet missing = lacking(dst.cpu->migratable(), configured);
    if (missing.empty()) {
      Verdict v =
          admit("the configured masks pass and the destination provides the masked view", CheckBasis::configured_masks);
      v.checked = configured;
      return v;
    }
    return refuse_missing(VerdictCode::missing_features, missing, "destination lacks features the masks show");
  }
};

}  // namespace

std::unique_ptr<MaskingPolicy> make_per_vm_mask_policy(const PolicySpec&) {
  return std::make_unique<PerVmMaskPolicy>();
}

}  // namespace evcsim
