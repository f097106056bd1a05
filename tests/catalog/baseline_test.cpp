#include "catalog/baseline.hpp"

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

const Catalog& cat() { return Catalog::builtin(); }
const Baseline& mode(const char* n) { return cat().baseline(n); }
const CpuModel& cpu(const char* n) { return *cat().find_cpu(n); }

TEST(Baselines, EveryNamedModeAndLevelExists) {
  for (const char* n : {"intel-merom",       "intel-penryn",      "intel-nehalem",   "intel-westmere",
                        "intel-sandybridge", "intel-ivybridge",   "intel-haswell",   "intel-broadwell",
                        "intel-skylake",     "intel-cascadelake", "intel-icelake",   "intel-sapphirerapids",
                        "amd-rev-e",         "amd-rev-f",         "amd-greyhound",   "amd-greyhound-no3dnow",
                        "amd-bulldozer",     "amd-piledriver",    "amd-steamroller", "amd-zen",
                        "amd-zen2",          "amd-zen3",          "amd-zen4",        "x86-64-v1",
                        "x86-64-v2",         "x86-64-v3",         "x86-64-v4"}) {
    const Baseline* b = cat().find_baseline(n);
    ASSERT_NE(b, nullptr) << n;
    EXPECT_FALSE(b->features.empty()) << n;
    EXPECT_TRUE(migratable_features().contains(b->features)) << n;
  }
}

TEST(Baselines, IntelModesFormAChain) {
  const char* chain[] = {"intel-merom",       "intel-penryn",      "intel-nehalem", "intel-westmere",
                         "intel-sandybridge", "intel-ivybridge",   "intel-haswell", "intel-broadwell",
                         "intel-skylake",     "intel-cascadelake", "intel-icelake", "intel-sapphirerapids"};
  for (size_t i = 1; i < std::size(chain); ++i) {
    EXPECT_TRUE(mode(chain[i]).includes(mode(chain[i - 1]))) << chain[i] << " should include " << chain[i - 1];
    EXPECT_FALSE(mode(chain[i - 1]).includes(mode(chain[i]))) << chain[i - 1] << " should not include " << chain[i];
  }
}

TEST(Baselines, AmdModesFormAPartialOrder) {
  EXPECT_TRUE(mode("amd-rev-f").includes(mode("amd-rev-e")));
  EXPECT_TRUE(mode("amd-greyhound").includes(mode("amd-rev-f")));
  EXPECT_TRUE(mode("amd-greyhound").includes(mode("amd-greyhound-no3dnow")));
  EXPECT_TRUE(mode("amd-bulldozer").includes(mode("amd-greyhound-no3dnow")));
  EXPECT_FALSE(mode("amd-bulldozer").includes(mode("amd-greyhound")));  // 3DNow!
  EXPECT_FALSE(mode("amd-greyhound").includes(mode("amd-bulldozer")));
  EXPECT_TRUE(mode("amd-piledriver").includes(mode("amd-bulldozer")));
  EXPECT_TRUE(mode("amd-steamroller").includes(mode("amd-piledriver")));
  EXPECT_FALSE(mode("amd-zen").includes(mode("amd-piledriver")));  // Zen dropped XOP, FMA4, TBM
  EXPECT_TRUE(mode("amd-zen2").includes(mode("amd-zen")));
  EXPECT_TRUE(mode("amd-zen3").includes(mode("amd-zen2")));
  EXPECT_TRUE(mode("amd-zen4").includes(mode("amd-zen3")));
  EXPECT_FALSE(mode("amd-zen").includes(mode("intel-merom")));  // vendors never include each other
}

TEST(Baselines, LevelsAreNestedAndVendorNeutral) {
  EXPECT_TRUE(mode("x86-64-v2").includes(mode("x86-64-v1")));
  EXPECT_TRUE(mode("x86-64-v3").includes(mode("x86-64-v2")));
  EXPECT_TRUE(mode("x86-64-v4").includes(mode("x86-64-v3")));
  EXPECT_TRUE(mode("x86-64-v3").vendor.empty());
  EXPECT_TRUE(mode("x86-64-v4").features.test(feature_id("avx512vl")));
}

