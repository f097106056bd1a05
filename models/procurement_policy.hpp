// Procurement policies: which part a cluster buys, among the parts on sale
// that can join its baseline. One file per policy under models/procurement/,
// chosen by the name scenarios use (`refresh { procurement: ... }`) from
// one explicit table. O(parts on sale) per purchase.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "models/cpu_model.hpp"
#include "models/year_month.hpp"

namespace evcsim {

struct MarketView {
  YearMonth today;
  std::vector<const CpuModel*> joinable;     // on sale, same vendor, joins the baseline; never empty
  const CpuModel* cluster_newest = nullptr;  // the newest part among the cluster's hosts, if any
};

class ProcurementPolicy {
 public:
  virtual ~ProcurementPolicy() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  // REQUIRES: !market.joinable.empty(). Returns one of market.joinable.
  virtual const CpuModel* choose(const MarketView& market) const = 0;
};

// The most recently launched of `parts` (the first of equals). REQUIRES: non-empty.
const CpuModel* newest_part(const std::vector<const CpuModel*>& parts);

struct ProcurementPolicyEntry {
  std::string_view name;
  std::unique_ptr<ProcurementPolicy> (*make)();
};

std::span<const ProcurementPolicyEntry> procurement_policy_table();
// Throws InputError listing the known names.
std::unique_ptr<ProcurementPolicy> make_procurement_policy(std::string_view name);

}  // namespace evcsim
