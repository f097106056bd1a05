// The world's parts on a FakeSim: each test builds a small scenario, runs
// it on the fake clock (no SimGrid is linked into this executable) and
// checks one controller's decisions.
#include <algorithm>
#include <map>
#include <tuple>

#include <gtest/gtest.h>

#include "cpu/feature_registry.hpp"
#include "reports/results.hpp"
#include "reports/run_summary.hpp"
#include "tests/world/fake_sim.hpp"

namespace evcsim {
namespace {

using test::FakeRun;

// The run's metrics, as the summary computes them at `end_s`.
std::map<std::string, double> metrics_of(const FakeRun& run, double end_s) {
  RunSummary summary(run.spec);
  for (const Event& e : run.rec.events) summary.on_event(e);
  summary.on_end(end_s);
  return summary.metrics();
}

int host_named(const ScenarioSpec& s, const std::string& n) {
  for (size_t i = 0; i < s.hosts.size(); ++i)
    if (s.hosts[i].name == n) return static_cast<int>(i);
  return -1;
}

TEST(ScheduleController, RefusesWithCodesAndMigratesWhatIsAdmitted) {
  FakeRun run(R"(horizon_s: 3600
policy { name: "modern-superset" }
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } hosts { cpu: "E5440" name: "b" ram_gib: 8 }
                    hosts { cpu: "E5310" name: "old" ram_gib: 8 } }
vm { name: "v" host: "a" ram_mib: 2048 software { name: "app" uses: ["sse4_1"] } }
at { at_s: 100 migrate { vm: "v" host: "old" } }
at { at_s: 200 migrate { vm: "v" host: "b" } }
at { at_s: 300 power_on { vm: "v" } }
)");
  run.run_until(3600);
  auto blocked = run.rec.all<MigrationBlocked>();
  ASSERT_EQ(blocked.size(), 1u);
  EXPECT_EQ(blocked[0].code, VerdictCode::missing_features);
  EXPECT_TRUE(blocked[0].missing.test(feature_id("sse4_1")));
  auto done = run.rec.all<MigrationCompleted>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].dst, host_named(run.spec, "b"));
  auto refused = run.rec.all<OperationRefused>();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].why.code, RefusalCode::already_on);
}

TEST(MaintenanceController, PlansByMaxFlowAndRetiresNothingWhenScheduled) {
  FakeRun run(R"(horizon_s: 3600
policy { name: "modern-superset" }
cluster { name: "c"
  hosts { cpu: "E5420" name: "h0" ram_gib: 64 }
  hosts { cpu: "E5440" name: "y" ram_gib: 5 }
  hosts { cpu: "E5310" name: "x" ram_gib: 5 } }
vm { name: "a" host: "x" ram_mib: 4096 }
vm { name: "b" host: "h0" ram_mib: 4096 }
at { at_s: 100 migrate { vm: "a" host: "h0" } }
at { at_s: 600 maintenance: "h0" }
)");
  run.run_until(3600);
  EXPECT_TRUE(run.rec.all<MaintenanceFailed>().empty());
  auto done = run.rec.all<MaintenanceDone>();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].outcome, MaintenanceOutcome::done);
  auto moves = run.rec.all<MigrationCompleted>();
  ASSERT_EQ(moves.size(), 3u);
  for (size_t i = 1; i < 3; ++i)  // the evacuation: a to x, b to y (first fit would strand b)
    EXPECT_EQ(moves[i].dst, host_named(run.spec, moves[i].vm == 0 ? "x" : "y")) << "VM " << moves[i].vm;
}

TEST(MaintenanceController, FailsWithTheFeaturesThatKeepAVm) {
  FakeRun run(R"(horizon_s: 3600
policy { name: "modern-superset" }
cluster { name: "c" hosts { cpu: "E5420" name: "h0" } hosts { cpu: "E5310" name: "old" } }
vm { name: "b" host: "h0" software { name: "app" uses: ["sse4_1"] } }
at { at_s: 600 maintenance: "h0" }
)");
  run.run_until(3600);
  auto failed = run.rec.all<MaintenanceFailed>();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].stranded, 1);
  EXPECT_TRUE(failed[0].missing.test(feature_id("sse4_1")));
}

