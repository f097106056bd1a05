// The outputs a run can write, in one table shared by `run --format`,
// `sweep-task --format` and any command that runs a scenario: each format's
// name, the files it writes into the output folder and whether it needs one.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace evcsim {

struct OutputFormat {
  std::string_view name;   // as --format takes it: "json"
  std::string_view files;  // what it writes: "results.json"
  bool needs_folder = true;
};

std::span<const OutputFormat> output_formats();
// "text (summary.txt), json (results.json), ...": for --help.
std::string output_formats_help();
// Throws InputError naming `option`, the unknown format and the nearest known
// ones; and when a format that writes files is asked for without a folder.
void check_output_formats(const std::vector<std::string>& formats, bool has_folder, std::string_view option);

}  // namespace evcsim
