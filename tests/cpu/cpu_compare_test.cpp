#include "cpu/cpu_compare.hpp"

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"

namespace evcsim {
namespace {

const CpuModel& cpu(const char* n) { return *Catalog::builtin().find_cpu(n); }

TEST(Compare, HarpertownIsASupersetOfClovertownBySse41) {
  Comparison c = compare_cpus(cpu("E5420"), cpu("E5310"));
  EXPECT_EQ(c.relation, Relation::superset);
  EXPECT_TRUE(c.extra.test(feature_id("sse4_1")));
  EXPECT_TRUE(c.missing.empty());
  Comparison back = compare_cpus(cpu("E5310"), cpu("E5420"));
  EXPECT_EQ(back.relation, Relation::subset);
  EXPECT_EQ(back.missing, make_feature_set({"sse4_1"}));
  EXPECT_EQ(describe_by_register(back.missing), std::vector<std::string>{"CPUID level 0x1 register 'ecx': sse4_1"});
}

TEST(Compare, NetBurstSse2OnlyXeonLacksSse3) {
  Comparison c = compare_cpus(cpu("gallatin"), cpu("nocona"));
  EXPECT_EQ(c.relation, Relation::subset);
  EXPECT_TRUE(c.missing.test(feature_id("sse3")));
  EXPECT_TRUE(c.missing.test(feature_id("lm")));
  Comparison d = compare_cpus(cpu("nocona"), cpu("gallatin"));
  EXPECT_EQ(d.relation, Relation::superset);
}

TEST(Compare, IdenticalAndIncompatible) {
  EXPECT_EQ(compare_cpus(cpu("clovertown"), cpu("clovertown")).relation, Relation::identical);
  Comparison c = compare_cpus(cpu("interlagos"), cpu("barcelona"));
  EXPECT_EQ(c.relation, Relation::incompatible);
  EXPECT_TRUE(c.missing.test(feature_id("3dnow")));
  EXPECT_TRUE(c.extra.test(feature_id("avx")));
}

TEST(Compare, VendorMismatchIsIncompatible) {
  Comparison c = compare_cpus(cpu("rome"), cpu("skylake-sp"));
  EXPECT_FALSE(c.vendor_match);
  EXPECT_EQ(c.relation, Relation::incompatible);
  EXPECT_NE(c.reason.find("vendor mismatch"), std::string::npos);
}

}  // namespace
}  // namespace evcsim