// Cold evacuation only when it empties the host: here one of two SSE4.1 VMs
// would fit on the old host cold; the maintenance fails anyway, so neither
// moves (no outage for nothing).
TEST(MaintenanceController, ColdMovesOnlyWhenTheyEmptyTheHost) {
  const std::string fleet = R"(horizon_s: 3600
policy { name: "modern-superset" }
refresh { cold_evacuation: true lifetime_years: 0 }
cluster { name: "c" hosts { cpu: "E5420" name: "h0" ram_gib: 16 } hosts { cpu: "E5310" name: "old" ram_gib: %s } }
vm { name: "b" count: 2 host: "h0" ram_mib: 4096 software { name: "app" uses: ["sse4_1"] } }
at { at_s: 600 maintenance: "h0" }
)";
  auto with_old_ram = [&](const char* gib) {
    std::string text = fleet;
    text.replace(text.find("%s"), 2, gib);
    return text;
  };
  FakeRun tight(with_old_ram("6"));
  tight.run_until(3600);
  EXPECT_TRUE(tight.rec.all<ColdMigration>().empty());
  ASSERT_EQ(tight.rec.all<MaintenanceFailed>().size(), 1u);
  EXPECT_EQ(tight.rec.all<MaintenanceFailed>()[0].stranded, 2);
  FakeRun roomy(with_old_ram("12"));
  roomy.run_until(3600);
  EXPECT_EQ(roomy.rec.all<ColdMigration>().size(), 2u);
  EXPECT_TRUE(roomy.rec.all<MaintenanceFailed>().empty());
  EXPECT_EQ(roomy.rec.all<MaintenanceDone>().size(), 1u);
}

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

// vCenter's limit: at most 8 vMotions at once per host on 10 GbE (4 on 1 GbE),
// counted at both ends; the rest queue and start as slots free.
TEST(Migrations, AtMostEightAtOnceAtAHostTheRestQueue) {
  for (const char* gbps : {"10", "1"}) {
    FakeRun run(std::string(R"(horizon_s: 7200
network { host_link_gbps: )") + gbps + R"( }
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 256 } hosts { cpu: "E5420" name: "b" ram_gib: 256 } }
vm { name: "v" count: 20 host: "a" ram_mib: 4096 }
at { at_s: 100 maintenance: "a" }
)");
    run.run_until(7200);
    int running = 0, most = 0, waited = 0;
    for (const Event& e : run.rec.events) {
      if (const auto* s = std::get_if<MigrationStarted>(&e)) {
        most = std::max(most, ++running);
        waited += s->waited_s > 0;
      }
      if (std::holds_alternative<MigrationCompleted>(e)) --running;
    }
    const int limit = std::string(gbps) == "10" ? 8 : 4;
    EXPECT_EQ(most, limit) << gbps << " Gbit/s";
    EXPECT_EQ(waited, 20 - limit);
    EXPECT_EQ(run.rec.all<MigrationCompleted>().size(), 20u);
    EXPECT_EQ(run.rec.all<MaintenanceDone>().size(), 1u);
  }
}

TEST(HaController, FailuresAtAnAnnualRateTwiceAsOftenAfterWearOut) {
  FakeRun run(R"(horizon_s: 126230400
start_date: "2010-01"
failures { annual_rate: 0.5 wear_out_after_years: 5 repair_hours: 8 }
cluster { name: "c" hosts { cpu: "E5420" name: "old" count: 100 purchased: "2000-01" }
                    hosts { cpu: "E5420" name: "new" count: 100 purchased: "2010-01" } }
)");
  EXPECT_NEAR(run.spec.failures.mtbf_days, 730.5, 1e-9);
  ASSERT_FALSE(run.spec.warnings.empty());  // 0.5 a year is far above field data
  run.run_until(126230400);  // four years: the new hosts stay under five
  int old_failures = 0, new_failures = 0;
  for (const auto& f : run.rec.all<HostFailed>())
    (run.spec.hosts[f.host].name.rfind("old", 0) == 0 ? old_failures : new_failures)++;
  EXPECT_NEAR(new_failures, 200, 45);  // 100 hosts x 0.5 x 4 years
  EXPECT_NEAR(old_failures, 400, 65);
}

