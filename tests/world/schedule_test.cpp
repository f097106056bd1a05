// The schedule (world/controllers/schedule): the scenario's `at` operations
// checked the way vCenter checks a request -- refused with a code when they
// cannot be carried out, handed on when they can -- on a FakeSim.

#include <gtest/gtest.h>

#include "cpu/feature_registry.hpp"
#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;
using test::host_named;

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

}  // namespace
}  // namespace evcsim
