#include "catalog/catalog.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog_lists.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

const Catalog& cat() { return Catalog::builtin(); }

TEST(Catalog, BuiltinLoadsEveryGeneration) {
  EXPECT_GE(cat().cpus().size(), 34u);
  int intel = 0, amd = 0;
  for (const auto& c : cat().cpus()) {
    (is_intel(c.vendor()) ? intel : amd)++;
    EXPECT_TRUE(c.launch.valid()) << c.name;
    EXPECT_LE(c.launch, c.end_of_sale) << c.name;
    EXPECT_GT(c.cores_per_socket, 0) << c.name;
    EXPECT_GT(c.relative_speed, 0) << c.name;
    EXPECT_FALSE(c.features.empty()) << c.name;
    EXPECT_FALSE(c.source.empty()) << c.name;
  }
  EXPECT_GE(intel, 20);
  EXPECT_GE(amd, 15);
}

TEST(Catalog, NamedSkusMapToTheirGenerations) {
  const std::pair<const char*, const char*> cases[] = {
      {"E5310", "clovertown"},        {"Xeon E5320", "clovertown"},
      {"e5420", "harpertown"},        {"E5440", "harpertown"},
      {"X5570", "nehalem-ep"},        {"X5670", "westmere-ep"},
      {"E5-2670", "sandybridge-ep"},  {"E5-2680 v2", "ivybridge-ep"},
      {"e5-2680 V3", "haswell-ep"},   {"E5-2680 v4", "broadwell-ep"},
      {"Gold 6148", "skylake-sp"},    {"Xeon Gold 6248", "cascadelake-sp"},
      {"gold 6338", "icelake-sp"},    {"Platinum 8480+", "sapphirerapids"},
      {"Opteron 2218", "santarosa"},  {"Opteron 2356", "barcelona"},
      {"Opteron 6174", "magnycours"}, {"Opteron 6276", "interlagos"},
      {"Opteron 6376", "abudhabi"},   {"EPYC 7601", "naples"},
      {"EPYC 7742", "rome"},          {"EPYC 7763", "milan"},
      {"EPYC 9654", "genoa"},         {"EPYC 9754", "bergamo"},
      {"EPYC 9755", "turin"},         {"Clovertown", "clovertown"},
      {"HASWELL-EP", "haswell-ep"},
  };
  for (auto [query, name] : cases) {
    const CpuModel* c = cat().find_cpu(query);
    ASSERT_NE(c, nullptr) << query;
    EXPECT_EQ(c->name, name) << query;
  }
  EXPECT_EQ(cat().find_cpu("Xeon E9999"), nullptr);
  EXPECT_EQ(cat().find_cpu(""), nullptr);
}

TEST(Catalog, MaskingCapabilityFollowsTheVendorsHistory) {
  EXPECT_EQ(cat().find_cpu("nocona")->masking, Masking::none);
  EXPECT_EQ(cat().find_cpu("clovertown")->masking, Masking::none);
  EXPECT_EQ(cat().find_cpu("harpertown")->masking, Masking::flexmigration);
  EXPECT_EQ(cat().find_cpu("graniterapids")->masking, Masking::flexmigration);
  EXPECT_EQ(cat().find_cpu("sledgehammer")->masking, Masking::none);
  EXPECT_EQ(cat().find_cpu("santarosa")->masking, Masking::extended_migration);
  EXPECT_EQ(cat().find_cpu("turin")->masking, Masking::extended_migration);
}

TEST(Catalog, SignaturesComeFromTheLeaves) {
  const CpuModel* c = cat().find_cpu("clovertown");
  EXPECT_EQ(c->vendor(), "GenuineIntel");
  EXPECT_EQ(c->cpuid.family(), 6u);
  EXPECT_EQ(c->cpuid.model(), 0xFu);
  const CpuModel* g = cat().find_cpu("genoa");
  EXPECT_EQ(g->vendor(), "AuthenticAMD");
  EXPECT_EQ(g->cpuid.family(), 0x19u);
}

TEST(Catalog, AdjustmentsAreAppliedAndExplained) {
  const CpuModel* h = cat().find_cpu("haswell-ep");
  EXPECT_TRUE(h->features.test(feature_id("aes")));
  EXPECT_TRUE(h->added.test(feature_id("aes")));
  EXPECT_FALSE(h->adjust_reason.empty());
}