TEST(HaController, RestartsOnAnotherHostWithANewView) {
  FakeRun run(R"(horizon_s: 864000
policy { name: "modern-superset" }
failures { mtbf_days: 1 repair_hours: 1000 }
cluster { name: "c" hosts { cpu: "E5310" name: "old" } hosts { cpu: "E5420" name: "new" } }
vm { name: "v" host: "old" software { name: "app" uses: ["sse4_1", "ssse3"] } }
)");
  run.run_until(864000);
  auto failed = run.rec.all<HostFailed>();
  ASSERT_FALSE(failed.empty());
  auto ha = run.rec.all<HaRestart>();
  ASSERT_FALSE(ha.empty());
  EXPECT_EQ(ha[0].from, failed[0].host);
  EXPECT_NE(ha[0].to, ha[0].from);
  if (ha[0].from == host_named(run.spec, "old")) {
    EXPECT_TRUE(ha[0].gained.test(feature_id("sse4_1")));
  }
}

TEST(RefreshController, BuysTheNewestQualifiedPartWithTheRamOfItsEra) {
  auto first_bought = [](const char* refresh) {
    FakeRun run(std::string(R"(horizon_s: 864000
start_date: "2012-06"
policy { name: "cluster-baseline" }
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
  auto [now_cpu, set_gib] = first_bought("refresh { headroom: 0.5 hosts_per_purchase: 2 qualification_months: 0 ram_gib: 192 }");
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
refresh { lifetime_years: 5 window_days: 30 hosts_per_purchase: 1 headroom: 0.01 baseline_policy: ")") + policy + R"(" }
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

TEST(DrsController, MovesToTheIdleHostAndCountsBlockedCandidates) {
  FakeRun run(R"(horizon_s: 3600
policy { name: "modern-superset" }
drs { balance: true interval_s: 300 threshold: 5 }
workload { noise: 0 }
cluster { name: "c"
  hosts { cpu: "E5420" name: "new" count: 2 ram_gib: 64 }
  hosts { cpu: "E5310" name: "old" count: 2 ram_gib: 64 } }
vm { name: "v" count: 16 host: "new-1" ram_mib: 3072 cpu_demand: 1 }
)");
  run.run_until(3600);
  int moves = 0, blocked = 0;
  for (const auto& p : run.rec.all<DrsPass>()) {
    moves += p.moves;
    for (const auto& [code, n] : p.blocked) blocked += n;
  }
  EXPECT_GT(moves, 0);
  EXPECT_GT(blocked, 0);
  for (const auto& m : run.rec.all<MigrationCompleted>()) EXPECT_EQ(m.dst, host_named(run.spec, "new-2"));
}

// DRS reads a packed copy of the hosts' loads, kept current from the hosts
// the inventory reports touched: after a run of moves, failures and
// maintenance it equals the inventory; a change made behind the
// inventory's back is caught and named.
TEST(DrsController, PackedLoadsFollowTheInventoryAndABypassIsCaught) {
  FakeRun run(R"(horizon_s: 86400
policy { name: "modern-superset" }
drs { balance: true interval_s: 300 threshold: 5 }
failures { mtbf_days: 1 repair_hours: 2 }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 4 ram_gib: 64 } }
vm { name: "v" count: 24 host: "h-1" ram_mib: 2048 cpu_demand: 0.5 }
at { at_s: 3600 maintenance: "h-2" }
at { at_s: 7200 exit_maintenance: "h-2" }
)");
  run.run_until(86400);  // checks after every timer and here
  EXPECT_GT(run.rec.all<MigrationCompleted>().size(), 0u);
  EXPECT_GT(run.rec.all<HostFailed>().size(), 0u);
  auto& inv = const_cast<Inventory&>(run.world.inventory());
  inv.hosts[static_cast<size_t>(host_named(run.spec, "h-3"))].demand += 1;  // not through the inventory
  try {
    run.world.check_invariants();
    ADD_FAILURE() << "a host's demand changed behind the inventory's back went unnoticed";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("h-3"), std::string::npos) << e.what();
  }
  inv.touch(host_named(run.spec, "h-3"));  // told: the copy follows
  EXPECT_NO_THROW(run.world.check_invariants());
}

