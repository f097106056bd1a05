// Hardware refresh and baseline policies (world/controllers/refresh):
// rolling retirements with back-off, purchases from the market, the
// cluster's host cap, and automatic baseline raises and what they did; on a
// FakeSim.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "cpu/feature_registry.hpp"
#include "reports/results.hpp"
#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;
using test::host_named;
using test::metrics_of;

TEST(RefreshController, RetiresInRollingBatchesAndBacksOffTrappedHosts) {
  // Ten Clovertowns due at once, at most 20% in maintenance: two at a time.
  FakeRun rolling(R"(horizon_s: 2592000
start_date: "2012-01"
policy { name: "modern-superset" }
refresh { lifetime_years: 5 window_days: 30 hosts_per_purchase: 1 headroom: 0.01 max_share_retiring: 0.2
          max_hosts_per_cluster: 40 }
cluster { name: "c" hosts { cpu: "E5310" name: "old" count: 10 purchased: "2006-01" ram_gib: 64 } }
vm { name: "v" count: 10 cluster: "c" ram_mib: 4096 }
)");
  int open = 0, most = 0;
  for (const Event& e : [&] {
         rolling.run_until(2592000);
         return rolling.rec.events;
       }()) {
    if (std::holds_alternative<MaintenanceStarted>(e)) most = std::max(most, ++open);
    if (std::holds_alternative<MaintenanceDone>(e) || std::holds_alternative<MaintenanceFailed>(e)) --open;
  }
  EXPECT_EQ(most, 2);
  EXPECT_GE(rolling.rec.all<MaintenanceDone>().size(), 10u);

  // A VM that needs SSE4.1 on the only Penryn, due for retirement, with no
  // host to go to: attempts 30, 60, 120 days apart, not every window.
  FakeRun trapped(R"(horizon_s: 31557600
start_date: "2012-01"
policy { name: "modern-superset" }
refresh { lifetime_years: 3 window_days: 30 max_hosts_per_cluster: 2 }
cluster { name: "c" hosts { cpu: "E5420" name: "pen" purchased: "2008-01" ram_gib: 64 }
                    hosts { cpu: "E5310" name: "old" purchased: "2011-06" ram_gib: 64 } }
vm { name: "v" host: "pen" software { name: "app" uses: ["sse4_1"] } }
)");
  trapped.run_until(31557600);
  std::vector<double> tries;
  for (const auto& f : trapped.rec.all<MaintenanceFailed>())
    if (trapped.spec.hosts[f.host].name == "pen") tries.push_back(f.t / 86400);
  ASSERT_GE(tries.size(), 4u);
  EXPECT_NEAR(tries[1] - tries[0], 30, 1.01);
  EXPECT_NEAR(tries[2] - tries[1], 60, 1.01);
  EXPECT_NEAR(tries[3] - tries[2], 120, 1.01);
  auto m = metrics_of(trapped, 31557600);
  EXPECT_EQ(m["hosts_overdue"], 1);
  EXPECT_NEAR(m["overdue_host_months"], (365.25 - tries[0]) / (365.25 / 12), 0.1);
}

// Issue 23: a listed retire date is the host's retirement, whatever its age
// says (an inventory spreads an overdue fleet's retirements over the first
// years instead of replacing it in its first month).
TEST(RefreshController, AListedRetireDateOutranksTheLifetime) {
  FakeRun run(R"(horizon_s: 31557600
start_date: "2012-01"
policy { name: "modern-superset" }
refresh { lifetime_years: 5 window_days: 30 max_share_retiring: 1 max_hosts_per_cluster: 8 }
cluster { name: "c" hosts { cpu: "E5310" name: "aged" purchased: "2006-01" ram_gib: 64 }
                    hosts { cpu: "E5310" name: "listed" purchased: "2006-01" retire: "2012-07" ram_gib: 64 } }
vm { name: "v" cluster: "c" }
)");
  run.run_until(31557600);
  std::map<std::string, double> started;
  for (const auto& m : run.rec.all<MaintenanceStarted>())
    if (m.kind == MaintenanceKind::retirement && !started.count(run.spec.hosts[m.host].name))
      started[run.spec.hosts[m.host].name] = m.t / 86400;
  ASSERT_TRUE(started.count("aged") && started.count("listed"));
  EXPECT_LT(started["aged"], 31);     // past its lifetime: at once
  EXPECT_GE(started["listed"], 181);  // 2012-07-01 is day 182
}