TEST(Admission, BulldozerRefusedAtGreyhoundFor3DNowJoinsNo3DNow) {
  Admission a = check_admission(cpu("interlagos"), mode("amd-greyhound"));
  EXPECT_FALSE(a.ok);
  EXPECT_TRUE(a.missing.test(feature_id("3dnow")));
  EXPECT_NE(a.reason.find("3dnow"), std::string::npos);
  Admission b = check_admission(cpu("interlagos"), mode("amd-greyhound-no3dnow"));
  EXPECT_TRUE(b.ok);
  EXPECT_EQ(b.how, JoinHow::masking);
}

TEST(Admission, HaswellJoinsV3SandyBridgeRefusedWithTheMissingFeatures) {
  Admission h = check_admission(cpu("haswell-ep"), mode("x86-64-v3"));
  EXPECT_TRUE(h.ok);
  EXPECT_EQ(h.how, JoinHow::masking);
  Admission s = check_admission(cpu("sandybridge-ep"), mode("x86-64-v3"));
  EXPECT_FALSE(s.ok);
  EXPECT_TRUE(s.missing.contains(make_feature_set({"avx2", "bmi1", "bmi2", "fma", "movbe", "abm"})));
  EXPECT_NE(s.reason.find("avx2"), std::string::npos);
}

TEST(Admission, ExactMatchJoinsWithoutMaskingOtherwiseMaskingIsNeeded) {
  // Clovertown cannot mask but reports exactly the Merom mode.
  Admission native = check_admission(cpu("clovertown"), mode("intel-merom"));
  EXPECT_TRUE(native.ok);
  EXPECT_EQ(native.how, JoinHow::native);
  // Nocona (NetBurst) has more than x86-64-v1 and cannot hide it.
  Admission refused = check_admission(cpu("nocona"), mode("x86-64-v1"));
  EXPECT_FALSE(refused.ok);
  EXPECT_TRUE(refused.missing.empty());
  EXPECT_NE(refused.reason.find("no CPUID masking"), std::string::npos);
  // Harpertown has FlexMigration and hides SSE4.1 for the Merom mode.
  Admission masked = check_admission(cpu("harpertown"), mode("intel-merom"));
  EXPECT_TRUE(masked.ok);
  EXPECT_EQ(masked.how, JoinHow::masking);
  EXPECT_TRUE(masked.hidden.test(feature_id("sse4_1")));
}

TEST(Admission, VendorMismatchIsRefused) {
  Admission a = check_admission(cpu("rome"), mode("intel-merom"));
  EXPECT_FALSE(a.ok);
  EXPECT_NE(a.reason.find("vendor mismatch"), std::string::npos);
}

TEST(BestBaseline, PicksTheHighestModeAllHostsJoin) {
  auto best = [](const std::vector<const char*>& names, BaselineKind k) {
    std::vector<const CpuModel*> hosts;
    for (auto n : names) hosts.push_back(&cpu(n));
    auto b = best_baseline(hosts, cat().baselines(), k);
    return b ? b->name : std::string("none");
  };
  EXPECT_EQ(best({"harpertown", "nehalem-ep", "westmere-ep"}, BaselineKind::evc), "intel-penryn");
  EXPECT_EQ(best({"sandybridge-ep", "haswell-ep", "skylake-sp"}, BaselineKind::evc), "intel-sandybridge");
  EXPECT_EQ(best({"haswell-ep", "skylake-sp"}, BaselineKind::level), "x86-64-v3");
  EXPECT_EQ(best({"skylake-sp", "genoa"}, BaselineKind::level), "x86-64-v4");
  EXPECT_EQ(best({"skylake-sp", "genoa"}, BaselineKind::evc), "none");
  EXPECT_EQ(best({"interlagos", "barcelona"}, BaselineKind::evc), "amd-greyhound-no3dnow");
  EXPECT_EQ(best({"clovertown", "harpertown"}, BaselineKind::evc), "intel-merom");
  EXPECT_EQ(best({"genoa", "turin"}, BaselineKind::evc), "amd-zen4");
}

TEST(BestBaseline, LowestCommonDenominatorIsTheIntersection) {
  std::vector<const CpuModel*> hosts{&cpu("clovertown"), &cpu("harpertown")};
  FeatureSet lcd = lowest_common_denominator(hosts);
  EXPECT_EQ(lcd, cpu("clovertown").migratable() & cpu("harpertown").migratable());
  EXPECT_FALSE(lcd.test(feature_id("sse4_1")));
  EXPECT_TRUE(lcd.test(feature_id("ssse3")));
  EXPECT_TRUE(lowest_common_denominator({}).empty());
}

}  // namespace
}  // namespace evcsim