// The imbalance compatibility left is the real pass against the same pass
// with every move admitted, both from the state before the pass. Here the
// real pass spends the source's budget (2 moves) on the only compatible host;
// the unconstrained pass would spread the same 2 moves over the empty hosts
// and reach a lower imbalance. Planned after the real moves, it would find
// the source's budget spent and report 0.
TEST(DrsController, CounterfactualStartsFromTheSameStateAsTheRealPass) {
  FakeRun run(R"(horizon_s: 400
policy { name: "modern-superset" }
drs { balance: true interval_s: 300 threshold: 5 max_per_host: 2 max_moves_per_pass: 8 }
workload { noise: 0 diurnal_amplitude: 0 }
cluster { name: "c"
  hosts { cpu: "E5420" name: "new" count: 2 ram_gib: 64 }
  hosts { cpu: "E5310" name: "old" count: 2 ram_gib: 64 } }
vm { name: "v" count: 12 host: "new-1" ram_mib: 2048 cpu_demand: 1 }
)");
  run.run_until(400);
  auto passes = run.rec.all<DrsPass>();
  ASSERT_EQ(passes.size(), 1u);
  EXPECT_EQ(passes[0].moves, 2);
  EXPECT_GT(passes[0].blocked.at(VerdictCode::missing_features), 0);
  EXPECT_GT(passes[0].left_by_compatibility, 0.005);  // 0 when planned after the real moves
}

// Each controller draws from its own named stream: changing how often DRS
// runs (and so how often it redraws load noise) moves no arrival, departure
// or host failure.
TEST(RandomStreams, DrsIntervalMovesNoArrivalNorFailure) {
  auto times = [](const char* interval) {
    std::string text = R"(horizon_s: 2592000
drs { balance: true interval_s: %s threshold: 5 }
workload { noise: 0.2 }
failures { mtbf_days: 5 repair_hours: 12 }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 4 ram_gib: 256 } }
vm { name: "base" count: 8 cluster: "c" ram_mib: 2048 cpu_demand: 2 }
vm { name: "v" count: 0 cluster: "c" arrivals_per_day: 3 lifetime_days: 5 max_count: 200 }
)";
    text.replace(text.find("%s"), 2, interval);
    FakeRun run(text);
    run.run_until(2592000);
    std::vector<double> arrived, departed, failed;
    for (const auto& e : run.rec.all<VmArrived>()) arrived.push_back(e.t);
    for (const auto& e : run.rec.all<VmDeparted>()) departed.push_back(e.t);
    for (const auto& e : run.rec.all<HostFailed>()) failed.push_back(e.t);
    int moves = 0;
    for (const auto& p : run.rec.all<DrsPass>()) moves += p.moves;
    return std::make_tuple(arrived, departed, failed, moves);
  };
  auto [a1, d1, f1, m1] = times("300");
  auto [a2, d2, f2, m2] = times("1800");
  ASSERT_GT(a1.size(), 50u);
  ASSERT_GT(f1.size(), 5u);
  EXPECT_GT(m1, 0);
  EXPECT_EQ(a1, a2);
  EXPECT_EQ(f1, f2);
  // Departures are drawn at arrival; a VM migrating at its departure time stays.
  EXPECT_GT(d1.size(), 10u);
}

