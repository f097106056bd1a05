// Procurement policies: which part a cluster buys, among the parts on sale
// that can join its baseline. One file per policy under policy/procurement/,
// chosen by the name scenarios use (`refresh { procurement: ... }`) from
// one explicit table. O(parts on sale) per purchase.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/year_month.hpp"
#include "cpu/cpu_model.hpp"
#include "policy/named_table.hpp"

namespace evcsim {

struct MarketView {
  YearMonth today;
  std::vector<const CpuModel*> joinable;     // on sale, same vendor, joins the baseline; never empty
  const CpuModel* cluster_newest = nullptr;  // the newest part among the cluster's hosts, if any
};

class ProcurementPolicy : public NamedPolicy {
 public:
  virtual ~ProcurementPolicy() = default;
  virtual std::string_view description() const = 0;
  // REQUIRES: !market.joinable.empty(). Returns one of market.joinable.
  virtual const CpuModel* choose(const MarketView& market) const = 0;
};

// What a two-socket host of `part` costs on `today`, relative to a mature
// part's 1.0: a new generation carries a premium of up to 60% that fades over
// its first two years (an estimate; used by `cheapest` and `evcsim plan`).
double relative_price(const CpuModel& part, const YearMonth& today);

// The RAM of a bought host: `ram_gib` when set, else what a two-socket
// virtualization host of the part's launch year typically carried: 32 GiB in
// 2006, doubling every three years (64 GiB in 2009, 256 GiB in 2015, 1 TiB
// in 2021), at most 4 TiB: an estimate.
int64_t bought_ram_mib(const CpuModel& part, double ram_gib);
// A host's capacity: its cores at the part's speed (Clovertown-core equivalents).
double host_capacity(int cores, const CpuModel& part);
// The capacity of a bought host: two sockets of the part's cores.
double bought_capacity(const CpuModel& part);

// The most recently launched of `parts` (the first of equals). REQUIRES: non-empty.
const CpuModel* newest_part(const std::vector<const CpuModel*>& parts);

using ProcurementPolicyEntry = NamedEntry<ProcurementPolicy>;

std::span<const ProcurementPolicyEntry> procurement_policy_table();
// Throws InputError listing the known names.
std::unique_ptr<ProcurementPolicy> make_procurement_policy(std::string_view name);

}  // namespace evcsim
