// named-model: a vendor-neutral named CPU model (QEMU x86-64-vN, an OpenStack
// cpu_model). Every VM sees exactly the model; it powers on and moves only
// where the host provides all of it. Needs `policy { model: "..." }`.
#include <fmt/format.h>

#include "cpu/feature_registry.hpp"
#include "policy/masking/masking_policy.hpp"

namespace evcsim {
namespace {

class NamedModelPolicy final : public MaskingPolicy {
 public:
  explicit NamedModelPolicy(Baseline model) : model_(std::move(model)) {}
  std::string_view description() const override {
    return "a named CPU model (QEMU x86-64-vN, OpenStack cpu_model): every VM sees exactly the model";
  }
  BootView power_on(const VmView&, const HostView& host) const override {
    FeatureSet missing = lacking(host.cpu->migratable(), model_.features);
    if (!missing.empty())
      return {false, {}, missing, fmt::format("host lacks features of model {}: {}", model_.name, join_names(missing))};
    return {true, model_.features, {}, fmt::format("model {}", model_.name)};
  }
  std::string_view default_convergence() const override { return "auto-converge"; }
  Verdict check_migration(const VmView& vm, const HostView&, const HostView& dst) const override {
    return require_guest_view(dst.cpu->migratable(), vm.guest_view,
                              fmt::format("destination lacks features of model {}", model_.name));
  }

 private:
  Baseline model_;
};

}  // namespace

std::unique_ptr<MaskingPolicy> make_named_model_policy(const PolicySpec& spec) {
  Baseline model;
  if (spec.model) model = *spec.model;
  else model.name = "(none)";
  return std::make_unique<NamedModelPolicy>(std::move(model));
}

std::string validate_named_model_policy(const PolicySpec& spec) {
  return spec.model ? std::string() : "policy named-model needs a model (a baseline name such as x86-64-v2)";
}

}  // namespace evcsim
