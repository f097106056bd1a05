// Host patch cycles (world/controllers/patching): on by default where DRS
// runs for longer than six months, each cluster remediated host by host
// through maintenance every quarter; on a FakeSim.

#include <string>

#include <gtest/gtest.h>

#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;
using test::metrics_of;

const char* kFleet = R"(horizon_s: 31557600
drs { balance: true interval_s: 300 }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 8 ram_gib: 64 } }
cluster { name: "d" hosts { cpu: "E5420" name: "k" count: 4 ram_gib: 64 } }
vm { name: "v" count: 80 cluster: "c" ram_mib: 2048 cpu_demand: 0.2 }
vm { name: "w" count: 40 cluster: "d" ram_mib: 2048 cpu_demand: 0.2 }
)";

// A year of DRS: quarterly cycles at 3, 6 and 9 months (the second cluster
// half a period later: 4.5, 7.5, 10.5), every host emptied each time: about
// 3 x 10 VMs per host moved for patching alone; with the cycles turned off,
// none. Before patch cycles existed a fleet like this moved only for DRS.
TEST(PatchCycles, EveryHostIsEmptiedEachQuarterByDefault) {
  FakeRun run(kFleet);
  ASSERT_TRUE(run.spec.patching.enabled);
  run.run_until(31557600);
  auto m = metrics_of(run, 31557600);
  EXPECT_EQ(m["patch_cycles"], 6);  // 3 per cluster
  EXPECT_EQ(m["patch_cycles_skipped"], 0);
  EXPECT_EQ(m["patch_maintenances"], 3 * 12);
  EXPECT_EQ(m["failed_patch_maintenances"], 0);
  EXPECT_GE(m["vmotions.patching"], 3 * 120);  // each VM at least once a cycle
  EXPECT_NEAR(m["host_years"], 12, 1e-6);
  EXPECT_GE(m["vmotions_per_host_year"], 30);
  // Hosts come back after their 30 minutes of patching; one at a time per cluster.
  int in_maintenance = 0;
  for (const auto& h : run.world.inventory().hosts) in_maintenance += h.maintenance;
  EXPECT_EQ(in_maintenance, 0);
  for (const auto& s : run.rec.all<MaintenanceStarted>()) EXPECT_EQ(s.kind, MaintenanceKind::patch);

  FakeRun off(std::string(kFleet) + "patching { enabled: false }\n");
  off.run_until(31557600);
  auto m_off = metrics_of(off, 31557600);
  EXPECT_EQ(m_off["patch_cycles"], 0);
  EXPECT_EQ(m_off["vmotions.patching"], 0);
  EXPECT_LT(m_off["vmotions_per_host_year"], m["vmotions_per_host_year"] - 25);
}

// Without DRS (a scenario about something else) nothing is patched unless
// it says so; `hosts_at_once` remediates more hosts of a cluster at once.
TEST(PatchCycles, OffWithoutDrsAndSeveralHostsAtOnce) {
  std::string fleet = kFleet;
  fleet.replace(fleet.find("drs { balance: true interval_s: 300 }"), 37, "");
  FakeRun quiet(fleet);
  EXPECT_FALSE(quiet.spec.patching.enabled);
  FakeRun two(fleet + "patching { enabled: true every: \"6mo\" hosts_at_once: 2 minutes: 45 }\n");
  ASSERT_TRUE(two.spec.patching.enabled);
  two.run_until(31557600);
  auto m = metrics_of(two, 31557600);
  EXPECT_EQ(m["patch_cycles"], 2);  // c at 6 months, d at 9; c again at 12 would be at the end: none
  int most_at_once = 0, now = 0;
  for (const auto& e : two.rec.events) {
    if (std::holds_alternative<MaintenanceStarted>(e)) most_at_once = std::max(most_at_once, ++now);
    if (std::holds_alternative<MaintenanceDone>(e)) --now;
  }
  EXPECT_EQ(most_at_once, 2);
}

}  // namespace
}  // namespace evcsim
