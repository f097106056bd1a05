// Placement at power-on (world/placement): the placement policies and
// anti-affinity, a burst placed as one power-on at a time would be, and a
// power-on without room waiting for capacity; on a FakeSim.

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;
using test::host_named;

std::map<int, int> vms_per_host(const FakeRun& run) {
  std::map<int, int> n;
  for (const auto& p : run.rec.all<VmPoweredOn>()) n[p.host]++;
  return n;
}

TEST(Placement, LeastLoadedSpreadsBestFitPacksAntiAffinitySeparates) {
  const std::string fleet = R"(horizon_s: 600
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 3 ram_gib: 64 } }
)";
  FakeRun spread(fleet + R"(drs { placement: "least-loaded" }
vm { name: "v" count: 6 cluster: "c" ram_mib: 4096 })");
  spread.run_until(600);
  EXPECT_EQ(vms_per_host(spread), (std::map<int, int>{{0, 2}, {1, 2}, {2, 2}}));
  FakeRun pack(fleet + R"(drs { placement: "best-fit" }
vm { name: "v" count: 6 cluster: "c" ram_mib: 4096 })");
  pack.run_until(600);
  EXPECT_EQ(vms_per_host(pack), (std::map<int, int>{{0, 6}}));
  FakeRun apart(fleet + R"(drs { placement: "best-fit" }
vm { name: "db" count: 3 cluster: "c" ram_mib: 4096 }
rule { kind: "anti-affinity" vm: "db" })");
  apart.run_until(600);
  EXPECT_EQ(vms_per_host(apart), (std::map<int, int>{{0, 1}, {1, 1}, {2, 1}}));
}

// A burst of power-ons in a cluster at one instant goes through an ordered
// index of its hosts; one power-on per instant goes through a scan of every
// host. Both must land each VM where the other does: hosts of two sizes,
// VMs of two sizes, an anti-affinity rule, and a host in maintenance
// throughout. (No CPU demand and no DRS, so the loads do not move with the
// clock.)
TEST(Placement, ABurstLandsEveryVmWhereOnePowerOnAtATimeWould) {
  for (const char* policy : {"least-loaded", "best-fit"}) {
    auto scenario = [&](bool burst) {
      std::string s = std::string(R"(horizon_s: 600
drs { placement: ")") +
                      policy + R"(" }
cluster { name: "c" hosts { cpu: "E5420" name: "big" count: 3 ram_gib: 64 }
                    hosts { cpu: "E5420" name: "small" count: 3 ram_gib: 16 } }
at { at_s: 0 maintenance: "big-2" }
rule { kind: "anti-affinity" vm: ["db0", "db6", "db12", "db18"] }
)";
      for (int i = 0; i < 24; ++i)
        s += "vm { name: \"" + std::string(i % 6 == 0 ? "db" : "v") + std::to_string(i) +
             "\" cluster: \"c\" ram_mib: " + std::to_string(i % 3 == 0 ? 4096 : 1024) +
             " power_on_at_s: " + std::to_string(burst ? 10 : 11 + i) + " }\n";
      return s;
    };
    FakeRun burst(scenario(true)), one_by_one(scenario(false));
    burst.run_until(600);
    one_by_one.run_until(600);
    auto where = [](const FakeRun& run) {
      std::map<int, int> host_of;
      for (const auto& p : run.rec.all<VmPoweredOn>()) host_of[p.vm] = p.host;
      return host_of;
    };
    EXPECT_EQ(where(burst).size(), 24u) << policy;
    EXPECT_EQ(where(burst), where(one_by_one)) << policy;
    EXPECT_EQ(vms_per_host(burst).count(host_named(burst.spec, "big-2")), 0u) << policy;
  }
}

TEST(Placement, APowerOnWithoutRoomWaitsForTheNextHost) {
  FakeRun run(R"(horizon_s: 3600
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } }
vm { name: "v" count: 3 cluster: "c" ram_mib: 3072 reserved_mib: 3072 }
at { at_s: 600 add_host { cluster: "c" hosts { cpu: "E5420" name: "b" ram_gib: 8 } } }
)");
  run.run_until(3600);
  ASSERT_EQ(run.rec.all<PowerOnRefused>().size(), 1u);
  auto on = run.rec.all<VmPoweredOn>();
  ASSERT_EQ(on.size(), 3u);
  EXPECT_DOUBLE_EQ(on[2].t, 600);
  EXPECT_EQ(run.spec.hosts[on[2].host].name, "b");
}

}  // namespace
}  // namespace evcsim
