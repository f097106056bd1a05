#include "models/procurement_policy.hpp"

#include <algorithm>
#include <array>

#include "models/named_table.hpp"

namespace evcsim {

// One line per policy (its factory is in models/procurement/NAME.cpp).
std::unique_ptr<ProcurementPolicy> make_newest_procurement();
std::unique_ptr<ProcurementPolicy> make_same_generation_procurement();
std::unique_ptr<ProcurementPolicy> make_cheapest_procurement();

std::span<const ProcurementPolicyEntry> procurement_policy_table() {
  static const std::array<ProcurementPolicyEntry, 3> table = {{
      {"newest", make_newest_procurement},
      {"same-generation", make_same_generation_procurement},
      {"cheapest", make_cheapest_procurement},
  }};
  return table;
}

std::unique_ptr<ProcurementPolicy> make_procurement_policy(std::string_view name) {
  return make_named(procurement_policy_table(), name);
}

const CpuModel* newest_part(const std::vector<const CpuModel*>& parts) {
  return *std::max_element(parts.begin(), parts.end(),
                           [](const CpuModel* a, const CpuModel* b) { return a->launch < b->launch; });
}

}  // namespace evcsim
