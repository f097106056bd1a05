// cheapest: the lowest price per unit of capacity (cores x relative speed);
// a new generation carries a premium that fades over its first two years.
#include <algorithm>

#include "policy/procurement/procurement_policy.hpp"

namespace evcsim {
namespace {

class Cheapest final : public ProcurementPolicy {
 public:
  std::string_view description() const override {
    return "the lowest price per unit of capacity (new generations cost up to 60% more for two years)";
  }
  const CpuModel* choose(const MarketView& m) const override {
    auto cost = [&](const CpuModel* p) {
      return relative_price(*p, m.today) / (p->cores_per_socket * p->relative_speed);
    };
    return *std::min_element(m.joinable.begin(), m.joinable.end(),
                             [&](const CpuModel* a, const CpuModel* b) { return cost(a) < cost(b); });
  }
};

}  // namespace

std::unique_ptr<ProcurementPolicy> make_cheapest_procurement() { return std::make_unique<Cheapest>(); }

}  // namespace evcsim
