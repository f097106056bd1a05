// The planner's program on instances small enough to solve by hand, and
// `evcsim plan` end to end.
#include "plan/planner.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "base/error.hpp"
#include "scenario/scenario.pb.h"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

struct Instance {
  scenario::Scenario msg;
  ScenarioSpec spec;
};

Instance load(const std::string& text) {
  Instance i{{}, parse_scenario(text, "plan.textproto", Catalog::builtin())};
  google::protobuf::TextFormat::ParseFromString(text, &i.msg);
  return i;
}

// Four Woodcrest hosts due to retire (bought 2006-01, lifetime 5 years, a
// window of one year: any quarter of 2010), two Harpertown hosts that can
// carry the ten small VMs alone and join intel-penryn but not intel-nehalem
// (their own window opens in 2012, after the two-year horizon). By hand:
// retire the Woodcrests in the first quarter, buy nothing, raise to
// intel-penryn in the first quarter (SSE4.1 for ten VMs for two years is
// worth more than its one power cycle each), and nothing else. No HA reserve
// and one host at least (plan_cost_test.cpp tests those rules).
const char* kByHand = R"(start_date: "2010-01"
horizon: "2y"
plan { ha: "none" min_hosts: 1 }
policy { name: "cluster-baseline" }
refresh { lifetime_years: 5 baseline_policy: "auto-raise" headroom: 0.2 }
cluster { name: "c" baseline: "intel-merom"
  hosts { cpu: "Xeon 5160" name: "old" count: 4 ram_gib: 32 purchased: "2006-01" }
  hosts { cpu: "E5420" name: "new" count: 2 ram_gib: 64 purchased: "2009-01" } }
vm { name: "v" count: 10 cluster: "c" ram_mib: 2048 vcpus: 1 cpu_demand: 0.2 }
)";

TEST(Planner, RetiresEarlyToRaiseSoonerWhenThatIsTheOptimum) {
  Instance in = load(kByHand);
  plan::Plan p = plan::solve(in.spec, in.msg, Catalog::builtin(), plan::Options{});
  EXPECT_EQ(p.status, "optimal");
  EXPECT_EQ(p.quarters.size(), 8u);
  ASSERT_EQ(p.retirements.size(), 1u);
  EXPECT_EQ(p.groups[static_cast<size_t>(p.retirements[0].group)].name, "old");
  EXPECT_EQ(p.retirements[0].quarter, 0);
  EXPECT_TRUE(p.purchases.empty());
  ASSERT_EQ(p.raises.size(), 1u);
  EXPECT_EQ(p.raises[0].quarter, 0);
  EXPECT_EQ(p.raises[0].to, "intel-penryn");
  EXPECT_EQ(p.raises[0].notable_gained, 1);  // sse4_1
  EXPECT_TRUE(p.shortfalls.empty());
  // The plan as a scenario: the retirement, the raise 45 days in, automatic purchases off.
  const std::string text = plan::plan_scenario_text(in.msg, in.spec, p);
  EXPECT_NE(text.find("retire: \"2010-01\""), std::string::npos) << text;
  EXPECT_NE(text.find("at_date: \"2010-02-15\""), std::string::npos) << text;
  EXPECT_NE(text.find("planned: true"), std::string::npos) << text;
  EXPECT_NO_THROW(parse_scenario(text, "plan.textproto", Catalog::builtin()));
}

// Two purchases that differ only in what the host name leaves out (two
// catalog models of one generation, the same quarter) get distinct names:
// refresh-10y's plan bought two such cohorts and its plan.textproto failed
// to load ("duplicate host name").
TEST(Planner, PurchasedHostNamesAreUnique) {
  Instance in = load(kByHand);
  plan::Plan p = plan::solve(in.spec, in.msg, Catalog::builtin(), plan::Options{});
  const CpuModel* part = p.groups.back().cpu;
  ASSERT_NE(part, nullptr);
  for (int i = 0; i < 2; ++i)
    p.purchases.push_back({1, 0, part, 1, 1000, 2 * part->cores_per_socket, 64, 10, -1, "capacity for growth"});
  const std::string text = plan::plan_scenario_text(in.msg, in.spec, p);
  EXPECT_NO_THROW(parse_scenario(text, "plan.textproto", Catalog::builtin())) << text;
}

