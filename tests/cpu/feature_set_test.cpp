#include "cpu/feature_set.hpp"

#include <unordered_set>

#include <gtest/gtest.h>

#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

TEST(FeatureSet, SetAlgebra) {
  FeatureSet a = make_feature_set({"sse", "sse2", "sse3", "avx2"});
  FeatureSet b = make_feature_set({"sse", "sse2", "sse4_1"});
  EXPECT_EQ((a & b), make_feature_set({"sse", "sse2"}));
  EXPECT_EQ((a | b).count(), 5u);
  EXPECT_EQ((a - b), make_feature_set({"sse3", "avx2"}));
  EXPECT_TRUE((a | b).contains(a));
  EXPECT_FALSE(a.contains(b));
  EXPECT_TRUE(a.intersects(b));
  EXPECT_FALSE(FeatureSet{}.intersects(a));
  EXPECT_TRUE(a.contains(FeatureSet{}));
  EXPECT_TRUE(FeatureSet{}.empty());
}

TEST(FeatureSet, LackingNamesWhatTheFirstLacks) {
  FeatureSet clovertown = make_feature_set({"sse3", "ssse3"});
  FeatureSet harpertown = make_feature_set({"sse3", "ssse3", "sse4_1"});
  EXPECT_EQ(lacking(clovertown, harpertown), make_feature_set({"sse4_1"}));
  EXPECT_TRUE(lacking(harpertown, clovertown).empty());
}

TEST(FeatureSet, HighIdsUseTheLastWord) {
  FeatureSet s;
  auto last = static_cast<FeatureId>(all_features().size() - 1);
  s.set(last);
  EXPECT_TRUE(s.test(last));
  EXPECT_EQ(s.count(), 1u);
  std::vector<FeatureId> seen;
  s.for_each([&](FeatureId id) { seen.push_back(id); });
  EXPECT_EQ(seen, std::vector<FeatureId>{last});
  s.reset(last);
  EXPECT_TRUE(s.empty());
}

TEST(FeatureSet, IsHashableValue) {
  std::unordered_set<FeatureSet> sets;
  sets.insert(make_feature_set({"avx"}));
  sets.insert(make_feature_set({"avx"}));
  sets.insert(make_feature_set({"avx2"}));
  EXPECT_EQ(sets.size(), 2u);
  FeatureSet copy = make_feature_set({"avx"});
  EXPECT_EQ(copy, make_feature_set({"avx"}));
  EXPECT_NE(copy, make_feature_set({"avx2"}));
}

TEST(FeatureSet, ParsesCommaOrSpaceSeparatedLists) {
  EXPECT_EQ(parse_feature_list("sse4.1, pni avx2"), make_feature_set({"sse4_1", "sse3", "avx2"}));
}

}  // namespace
}  // namespace evcsim
