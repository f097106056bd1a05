// Operations over time, one simulation per test (each its own process).
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "models/feature_registry.hpp"
#include "sim/engine.hpp"

namespace evcsim {
namespace {

struct Recorder final : Listener {
  std::vector<Event> events;
  void on_event(const Event& e) override {
    if (!std::holds_alternative<Snapshot>(e)) events.push_back(e);
  }
  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : events)
      if (auto* x = std::get_if<T>(&e)) out.push_back(*x);
    return out;
  }
};

ScenarioSpec scenario(const std::string& text) { return parse_scenario(text, "ops.textproto", Catalog::builtin()); }

Recorder run(const std::string& text) {
  auto spec = scenario(text);
  Recorder r;
  run_simulation(spec, {&r});
  return r;
}

int host_named(const ScenarioSpec& s, const std::string& n) {
  for (size_t i = 0; i < s.hosts.size(); ++i)
    if (s.hosts[i].name == n) return static_cast<int>(i);
  return -1;
}

TEST(Operations, MaintenanceFindsThePlanAGreedyPassWouldMiss) {
  // VM a sees Merom features (it booted on the Clovertown) and may go to x or
  // y; VM b sees SSE4.1 and may only go to y; x and y take one VM each. First
  // fit in host order (y first) would strand b; the max-flow plan does not.
  const char* text = R"(horizon_s: 3600
policy { name: "modern-superset" }
cluster { name: "c"
  hosts { cpu: "E5420" name: "h0" ram_gib: 64 }
  hosts { cpu: "E5440" name: "y" ram_gib: 5 }
  hosts { cpu: "E5310" name: "x" ram_gib: 5 } }
vm { name: "a" host: "x" ram_mib: 4096 }
vm { name: "b" host: "h0" ram_mib: 4096 }
at { at_s: 100 migrate { vm: "a" host: "h0" } }
at { at_s: 600 maintenance: "h0" }
)";
  auto spec = scenario(text);
  Recorder r;
  run_simulation(spec, {&r});
  EXPECT_TRUE(r.all<MaintenanceFailed>().empty());
  ASSERT_EQ(r.all<MaintenanceDone>().size(), 1u);
  auto moves = r.all<MigrationCompleted>();
  ASSERT_EQ(moves.size(), 3u);
  EXPECT_EQ(moves[1].vm, 0);
  EXPECT_EQ(moves[1].dst, host_named(spec, "x"));
  EXPECT_EQ(moves[2].vm, 1);
  EXPECT_EQ(moves[2].dst, host_named(spec, "y"));
}

TEST(Operations, MaintenanceFailsWithReasonsWhenNothingFits) {
  Recorder r = run(R"(horizon_s: 3600
policy { name: "modern-superset" }
cluster { name: "c" hosts { cpu: "E5420" name: "h0" } hosts { cpu: "E5310" name: "old" } }
vm { name: "b" host: "h0" software { name: "app" uses: ["sse4_1"] } }
at { at_s: 600 maintenance: "h0" }
)");
  auto failed = r.all<MaintenanceFailed>();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].stranded, 1);
  EXPECT_TRUE(failed[0].missing.test(feature_id("sse4_1")));
  EXPECT_NE(failed[0].detail.find("sse4_1"), std::string::npos);
}

TEST(Operations, RaiseWaitsForTheLastMeromHostAndRunningVmsKeepTheirView) {
  // The Clovertown cannot mask, so the cluster stays at intel-merom until it
  // retires; then auto-raise moves to intel-penryn at the next window. The
  // running VM keeps its Merom view until its power cycle.
  const char* text = R"(horizon_s: 15552000
start_date: "2010-01"
policy { name: "cluster-baseline" }
refresh { lifetime_years: 5 baseline_policy: "auto-raise" window_days: 30 hosts_per_purchase: 1 headroom: 0.01 }
cluster { name: "c" baseline: "intel-merom"
  hosts { cpu: "E5310" name: "old" purchased: "2005-03" }
  hosts { cpu: "E5420" name: "new" count: 2 purchased: "2009-06" } }
vm { name: "v" host: "new-1" software { name: "app" detection: CPUID uses: ["sse4_1", "ssse3"] } }
at { at_s: 86400 set_baseline { cluster: "c" baseline: "intel-penryn" } }
at { at_s: 10368000 power_cycle { vm: "v" } }
)";
  Recorder r = run(text);
  auto refused = r.all<OperationRefused>();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].why.code, RefusalCode::baseline_host_cannot_join);
  EXPECT_EQ(refused[0].why.baseline, "intel-penryn");
  auto retired = r.all<MaintenanceDone>();
  ASSERT_FALSE(retired.empty());
  EXPECT_EQ(retired[0].outcome, MaintenanceOutcome::retired);
  auto raised = r.all<BaselineRaised>();
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].to, "intel-penryn");
  EXPECT_GT(raised[0].t, retired[0].t);
  EXPECT_TRUE(raised[0].gained.test(feature_id("sse4_1")));
  std::vector<SoftwareStarted> caps;
  for (const auto& s : r.all<SoftwareStarted>())
    if (s.vm == 0) caps.push_back(s);
  ASSERT_GE(caps.size(), 2u);
  for (const auto& c : caps) {
    bool after_cycle = c.t >= 10368000;
    EXPECT_EQ(c.active.test(feature_id("sse4_1")), after_cycle) << "capture at t=" << c.t;
  }
  EXPECT_EQ(r.all<BaselineRaiseSeen>().size(), 1u);
}

