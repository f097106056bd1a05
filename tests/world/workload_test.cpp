// The workload (world/controllers/workload): arrivals and departures, slots
// reused, departures that survive reboots and arrivals that find no slot;
// on a FakeSim.

#include <gtest/gtest.h>

#include "tests/world/fake_sim.hpp"

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

}  // namespace
}  // namespace evcsim
