#include "session/output_formats.hpp"

#include <array>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"

namespace evcsim {

std::span<const OutputFormat> output_formats() {
  static const std::array<OutputFormat, 8> table = {{
      {"text", "summary.txt", false},
      {"json", "results.json"},
      {"jsonl", "events.jsonl: the events as JSON lines"},
      {"csv", "one file per series family and event table"},
      {"html", "report.html, with the lists' CSVs it links"},
      {"dot", "compatibility graphs"},
      {"junit", "junit.xml"},
      {"xlsx", "results.xlsx: one workbook of the summary, clusters, hosts, purchases, raises and lists"},
  }};
  return table;
}

std::string output_formats_help() {
  std::string out;
  for (const auto& f : output_formats()) out += fmt::format("{}{} ({})", out.empty() ? "" : ", ", f.name, f.files);
  return out;
}

void check_output_formats(const std::vector<std::string>& formats, bool has_folder, std::string_view option) {
  std::vector<std::string> known;
  for (const auto& f : output_formats()) known.emplace_back(f.name);
  std::vector<std::string> needing;
  for (const auto& f : formats) {
    const OutputFormat* found = nullptr;
    for (const auto& k : output_formats())
      if (k.name == f) found = &k;
    if (!found)
      throw InputError(fmt::format("unknown format '{}'; nearest: {} (known: {})", f,
                                   fmt::join(nearest_names(f, known), ", "), fmt::join(known, ", ")),
                       "", 0, std::string(option));
    if (found->needs_folder) needing.push_back(f);
  }
  if (!has_folder && !needing.empty())
    throw InputError(fmt::format("--format {} needs --out DIR", fmt::join(needing, "/")), "", 0, std::string(option));
}

}  // namespace evcsim