// A host whose retirement failed keeps its VMs until the next attempt, but
// DRS does not fill it meanwhile (it would only make the next attempt fail).
TEST(RefreshController, AHostAwaitingAnotherRetirementIsNoDrsTarget) {
  FakeRun run(R"(horizon_s: 15552000
start_date: "2012-01"
policy { name: "modern-superset" }
drs { balance: true interval_s: 300 threshold: 5 }
workload { noise: 0 diurnal_amplitude: 0 }
refresh { lifetime_years: 3 window_days: 30 max_hosts_per_cluster: 3 }
cluster { name: "c" hosts { cpu: "E5420" name: "pen" purchased: "2008-01" ram_gib: 64 }
                    hosts { cpu: "E5310" name: "old" count: 2 purchased: "2011-06" ram_gib: 64 } }
vm { name: "pinned" host: "pen" software { name: "app" uses: ["sse4_1"] } }
vm { name: "v" count: 12 host: "old-1" ram_mib: 2048 cpu_demand: 1 }
)");
  run.run_until(15552000);
  auto failed = run.rec.all<MaintenanceFailed>();
  ASSERT_FALSE(failed.empty());
  const int pen = host_named(run.spec, "pen");
  int into_pen_after = 0, moves_after = 0;
  for (const auto& m : run.rec.all<MigrationCompleted>())
    if (m.t > failed[0].t) ++moves_after, into_pen_after += m.dst == pen;
  EXPECT_GT(moves_after, 0);  // DRS still balances old-1 and old-2
  EXPECT_EQ(into_pen_after, 0);
}

TEST(RefreshController, AClusterAtItsCapSaysSo) {
  FakeRun run(R"(horizon_s: 864000
start_date: "2012-06"
refresh { headroom: 0.5 hosts_per_purchase: 2 max_hosts_per_cluster: 3 }
memory { overcommit_limit: 1 }
cluster { name: "c" hosts { cpu: "X5670" name: "h" count: 2 ram_gib: 16 } }
vm { name: "v" count: 5 cluster: "c" ram_mib: 4096 }
)");
  run.run_until(864000);
  EXPECT_EQ(run.rec.all<HostBought>().size(), 1u);
  auto refused = run.rec.all<HostJoinRefused>();
  ASSERT_FALSE(refused.empty());
  EXPECT_EQ(refused[0].code, JoinRefusal::cluster_at_cap);
  EXPECT_EQ(refused[0].short_by, 1);
}

