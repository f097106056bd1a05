// Power-ons that find no room (world/placement): a group's fallback clusters
// take the VMs its full home cluster refuses, and say so; without one, the
// run reports each wait with its reason and the date it began, and the VMs
// still waiting at the end; on a FakeSim.

#include <gtest/gtest.h>

#include "reports/run_summary.hpp"
#include "tests/scenario/scenario_error.hpp"
#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;
using test::host_named;

constexpr double kDay = 86400;

std::string summary_of(const FakeRun& run, double end_s) {
  RunSummary summary(run.spec);
  for (const Event& e : run.rec.events) summary.on_event(e);
  summary.on_end(end_s);
  return summary.render_text(RunStats{});
}

int cluster_named(const ScenarioSpec& s, const std::string& n) {
  for (size_t i = 0; i < s.clusters.size(); ++i)
    if (s.clusters[i].name == n) return static_cast<int>(i);
  return -1;
}

// An 8 GiB host books two VMs of 3 GiB reserved (plus overhead): the third
// and the arrivals go to the first fallback with room, in order -- "full"
// has none, "spare" has one host's worth, then a host joins "spare" and the
// VMs waiting meanwhile land there as it joins.
TEST(NewVmWait, AFullClusterSendsNewVmsToItsFallbackAndSaysWhy) {
  FakeRun run(R"(horizon_s: 864000
start_date: "2013-04"
cluster { name: "home" hosts { cpu: "E5420" name: "a" ram_gib: 8 } }
cluster { name: "full" hosts { cpu: "E5420" name: "f" ram_gib: 2 } }
cluster { name: "spare" hosts { cpu: "E5420" name: "b" ram_gib: 8 } }
vm { name: "v" count: 3 cluster: "home" ram_mib: 3072 reserved_mib: 3072 arrivals_per_day: 2 max_count: 30
     fallback_clusters: ["full", "spare"] }
at { after: "5d" add_host { cluster: "spare" hosts { cpu: "E5420" name: "c" ram_gib: 256 } } }
)");
  run.run_until(864000);
  const int home = cluster_named(run.spec, "home"), spare = cluster_named(run.spec, "spare");
  const auto placed = run.rec.all<VmPlacedInFallback>();
  ASSERT_GE(placed.size(), 6u);  // the third VM, one more on b, and the arrivals after day 5 on c
  for (const auto& p : placed) {
    EXPECT_EQ(p.home, home);
    EXPECT_EQ(p.cluster, spare);
    EXPECT_EQ(p.why.code, PlacementCode::no_room);
    EXPECT_EQ(p.why.host, host_named(run.spec, "a"));
    EXPECT_EQ(run.world.inventory().vms[p.vm].cluster, spare) << run.spec.vms[p.vm].name;
  }
  EXPECT_EQ(run.spec.vms[placed[0].vm].name, "v-3");
  EXPECT_DOUBLE_EQ(placed[0].t, 0);
  // Every VM the home cluster did not take runs in "spare"; none in "full".
  int on_spare = 0;
  for (const auto& on : run.rec.all<VmPoweredOn>()) {
    EXPECT_NE(on.host, host_named(run.spec, "f"));
    on_spare += run.spec.hosts[on.host].cluster == spare;
  }
  EXPECT_EQ(on_spare, static_cast<int>(placed.size()));
  // Arrivals between b filling up and c joining waited, then landed on c at day 5.
  bool landed_at_join = false;
  for (const auto& p : placed) landed_at_join |= p.t == 5 * kDay;
  EXPECT_TRUE(landed_at_join);
  auto m = test::metrics_of(run, 864000);
  EXPECT_EQ(m["vms_placed_in_fallback"], static_cast<double>(placed.size()));
  EXPECT_EQ(m["power_on_still_waiting"], 0);
  const std::string text = summary_of(run, 864000);
  EXPECT_NE(text.find("placed in a fallback cluster"), std::string::npos) << text;
  EXPECT_NE(text.find("2013-04-01  v-3 powered on in spare: home refused it (host a has "), std::string::npos) << text;
}

