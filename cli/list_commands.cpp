// `evcsim policies` and `evcsim metrics`: what a scenario can name.
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "policy/baseline/baseline_policy.hpp"
#include "policy/masking/masking_policy.hpp"
#include "policy/placement/placement_policy.hpp"
#include "policy/procurement/procurement_policy.hpp"
#include "scenario/metrics.hpp"

namespace evcsim::cli {

void add_policies_command(CLI::App& app, Runner* runner) {
  auto* cmd = app.add_subcommand("policies", "List the policies a scenario can name, by family");
  cmd->callback([=] {
    *runner = [] {
      std::cout << "masking and compatibility (policy { name: ... }):\n";
      for (const auto& e : masking_policy_table())
        std::cout << fmt::format("  {:<18} {}\n", e.name, make_entry(e, PolicySpec{})->description());
      auto family = [](const char* title, auto table) {
        std::cout << title;
        for (const auto& e : table) std::cout << fmt::format("  {:<18} {}\n", e.name, e.make()->description());
      };
      family("placement (drs { placement: ... }):\n", placement_policy_table());
      family("procurement (refresh { procurement: ... }):\n", procurement_policy_table());
      family("baseline (refresh { baseline_policy: ... }):\n", baseline_policy_table());
      return 0;
    };
  });
}

void add_metrics_command(CLI::App& app, Runner* runner) {
  auto markdown = std::make_shared<bool>(false);
  auto* cmd = app.add_subcommand("metrics", "List the metrics a run reports and an `expect` block may test");
  cmd->add_flag("--markdown", *markdown, "a Markdown table (docs/ci-harness.md's list is this output)");
  cmd->callback([=] {
    *runner = [=] {
      std::cout << metrics_table(*markdown);
      return 0;
    };
  });
}

}  // namespace evcsim::cli
