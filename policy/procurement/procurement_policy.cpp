#include "policy/procurement/procurement_policy.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "policy/named_table.hpp"

namespace evcsim {

// One line per policy (its factory is in policy/procurement/NAME.cpp).
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

double relative_price(const CpuModel& part, const YearMonth& today) {
  double months = today.index() - part.launch.index();
  return 1.0 + 0.6 * std::max(0.0, 1 - months / 24);
}

int64_t bought_ram_mib(const CpuModel& part, double ram_gib) {
  if (ram_gib > 0) return static_cast<int64_t>(ram_gib * 1024);
  const double years = std::max(0, part.launch.year - 2006);
  const double gib = std::min(4096.0, 32 * std::pow(2.0, years / 3));
  return static_cast<int64_t>(std::lround(gib)) * 1024;
}

double host_capacity(int cores, const CpuModel& part) {
  return std::max(1.0, cores * std::max(0.05, part.relative_speed));
}

double bought_capacity(const CpuModel& part) { return host_capacity(2 * std::max(1, part.cores_per_socket), part); }

const CpuModel* newest_part(const std::vector<const CpuModel*>& parts) {
  return *std::max_element(parts.begin(), parts.end(),
                           [](const CpuModel* a, const CpuModel* b) { return a->launch < b->launch; });
}

}  // namespace evcsim
