// The catalog against the real dumps in ../shared/cpuid-dumps (skipped when
// that folder is absent): every entry's decoded features must equal the
// import of the dump it names, over migratable features, except for the
// entry's declared adjustments; and the dump's own "Instruction Set" line,
// where it has one, must agree with the decode -- an independent check of the
// registry's bit positions.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "base/text_util.hpp"
#include "catalog/catalog.hpp"
#include "cpu/feature_registry.hpp"
#include "interop/importers.hpp"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

std::string source_file(const CpuModel& c) {
  // "InstLatx64 <file>, logical CPU 0"
  auto words = split_ws(c.source);
  if (words.size() < 2) return {};
  std::string f(words[1]);
  if (!f.empty() && f.back() == ',') f.pop_back();
  return f;
}

TEST(CatalogCrossCheck, EveryDumpInTheReadmeHasAnEntry) {
  std::string readme = test::dumps_dir() + "/README.md";
  if (!fs::exists(readme)) GTEST_SKIP() << "no " << test::dumps_dir() << ": cross-check skipped";
  std::ifstream in(readme);
  std::string line;
  int rows = 0;
  while (std::getline(in, line)) {
    if (line.rfind("| GenuineIntel", 0) != 0 && line.rfind("| AuthenticAMD", 0) != 0) continue;
    std::string stem(trim(line.substr(2, line.find('|', 2) - 2)));
    bool found = false;
    for (const auto& c : Catalog::builtin().cpus()) found = found || source_file(c).rfind(stem, 0) == 0;
    EXPECT_TRUE(found) << "no catalog entry for " << stem;
    ++rows;
  }
  EXPECT_GE(rows, 34);
}

TEST(CatalogCrossCheck, CatalogAgreesWithTheDumps) {
  if (!fs::is_directory(test::dumps_dir())) GTEST_SKIP() << "no " << test::dumps_dir() << ": cross-check skipped";
  int checked = 0;
  for (const auto& c : Catalog::builtin().cpus()) {
    std::string path = test::dumps_dir() + "/" + source_file(c);
    ASSERT_TRUE(fs::exists(path)) << c.name << ": source dump " << path << " is missing";
    ImportResult imp = import_dump_file(path);
    FeatureSet dump = decode(imp.cpus.front()) & migratable_features();
    FeatureSet adjusted = c.added | c.removed;
    FeatureSet ours = c.migratable();
    EXPECT_EQ(dump - adjusted, ours - adjusted)
        << c.name << ": catalog lacks {" << join_names(lacking(ours, dump) - adjusted) << "}, has extra {"
        << join_names((ours - dump) - adjusted) << "}";
    // Declared adjustments must really differ from the sample.
    EXPECT_TRUE((dump & c.added).empty()) << c.name << " adds features its dump already has";
    EXPECT_EQ(imp.cpus.front().vendor(), c.vendor()) << c.name;
    EXPECT_EQ(imp.cpus.front().signature(), c.cpuid.signature()) << c.name;
    ++checked;
  }
  EXPECT_GE(checked, 34);
}

TEST(CatalogCrossCheck, InstructionSetLinesAgreeWithTheDecode) {
  if (!fs::is_directory(test::dumps_dir())) GTEST_SKIP() << "no " << test::dumps_dir() << ": cross-check skipped";
  const std::map<std::string, std::string> names = {
      {"x86-64", "lm"}, {"MMX", "mmx"},     {"3DNow!", "3dnow"},  {"SSE", "sse"},       {"SSE2", "sse2"},
      {"SSE3", "sse3"}, {"SSSE3", "ssse3"}, {"SSE4.1", "sse4_1"}, {"SSE4.2", "sse4_2"}, {"SSE4A", "sse4a"},
      {"AES", "aes"},   {"AVX", "avx"},     {"AVX2", "avx2"},     {"FMA", "fma"}};
  int lines = 0;
  for (const auto& entry : fs::directory_iterator(test::dumps_dir())) {
    if (entry.path().extension() != ".txt") continue;
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    auto at = text.find("Instruction Set");
    if (at == std::string::npos) continue;
    auto colon = text.find(':', at), eol = text.find('\n', at);
    std::string list = text.substr(colon + 1, eol - colon - 1);
    FeatureSet decoded = decode(import_dump(text, entry.path().string()).cpus.front());
    FeatureSet claimed, covered;
    std::stringstream items(list);
    std::string item;
    while (std::getline(items, item, ',')) {
      std::string name(trim(item));
      if (name == "x86") continue;
      auto it = names.find(name);
      ASSERT_NE(it, names.end()) << "unmapped instruction set '" << name << "' in " << entry.path();
      claimed.set(feature_id(it->second));
    }
    for (const auto& [_, f] : names) covered.set(feature_id(f));
    EXPECT_EQ(decoded & covered, claimed)
        << entry.path().filename() << ": decode says {" << join_names(decoded & covered) << "}, the dump says {"
        << join_names(claimed) << "}";
    ++lines;
  }
  EXPECT_GE(lines, 10);
}

}  // namespace
}  // namespace evcsim
