// least-loaded: the host with the lowest load (DRS's initial placement).
#include "policy/placement/placement_policy.hpp"

namespace evcsim {
namespace {

class LeastLoaded final : public PlacementPolicy {
 public:
  std::string_view description() const override { return "the host with the lowest max(CPU, RAM) load"; }
  double score(const PlacementCandidate& c) const override { return c.load; }
};

}  // namespace

std::unique_ptr<PlacementPolicy> make_least_loaded_placement() { return std::make_unique<LeastLoaded>(); }

}  // namespace evcsim
