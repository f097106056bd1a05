// newest: the most recently launched part that can join.
#include "policy/procurement/procurement_policy.hpp"

namespace evcsim {
namespace {

class Newest final : public ProcurementPolicy {
 public:
  std::string_view description() const override { return "the most recently launched part that can join"; }
  const CpuModel* choose(const MarketView& m) const override { return newest_part(m.joinable); }
};

}  // namespace

std::unique_ptr<ProcurementPolicy> make_newest_procurement() { return std::make_unique<Newest>(); }

}  // namespace evcsim
