#include "policy/masking/compatibility_graph.hpp"

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"

namespace evcsim {
namespace {

// Without masking (modern-superset), a VM powered on a Merom host may move to
// a Penryn host (a superset) but not back: two one-way classes, two domains.
TEST(CompatibilityGraph, RecountKeepsEdgesAndDomainsWithNewHostCounts) {
  const Catalog& cat = Catalog::builtin();
  const CpuModel* merom = cat.find_cpu("E5310");
  const CpuModel* penryn = cat.find_cpu("E5420");
  ASSERT_NE(merom, nullptr);
  ASSERT_NE(penryn, nullptr);
  PolicySpec spec;
  spec.name = "modern-superset";
  auto policy = make_masking_policy(spec);
  auto classes = [&](int a, int b) {
    return std::vector<HostClass>{{0, merom, nullptr, merom->features & penryn->features, a},
                                  {0, penryn, nullptr, merom->features & penryn->features, b}};
  };
  CompatibilityGraph g = build_compatibility_graph(classes(2, 7), *policy, {}, false);
  ASSERT_EQ(g.edges, (std::vector<std::pair<int, int>>{{0, 1}}));
  EXPECT_EQ(g.domains, 2);
  recount_compatibility_graph(g, {5, 1});
  CompatibilityGraph fresh = build_compatibility_graph(classes(5, 1), *policy, {}, false);
  EXPECT_EQ(g.edges, fresh.edges);
  EXPECT_EQ(g.domain, fresh.domain);
  EXPECT_EQ(g.domain_hosts, fresh.domain_hosts);
  EXPECT_EQ(g.classes[0].hosts, 5);
  EXPECT_EQ(g.classes[1].hosts, 1);
}

}  // namespace
}  // namespace evcsim
