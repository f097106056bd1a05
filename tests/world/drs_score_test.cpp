// vSphere 7's DRS (world/controllers/drs_score): the per-VM DRS score, the
// release that chooses it, the moves it makes and the ones it does not; on
// a FakeSim.

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;
using test::host_named;
using test::metrics_of;

// The CPU capacity of one E5420 host as the inventory gives it.
double e5420_capacity() {
  FakeRun run(R"(horizon_s: 60
cluster { name: "c" hosts { cpu: "E5420" name: "h" ram_gib: 64 } }
)");
  return run.world.inventory().hosts[0].capacity;
}

TEST(DrsScore, TheReleaseInEffectChoosesTheModel) {
  auto from = [](const std::string& extra) {
    return DrsController::score_mode_from(parse_scenario(extra + R"(
horizon_s: 86400000
cluster { name: "c" hosts { cpu: "E5420" name: "h" ram_gib: 64 } }
)",
                                                         "t.textproto", Catalog::builtin()));
  };
  const double never = std::numeric_limits<double>::infinity();
  EXPECT_EQ(from(""), never);                             // no calendar: 2010, vSphere 4
  EXPECT_EQ(from(R"(start_date: "2018-01")"), never);     // 6.5 was out
  EXPECT_EQ(from(R"(start_date: "2020-06")"), 0);         // 7.0 (GA 2020-04) was out
  EXPECT_EQ(from(R"(hypervisor { esxi: "8.0u2" })"), 0);  // named
  EXPECT_EQ(from(R"(start_date: "2022-01" hypervisor { esxi: "6.7" })"), never);
  const ScenarioSpec up = parse_scenario(R"(start_date: "2019-01" horizon_s: 86400000
hypervisor { esxi: "6.7" upgrade_to: "7.0u3" upgrade_date: "2020-01" }
cluster { name: "c" hosts { cpu: "E5420" name: "h" ram_gib: 64 } })",
                                         "t.textproto", Catalog::builtin());
  EXPECT_EQ(DrsController::score_mode_from(up), up.hypervisor.upgrade_at_s);
  EXPECT_GT(up.hypervisor.upgrade_at_s, 0);
}

// A VM on a host whose demand is 1.5 times its capacity gets two thirds of
// what it asks: a score of 67%. Every minute DRS moves VMs to the idle host
// until every VM scores 100%; with interval_s set, passes keep that interval.
TEST(DrsScore, AVmOnAnOverloadedHostScoresLowAndMoves) {
  const double cap = e5420_capacity();
  const std::string text = fmt::format(R"(horizon_s: 3600
hypervisor {{ esxi: "7.0" }}
{}
workload {{ noise: 0 diurnal_amplitude: 0 }}
cluster {{ name: "c" hosts {{ cpu: "E5420" name: "h" count: 2 ram_gib: 64 }} }}
vm {{ name: "v" count: 12 host: "h-1" ram_mib: 2048 cpu_demand: {} }}
)",
                                       "drs { balance: true }", 1.5 * cap / 12);
  FakeRun run(text);
  run.run_until(3600);
  auto passes = run.rec.all<DrsPass>();
  ASSERT_GE(passes.size(), 2u);
  EXPECT_DOUBLE_EQ(passes[0].t, 60);  // vSphere 7's pass every minute
  EXPECT_NEAR(passes[0].drs_score_min, 100 / 1.5, 1e-6);
  EXPECT_NEAR(passes[0].drs_score, 100 / 1.5, 1e-6);  // every VM is on the overloaded host
  EXPECT_GT(passes[1].moves, 0);                      // at the second minute: the VMs were still booting at the first
  for (const auto& m : run.rec.all<MigrationCompleted>()) EXPECT_EQ(m.dst, host_named(run.spec, "h-2"));
  EXPECT_GE(run.rec.all<MigrationCompleted>().size(), 4u);  // h-1 back to its capacity: 8 VMs
  EXPECT_DOUBLE_EQ(passes.back().drs_score_min, 100);
  EXPECT_EQ(passes.back().moves, 0);
  const auto m = metrics_of(run, 3600);
  EXPECT_EQ(m.at("drs_score.min"), passes[0].drs_score_min);
  EXPECT_GT(m.at("drs_score.mean"), 95);  // most passes found the cluster happy
  EXPECT_GT(m.at("drs_moves"), 0);

  std::string set = text;
  set.replace(set.find("drs { balance: true }"), 21, "drs { balance: true interval_s: 300 }");
  FakeRun slow(set);
  slow.run_until(3600);
  ASSERT_FALSE(slow.rec.all<DrsPass>().empty());
  EXPECT_DOUBLE_EQ(slow.rec.all<DrsPass>()[0].t, 300);
}

