// Live migrations (world/migrations): vMotion slots per host, and a
// migration cut short by a failure is aborted, not blocked; on a FakeSim.

#include <algorithm>
#include <string>
#include <variant>

#include <gtest/gtest.h>

#include "tests/world/fake_sim.hpp"

namespace evcsim {
namespace {

using test::FakeRun;

// vCenter's limit: at most 8 vMotions at once per host on 10 GbE (4 on 1 GbE),
// counted at both ends; the rest queue and start as slots free.
TEST(Migrations, AtMostEightAtOnceAtAHostTheRestQueue) {
  for (const char* gbps : {"10", "1"}) {
    FakeRun run(std::string(R"(horizon_s: 7200
network { host_link_gbps: )") +
                gbps + R"( }
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

}  // namespace
}  // namespace evcsim
