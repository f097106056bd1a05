#include "cpu/brand_string.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "interop/importers.hpp"

namespace evcsim {
namespace {

std::string gen(const char* brand) { return generation_of_brand(brand).value_or("none"); }

// Brand strings as hosts report them resolve by SKU family, not by a list of
// example SKUs: none of these numbers is in the catalog.
TEST(BrandString, IntelFamilies) {
  EXPECT_EQ(gen("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"), "skylake-sp");
  EXPECT_EQ(gen("Intel(R) Xeon(R) Platinum 8276L CPU @ 2.20GHz"), "cascadelake-sp");
  EXPECT_EQ(gen("Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz"), "icelake-sp");
  EXPECT_EQ(gen("Intel(R) Xeon(R) Gold 6430"), "sapphirerapids");
  EXPECT_EQ(gen("INTEL(R) XEON(R) PLATINUM 8592+"), "emeraldrapids");
  EXPECT_EQ(gen("Intel(R) Xeon(R) 6960P"), "graniterapids");
  EXPECT_EQ(gen("Intel(R) Xeon(R) CPU E5-2609 v3 @ 1.90GHz"), "haswell-ep");
  EXPECT_EQ(gen("Intel(R) Xeon(R) CPU E5-2650 0 @ 2.00GHz"), "sandybridge-ep");
  EXPECT_EQ(gen("Intel(R) Xeon(R) CPU E5-2640 v4 @ 2.40GHz"), "broadwell-ep");
  EXPECT_EQ(gen("Intel(R) Xeon(R) CPU E7-4850 v2 @ 2.30GHz"), "ivybridge-ep");
  EXPECT_EQ(gen("Intel(R) Xeon(R) CPU           L5520  @ 2.27GHz"), "nehalem-ep");
  EXPECT_EQ(gen("Intel(R) Xeon(R) CPU           E5645  @ 2.40GHz"), "westmere-ep");
  EXPECT_EQ(gen("Intel(R) Xeon(R) CPU           E5405  @ 2.00GHz"), "harpertown");
  EXPECT_EQ(gen("Intel(R) Xeon(R) CPU           X7460  @ 2.66GHz"), "harpertown");
  // Sierra Forest, Atom and Hygon: named (the catalog has no part of them
  // yet, and says so); Xeon W workstation parts are Sapphire Rapids.
  EXPECT_EQ(gen("Intel(R) Xeon(R) 6780E"), "sierraforest");
  EXPECT_EQ(gen("Intel(R) Atom(TM) CPU P5362 @ 2.20GHz"), "snowridge");
  EXPECT_EQ(gen("Hygon C86 7185 32-core Processor"), "dhyana");
  EXPECT_EQ(gen("Intel(R) Xeon(R) w9-3495X"), "sapphirerapids");
  EXPECT_EQ(gen("Intel(R) Xeon(R) w3-2423"), "sapphirerapids");
  EXPECT_EQ(gen("Intel(R) Atom(TM) CPU C3758 @ 2.20GHz"), "none");  // Denverton: not named
  EXPECT_EQ(gen("Intel(R) Core(TM) i7-8700 CPU"), "none");          // not a server part
}

TEST(BrandString, AmdFamilies) {
  EXPECT_EQ(gen("AMD EPYC 7502 32-Core Processor"), "rome");
  EXPECT_EQ(gen("AMD EPYC 7313P 16-Core Processor"), "milan");
  EXPECT_EQ(gen("AMD EPYC 7281 16-Core Processor"), "naples");
  EXPECT_EQ(gen("AMD EPYC 9354 32-Core Processor"), "genoa");
  EXPECT_EQ(gen("AMD EPYC 9754 128-Core Processor"), "bergamo");
  EXPECT_EQ(gen("AMD EPYC 9575F 64-Core Processor"), "turin");
  EXPECT_EQ(gen("Quad-Core AMD Opteron(tm) Processor 2354"), "barcelona");
  EXPECT_EQ(gen("Quad-Core AMD Opteron(tm) Processor 2387"), "shanghai");
  EXPECT_EQ(gen("Six-Core AMD Opteron(tm) Processor 8439 SE"), "istanbul");
  EXPECT_EQ(gen("AMD Opteron(tm) Processor 6128"), "magnycours");
  EXPECT_EQ(gen("AMD Opteron(TM) Processor 6234"), "interlagos");
  EXPECT_EQ(gen("AMD Opteron(tm) Processor 6344"), "abudhabi");
  EXPECT_EQ(gen("Dual-Core AMD Opteron(tm) Processor 2212"), "santarosa");
  EXPECT_EQ(gen("AMD Opteron(tm) Processor 280"), "k8-rev-e");
}

// The catalog answers to brand strings; an unknown one gets the three
// nearest names.
TEST(BrandString, TheCatalogAndTheCliAnswerToThem) {
  const Catalog& cat = Catalog::builtin();
  ASSERT_NE(cat.find_cpu("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"), nullptr);
  EXPECT_EQ(cat.find_cpu("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz")->name, "skylake-sp");
  try {
    resolve_cpu(cat, "Opteron 9999");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("nearest: "), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Opteron 2"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace evcsim