// The documented difference of vSphere 7's DRS: a cluster whose hosts are
// unequally loaded but whose VMs all get what they ask is left alone. The
// 5-6 model moves VMs until the standard deviation is under its target.
TEST(DrsScore, ABalancedButUnequalClusterDoesNotMoveUnderDrs2) {
  const double cap = e5420_capacity();
  auto run_with = [&](const std::string& release) {
    auto run = std::make_unique<FakeRun>(fmt::format(R"(horizon_s: 3600
hypervisor {{ esxi: "{}" }}
drs {{ balance: true interval_s: 300 }}
workload {{ noise: 0 diurnal_amplitude: 0 }}
cluster {{ name: "c" hosts {{ cpu: "E5420" name: "h" count: 4 ram_gib: 64 }} }}
vm {{ name: "v" count: 20 host: "h-1" ram_mib: 2048 cpu_demand: {} }}
)",
                                                     release, 0.6 * cap / 20));
    run->run_until(3600);
    return run;
  };
  auto v7 = run_with("7.0");
  auto v6 = run_with("6.7");
  int moves7 = 0, moves6 = 0;
  for (const auto& p : v7->rec.all<DrsPass>()) {
    moves7 += p.moves;
    EXPECT_DOUBLE_EQ(p.drs_score_min, 100);
    EXPECT_GT(p.imbalance, DrsController::target_imbalance(3, 4));  // 5-6 would call it unbalanced
  }
  for (const auto& p : v6->rec.all<DrsPass>()) {
    moves6 += p.moves;
    EXPECT_EQ(p.drs_score, -1);
  }
  EXPECT_FALSE(v7->rec.all<DrsPass>().empty());
  EXPECT_EQ(moves7, 0);
  EXPECT_GT(moves6, 0);
  const auto m7 = metrics_of(*v7, 3600);
  EXPECT_EQ(m7.at("drs_passes") + m7.at("drs_passes_stuck"), 0);  // happy passes looked for nothing
  EXPECT_DOUBLE_EQ(m7.at("drs_score.mean"), 100);
  EXPECT_EQ(metrics_of(*v6, 3600).count("drs_score.mean"), 0u);
}

// An upgrade to 7.0 switches the model at its date: 5-6 passes every 300 s
// (stuck here: the only other host is one the policy will not move these
// VMs to), then vSphere 7's passes every 60 s, the VMs all happy.
TEST(DrsScore, AnUpgradeTo7SwitchesTheModelAtItsDate) {
  FakeRun run(R"(horizon_s: 2764800
start_date: "2020-01"
hypervisor { esxi: "6.7" upgrade_to: "7.0" upgrade_date: "2020-02" }
policy { name: "modern-superset" }
drs { balance: true threshold: 5 }
workload { noise: 0 diurnal_amplitude: 0 }
patching { enabled: false }
cluster { name: "c"
  hosts { cpu: "E5420" name: "new" ram_gib: 64 }
  hosts { cpu: "E5310" name: "old" ram_gib: 64 } }
vm { name: "v" count: 8 host: "new" ram_mib: 4096 cpu_demand: 0.25 }
)");
  const double at = run.spec.hypervisor.upgrade_at_s;
  ASSERT_NEAR(at, 31 * 86400, 1);
  run.run_until(2764800);
  double last = 0;
  int before = 0, after = 0;
  for (const auto& p : run.rec.all<DrsPass>()) {
    if (p.t < at) {
      ++before;
      EXPECT_EQ(p.drs_score, -1) << p.t;
      EXPECT_NEAR(std::fmod(p.t, 300), 0, 1e-6) << p.t;
    } else {
      ++after;
      EXPECT_DOUBLE_EQ(p.drs_score, 100) << p.t;
      if (last >= at) {
        EXPECT_NEAR(p.t - last, 60, 1e-6) << p.t;
      }
    }
    last = p.t;
  }
  EXPECT_GT(before, 1000);
  EXPECT_GT(after, 1000);
  EXPECT_EQ(run.rec.all<DrsPass>()[static_cast<size_t>(before)].t, at);  // the first pass at the upgrade
}

// The same sweep as the 5-6 model's (drs_test.cpp) under vSphere 7: the
// old hosts run at 1.25 times their capacity (every VM scores 80%), a
// quarter more hosts join empty, and within a day every VM is back at 100%,
// the new hosts carry most of their share and the moves per host do not
// grow or shrink with the cluster.
TEST(DrsScore, RebalancesEveryClusterSizeFrom8To96Hosts) {
  const double cap = e5420_capacity();
  std::map<int, double> moves_per_host;
  for (int n : {8, 16, 32, 64, 96}) {
    const int joining = n / 4, vms = 40 * (n - joining);
    FakeRun run(fmt::format(R"(horizon_s: 90000
hypervisor {{ esxi: "7.0" }}
drs {{ balance: true }}
workload {{ noise: 0.05 diurnal_amplitude: 0 }}
cluster {{ name: "c" hosts {{ cpu: "E5420" name: "old" count: {} ram_gib: 256 }} }}
vm {{ name: "v" count: {} cluster: "c" ram_mib: 3072 cpu_demand: {} }}
at {{ after: "1h" add_host {{ cluster: "c" hosts {{ cpu: "E5420" name: "new" count: {} ram_gib: 256 }} }} }}
)",
                            n - joining, vms, 1.25 * cap / 40, joining));
    run.run_until(90000);
    const Inventory& inv = run.world.inventory();
    int on_new = 0;
    for (int k = 1; k <= joining; ++k)
      on_new += static_cast<int>(inv.hosts[host_named(run.spec, fmt::format("new-{}", k))].vms.size());
    const double share = static_cast<double>(vms) / n;
    EXPECT_GT(on_new, 0.6 * share * joining) << n << " hosts";
    auto passes = run.rec.all<DrsPass>();
    ASSERT_FALSE(passes.empty()) << n;
    EXPECT_LT(passes.front().drs_score_min, 81) << n << " hosts";
    EXPECT_DOUBLE_EQ(passes.back().drs_score_min, 100) << n << " hosts";
    int moves = 0;
    double done_at = 0;
    for (const auto& p : passes) {
      moves += p.moves;
      if (p.moves > 0) done_at = p.t;
    }
    EXPECT_GT(moves, 0) << n << " hosts";
    EXPECT_LT(done_at, 86400) << n << " hosts";  // filled within the day
    moves_per_host[n] = static_cast<double>(moves) / n;
  }
  for (const auto& [n, m] : moves_per_host) {
    EXPECT_GT(m, 0.5 * moves_per_host[8]) << n << " hosts: " << m << " moves per host";
    EXPECT_LT(m, 2.0 * moves_per_host[8]) << n << " hosts: " << m << " moves per host";
  }
}

}  // namespace
}  // namespace evcsim
