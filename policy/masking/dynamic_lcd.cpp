// dynamic-lcd: Hyper-V dynamic processor compatibility. At power-on a VM sees
// the lowest common denominator of the hosts in its cluster at that moment;
// hosts added later do not change running VMs. The destination must provide
// the guest view.
#include "policy/masking/masking_policy.hpp"

namespace evcsim {
namespace {

class DynamicLcdPolicy final : public MaskingPolicy {
 public:
  std::string_view description() const override {
    return "Hyper-V dynamic compatibility: the guest sees the LCD of its cluster's hosts at power-on";
  }
  BootView power_on(const VmView&, const HostView& host) const override {
    return {true, host.cpu->migratable() & host.cluster_lcd, {}, "the cluster's lowest common denominator"};
  }
  std::string_view default_convergence() const override { return "stop-and-copy"; }
  Verdict check_migration(const VmView& vm, const HostView&, const HostView& dst) const override {
    return require_guest_view(dst.cpu->migratable(), vm.guest_view, "destination lacks features of the guest view");
  }
};

}  // namespace

std::unique_ptr<MaskingPolicy> make_dynamic_lcd_policy(const PolicySpec&) {
  return std::make_unique<DynamicLcdPolicy>();
}

}  // namespace evcsim
