// Baseline policies: whether and to what a cluster's baseline is
// raised at a maintenance window, once retirements made a raise possible.
// Lowering is never automatic. One file per policy under
// policy/baseline/, chosen by the name scenarios use (`refresh {
// baseline_policy: ... }`) from one explicit table.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/year_month.hpp"
#include "catalog/baseline.hpp"
#include "cpu/cpu_model.hpp"
#include "policy/named_table.hpp"

namespace evcsim {

struct BaselineContext {
  std::vector<const CpuModel*> hosts;                // the cluster's hosts now
  const Baseline* current = nullptr;                 // its baseline, if any
  const CpuModel* newest_on_sale = nullptr;          // the newest part of its vendor on the market, if any
  const CpuModel* next_generation = nullptr;         // the next part of its vendor to come to market, if known
  const std::vector<Baseline>* baselines = nullptr;  // the catalog's modes and levels
  YearMonth today;
  std::string vendor;
};

class BaselinePolicy : public NamedPolicy {
 public:
  virtual ~BaselinePolicy() = default;
  virtual std::string_view description() const = 0;
  // Does the policy ever raise? (fixed: no; the others track when a raise
  // becomes possible as hosts retire.)
  virtual bool raises() const = 0;
  // The baseline to go to; nullopt (or one not above `current`) for none.
  virtual std::optional<Baseline> target(const BaselineContext& c) const = 0;
};

// The best catalog mode of the current kind that every host, the newest part
// on sale and (look_ahead) the vendor's next generation can join.
std::optional<Baseline> best_joinable(const BaselineContext& c, bool look_ahead);

using BaselinePolicyEntry = NamedEntry<BaselinePolicy>;

std::span<const BaselinePolicyEntry> baseline_policy_table();
// Throws InputError listing the known names.
std::unique_ptr<BaselinePolicy> make_baseline_policy(std::string_view name);

}  // namespace evcsim
