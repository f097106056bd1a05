// The workload (world/controllers/workload): arrivals and departures, slots
// reused, departures that survive reboots and arrivals that find no slot;
// on a FakeSim.

#include <cmath>

#include <gtest/gtest.h>

#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;

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
vm { name: "v" count: 1 cluster: "c" arrivals_per_day: 4 max_count: 5 }
)");
  full.run_until(864000);
  EXPECT_EQ(full.rec.all<VmArrived>().size(), 4u);  // one VM at start, four slots for arrivals
  EXPECT_GT(full.rec.all<ArrivalWithoutSlot>().size(), 20u);
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

// The VMs present at the start have a life too: with a 100-day mean, about
// 1 - e^-2 = 86% of them have left after 200 days (none did before: only
// arrivals departed); arrivals at count / lifetime keep the fleet's size,
// so the measured demand grows only by the stated per-VM growth.
TEST(WorkloadController, TheStartsVmsLeaveAndGrowthIsStatedOnce) {
  FakeRun run(R"(horizon_s: 17280000
start_date: "2010-01"
report { sample_interval: "10d" }
workload { growth_per_year: 0.2 diurnal_amplitude: 0 noise: 0 }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 8 ram_gib: 256 } }
vm { name: "v" count: 200 cluster: "c" ram_mib: 1024 cpu_demand: 0.1 arrivals_per_day: 2 lifetime_days: 100 }
)");
  run.run_until(17280000);
  int initial_left = 0;
  for (const auto& d : run.rec.all<VmDeparted>()) initial_left += !run.spec.vms[d.vm].arrival_slot;
  EXPECT_NEAR(initial_left / 200.0, 1 - std::exp(-2.0), 0.08);
  auto m = test::metrics_of(run, 17280000);
  // 200 days at 20% a year: x1.105 by growth; the count stays near 200.
  EXPECT_NEAR(m["demand_growth"], std::pow(1.2, 190 / 365.25), 0.12);
}

}  // namespace
}  // namespace evcsim
