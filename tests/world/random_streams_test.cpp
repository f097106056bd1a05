// The world's random streams: each controller draws from its own named
// stream, so changing one controller's timing moves no other controller's
// draws; on a FakeSim.

#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "tests/world/fake_sim.hpp"

namespace evcsim {
namespace {

using test::FakeRun;

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

}  // namespace
}  // namespace evcsim