// Without a fallback: v-3 waits five days for host b; two of x wait from
// 2013-04-11 to the end (b takes one), each with the refusal that keeps it off.
TEST(NewVmWait, AWaitIsReportedWithItsReasonAndDateAndTheStillWaitingAtTheEnd) {
  FakeRun run(R"(horizon_s: 2592000
start_date: "2013-04"
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } }
vm { name: "v" count: 3 cluster: "c" ram_mib: 3072 reserved_mib: 3072 }
vm { name: "x" count: 3 cluster: "c" ram_mib: 3072 reserved_mib: 3072 power_on_date: "2013-04-11" }
at { after: "5d" add_host { cluster: "c" hosts { cpu: "E5420" name: "b" ram_gib: 8 } } }
)");
  run.run_until(2592000);
  auto m = test::metrics_of(run, 2592000);
  EXPECT_EQ(m["power_on_waits"], 3);
  EXPECT_DOUBLE_EQ(m["power_on_wait_days_median"], 5);
  EXPECT_DOUBLE_EQ(m["power_on_wait_days_max"], 5);
  EXPECT_EQ(m["power_on_still_waiting"], 2);
  EXPECT_DOUBLE_EQ(m["power_on_still_waiting_days_max"], 20);
  EXPECT_EQ(m["vms_placed_in_fallback"], 0);
  const std::string text = summary_of(run, 2592000);
  EXPECT_NE(text.find("3 power-on(s) waited for room (1 started after a median 5.0 days, longest 5.0 days); 2 still "
                      "waiting at the end, the first since 2013-04-11"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("waiting since 2013-04-11: x-2 (c): host "), std::string::npos) << text;
  EXPECT_NE(text.find("MiB unreserved (reservations + overhead), the VM needs 3117 MiB"), std::string::npos) << text;
}

// A VM that departs while it waits ends its wait without a start (the
// group's first VM, there at the start, and every arrival: the host never
// has room for one of them).
TEST(NewVmWait, AVmThatDepartsWhileWaitingIsCountedApart) {
  FakeRun run(R"(horizon_s: 8640000
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } }
vm { name: "v" count: 2 cluster: "c" ram_mib: 3072 reserved_mib: 3072 }
vm { name: "n" cluster: "c" ram_mib: 3072 reserved_mib: 3072 arrivals_per_day: 1 lifetime_days: 5 max_count: 20 }
)");
  run.run_until(8640000);
  auto m = test::metrics_of(run, 8640000);
  const double arrived = static_cast<double>(run.rec.all<VmArrived>().size());
  EXPECT_GT(arrived, 50);
  EXPECT_EQ(m["power_on_waits"], arrived + 1);
  EXPECT_EQ(m["power_on_waits_departed"] + m["power_on_still_waiting"], arrived + 1);
  EXPECT_GT(m["power_on_waits_departed"], 0);
  EXPECT_EQ(m["power_on_wait_days_max"], 0);  // none started
}

TEST(NewVmWait, AFallbackClusterMustBeAnotherKnownCluster) {
  const std::string base = R"(horizon_s: 3600
cluster { name: "a" hosts { cpu: "E5420" name: "h" } }
cluster { name: "b" hosts { cpu: "E5420" name: "g" } }
)";
  std::string e =
      test::scenario_error(base + "vm { name: \"v\" cluster: \"a\"\n fallback_clusters: [\"b\", \"c\"] }\n");
  EXPECT_NE(e.find("s.textproto:5: fallback_clusters: unknown cluster 'c'"), std::string::npos) << e;
  e = test::scenario_error(base + "vm { name: \"v\" cluster: \"a\" fallback_clusters: \"a\" }\n");
  EXPECT_NE(e.find("s.textproto:4: fallback_clusters: cluster 'a' is the group's own cluster"), std::string::npos) << e;
  e = test::scenario_error(base + "vm { name: \"v\" host: \"h\" fallback_clusters: \"b\" }\n");
  EXPECT_NE(e.find("s.textproto:4: fallback_clusters: a VM pinned to a host"), std::string::npos) << e;
}

}  // namespace
}  // namespace evcsim
