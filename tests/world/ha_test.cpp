// Host failures and HA (world/controllers/ha): the failure rate and wear-out,
// restarts on another host with a new guest view, waiting for capacity,
// admission control and restart priority; on a FakeSim.

#include <string>

#include <gtest/gtest.h>

#include "cpu/feature_registry.hpp"
#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;
using test::host_named;
using test::metrics_of;

// The run's HA restarts: `n`, all at `at`.
void expect_restarts(const FakeRun& run, size_t n, double at) {
  auto ha = run.rec.all<HaRestart>();
  ASSERT_EQ(ha.size(), n);
  for (const auto& r : ha) EXPECT_DOUBLE_EQ(r.t, at);
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
  run.run_until(126230400);                 // four years: the new hosts stay under five
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

// Wear-out starts on each host's wear-out date: hosts that wear out during
// the run fail at the doubled rate from that date, not only after their
// next failure (a draw past the date is drawn again there). 2,000 hosts
// wear out one year in, at 0.1 a year: about 0.2 failures per host a year
// after it; drawing the doubled rate only after a failure gave about 0.13.
TEST(HaController, WearOutDoublesTheRateFromTheWearOutDate) {
  FakeRun run(R"(horizon_s: 94672800
start_date: "2010-01"
failures { annual_rate: 0.1 wear_out_after_years: 5 repair_hours: 1 }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 2000 purchased: "2006-01" } }
)");
  run.run_until(94672800);  // three years; wear-out at 2011-01
  const double year = 365.25 * 86400;
  int before = 0, after = 0;
  for (const auto& f : run.rec.all<HostFailed>()) (f.t < year ? before : after)++;
  EXPECT_NEAR(before / 2000.0, 0.1, 0.025);
  EXPECT_NEAR(after / 2000.0 / 2, 0.2, 0.025);
}

// HA declares a host failed after its heartbeats stop (15 s by default),
// then restarts its VMs: the outage is detection plus the boot.
TEST(HaController, RestartsAfterDetectionAndTheOutageIsDetectionPlusBoot) {
  const std::string fleet = R"(horizon_s: 3600
cluster { name: "c" hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5420" name: "b" } }
vm { name: "v" count: 3 host: "a" }
at { at_s: 100 fail_host { host: "a" repair_hours: 100 } }
)";
  FakeRun run(fleet);
  run.run_until(3600);
  expect_restarts(run, 3, 115);
  auto m = metrics_of(run, 3600);
  EXPECT_DOUBLE_EQ(m["outage_minutes"], 3 * (15 + run.spec.migration.reboot_s) / 60);
  EXPECT_EQ(m["ha_restarts_delayed"], 0);  // detection is not waiting for capacity
  EXPECT_DOUBLE_EQ(m["outage_minutes.ha_restart"], m["outage_minutes"]);
  EXPECT_EQ(m["outage_minutes.ha_waiting_for_capacity"], 0);

  FakeRun quick("failures { ha_detection_s: 45 }\n" + fleet);
  quick.run_until(3600);
  expect_restarts(quick, 3, 145);
}

// Memory as vSphere accounts it: unreserved VMs book only their overhead, so
// HA restarts a failed host's VMs on a host whose configured RAM they
// overcommit -- at once, not after the repair -- and the host reports the
// memory pressure its active memory causes. A planner's overcommit limit
// makes them wait again, saying which bound refused them.
TEST(HaController, RestartsOvercommitMemoryAndReportPressureInsteadOfWaiting) {
  const std::string fleet = R"(horizon_s: 20000
memory { active: 0.62 }
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } hosts { cpu: "E5420" name: "b" ram_gib: 8 } }
vm { name: "on-a" count: 2 host: "a" ram_mib: 3072 }
vm { name: "on-b" count: 2 host: "b" ram_mib: 3072 }
at { at_s: 100 fail_host { host: "a" repair_hours: 2 } }
)";
  FakeRun run(fleet);
  run.run_until(20000);
  expect_restarts(run, 2, 115);  // at detection, not at the repair (7300)
  EXPECT_TRUE(run.rec.all<PowerOnRefused>().empty());
  // b: 4 x (0.62 x 3072 + 45) MiB active = 7800 MiB of 8192: free 392 MiB,
  // below 64% of minFree (899 MiB), above 32%: ballooning.
  auto pressure = run.rec.all<MemoryPressure>();
  ASSERT_FALSE(pressure.empty());
  EXPECT_EQ(pressure[0].host, host_named(run.spec, "b"));
  EXPECT_EQ(pressure[0].state, MemoryState::soft);
  EXPECT_EQ(pressure[0].demand_mib, 4 * (1905 + 45));
  EXPECT_EQ(pressure[0].configured_mib, 4 * 3072);
  auto m = metrics_of(run, 20000);
  EXPECT_NEAR(m["memory_ballooning_host_hours"], (20000 - 115) / 3600.0, 1e-9);  // no DRS: to the end
  EXPECT_EQ(m["memory_swapping_host_hours"], 0);
  EXPECT_DOUBLE_EQ(m["outage_minutes"], 2 * (15 + run.spec.migration.reboot_s) / 60);

  std::string with_limit = fleet;
  with_limit.replace(with_limit.find("active: 0.62"), 12, "active: 0.62 overcommit_limit: 1");
  FakeRun limited(with_limit);
  limited.run_until(20000);
  auto refused = limited.rec.all<PowerOnRefused>();
  ASSERT_EQ(refused.size(), 2u);
  EXPECT_TRUE(refused[0].why.over_limit);
  for (const auto& r : limited.rec.all<HaRestart>()) EXPECT_DOUBLE_EQ(r.t, 100 + 7200);
}