// A raise the simulation refused in a quarter is not planned there again.
TEST(Planner, ALearnedConstraintMovesTheRaise) {
  Instance in = load(kByHand);
  plan::Options o;
  o.no_raise.insert({0, 0});
  plan::Plan p = plan::solve(in.spec, in.msg, Catalog::builtin(), o);
  ASSERT_EQ(p.raises.size(), 1u);
  EXPECT_EQ(p.raises[0].quarter, 1);
}

// More VMs than the hosts hold: the program buys; with too small a budget
// it cannot, and says the budget binds.
TEST(Planner, AShortfallNamesTheBindingConstraint) {
  std::string grow = kByHand;
  grow.replace(grow.find("count: 10"), 9, "count: 150");
  Instance in = load(grow);
  plan::Plan p = plan::solve(in.spec, in.msg, Catalog::builtin(), plan::Options{});
  EXPECT_TRUE(p.shortfalls.empty());
  int bought = 0;
  for (const auto& x : p.purchases) bought += x.count;
  EXPECT_GT(bought, 0);
  plan::Options tight;
  tight.budget = 500;  // USD: less than any host
  plan::Plan q = plan::solve(in.spec, in.msg, Catalog::builtin(), tight);
  EXPECT_TRUE(q.purchases.empty());
  ASSERT_FALSE(q.shortfalls.empty());
  EXPECT_EQ(q.shortfalls[0].binding, "the budget of $500 is spent");
  // A cluster whose baseline nothing on the market can join (3DNow!, once Magny-Cours left the market).
  Instance trap = load(R"(start_date: "2013-06"
horizon: "1y"
refresh { lifetime_years: 5 }
cluster { name: "amd" baseline: "amd-rev-f" hosts { cpu: "santarosa" count: 2 ram_gib: 16 purchased: "2009-01" } }
vm { name: "v" count: 30 cluster: "amd" ram_mib: 2048 }
)");
  plan::Plan t = plan::solve(trap.spec, trap.msg, Catalog::builtin(), plan::Options{});
  ASSERT_FALSE(t.shortfalls.empty());
  EXPECT_EQ(t.shortfalls[0].binding,
            "1 host(s) below the minimum of 3; no part on the market can join amd-rev-f (the baseline cannot be "
            "lowered)");
}

TEST(Planner, BadInputIsNamed) {
  Instance no_refresh =
      load("start_date: \"2010-01\"\nhorizon: \"1y\"\ncluster { name: \"c\" hosts { cpu: \"E5420\" } }\n");
  try {
    plan::solve(no_refresh.spec, no_refresh.msg, Catalog::builtin(), plan::Options{});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("refresh: planning needs a refresh block with lifetime_years"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(plan::objective_named("cheap"), InputError);
}

// `evcsim plan` end to end: the plan's scenario, run again, reproduces the
// figures plan.json reports for it.
TEST(PlanCli, ThePlansScenarioReproducesItsFigures) {
  const fs::path dir = fs::temp_directory_path() / ("evcsim-plan-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "s.textproto") << kByHand;
  auto r = test::run_evcsim("plan " + (dir / "s.textproto").string() + " --out " + (dir / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("VM-feature-years (notable features)"), std::string::npos) << r.out;
  const std::string json = test::read_text(dir / "out" / "plan.json");
  EXPECT_NE(json.find("\"action\": \"raise\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"details\": \"intel-merom to intel-penryn (+1 notable"), std::string::npos) << json;
  EXPECT_TRUE(fs::exists(dir / "out" / "plan.html"));
  auto again = test::run_evcsim("run " + (dir / "out" / "plan.textproto").string() +
                                " --format json --events none --out " + (dir / "again").string());
  ASSERT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(test::read_text(dir / "again" / "results.json"),
            test::read_text(dir / "out" / "plan-run" / "results.json"));
  // The simulated plan raised where the program said, and VMs see SSE4.1 sooner than under auto-raise.
  EXPECT_NE(again.out.find("refused         power-on 0, operations 0"), std::string::npos) << again.out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evcsim