TEST(RefreshController, BuysTheNewestQualifiedPartWithTheRamOfItsEra) {
  auto first_bought = [](const char* refresh) {
    FakeRun run(std::string(R"(horizon_s: 864000
start_date: "2012-06"
policy { name: "cluster-baseline" }
memory { overcommit_limit: 1 }
)") + refresh + R"(
cluster { name: "c" baseline: "intel-westmere" hosts { cpu: "X5670" name: "h" count: 2 ram_gib: 16 } }
vm { name: "v" count: 5 cluster: "c" ram_mib: 4096 }
)");
    run.run_until(864000);
    auto bought = run.rec.all<HostBought>();
    EXPECT_GE(bought.size(), 2u);
    EXPECT_EQ(bought.at(0).why, PurchaseReason::ram_headroom);
    EXPECT_TRUE(run.rec.all<HostJoinRefused>().empty());
    return std::make_pair(bought.at(0).cpu, run.world.inventory().hosts[bought.at(0).host].ram_mib / 1024);
  };
  // Sandy Bridge-EP launched in March 2012: qualified for purchase six months later.
  auto [cpu, gib] = first_bought("refresh { headroom: 0.5 hosts_per_purchase: 2 }");
  EXPECT_EQ(cpu, "westmere-ep");
  EXPECT_EQ(gib, 81);  // launched 2010: 32 GiB x 2^(4 / 3)
  auto [now_cpu, set_gib] =
      first_bought("refresh { headroom: 0.5 hosts_per_purchase: 2 qualification_months: 0 ram_gib: 192 }");
  EXPECT_EQ(now_cpu, "sandybridge-ep");
  EXPECT_EQ(set_gib, 192);
}

// A Merom-era cluster whose Clovertown retires after five years, under a
// baseline policy; the VM power cycles at day 120.
std::string merom_cluster(const std::string& baseline_policy) {
  return R"(horizon_s: 15552000
start_date: "2010-01"
policy { name: "cluster-baseline" }
refresh { lifetime_years: 5 baseline_policy: ")" +
         baseline_policy + R"(" window_days: 30 hosts_per_purchase: 1 headroom: 0.01 }
cluster { name: "c" baseline: "intel-merom"
  hosts { cpu: "E5310" name: "old" purchased: "2005-03" }
  hosts { cpu: "E5420" name: "new" count: 2 purchased: "2009-06" } }
vm { name: "v" host: "new-1" software { name: "app" detection: CPUID uses: ["sse4_1", "ssse3"] } }
at { at_s: 10368000 power_cycle { vm: "v" } }
)";
}

TEST(RefreshController, RaisesOnlyAfterTheLastOldHostRetiresAndFollowsThePowerCycles) {
  FakeRun run(merom_cluster("auto-raise"));
  run.run_until(15552000);
  auto retired = run.rec.all<MaintenanceDone>();
  ASSERT_FALSE(retired.empty());
  EXPECT_EQ(retired[0].outcome, MaintenanceOutcome::retired);
  auto raised = run.rec.all<BaselineRaised>();
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].from, "intel-merom");
  EXPECT_GT(raised[0].t, retired[0].t);
  EXPECT_GE(raised[0].possible_since, retired[0].t);
  EXPECT_EQ(raised[0].vms_to_cycle, 1);
  auto seen = run.rec.all<BaselineRaiseSeen>();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].t, 10368000);
  bool picked_up = false;
  for (const auto& r : run.rec.all<VmRebooted>()) picked_up |= r.picks_up;
  EXPECT_TRUE(picked_up);
}

// Raising an AMD cluster to Piledriver in early 2017 shuts out EPYC Naples
// (launched June 2017; no FMA4, TBM, XOP): auto-raise warns,
// auto-raise-ahead does not raise past what Naples can join.
TEST(RefreshController, AutoRaiseLooksAheadAtTheNextGeneration) {
  auto raises = [](const char* policy) {
    FakeRun run(std::string(R"(horizon_s: 31557600
start_date: "2016-06"
policy { name: "cluster-baseline" }
refresh { lifetime_years: 5 window_days: 30 hosts_per_purchase: 1 headroom: 0.01 baseline_policy: ")") +
                policy + R"(" }
cluster { name: "amd" baseline: "amd-bulldozer"
  hosts { cpu: "interlagos" name: "bd" count: 2 purchased: "2011-12" ram_gib: 128 }
  hosts { cpu: "abudhabi" name: "pd" count: 4 purchased: "2014-01" ram_gib: 128 } }
vm { name: "v" count: 4 cluster: "amd" ram_mib: 4096 }
)");
    run.run_until(31557600);
    return run.rec.all<BaselineRaised>();
  };
  auto plain = raises("auto-raise");
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(plain[0].to, "amd-piledriver");
  EXPECT_EQ(plain[0].locks_out, "naples");
  EXPECT_TRUE(plain[0].locks_out_missing.test(feature_id("fma4")));
  EXPECT_TRUE(plain[0].locks_out_missing.test(feature_id("xop")));
  for (const auto& r : raises("auto-raise-ahead")) EXPECT_TRUE(r.locks_out.empty()) << r.to;
}