// A started migration whose destination fails is aborted, not blocked:
// nothing refused it.
TEST(Migrations, AnAbortedMigrationIsNotABlockedOne) {
  test::FakeRun run(R"(horizon_s: 30000
policy { name: "modern-superset" }
failures { mtbf_days: 0.05 repair_hours: 1000 }
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 64 } hosts { cpu: "E5420" name: "b" ram_gib: 64 }
                    hosts { cpu: "E5420" name: "c" ram_gib: 64 } }
vm { name: "v" count: 6 host: "a" ram_mib: 2048 }
at { at_s: 100 migrate { vm: "v" host: "b" } }
)",
                    /*migration_s=*/20000);
  run.run_until(30000);  // transfers end at 20,100 s
  auto started = run.rec.all<MigrationStarted>();
  auto aborted = run.rec.all<MigrationAborted>();
  ASSERT_EQ(started.size(), 6u);
  EXPECT_EQ(aborted.size() + run.rec.all<MigrationCompleted>().size(), 6u);
  ASSERT_FALSE(aborted.empty());  // a or b fails within the 20,000 s transfer
  EXPECT_TRUE(run.rec.all<MigrationBlocked>().empty());
}

// DRS measures load as max(CPU, RAM) when it weighs a move, stops once the
// imbalance is back under its target, and a pass that could not move
// anything is not a pass that acted.
TEST(DrsController, WeighsRamStopsAtTheTargetAndCountsStuckPasses) {
  FakeRun ram(R"(horizon_s: 400
drs { balance: true interval_s: 300 threshold: 1 max_moves_per_pass: 20 max_per_host: 20 }
workload { noise: 0 diurnal_amplitude: 0 }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 2 ram_gib: 64 } }
vm { name: "v" count: 14 host: "h-1" ram_mib: 4096 cpu_demand: 0.01 }
)");
  ram.run_until(400);
  auto passes = ram.rec.all<DrsPass>();
  ASSERT_EQ(passes.size(), 1u);
  // 14 x 4 GiB on one 64 GiB host: RAM load 0.875 against 0, imbalance 0.44.
  // Two moves bring it to 0.31, four under the 0.20 target; balancing fully would take seven.
  EXPECT_GT(passes[0].moves, 0);
  EXPECT_LT(passes[0].moves, 7);
  const double per_vm = 4096.0 / 65536;
  const double left = std::abs((14 - passes[0].moves) - passes[0].moves) * per_vm / 2;
  EXPECT_LE(left, 0.20);
  EXPECT_GT(left + 2 * per_vm / 2, 0.20);  // one move fewer would still be above the target

  FakeRun stuck(R"(horizon_s: 1000
policy { name: "modern-superset" }
drs { balance: true interval_s: 300 threshold: 5 }
workload { noise: 0 diurnal_amplitude: 0 }
cluster { name: "c" hosts { cpu: "E5420" name: "new" ram_gib: 64 } hosts { cpu: "E5310" name: "old" ram_gib: 64 } }
vm { name: "v" count: 8 host: "new" ram_mib: 4096 cpu_demand: 1 }
)");
  stuck.run_until(1000);
  ASSERT_FALSE(stuck.rec.all<DrsPass>().empty());
  auto m = metrics_of(stuck, 1000);
  EXPECT_EQ(m["drs_passes"], 0);
  EXPECT_EQ(m["drs_passes_stuck"], static_cast<double>(stuck.rec.all<DrsPass>().size()));
}

