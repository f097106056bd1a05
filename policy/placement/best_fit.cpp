// best-fit: the host with the least RAM left (packs hosts, leaves others free).
#include "policy/placement/placement_policy.hpp"

namespace evcsim {
namespace {

class BestFit final : public PlacementPolicy {
 public:
  std::string_view description() const override { return "the host with the least free RAM that fits (packing)"; }
  double score(const PlacementCandidate& c) const override { return static_cast<double>(c.free_mib); }
};

}  // namespace

std::unique_ptr<PlacementPolicy> make_best_fit_placement() { return std::make_unique<BestFit>(); }

}  // namespace evcsim
