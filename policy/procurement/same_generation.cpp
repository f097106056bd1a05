// same-generation: more of the cluster's newest generation while it is on
// sale (keeps the cluster homogeneous), else the newest part.
#include "policy/procurement/procurement_policy.hpp"

namespace evcsim {
namespace {

class SameGeneration final : public ProcurementPolicy {
 public:
  std::string_view description() const override {
    return "the generation of the cluster's newest host while on sale, else the newest part";
  }
  const CpuModel* choose(const MarketView& m) const override {
    if (m.cluster_newest)
      for (const CpuModel* p : m.joinable)
        if (p->generation == m.cluster_newest->generation) return p;
    return newest_part(m.joinable);
  }
};

}  // namespace

std::unique_ptr<ProcurementPolicy> make_same_generation_procurement() { return std::make_unique<SameGeneration>(); }

}  // namespace evcsim
