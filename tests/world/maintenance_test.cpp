// Maintenance mode (world/controllers/maintenance): evacuations planned as a
// max flow, failures that name the features keeping a VM, and cold moves
// only when they empty the host; on a FakeSim.

#include <string>

#include <gtest/gtest.h>

#include "cpu/feature_registry.hpp"
#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;
using test::host_named;

TEST(MaintenanceController, PlansByMaxFlowAndRetiresNothingWhenScheduled) {
  FakeRun run(R"(horizon_s: 3600
policy { name: "modern-superset" }
cluster { name: "c"
  hosts { cpu: "E5420" name: "h0" ram_gib: 64 }
  hosts { cpu: "E5440" name: "y" ram_gib: 5 }
  hosts { cpu: "E5310" name: "x" ram_gib: 5 } }
vm { name: "a" host: "x" ram_mib: 4096 reserved_mib: 4000 }
vm { name: "b" host: "h0" ram_mib: 4096 reserved_mib: 4000 }
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
vm { name: "b" count: 2 host: "h0" ram_mib: 4096 reserved_mib: 4000 software { name: "app" uses: ["sse4_1"] } }
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

}  // namespace
}  // namespace evcsim