const char* kGoodCpu = R"(cpu {
  name: "testcpu"
  code_name: "Test"
  launch: "2010-01"
  end_of_sale: "2012-01"
  cores_per_socket: 4
  relative_speed: 1.0
  masking: FLEXMIGRATION
  cpuid: "00000000.00 0000000B-756E6547-6C65746E-49656E69"
  cpuid: "00000001.00 000106A5-00000000-00000001-00000001"
}
)";

std::string error_of(const std::vector<SourceFile>& files) {
  try {
    Catalog::load(files);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CatalogValidation, AcceptsAMinimalEntry) {
  Catalog c = Catalog::load({{"a.textproto", kGoodCpu}});
  ASSERT_EQ(c.cpus().size(), 1u);
  EXPECT_EQ(c.cpus()[0].features, make_feature_set({"sse3", "fpu"}));
}

// An entry as `cpu import` writes it: no dates, cores or speed. It loads
// with defaults, each named in a warning, and is never on the market.
TEST(CatalogValidation, AnImportedEntryGetsDefaultsAndWarnings) {
  std::string bare = kGoodCpu;
  for (const char* field : {"  launch: \"2010-01\"\n", "  end_of_sale: \"2012-01\"\n", "  cores_per_socket: 4\n"}) {
    auto at = bare.find(field);
    ASSERT_NE(at, std::string::npos) << field;
    bare.erase(at, std::string(field).size());
  }
  Catalog c = Catalog::load({{"k.textproto", bare}});
  ASSERT_EQ(c.cpus().size(), 1u);
  EXPECT_EQ(c.cpus()[0].cores_per_socket, 8);
  EXPECT_FALSE(c.cpus()[0].launch.valid());
  ASSERT_EQ(c.warnings().size(), 2u);
  EXPECT_EQ(c.warnings()[0].rfind("k.textproto:1: cpu.launch: warning:", 0), 0u) << c.warnings()[0];
  EXPECT_NE(c.warnings()[1].find("cpu.cores_per_socket: warning"), std::string::npos);
}

// A user's catalog extends the built-in one; an entry named like a built-in
// one replaces it.
TEST(CatalogValidation, LaterFilesReplaceEntriesOfTheSameName) {
  std::vector<SourceFile> files = builtin_catalog_files();
  const size_t builtin = files.size();
  std::string mine = kGoodCpu;
  mine.replace(mine.find("testcpu"), 7, "clovertown");
  files.push_back({"mine.textproto", std::string(kGoodCpu) + mine});
  Catalog c = Catalog::load(files, builtin);
  EXPECT_EQ(c.cpus().size(), Catalog::builtin().cpus().size() + 1);  // testcpu added, clovertown replaced
  ASSERT_NE(c.find_cpu("clovertown"), nullptr);
  EXPECT_EQ(c.find_cpu("clovertown")->launch.str(), "2010-01");
  EXPECT_NE(c.find_cpu("harpertown"), nullptr);
}

TEST(CatalogValidation, DuplicateNameNamesBothPlaces) {
  std::string e = error_of({{"a.textproto", kGoodCpu}, {"b.textproto", std::string("\n\n") + kGoodCpu}});
  EXPECT_EQ(e, "b.textproto:3: cpu.name: duplicate cpu name 'testcpu' (first defined at a.textproto:1)");
}

TEST(CatalogValidation, MalformedRegisterNamesFileAndLine) {
  std::string bad = kGoodCpu;
  bad.replace(bad.find("000106A5-"), 9, "000106A5_");
  EXPECT_EQ(error_of({{"c.textproto", bad}}).rfind("c.textproto:10: cpu.cpuid: ", 0), 0u)
      << error_of({{"c.textproto", bad}});
}

TEST(CatalogValidation, UnknownFeatureInBaselineNamesFileAndLine) {
  std::string text =
      std::string(kGoodCpu) +
      "baseline {\n  name: \"b1\"\n  kind: \"evc\"\n  from_cpu: \"testcpu\"\n  add: \"sse3\"\n  add: \"sse5\"\n}\n";
  EXPECT_EQ(error_of({{"d.textproto", text}}), "d.textproto:17: baseline.add: unknown feature 'sse5'");
}

TEST(CatalogValidation, UnknownCpuInBaseline) {
  std::string text = std::string(kGoodCpu) + "baseline { name: \"b1\" kind: \"evc\" from_cpu: \"nosuch\" }\n";
  EXPECT_EQ(error_of({{"e.textproto", text}}), "e.textproto:12: baseline.from_cpu: unknown CPU 'nosuch'");
}

TEST(CatalogValidation, SyntaxErrorsAndBadValues) {
  EXPECT_EQ(error_of({{"f.textproto", "cpu { name: \"x\" \n  launch: 2010 }\n"}}).rfind("f.textproto:2: column", 0),
            0u);
  std::string bad_date = kGoodCpu;
  bad_date.replace(bad_date.find("2012-01"), 7, "2012-13");
  EXPECT_NE(error_of({{"g.textproto", bad_date}}).find("g.textproto:5: cpu.end_of_sale: '2012-13' is not a month"),
            std::string::npos);
  std::string many_cores = kGoodCpu;
  many_cores.replace(many_cores.find("cores_per_socket: 4"), 19, "cores_per_socket: 5000");
  EXPECT_NE(error_of({{"h.textproto", many_cores}}).find("h.textproto:6: cpu.cores_per_socket"), std::string::npos);
  std::string no_mask = kGoodCpu;
  no_mask.replace(no_mask.find("  masking: FLEXMIGRATION\n"), 25, "");
  EXPECT_NE(error_of({{"i.textproto", no_mask}}).find("cpu.masking"), std::string::npos);
  std::string adjust = kGoodCpu;
  adjust.insert(adjust.rfind('}'), "  add_feature: \"avx\"\n");
  EXPECT_NE(error_of({{"j.textproto", adjust}}).find("adjust_reason"), std::string::npos);
}

TEST(CatalogValidation, DirectoryErrors) {
  EXPECT_THROW(Catalog::load_directory("/nonexistent/evcsim"), InputError);
  EXPECT_THROW(Catalog::load_directory(std::string(EVCSIM_SOURCE_DIR) + "/tests"), InputError);
  Catalog c = Catalog::load_directory(std::string(EVCSIM_SOURCE_DIR) + "/catalog/data");
  EXPECT_EQ(c.cpus().size(), cat().cpus().size());
}

// Issue 24: the Atom C3958 (not in the catalog) was nearest to three Opterons. Names of the query's vendor
// come first, and of its family (Xeon, Opteron, EPYC) before the vendor's others.
TEST(Catalog, NearestNamesStayWithinTheVendorAndFamily) {
  for (const auto& name : cat().nearest_cpus("Intel(R) Atom(TM) CPU C3958 @ 2.00GHz", 5)) {
    const CpuModel* c = cat().find_cpu(name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_TRUE(is_intel(c->vendor())) << name;
  }
  for (const auto& name : cat().nearest_cpus("AMD EPYC 7999 64-Core Processor", 3))
    EXPECT_EQ(name.rfind("EPYC", 0), 0U) << name;
  for (const auto& name : cat().nearest_cpus("Opteron 2399", 3)) EXPECT_EQ(name.rfind("Opteron", 0), 0U) << name;
  EXPECT_EQ(cat().nearest_cpus("Xeon Gold 6148 v2", 1).front(), "Xeon Gold 6148");
}

// A version suffix the numbering does not have names no part ("Xeon Gold 6148 v2" was Skylake-SP in
// silence); listed SKUs and brand strings still resolve, and catalog_lists tells a listed SKU from a
// numbering match.
TEST(Catalog, AVersionSuffixTheNumberingLacksIsNoPart) {
  EXPECT_EQ(cat().find_cpu("Xeon Gold 6148 v2"), nullptr);
  EXPECT_EQ(cat().find_cpu("Intel(R) Xeon(R) Gold 6148 v2 CPU @ 2.40GHz"), nullptr);
  EXPECT_EQ(cat().find_cpu("E5-2680 v7"), nullptr);
  EXPECT_EQ(cat().find_cpu("Xeon 6787P v2"), nullptr);
  ASSERT_NE(cat().find_cpu("Xeon Gold 6148"), nullptr);
  EXPECT_EQ(cat().find_cpu("Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz")->name, "broadwell-ep");
  EXPECT_TRUE(catalog_lists(cat(), "Xeon Gold 6148"));
  EXPECT_TRUE(catalog_lists(cat(), "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"));
  EXPECT_TRUE(catalog_lists(cat(), "skylake-sp"));
  ASSERT_NE(cat().find_cpu("Xeon Gold 6199"), nullptr);
  EXPECT_FALSE(catalog_lists(cat(), "Xeon Gold 6199"));
  EXPECT_FALSE(catalog_lists(cat(), "Xeon Gold 61480"));
}

}  // namespace
}  // namespace evcsim
