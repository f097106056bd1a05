// The table of output formats that `run`, `sweep-task` and the run session share.
#include <gtest/gtest.h>

#include "base/error.hpp"
#include "session/output_formats.hpp"

namespace evcsim {
namespace {

std::string error_of(const std::vector<std::string>& formats, bool has_folder) {
  try {
    check_output_formats(formats, has_folder, "--format");
  } catch (const InputError& e) {
    return e.field() + ": " + e.message();
  }
  return "";
}

TEST(OutputFormats, EveryFormatIsInTheHelpAndOnlyTextNeedsNoFolder) {
  const std::string help = output_formats_help();
  for (const auto& f : output_formats()) {
    EXPECT_NE(help.find(std::string(f.name) + " ("), std::string::npos) << f.name;
    EXPECT_EQ(f.needs_folder, f.name != "text") << f.name;
  }
  EXPECT_EQ(error_of({"text", "json", "jsonl", "csv", "html", "dot", "junit", "xlsx"}, true), "");
  EXPECT_NE(help.find("xlsx (results.xlsx: one workbook"), std::string::npos) << help;
  EXPECT_EQ(error_of({"xlsx"}, false), "--format: --format xlsx needs --out DIR");
  EXPECT_EQ(error_of({"text"}, false), "");
}

TEST(OutputFormats, AnUnknownFormatIsNamedWithTheNearest) {
  EXPECT_EQ(error_of({"json", "htlm"}, true).rfind("--format: unknown format 'htlm'; nearest: html", 0), 0u)
      << error_of({"json", "htlm"}, true);
}

TEST(OutputFormats, FilesWithoutAFolderAreRefusedNamingThem) {
  EXPECT_EQ(error_of({"text", "json", "csv"}, false), "--format: --format json/csv needs --out DIR");
}

}  // namespace
}  // namespace evcsim
