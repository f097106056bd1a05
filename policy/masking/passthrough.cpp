// passthrough: libvirt/QEMU host-passthrough. The guest sees every bit the
// host reports (non-migratable ones too); live migration is admitted only
// between hosts that report identical features.
#include <fmt/format.h>

#include "cpu/feature_registry.hpp"
#include "policy/masking/masking_policy.hpp"

namespace evcsim {
namespace {

class PassthroughPolicy final : public MaskingPolicy {
 public:
  std::string_view description() const override {
    return "host passthrough: the guest sees the host CPU as is; moves only between identical CPUs";
  }
  BootView power_on(const VmView&, const HostView& host) const override {
    return {true, host.cpu->features, {}, "host passthrough"};
  }
  std::string_view default_convergence() const override { return "auto-converge"; }
  Verdict check_migration(const VmView& vm, const HostView& src, const HostView& dst) const override {
    if (src.cpu->features == dst.cpu->features) return admit("identical host CPUs", CheckBasis::host_cpus);
    FeatureSet missing = lacking(dst.cpu->features, vm.guest_view);
    return Verdict{false, VerdictCode::not_identical, missing,
                   fmt::format("host-passthrough needs identical CPUs: {} differs from {}{}", dst.cpu->name,
                               src.cpu->name, missing.empty() ? "" : " and lacks " + join_names(missing))};
  }
};

}  // namespace

std::unique_ptr<MaskingPolicy> make_passthrough_policy(const PolicySpec&) {
  return std::make_unique<PassthroughPolicy>();
}

}  // namespace evcsim
