// Placement, procurement and baseline policies: each family's table and the
// choices its policies make, on catalog parts.
#include <algorithm>

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "policy/baseline/baseline_policy.hpp"
#include "policy/placement/placement_policy.hpp"
#include "policy/procurement/procurement_policy.hpp"
#include "scenario/scenario.hpp"

namespace evcsim {
namespace {

const CpuModel* cpu(const char* name) {
  const CpuModel* c = Catalog::builtin().find_cpu(name);
  EXPECT_NE(c, nullptr) << name;
  return c;
}

TEST(PlacementPolicies, LeastLoadedAndBestFitOrderHostsDifferently) {
  auto least = make_placement_policy("least-loaded");
  auto best = make_placement_policy("best-fit");
  PlacementCandidate roomy_idle{64 * 1024, 0.1}, tight_busy{8 * 1024, 0.6};
  EXPECT_LT(least->score(roomy_idle), least->score(tight_busy));
  EXPECT_LT(best->score(tight_busy), best->score(roomy_idle));
  EXPECT_THROW(make_placement_policy("random"), InputError);
}

TEST(ProcurementPolicies, NewestSameGenerationAndCheapest) {
  MarketView m;
  m.today = YearMonth{2013, 6};
  m.joinable = {cpu("sandybridge-ep"), cpu("ivybridge-ep")};  // Sandy Bridge-EP, Ivy Bridge-EP
  EXPECT_EQ(make_procurement_policy("newest")->choose(m), cpu("ivybridge-ep"));
  auto same = make_procurement_policy("same-generation");
  EXPECT_EQ(same->choose(m), cpu("ivybridge-ep"));  // no hosts yet: the newest
  m.cluster_newest = cpu("sandybridge-ep");
  EXPECT_EQ(same->choose(m), cpu("sandybridge-ep"));
  // Ivy Bridge-EP launched months ago carries its premium: Sandy Bridge is cheaper per unit.
  // Price per unit of capacity, a launch premium fading over two years.
  auto cost = [&](const CpuModel* p) {
    double months = m.today.index() - p->launch.index();
    return (1.0 + 0.6 * std::max(0.0, 1 - months / 24)) / (p->cores_per_socket * p->relative_speed);
  };
  const CpuModel* cheaper =
      cost(cpu("sandybridge-ep")) <= cost(cpu("ivybridge-ep")) ? cpu("sandybridge-ep") : cpu("ivybridge-ep");
  EXPECT_EQ(make_procurement_policy("cheapest")->choose(m), cheaper);
  EXPECT_THROW(make_procurement_policy("oldest"), InputError);
}

TEST(BaselinePolicies, FixedNeverRaisesAutoRaiseKeepsTheMarketJoinable) {
  EXPECT_FALSE(make_baseline_policy("fixed")->raises());
  EXPECT_EQ(make_baseline_policy("fixed")->target(BaselineContext{}), std::nullopt);
  EXPECT_THROW(make_baseline_policy("never"), InputError);  // the loader maps the old name to fixed

  const Catalog& cat = Catalog::builtin();
  BaselineContext c;
  c.hosts = {cpu("sandybridge-ep"), cpu("ivybridge-ep")};
  c.current = cat.find_baseline("intel-merom");
  c.baselines = &cat.baselines();
  c.today = YearMonth{2014, 1};
  c.vendor = "GenuineIntel";
  auto raise = make_baseline_policy("auto-raise");
  ASSERT_TRUE(raise->raises());
  auto to = raise->target(c);
  ASSERT_TRUE(to);
  EXPECT_EQ(to->name, "intel-sandybridge");
  // An older part still on sale holds the raise down to what it can join.
  c.newest_on_sale = cpu("westmere-ep");
  auto held = raise->target(c);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->name, "intel-westmere");

  auto lcd = make_baseline_policy("dynamic-lcd")->target(c);
  ASSERT_TRUE(lcd);
  EXPECT_EQ(lcd->name, "lcd-2014-01");
  EXPECT_EQ(lcd->features, lowest_common_denominator(c.hosts));
}

TEST(BaselinePolicies, NeverIsReadAsFixedWithAWarningUnknownNamesListTheTable) {
  const std::string base = R"(horizon_s: 86400
cluster { name: "c" hosts { cpu: "E5420" name: "a" } }
refresh { lifetime_years: 5 baseline_policy: "%s" })";
  auto with = [&](const std::string& name) {
    std::string text = base;
    text.replace(text.find("%s"), 2, name);
    return parse_scenario(text, "p.textproto", Catalog::builtin());
  };
  ScenarioSpec s = with("never");
  EXPECT_EQ(s.refresh.baseline_policy, "fixed");
  ASSERT_FALSE(s.warnings.empty());
  EXPECT_NE(s.warnings[0].find("'never' is read as 'fixed'"), std::string::npos) << s.warnings[0];
  try {
    with("sometimes");
    FAIL() << "an unknown baseline policy must be refused";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("p.textproto:3: baseline_policy"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fixed, auto-raise, dynamic-lcd or auto-raise-ahead"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

// Each family's table gives a policy its name once: what a policy reports as
// its name() is its entry's, for every entry of every family.
template <class Table>
void expect_names_from(Table table) {
  for (const auto& e : table) EXPECT_EQ(make_entry(e)->name(), e.name);
}

TEST(OperationPolicies, EveryFamilyNamesItsPoliciesFromItsTable) {
  expect_names_from(placement_policy_table());
  expect_names_from(procurement_policy_table());
  expect_names_from(baseline_policy_table());
  EXPECT_EQ(make_baseline_policy("auto-raise-ahead")->name(), "auto-raise-ahead");
  // auto-raise raises the cluster's own baseline: the table says it reads it.
  EXPECT_TRUE(find_named(baseline_policy_table(), "auto-raise")->reads_setting("baseline"));
  EXPECT_FALSE(find_named(baseline_policy_table(), "fixed")->reads_setting("baseline"));
}

}  // namespace
}  // namespace evcsim
