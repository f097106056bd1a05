// dynamic-lcd: the intersection of the current hosts' features, as a
// baseline named after the month (lcd-YYYY-MM). O(hosts).
#include <fmt/format.h>

#include "policy/baseline/baseline_policy.hpp"

namespace evcsim {
namespace {

class DynamicLcd final : public BaselinePolicy {
 public:
  std::string_view description() const override {
    return "the features every current host has, once retirements allow a raise";
  }
  bool raises() const override { return true; }
  std::optional<Baseline> target(const BaselineContext& c) const override {
    Baseline lcd;
    lcd.name = fmt::format("lcd-{}", c.today.str());
    lcd.vendor = c.vendor;
    lcd.features = lowest_common_denominator(c.hosts);
    return lcd;
  }
};

}  // namespace

std::unique_ptr<BaselinePolicy> make_dynamic_lcd_baseline_policy() { return std::make_unique<DynamicLcd>(); }

}  // namespace evcsim