// HA restarts VMs that found no room once capacity returns (here: the failed
// host's repair); outage runs from the failure to running again; VMs still
// down at the end are lost VM-hours. fail_host injects the failure.
TEST(HaController, WaitsForCapacityAndCountsTheWholeOutage) {
  const std::string fleet = R"(policy { name: "modern-superset" }
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } hosts { cpu: "E5420" name: "b" ram_gib: 8 } }
vm { name: "on-a" count: 2 host: "a" ram_mib: 3072 reserved_mib: 3072 }
vm { name: "on-b" count: 2 host: "b" ram_mib: 3072 reserved_mib: 3072 }
)";
  FakeRun run("horizon_s: 20000\n" + fleet + R"(at { at_s: 100 fail_host { host: "a" repair_hours: 2 } })");
  run.run_until(20000);
  ASSERT_EQ(run.rec.all<HostFailed>().size(), 1u);
  auto refused = run.rec.all<PowerOnRefused>();
  ASSERT_EQ(refused.size(), 2u);  // b has room for neither reserved 3 GiB VM (8 GiB, 6 GiB reserved)
  EXPECT_TRUE(refused[0].ha);
  EXPECT_EQ(refused[0].why.code, PlacementCode::no_room);
  auto ha = run.rec.all<HaRestart>();
  ASSERT_EQ(ha.size(), 2u);
  for (const auto& r : ha) EXPECT_DOUBLE_EQ(r.t, 100 + 7200);  // when a was repaired
  auto m = metrics_of(run, 20000);
  EXPECT_DOUBLE_EQ(m["outage_minutes"], 2 * (7200 + run.spec.migration.reboot_s) / 60);
  // Taken apart: detection and boot, and the rest of the repair waited for capacity.
  EXPECT_DOUBLE_EQ(m["outage_minutes.ha_restart"], 2 * (15 + run.spec.migration.reboot_s) / 60);
  EXPECT_NEAR(m["outage_minutes.ha_waiting_for_capacity"], 2 * (7200 - 15) / 60.0, 1e-9);
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
vm { name: "v" count: 5 cluster: "c" ram_mib: 4096 reserved_mib: 4000 }
)");
  reserve.run_until(600);
  // 32 GiB, 16 kept for a failure: four reservations of 4,000 MiB + 53 MiB overhead fit, a fifth does not.
  EXPECT_EQ(reserve.rec.all<VmPoweredOn>().size(), 4u);
  auto refused = reserve.rec.all<PowerOnRefused>();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].why.code, PlacementCode::ha_reserve);

  FakeRun priority(R"(horizon_s: 3600
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 16 } hosts { cpu: "E5420" name: "b" ram_gib: 8 } }
vm { name: "low" host: "a" ram_mib: 4096 reserved_mib: 4000 ha_priority: "low" }
vm { name: "high" host: "a" ram_mib: 4096 reserved_mib: 4000 ha_priority: "high" }
vm { name: "fill" host: "b" ram_mib: 4096 reserved_mib: 4000 }
at { at_s: 100 fail_host { host: "a" repair_hours: 100 } }
)");
  priority.run_until(3600);
  auto ha = priority.rec.all<HaRestart>();
  ASSERT_EQ(ha.size(), 1u);  // b has room for one
  EXPECT_EQ(priority.spec.vms[ha[0].vm].name, "high");
}

}  // namespace
}  // namespace evcsim
