// The metrics a run reports and an `expect` block may test: every metric
// and every metric family is declared once here, with its unit and what it
// counts. A family's suffixes are the codes of policy/codes.hpp (or a year
// for baseline_at_year.N), so a misspelled one is an error, not a silent 0.
// `evcsim metrics` prints this table; docs/ci-harness.md's list is generated from it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace evcsim {

struct MetricInfo {
  std::string_view name;  // "crashes", or a family's prefix "crashes."
  std::string_view unit;  // "count", "minutes", "features", "0..1"
  std::string_view description;
  bool family = false;           // name is a prefix; suffixes from family_suffixes()
  std::string_view suffix_meta;  // "<cause>", "<code>", "<N>"
};

std::span<const MetricInfo> metric_registry();
// The known suffixes of a family ("crashes." -> probing-software, ...); empty
// for baseline_at_year. (any whole number of years).
std::vector<std::string> family_suffixes(std::string_view family);
bool is_known_metric(const std::string& metric);
// Up to `n` known metric names nearest to `metric` (edit distance), best first.
std::vector<std::string> nearest_metrics(const std::string& metric, size_t n = 3);
// "unknown metric 'x'; nearest known: a, b, c (`evcsim metrics` lists them all)".
std::string unknown_metric_text(const std::string& metric);
// The registry as a Markdown table (docs/ci-harness.md) or plain columns.
std::string metrics_table(bool markdown);

}  // namespace evcsim