TEST(GuestModel, ProbingSoftwareCrashesAfterAnAdmittedMoveAndTheCauseComesFromTheAdmission) {
  FakeRun run(R"(horizon_s: 3600
policy { name: "cluster-baseline" }
cluster { name: "c" baseline: "intel-merom"
  hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5310" name: "b" } }
vm { name: "v" host: "a" software { name: "enc" detection: PROBE uses: ["sse4_1"] uses_per_s: 1 } }
at { at_s: 300 migrate { vm: "v" host: "b" } }
)");
  run.run_until(3600);
  auto crashes = run.rec.all<Crash>();
  ASSERT_FALSE(crashes.empty());
  EXPECT_EQ(crashes[0].cause, CrashCause::probing_software);
  EXPECT_EQ(crashes[0].src, host_named(run.spec, "a"));
}

std::map<int, int> vms_per_host(const FakeRun& run) {
  std::map<int, int> n;
  for (const auto& p : run.rec.all<VmPoweredOn>()) n[p.host]++;
  return n;
}

TEST(Placement, LeastLoadedSpreadsBestFitPacksAntiAffinitySeparates) {
  const std::string fleet = R"(horizon_s: 600
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 3 ram_gib: 64 } }
)";
  FakeRun spread(fleet + R"(drs { placement: "least-loaded" }
vm { name: "v" count: 6 cluster: "c" ram_mib: 4096 })");
  spread.run_until(600);
  EXPECT_EQ(vms_per_host(spread), (std::map<int, int>{{0, 2}, {1, 2}, {2, 2}}));
  FakeRun pack(fleet + R"(drs { placement: "best-fit" }
vm { name: "v" count: 6 cluster: "c" ram_mib: 4096 })");
  pack.run_until(600);
  EXPECT_EQ(vms_per_host(pack), (std::map<int, int>{{0, 6}}));
  FakeRun apart(fleet + R"(drs { placement: "best-fit" }
vm { name: "db" count: 3 cluster: "c" ram_mib: 4096 }
rule { kind: "anti-affinity" vm: "db" })");
  apart.run_until(600);
  EXPECT_EQ(vms_per_host(apart), (std::map<int, int>{{0, 1}, {1, 1}, {2, 1}}));
}

// A burst of power-ons in a cluster at one instant goes through an ordered
// index of its hosts; one power-on per instant goes through a scan of every
// host. Both must land each VM where the other does: hosts of two sizes,
// VMs of two sizes, an anti-affinity rule, and a host in maintenance
// throughout. (No CPU demand and no DRS, so the loads do not move with the
// clock.)
TEST(Placement, ABurstLandsEveryVmWhereOnePowerOnAtATimeWould) {
  for (const char* policy : {"least-loaded", "best-fit"}) {
    auto scenario = [&](bool burst) {
      std::string s = std::string(R"(horizon_s: 600
drs { placement: ")") + policy + R"(" }
cluster { name: "c" hosts { cpu: "E5420" name: "big" count: 3 ram_gib: 64 }
                    hosts { cpu: "E5420" name: "small" count: 3 ram_gib: 16 } }
at { at_s: 0 maintenance: "big-2" }
rule { kind: "anti-affinity" vm: ["db0", "db6", "db12", "db18"] }
)";
      for (int i = 0; i < 24; ++i)
        s += "vm { name: \"" + std::string(i % 6 == 0 ? "db" : "v") + std::to_string(i) + "\" cluster: \"c\" ram_mib: " +
             std::to_string(i % 3 == 0 ? 4096 : 1024) + " power_on_at_s: " + std::to_string(burst ? 10 : 11 + i) + " }\n";
      return s;
    };
    FakeRun burst(scenario(true)), one_by_one(scenario(false));
    burst.run_until(600);
    one_by_one.run_until(600);
    auto where = [](const FakeRun& run) {
      std::map<int, int> host_of;
      for (const auto& p : run.rec.all<VmPoweredOn>()) host_of[p.vm] = p.host;
      return host_of;
    };
    EXPECT_EQ(where(burst).size(), 24u) << policy;
    EXPECT_EQ(where(burst), where(one_by_one)) << policy;
    EXPECT_EQ(vms_per_host(burst).count(host_named(burst.spec, "big-2")), 0u) << policy;
  }
}

