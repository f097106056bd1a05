#include "policy/masking/masking_policy.hpp"

#include <array>

#include <fmt/format.h>

#include "base/error.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {

std::span<const PolicyEntry> policy_table() {
  static const std::array<PolicyEntry, 9> table = {{
      {"legacy-exact", make_legacy_exact_policy},
      {"modern-superset", make_modern_superset_policy},
      {"per-vm-mask", make_per_vm_mask_policy},
      {"cluster-baseline", make_cluster_baseline_policy},
      {"per-vm-baseline", make_per_vm_baseline_policy},
      {"dynamic-lcd", make_dynamic_lcd_policy},
      {"named-model", make_named_model_policy},
      {"passthrough", make_passthrough_policy},
      {"unsafe-override", make_unsafe_override_policy},
  }};
  return table;
}

std::unique_ptr<Policy> make_policy(const PolicySpec& spec) {
  std::string known;
  for (const auto& e : policy_table()) {
    if (e.name == spec.name) return e.make(spec);
    known += (known.empty() ? "" : ", ") + std::string(e.name);
  }
  throw InputError(fmt::format("unknown policy '{}'; known: {}", spec.name, known));
}

Verdict admit(std::string reason, CheckBasis basis) {
  return Verdict{true, VerdictCode::admitted, {}, std::move(reason), basis, {}};
}

Verdict refuse_missing(VerdictCode code, const FeatureSet& missing, std::string what) {
  return Verdict{false, code, missing,
                 fmt::format("{}: {}", what, missing.empty() ? std::string("-") : join_names(missing))};
}

Verdict admit_migration(const Policy& policy, const VmView& vm, const HostView& src, const HostView& dst,
                        bool allow_cross_vendor) {
  const std::string& s = src.cpu->vendor();
  const std::string& d = dst.cpu->vendor();
  if (s != d && !allow_cross_vendor)
    return Verdict{false, VerdictCode::cross_vendor, {},
                   fmt::format("cross-vendor live migration ({} to {}) is refused unless the policy allows it", s, d)};
  return policy.check_migration(vm, src, dst);
}

Verdict require_guest_view(const FeatureSet& provided, const FeatureSet& guest_view, std::string_view on_missing) {
  FeatureSet missing = lacking(provided, guest_view);
  if (missing.empty()) return admit("the destination provides the guest view");
  return refuse_missing(VerdictCode::missing_features, missing, std::string(on_missing));
}

BootView host_features(const HostView& host) {
  return {true, host.cpu->migratable(), {}, "no masking: the host's features"};
}

}  // namespace evcsim
