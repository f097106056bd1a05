#include "policy/masking/masking_policy.hpp"

#include <array>

#include <fmt/format.h>

#include "base/error.hpp"
#include "cpu/feature_registry.hpp"
#include "policy/named_table.hpp"

namespace evcsim {

// Each policy's factory is in policy/masking/<name>.cpp.
std::unique_ptr<MaskingPolicy> make_legacy_exact_policy(const PolicySpec&);
std::unique_ptr<MaskingPolicy> make_modern_superset_policy(const PolicySpec&);
std::unique_ptr<MaskingPolicy> make_per_vm_mask_policy(const PolicySpec&);
std::unique_ptr<MaskingPolicy> make_cluster_baseline_policy(const PolicySpec&);
std::unique_ptr<MaskingPolicy> make_per_vm_baseline_policy(const PolicySpec&);
std::unique_ptr<MaskingPolicy> make_dynamic_lcd_policy(const PolicySpec&);
std::unique_ptr<MaskingPolicy> make_named_model_policy(const PolicySpec&);
std::string validate_named_model_policy(const PolicySpec&);
std::unique_ptr<MaskingPolicy> make_passthrough_policy(const PolicySpec&);
std::unique_ptr<MaskingPolicy> make_unsafe_override_policy(const PolicySpec&);

std::span<const MaskingPolicyEntry> masking_policy_table() {
  static const std::array<MaskingPolicyEntry, 9> table = {{
      {"legacy-exact", make_legacy_exact_policy},
      {"modern-superset", make_modern_superset_policy},
      {"per-vm-mask", make_per_vm_mask_policy, "default_mask mask"},
      {"cluster-baseline", make_cluster_baseline_policy},
      {"per-vm-baseline", make_per_vm_baseline_policy, "baseline"},
      {"dynamic-lcd", make_dynamic_lcd_policy},
      {"named-model", make_named_model_policy, "model", validate_named_model_policy},
      {"passthrough", make_passthrough_policy},
      {"unsafe-override", make_unsafe_override_policy},
  }};
  return table;
}

std::unique_ptr<MaskingPolicy> make_masking_policy(const PolicySpec& spec) {
  const MaskingPolicyEntry* e = find_named(masking_policy_table(), spec.name);
  if (!e) {
    std::string known;
    for (const auto& k : masking_policy_table()) known += (known.empty() ? "" : ", ") + std::string(k.name);
    throw InputError(fmt::format("unknown policy '{}'; known: {}", spec.name, known));
  }
  if (std::string why = validate_masking_policy(spec); !why.empty()) throw InputError(why);
  return make_entry(*e, spec);
}

std::string validate_masking_policy(const PolicySpec& spec) {
  return validate_named(masking_policy_table(), spec.name, spec);
}

Verdict admit(std::string reason, CheckBasis basis) {
  return Verdict{true, VerdictCode::admitted, {}, std::move(reason), basis, {}};
}

Verdict refuse_missing(VerdictCode code, const FeatureSet& missing, std::string what) {
  return Verdict{false, code, missing,
                 fmt::format("{}: {}", what, missing.empty() ? std::string("-") : join_names(missing))};
}

Verdict admit_migration(const MaskingPolicy& policy, const VmView& vm, const HostView& src, const HostView& dst,
                        bool allow_cross_vendor) {
  const std::string& s = src.cpu->vendor();
  const std::string& d = dst.cpu->vendor();
  if (s != d && !allow_cross_vendor)
    return Verdict{false,
                   VerdictCode::cross_vendor,
                   {},
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