// Departures belong to a VM's life, not to one boot: patch-window reboots
// and power cycles do not cancel them, freed slots are reused, and arrivals
// that find every slot taken are reported.
TEST(WorkloadController, DeparturesSurviveRebootsSlotsAreReusedFullGroupsAreReported) {
  FakeRun run(R"(horizon_s: 8640000
workload { reboot_every_days: 7 power_cycle_every_days: 30 }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 4 ram_gib: 256 } }
vm { name: "v" count: 1 cluster: "c" arrivals_per_day: 2 lifetime_days: 10 max_count: 40 }
)");
  run.run_until(8640000);
  const size_t arrived = run.rec.all<VmArrived>().size(), departed = run.rec.all<VmDeparted>().size();
  EXPECT_GT(arrived, 150u);  // about 200 over 100 days through 40 slots: they are reused
  EXPECT_GT(departed, arrived * 8 / 10);
  FakeRun full(R"(horizon_s: 864000
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 4 ram_gib: 256 } }
vm { name: "v" count: 1 cluster: "c" arrivals_per_day: 4 lifetime_days: 100 max_count: 5 }
)");
  full.run_until(864000);
  EXPECT_EQ(full.rec.all<VmArrived>().size(), 4u);  // one VM at start, four slots for arrivals
  EXPECT_GT(full.rec.all<ArrivalWithoutSlot>().size(), 20u);
}

TEST(GuestModel, ProbesFindNoAvxUnderAViewWithoutItButSse41StillEscapes) {
  // Westmere baseline on a Sandy Bridge: the guest OS cannot enable AVX state,
  // so the AVX probe finds nothing and the move to the Westmere is harmless;
  // the SSE4.2 probe under a Merom view escapes and crashes after its move.
  FakeRun run(R"(horizon_s: 3600
policy { name: "cluster-baseline" }
cluster { name: "w" baseline: "intel-westmere" hosts { cpu: "sandybridge-ep" name: "snb" } hosts { cpu: "westmere-ep" name: "wsm" } }
cluster { name: "m" baseline: "intel-merom" hosts { cpu: "E5420" name: "pen" } hosts { cpu: "E5310" name: "clv" } }
vm { name: "avx" host: "snb" software { name: "enc" detection: PROBE uses: ["avx", "sse4_2"] uses_per_s: 1 } }
vm { name: "sse" host: "pen" software { name: "enc" detection: PROBE uses: ["sse4_1"] uses_per_s: 1 } }
at { at_s: 300 migrate { vm: "avx" host: "wsm" } }
at { at_s: 300 migrate { vm: "sse" host: "clv" } }
)");
  run.run_until(3600);
  std::vector<SoftwareStarted> avx_starts;
  for (const auto& s : run.rec.all<SoftwareStarted>())
    if (s.vm == 0) avx_starts.push_back(s);
  ASSERT_FALSE(avx_starts.empty());
  EXPECT_FALSE(avx_starts[0].active.test(feature_id("avx")));
  EXPECT_TRUE(avx_starts[0].active.test(feature_id("sse4_2")));
  auto crashes = run.rec.all<Crash>();
  ASSERT_FALSE(crashes.empty());
  for (const auto& c : crashes) EXPECT_EQ(c.vm, 1) << "only the SSE4.1 probe escapes its mask";
}

