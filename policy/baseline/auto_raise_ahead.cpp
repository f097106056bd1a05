// auto-raise-ahead: like auto-raise, but never past what the next known
// generation of the vendor (launched later than today) can join, so the
// cluster can still buy it when it comes. O(modes x hosts).
#include "policy/baseline/baseline_policy.hpp"

namespace evcsim {
namespace {

class AutoRaiseAhead final : public BaselinePolicy {
 public:
  std::string_view description() const override {
    return "auto-raise, but never past what the vendor's next generation can join";
  }
  bool raises() const override { return true; }
  std::optional<Baseline> target(const BaselineContext& c) const override { return best_joinable(c, true); }
};

}  // namespace

std::unique_ptr<BaselinePolicy> make_auto_raise_ahead_baseline_policy() { return std::make_unique<AutoRaiseAhead>(); }

}  // namespace evcsim
