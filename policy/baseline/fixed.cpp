// fixed: the baseline changes only by scheduled operations (`set_baseline`).
#include "policy/baseline/baseline_policy.hpp"

namespace evcsim {
namespace {

class Fixed final : public BaselinePolicy {
 public:
  std::string_view description() const override { return "never changed automatically (only by set_baseline)"; }
  bool raises() const override { return false; }
  std::optional<Baseline> target(const BaselineContext&) const override { return std::nullopt; }
};

}  // namespace

std::unique_ptr<BaselinePolicy> make_fixed_baseline_policy() { return std::make_unique<Fixed>(); }

}  // namespace evcsim