// HA restarts VMs that found no room once capacity returns (here: the failed
// host's repair); outage runs from the failure to running again; VMs still
// down at the end are lost VM-hours. fail_host injects the failure.
TEST(HaController, WaitsForCapacityAndCountsTheWholeOutage) {
  const std::string fleet = R"(policy { name: "modern-superset" }
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } hosts { cpu: "E5420" name: "b" ram_gib: 8 } }
vm { name: "on-a" count: 2 host: "a" ram_mib: 3072 }
vm { name: "on-b" count: 2 host: "b" ram_mib: 3072 }
)";
  FakeRun run("horizon_s: 20000\n" + fleet + R"(at { at_s: 100 fail_host { host: "a" repair_hours: 2 } })");
  run.run_until(20000);
  ASSERT_EQ(run.rec.all<HostFailed>().size(), 1u);
  auto refused = run.rec.all<PowerOnRefused>();
  ASSERT_EQ(refused.size(), 2u);  // b has room for neither 3 GiB VM (8 GiB, 6 GiB used)
  EXPECT_TRUE(refused[0].ha);
  EXPECT_EQ(refused[0].why.code, PlacementCode::no_room);
  auto ha = run.rec.all<HaRestart>();
  ASSERT_EQ(ha.size(), 2u);
  for (const auto& r : ha) EXPECT_DOUBLE_EQ(r.t, 100 + 7200);  // when a was repaired
  auto m = metrics_of(run, 20000);
  EXPECT_DOUBLE_EQ(m["outage_minutes"], 2 * (7200 + run.spec.migration.reboot_s) / 60);
  EXPECT_EQ(m["ha_restarts_delayed"], 2);
  EXPECT_EQ(m["ha_lost_vms"], 0);

  FakeRun never("horizon_s: 20000\n" + fleet + R"(at { at_s: 100 fail_host { host: "a" repair_hours: 100 } })");
  never.run_until(20000);
  auto lost = metrics_of(never, 20000);
  EXPECT_EQ(lost["ha_lost_vms"], 2);
  EXPECT_NEAR(lost["ha_lost_vm_hours"], 2 * 19900 / 3600.0, 1e-9);
  EXPECT_DOUBLE_EQ(lost["outage_minutes"], 0);
}

// HA admission control keeps room for a host failure; restarts go by priority.
TEST(HaController, AdmissionControlAndRestartPriority) {
  FakeRun reserve(R"(horizon_s: 600
failures { failover_hosts: 1 }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 2 ram_gib: 16 } }
vm { name: "v" count: 5 cluster: "c" ram_mib: 4096 }
)");
  reserve.run_until(600);
  EXPECT_EQ(reserve.rec.all<VmPoweredOn>().size(), 4u);  // 32 GiB, 16 kept for a failure
  auto refused = reserve.rec.all<PowerOnRefused>();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].why.code, PlacementCode::ha_reserve);

  FakeRun priority(R"(horizon_s: 3600
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 16 } hosts { cpu: "E5420" name: "b" ram_gib: 8 } }
vm { name: "low" host: "a" ram_mib: 4096 ha_priority: "low" }
vm { name: "high" host: "a" ram_mib: 4096 ha_priority: "high" }
vm { name: "fill" host: "b" ram_mib: 4096 }
at { at_s: 100 fail_host { host: "a" repair_hours: 100 } }
)");
  priority.run_until(3600);
  auto ha = priority.rec.all<HaRestart>();
  ASSERT_EQ(ha.size(), 1u);  // b has room for one
  EXPECT_EQ(priority.spec.vms[ha[0].vm].name, "high");
}

TEST(Placement, APowerOnWithoutRoomWaitsForTheNextHost) {
  FakeRun run(R"(horizon_s: 3600
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } }
vm { name: "v" count: 3 cluster: "c" ram_mib: 3072 }
at { at_s: 600 add_host { cluster: "c" hosts { cpu: "E5420" name: "b" ram_gib: 8 } } }
)");
  run.run_until(3600);
  ASSERT_EQ(run.rec.all<PowerOnRefused>().size(), 1u);
  auto on = run.rec.all<VmPoweredOn>();
  ASSERT_EQ(on.size(), 3u);
  EXPECT_DOUBLE_EQ(on[2].t, 600);
  EXPECT_EQ(run.spec.hosts[on[2].host].name, "b");
}

TEST(WorkloadController, VmsArriveAndDepart) {
  FakeRun run(R"(horizon_s: 8640000
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 4 } }
vm { name: "v" count: 2 cluster: "c" arrivals_per_day: 2 lifetime_days: 10 max_count: 200 }
)");
  run.run_until(8640000);
  EXPECT_GT(run.rec.all<VmArrived>().size(), 100u);
  EXPECT_GT(run.rec.all<VmDeparted>().size(), 80u);
}

}  // namespace
}  // namespace evcsim