// results.json says what each raise did: when possible and made, gains, the
// VMs waiting, when the last saw it, and the power cycles that brought it.
TEST(RefreshController, RaiseImpactIsInTheResults) {
  FakeRun run(merom_cluster("auto-raise"));
  run.run_until(15552000);
  RunSummary summary(run.spec);
  ResultsCollector results(run.spec, summary);
  for (const Event& e : run.rec.events) {
    summary.on_event(e);
    results.on_event(e);
  }
  summary.on_end(15552000);
  results.on_end(15552000);
  ASSERT_EQ(results.results().raises_size(), 1);
  const auto& r = results.results().raises(0);
  EXPECT_EQ(r.cluster(), "c");
  EXPECT_EQ(r.from(), "intel-merom");
  EXPECT_EQ(r.to(), "intel-penryn");
  EXPECT_LT(r.possible_since_s(), r.raised_at_s());
  EXPECT_EQ(r.vms_waiting(), 1u);
  EXPECT_EQ(r.cycles_required(), 1u);
  EXPECT_EQ(r.cycles_that_picked_it_up(), 1u);
  EXPECT_EQ(r.all_seen_at_s(), 10368000);
  EXPECT_NE(std::find(r.gained().begin(), r.gained().end(), "sse4_1"), r.gained().end());
  EXPECT_NE(results_json(results.results()).find("\"cycles_that_picked_it_up\": 1"), std::string::npos)
      << results_json(results.results()).substr(0, 400);
}

TEST(RefreshController, FixedNeverRaises) {
  FakeRun run(merom_cluster("fixed"));
  run.run_until(15552000);
  EXPECT_FALSE(run.rec.all<MaintenanceDone>().empty());
  EXPECT_TRUE(run.rec.all<BaselineRaised>().empty());
}

// A trapped cluster: its baseline carries 3DNow!, which nothing on the
// market in 2014 has, so no replacement can join; its hosts are due for
// retirement but the others cannot carry their VMs' active memory. The
// retirements are deferred -- said once per host, not tried every day --
// and no maintenance fails, no VM is squeezed onto too few hosts.
TEST(RefreshController, ATrappedClusterDefersRetirementsAndSaysSoOnce) {
  FakeRun run(R"(horizon_s: 31557600
start_date: "2014-01"
policy { name: "cluster-baseline" }
memory { active: 0.4 }
refresh { lifetime_years: 5 hosts_per_purchase: 2 }
cluster { name: "amd" baseline: "amd-rev-f" hosts { cpu: "Opteron 2218" name: "rosa" count: 4 ram_gib: 32 purchased: "2009-01" } }
vm { name: "v" count: 60 cluster: "amd" ram_mib: 4096 cpu_demand: 0.05 }
)");
  run.run_until(31557600);
  auto deferred = run.rec.all<RetirementDeferred>();
  ASSERT_FALSE(deferred.empty());
  std::set<int> hosts;
  for (const auto& d : deferred) {
    EXPECT_TRUE(hosts.insert(d.host).second) << "said twice for " << run.spec.hosts[d.host].name;
    EXPECT_GT(d.memory_share, 0.9);
  }
  EXPECT_TRUE(run.rec.all<HostRemoved>().empty());
  EXPECT_TRUE(run.rec.all<MaintenanceFailed>().empty());
  EXPECT_FALSE(run.rec.all<HostJoinRefused>().empty());  // the replacements that could not join
  auto m = metrics_of(run, 31557600);
  EXPECT_EQ(m["retirements_deferred"], static_cast<double>(deferred.size()));
  EXPECT_EQ(m["memory_swapping_host_hours"], 0);
}

}  // namespace
}  // namespace evcsim
