#include "policy/placement/placement_policy.hpp"

#include <array>

#include "policy/named_table.hpp"

namespace evcsim {

// One line per policy (its factory is in policy/placement/NAME.cpp).
std::unique_ptr<PlacementPolicy> make_least_loaded_placement();
std::unique_ptr<PlacementPolicy> make_best_fit_placement();

std::span<const PlacementPolicyEntry> placement_policy_table() {
  static const std::array<PlacementPolicyEntry, 2> table = {{
      {"least-loaded", make_least_loaded_placement},
      {"best-fit", make_best_fit_placement},
  }};
  return table;
}

std::unique_ptr<PlacementPolicy> make_placement_policy(std::string_view name) {
  return make_named(placement_policy_table(), name);
}

}  // namespace evcsim
