// legacy-exact: ESX 3.x before EVC. No masking: the guest sees the host's
// features; a live migration needs the checked (migratable) features of
// source and destination to be equal, in both directions. O(1) per check.
#include <fmt/format.h>

#include "cpu/feature_registry.hpp"
#include "policy/masking/masking_policy.hpp"

namespace evcsim {
namespace {

class LegacyExactPolicy final : public MaskingPolicy {
 public:
  std::string_view description() const override {
    return "no masking; ESX 3.x check: source and destination must report equal checked CPUID bits";
  }
  BootView power_on(const VmView&, const HostView& host) const override { return host_features(host); }
  Verdict check_migration(const VmView&, const HostView& src, const HostView& dst) const override {
    FeatureSet s = src.cpu->migratable(), d = dst.cpu->migratable();
    if (s == d) return admit("source and destination report the same checked features", CheckBasis::host_cpus);
    FeatureSet lacks = s - d, extra = d - s;
    return Verdict{false, VerdictCode::exact_mismatch, lacks | extra,
                   fmt::format("ESX 3.x exact match: destination lacks {{{}}} and has extra {{{}}}", join_names(lacks),
                               join_names(extra))};
  }
};

}  // namespace

std::unique_ptr<MaskingPolicy> make_legacy_exact_policy(const PolicySpec&) {
  return std::make_unique<LegacyExactPolicy>();
}

}  // namespace evcsim
