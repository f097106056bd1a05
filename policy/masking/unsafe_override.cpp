// unsafe-override: the checks are skipped (an administrator's override). The
// guest sees its host's features; every live migration is admitted, and
// software whose features the destination lacks crashes there.
#include "policy/masking/masking_policy.hpp"

namespace evcsim {
namespace {

class UnsafeOverridePolicy final : public MaskingPolicy {
 public:
  std::string_view description() const override {
    return "checks skipped: every live migration is admitted, whatever the guest uses";
  }
  BootView power_on(const VmView&, const HostView& host) const override { return host_features(host); }
  Verdict check_migration(const VmView&, const HostView&, const HostView&) const override {
    return admit("checks skipped (unsafe override)", CheckBasis::skipped);
  }
};

}  // namespace

std::unique_ptr<MaskingPolicy> make_unsafe_override_policy(const PolicySpec&) {
  return std::make_unique<UnsafeOverridePolicy>();
}

}  // namespace evcsim
