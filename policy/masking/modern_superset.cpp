// modern-superset: no masking; the modern vMotion check: the destination must
// provide every feature of the VM's guest view (extra features are fine).
#include "policy/masking/masking_policy.hpp"

namespace evcsim {
namespace {

class ModernSupersetPolicy final : public MaskingPolicy {
 public:
  std::string_view description() const override {
    return "no masking; the destination must provide every feature of the VM's guest view";
  }
  BootView power_on(const VmView&, const HostView& host) const override { return host_features(host); }
  Verdict check_migration(const VmView& vm, const HostView&, const HostView& dst) const override {
    return require_guest_view(dst.cpu->migratable(), vm.guest_view, "destination lacks features of the guest view");
  }
};

}  // namespace

std::unique_ptr<MaskingPolicy> make_modern_superset_policy(const PolicySpec&) {
  return std::make_unique<ModernSupersetPolicy>();
}

}  // namespace evcsim
