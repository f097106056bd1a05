// auto-raise: the best catalog mode every host joins -- and the newest part
// on the market too, so that a raise does not shut the cluster out of
// future purchases. O(modes x hosts).
#include "policy/baseline/baseline_policy.hpp"

namespace evcsim {
namespace {

class AutoRaise final : public BaselinePolicy {
 public:
  std::string_view description() const override {
    return "the best catalog mode the hosts and the newest part on sale join, once retirements allow a raise";
  }
  bool raises() const override { return true; }
  std::optional<Baseline> target(const BaselineContext& c) const override { return best_joinable(c, false); }
};

}  // namespace

std::unique_ptr<BaselinePolicy> make_auto_raise_baseline_policy() { return std::make_unique<AutoRaise>(); }

}  // namespace evcsim
