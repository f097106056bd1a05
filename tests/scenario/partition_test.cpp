// The partitioner of split runs: which clusters must run in one process and
// why, and how the groups are dealt into parts.
#include "scenario/partition.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "catalog/catalog.hpp"

namespace evcsim {
namespace {

// Four clusters a, b, c, d of two hosts each (a-1 and a-2, b-1 and b-2, ...), and `rest`.
ScenarioSpec four_clusters(const std::string& rest) {
  std::string text = "horizon_s: 60\n";
  for (const char* c : {"a", "b", "c", "d"})
    text += fmt::format("cluster {{ name: \"{0}\" hosts {{ cpu: \"E5420\" name: \"{0}\" count: 2 }} }}\n", c);
  return parse_scenario(text + rest, "inline.textproto", Catalog::builtin());
}

std::vector<std::vector<int>> clusters_of(const std::vector<CoupledGroup>& groups) {
  std::vector<std::vector<int>> out;
  for (const CoupledGroup& g : groups) out.push_back(g.clusters);
  return out;
}

using Clusters = std::vector<std::vector<int>>;

TEST(Partition, ClustersCoupledByNothingAreGroupsOfTheirOwn) {
  ScenarioSpec spec = four_clusters(R"(vm { name: "x" count: 3 cluster: "a" }
vm { name: "y" count: 5 cluster: "c" })");
  auto groups = coupled_groups(spec);
  EXPECT_EQ(clusters_of(groups), (Clusters{{0}, {1}, {2}, {3}}));
  for (const CoupledGroup& g : groups) EXPECT_TRUE(g.reasons.empty());
  EXPECT_EQ(groups[0].hosts, 2u);
  EXPECT_EQ(groups[0].vms, 3u);
  EXPECT_EQ(groups[2].vms, 5u);
  EXPECT_EQ(groups[1].vms, 0u);
}

// The acceptance item of issue 26: one VM group over two clusters runs them in one part.
TEST(Partition, AVmGroupOverTwoClustersPutsThemInOnePart) {
  ScenarioSpec spec = four_clusters(R"(vm { name: "web" count: 1 cluster: "b" }
vm { name: "web" count: 2 cluster: "d" }
vm { name: "db" count: 2 cluster: "a" })");
  auto groups = coupled_groups(spec);
  ASSERT_EQ(clusters_of(groups), (Clusters{{0}, {1, 3}, {2}}));
  EXPECT_EQ(groups[1].reasons, std::vector<std::string>{"VM group web spans b and d"});
  EXPECT_EQ(groups[1].hosts, 4u);
  EXPECT_EQ(groups[1].vms, 3u);
  for (int parts : {2, 3, 4, 0}) {
    bool together = false;
    for (const auto& part : split_clusters(groups, parts))
      together |=
          part == std::vector<int>{1, 3} || part == std::vector<int>{0, 1, 3} || part == std::vector<int>{1, 2, 3};
    EXPECT_TRUE(together) << parts << " parts";
  }
}

TEST(Partition, FallbackClustersCoupleTheGroupsClusters) {
  ScenarioSpec spec = four_clusters(R"(vm { name: "web" count: 2 cluster: "a" fallback_clusters: ["c", "d"] })");
  auto groups = coupled_groups(spec);
  ASSERT_EQ(clusters_of(groups), (Clusters{{0, 2, 3}, {1}}));
  EXPECT_EQ(groups[0].reasons, std::vector<std::string>{"VM group web falls back over a, c and d"});
}

TEST(Partition, RulesOverSeveralClustersCoupleThem) {
  ScenarioSpec spec = four_clusters(R"(vm { name: "x" cluster: "a" }
vm { name: "y" cluster: "b" }
vm { name: "z" cluster: "c" }
rule { kind: "anti-affinity" vm: ["x", "y"] }
rule { kind: "vm-host" vm: "z" host: ["d-1"] })");
  auto groups = coupled_groups(spec);
  ASSERT_EQ(clusters_of(groups), (Clusters{{0, 1}, {2, 3}}));
  EXPECT_EQ(groups[0].reasons, std::vector<std::string>{"anti-affinity rule 1 spans a and b"});
  EXPECT_EQ(groups[1].reasons, std::vector<std::string>{"vm-host rule 2 spans c and d"});
}

TEST(Partition, AMoveToAHostOfAnotherClusterCouplesOnlyThatOperationsClusters) {
  ScenarioSpec spec = four_clusters(R"(vm { name: "x" cluster: "a" }
vm { name: "y" cluster: "c" }
vm { name: "z" cluster: "d" }
at { at_s: 10 cold_migrate { vm: "x" host: "b-1" } }
at { at_s: 20 power_off { vm: "y" } }
at { at_s: 20 power_off { vm: "z" } }
at { at_s: 30 migrate { vm: "y" host: "c-2" } })");
  auto groups = coupled_groups(spec);
  ASSERT_EQ(clusters_of(groups), (Clusters{{0, 1}, {2}, {3}}));
  ASSERT_EQ(groups[0].reasons.size(), 1u);
  EXPECT_EQ(groups[0].reasons[0].rfind("operation 'cold_migrate x to b-1' (line ", 0), 0u) << groups[0].reasons[0];
  EXPECT_NE(groups[0].reasons[0].find(") spans a and b"), std::string::npos) << groups[0].reasons[0];
}

TEST(Partition, BoughtHostsNumberedAcrossTheRunCoupleEveryCluster) {
  const std::string vms = R"(vm { name: "x" cluster: "a" }
)";
  auto per_cluster = coupled_groups(four_clusters(vms + "refresh { lifetime_years: 3 }"));
  EXPECT_EQ(per_cluster.size(), 4u);  // the default rule names per cluster: "{cluster}-n{:02}"
  auto across = coupled_groups(four_clusters(vms + R"(refresh { lifetime_years: 3 bought_host_name: "esx-n{:03}" })"));
  ASSERT_EQ(clusters_of(across), (Clusters{{0, 1, 2, 3}}));
  EXPECT_NE(across[0].reasons[0].find("'esx-n{:03}' has no {cluster}"), std::string::npos) << across[0].reasons[0];
}

TEST(Partition, ClustersWhoseBoughtHostsCanShareANameRunTogether) {
  // Clusters a, a1, b and a-n7: "{cluster}{:02}" gives a's 101st host and
  // a1's first the same name, "a101" (a name is taken once across the run).
  auto spec = [](const std::string& rule) {
    std::string text = "horizon_s: 60\n";
    for (const char* c : {"a", "a1", "b", "a-n7"})
      text += fmt::format("cluster {{ name: \"{0}\" hosts {{ cpu: \"E5420\" name: \"{0}-h\" count: 2 }} }}\n", c);
    return parse_scenario(text + "refresh { lifetime_years: 3 bought_host_name: \"" + rule + "\" }", "inline.textproto",
                          Catalog::builtin());
  };
  auto glued = coupled_groups(spec("{cluster}{:02}"));
  ASSERT_EQ(clusters_of(glued), (Clusters{{0, 1, 3}, {2}}));  // a-n7 starts with a too
  EXPECT_NE(glued[0].reasons[0].find("bought hosts of a and a1 can be given the same name"), std::string::npos)
      << glued[0].reasons[0];
  // "{cluster}-n{:02}": a's names start "a-n", so only a-n7 can meet them.
  EXPECT_EQ(clusters_of(coupled_groups(spec("{cluster}-n{:02}"))), (Clusters{{0, 3}, {1}, {2}}));
  // A number before the name: two names meet only if one ends with the
  // other ("b" and "ab" would), and none of these does.
  EXPECT_EQ(clusters_of(coupled_groups(spec("esx{:02}{cluster}"))), (Clusters{{0}, {1}, {2}, {3}}));
}

CoupledGroup group(std::vector<int> clusters, size_t hosts, size_t vms) {
  return CoupledGroup{std::move(clusters), {}, hosts, vms};
}

TEST(Partition, SplitDealsTheHeaviestGroupsOntoTheLightestParts) {
  // Work (hosts x 20 + VMs): 400, 300, 200, 200, 100.
  std::vector<CoupledGroup> groups{group({0}, 20, 0), group({1, 4}, 10, 100), group({2}, 10, 0), group({3}, 5, 100),
                                   group({5}, 0, 100)};
  // 400 | 300 | 200 + 200 (the first 200 to the third part, the second too:
  // it is then the lightest at 200 against 300), then 100 onto 300.
  EXPECT_EQ(split_clusters(groups, 3), (Clusters{{0}, {1, 4, 5}, {2, 3}}));
  // Two parts: 400 | 300, then 200 onto 300, 200 onto 400, 100 onto 500.
  EXPECT_EQ(split_clusters(groups, 2), (Clusters{{0, 3}, {1, 2, 4, 5}}));
  // Deterministic: the same groups, the same parts.
  EXPECT_EQ(split_clusters(groups, 3), split_clusters(groups, 3));
}

TEST(Partition, SplitNeverMakesMorePartsThanGroups) {
  std::vector<CoupledGroup> groups{group({0, 1}, 4, 10), group({2}, 2, 5)};
  EXPECT_EQ(split_clusters(groups, 8).size(), 2u);
  EXPECT_EQ(split_clusters(groups, 0).size(), 2u);  // 0: one part per group
  EXPECT_EQ(split_clusters(groups, 1), (Clusters{{0, 1, 2}}));
  EXPECT_TRUE(split_clusters({}, 4).empty());
}

}  // namespace
}  // namespace evcsim
