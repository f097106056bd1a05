#include "policy/baseline/baseline_policy.hpp"

#include <array>

#include "policy/named_table.hpp"

namespace evcsim {

// One line per policy (its factory is in policy/baseline/NAME.cpp).
std::unique_ptr<BaselinePolicy> make_fixed_baseline_policy();
std::unique_ptr<BaselinePolicy> make_auto_raise_baseline_policy();
std::unique_ptr<BaselinePolicy> make_dynamic_lcd_baseline_policy();
std::unique_ptr<BaselinePolicy> make_auto_raise_ahead_baseline_policy();

std::span<const BaselinePolicyEntry> baseline_policy_table() {
  static const std::array<BaselinePolicyEntry, 4> table = {{
      {"fixed", make_fixed_baseline_policy},
      {"auto-raise", make_auto_raise_baseline_policy, "baseline"},  // raises the cluster's own baseline
      {"dynamic-lcd", make_dynamic_lcd_baseline_policy},
      {"auto-raise-ahead", make_auto_raise_ahead_baseline_policy},
  }};
  return table;
}

std::optional<Baseline> best_joinable(const BaselineContext& c, bool look_ahead) {
  std::vector<const CpuModel*> cpus = c.hosts;
  if (c.newest_on_sale) cpus.push_back(c.newest_on_sale);
  if (look_ahead && c.next_generation) cpus.push_back(c.next_generation);
  return best_baseline(cpus, *c.baselines, c.current ? c.current->kind : BaselineKind::evc);
}

std::unique_ptr<BaselinePolicy> make_baseline_policy(std::string_view name) {
  return make_named(baseline_policy_table(), name);
}

}  // namespace evcsim