TEST(Operations, HaRestartTakesANewViewThatCanPinTheVm) {
  Recorder r = run(R"(horizon_s: 864000
policy { name: "modern-superset" }
failures { mtbf_days: 1 repair_hours: 1000 }
cluster { name: "c" hosts { cpu: "E5310" name: "old" } hosts { cpu: "E5420" name: "new" } }
vm { name: "v" host: "old" software { name: "app" uses: ["sse4_1", "ssse3"] } }
)");
  auto ha = r.all<HaRestart>();
  ASSERT_FALSE(ha.empty());
  EXPECT_TRUE(ha[0].gained.test(feature_id("sse4_1")));  // booted on the Penryn: it now needs SSE4.1
  EXPECT_FALSE(r.all<HostFailed>().empty());
}

TEST(Operations, DrsCountsCandidatesBlockedByCompatibility) {
  // Two Harpertowns carry every VM (they see SSE4.1); two empty Clovertowns
  // cannot take them without a baseline: DRS reports the blocked candidates
  // and the imbalance compatibility left.
  Recorder r = run(R"(horizon_s: 3600
policy { name: "modern-superset" }
drs { balance: true interval_s: 300 threshold: 5 }
workload { noise: 0 }
cluster { name: "c"
  hosts { cpu: "E5420" name: "new" count: 2 ram_gib: 64 }
  hosts { cpu: "E5310" name: "old" count: 2 ram_gib: 64 } }
vm { name: "v" count: 16 host: "new-1" ram_mib: 3072 cpu_demand: 1 }
)");
  auto passes = r.all<DrsPass>();
  ASSERT_FALSE(passes.empty());
  int blocked = 0, moves = 0;
  double left = 0;
  for (const auto& p : passes) {
    moves += p.moves;
    left = std::max(left, p.left_by_compatibility);
    for (const auto& [code, n] : p.blocked) {
      EXPECT_EQ(code, VerdictCode::missing_features);
      blocked += n;
    }
  }
  EXPECT_GT(moves, 0);    // new-1 -> new-2 is fine
  EXPECT_GT(blocked, 0);  // to the Clovertowns is not
  EXPECT_GT(left, 0.0);
  for (const auto& m : r.all<MigrationCompleted>()) EXPECT_EQ(m.dst, 1);
}

TEST(Operations, PlacementPoliciesSpreadOrPack) {
  const char* text = R"(horizon_s: 600
drs { placement: "%s" }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 3 ram_gib: 64 } }
vm { name: "v" count: 6 cluster: "c" ram_mib: 4096 }
)";
  char buf[512];
  std::snprintf(buf, sizeof buf, text, "least-loaded");
  auto spread = run(buf).all<VmPoweredOn>();
  std::map<int, int> per_host;
  for (const auto& p : spread) per_host[p.host]++;
  EXPECT_EQ(per_host.size(), 3u);
  EXPECT_EQ(per_host.begin()->second, 2);
}

TEST(Operations, BestFitPacks) {
  auto on = run(R"(horizon_s: 600
drs { placement: "best-fit" }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 3 ram_gib: 64 } }
vm { name: "v" count: 6 cluster: "c" ram_mib: 4096 }
)").all<VmPoweredOn>();
  for (const auto& p : on) EXPECT_EQ(p.host, 0);
}

TEST(Operations, AntiAffinityKeepsVmsApart) {
  auto on = run(R"(horizon_s: 600
drs { placement: "best-fit" }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 3 ram_gib: 64 } }
vm { name: "db" count: 3 cluster: "c" ram_mib: 4096 }
rule { kind: "anti-affinity" vm: "db" }
)").all<VmPoweredOn>();
  std::set<int> hosts;
  for (const auto& p : on) hosts.insert(p.host);
  EXPECT_EQ(hosts.size(), 3u);
}

TEST(Operations, ProcurementBuysWhatTheMarketSellsAtThatDate) {
  Recorder r = run(R"(horizon_s: 864000
start_date: "2012-06"
policy { name: "cluster-baseline" }
refresh { headroom: 0.5 hosts_per_purchase: 2 }
cluster { name: "c" baseline: "intel-westmere" hosts { cpu: "X5670" name: "h" count: 2 ram_gib: 16 } }
vm { name: "v" count: 5 cluster: "c" ram_mib: 4096 }
)");
  auto bought = r.all<HostBought>();
  ASSERT_GE(bought.size(), 2u);
  EXPECT_EQ(bought[0].cpu, "sandybridge-ep");  // the newest Xeon on sale in June 2012
  EXPECT_TRUE(r.all<HostJoinRefused>().empty());
}

TEST(Operations, ArrivalsAndDepartures) {
  Recorder r = run(R"(horizon_s: 8640000
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 4 } }
vm { name: "v" count: 2 cluster: "c" arrivals_per_day: 2 lifetime_days: 10 max_count: 200 }
)");
  EXPECT_GT(r.all<VmArrived>().size(), 100u);
  EXPECT_GT(r.all<VmDeparted>().size(), 80u);
}

}  // namespace
}  // namespace evcsim
