// The English for the codes events carry (events/event_text.hpp): each
// sentence names the VM, the host or the cluster by its scenario name, and
// keeps the numbers, the reason and the features it was given.
#include "events/event_text.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "cpu/feature_registry.hpp"
#include "tests/world/fake_sim.hpp"

namespace evcsim {
namespace {

const ScenarioSpec& spec() {
  static const ScenarioSpec s = parse_scenario(R"(horizon_s: 3600
cluster { name: "prod" hosts { cpu: "E5420" name: "pen" ram_gib: 8 } hosts { cpu: "E5310" name: "clv" ram_gib: 8 } }
vm { name: "web" count: 7 host: "pen" ram_mib: 512 }
)",
                                               "text.textproto", Catalog::builtin());
  return s;
}

int host(const std::string& name) {
  for (size_t i = 0; i < spec().hosts.size(); ++i)
    if (spec().hosts[i].name == name) return static_cast<int>(i);
  return -1;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(EventText, PlacementRefusalsNameTheHostAndTheRoomMissing) {
  PlacementRefusal room{PlacementCode::no_room, host("clv"), 1024, 4096, ""};
  EXPECT_EQ(text(room, spec()), "host clv has 1024 MiB unreserved (reservations + overhead), the VM needs 4096 MiB");
  PlacementRefusal limit{PlacementCode::no_room, host("clv"), 1024, 4096, "", true};
  EXPECT_EQ(text(limit, spec()),
            "host clv has 1024 MiB left under the cluster's memory overcommit limit, the VM needs 4096 MiB");
  PlacementRefusal policy{PlacementCode::policy, host("pen"), 0, 0, "the guest view needs sse4_1, which clv lacks"};
  EXPECT_EQ(text(policy, spec()), "host pen: the guest view needs sse4_1, which clv lacks");
  PlacementRefusal down{PlacementCode::host_down, host("clv"), 0, 0, ""};
  EXPECT_EQ(text(down, spec()), "host clv is down");
  // HA admission control carries the failover host count where others carry a host.
  PlacementRefusal reserve{PlacementCode::ha_reserve, 1, 2048, 3072, ""};
  EXPECT_EQ(text(reserve, spec()),
            "HA admission control keeps room for 1 host failure(s) (2048 MiB free beyond it, the VM needs 3072 MiB)");
  // An HA restart says so before the reason.
  PowerOnRefused ha{100, 0, host("clv"), {}, room, true};
  EXPECT_EQ(power_on_refused_text(ha, spec()), "HA restart: " + text(room, spec()));
  ha.ha = false;
  EXPECT_EQ(power_on_refused_text(ha, spec()), text(room, spec()));
}

TEST(EventText, OperationRefusalsNameTheVmTheHostAndTheBaseline) {
  Refusal on{RefusalCode::already_on, 2, -1, -1, 0, 0, "", "", {}};
  EXPECT_EQ(text(on, spec()), "web-3 is already on");  // a group's VMs are numbered from 1
  Refusal room{RefusalCode::no_room, 0, host("clv"), -1, 100, 512, "", "", {}};
  EXPECT_EQ(text(room, spec()), "host clv has 100 MiB unreserved (reservations + overhead), web-1 needs 512 MiB");
  Refusal join{RefusalCode::baseline_host_cannot_join, -1, -1, 0, 0, 0, "intel-penryn", "clv lacks sse4_1", {}};
  EXPECT_EQ(text(join, spec()), "cluster prod cannot take baseline intel-penryn: clv lacks sse4_1");
  // At most five VMs are named, then "...".
  Refusal lower{RefusalCode::lower_vms_see_more, -1, -1, 0, 0, 0, "intel-merom", "", {0, 1, 2, 3, 4, 5, 6}};
  EXPECT_EQ(text(lower, spec()),
            "lowering to baseline intel-merom on cluster prod: power off the VMs that see more first "
            "(web-1, web-2, web-3, web-4, web-5, ...)");
  Refusal enable{RefusalCode::enable_vms_see_more, -1, -1, 0, 0, 0, "intel-merom", "", {6}};
  EXPECT_EQ(text(enable, spec()),
            "enabling baseline intel-merom on cluster prod: power off the VMs that see more first (web-7)");
  Refusal busy{RefusalCode::host_not_empty, -1, host("pen"), -1, 0, 0, "", "", {0, 1, 2}};
  EXPECT_EQ(text(busy, spec()), "host pen still runs 3 VM(s) or receives one: evacuate it first");
}

TEST(EventText, PowerOffsMaintenanceAndJoinsSayWhyWithTheirNumbers) {
  VmPoweredOff loop{10, 0, host("pen"), PowerOffReason::crash_loop, -1, 4, ""};
  EXPECT_EQ(power_off_text(loop, spec()), "HA powered it off after 4 guest crashes in a row");
  VmPoweredOff cold{10, 0, host("pen"), PowerOffReason::cold_evacuation, host("clv"), 0, ""};
  EXPECT_EQ(power_off_text(cold, spec()), "cold evacuation of pen (harpertown) to clv (clovertown)");
  VmPoweredOff cycle{10, 0, host("clv"), PowerOffReason::power_cycle_refused, -1, 0, "lacks sse4_1"};
  EXPECT_EQ(power_off_text(cycle, spec()), "power cycle refused on clv: lacks sse4_1");

  EXPECT_EQ(maintenance_started_text({0, host("clv"), MaintenanceKind::retirement, 5.34}),
            "retirement after 5.3 years");
  EXPECT_EQ(maintenance_started_text({0, host("clv"), MaintenanceKind::scheduled, 0}), "scheduled");
  MaintenanceFailed no_room{0, host("pen"), 2, {}, ""};
  EXPECT_EQ(maintenance_failed_text(no_room, spec()), "2 VM(s) cannot leave pen: no host with room");
  MaintenanceFailed kept{0, host("pen"), 1, {}, "web0 uses sse4_1, which clv lacks"};
  EXPECT_EQ(maintenance_failed_text(kept, spec()), "1 VM(s) cannot leave pen: web0 uses sse4_1, which clv lacks");

  HostJoinRefused cap{0, 2, 0, {}, JoinRefusal::cluster_at_cap, "", "", "", 3};
  EXPECT_EQ(join_refused_text(cap), "the cluster is at its host cap: 3 host(s) not bought");
  HostJoinRefused empty{0, 2, 0, {}, JoinRefusal::market_empty, "", "AMD", "2030-01", 0};
  EXPECT_EQ(join_refused_text(empty), "no part on the market can join: the market sells no AMD part in 2030-01");

  EXPECT_EQ(purchase_text(PurchaseReason::ram_headroom), "RAM headroom below the threshold");
  EXPECT_EQ(start_text(StartReason::restart_after_crash), "restart after crash");
  EXPECT_EQ(reboot_text({0, 0, 0, true, true}), "power cycle (picks up a raised baseline)");
  EXPECT_EQ(reboot_text({0, 0, 0, false, true}), "guest reboot");
  EXPECT_EQ(aborted_text({0, 0, 0, 1, true}), "the VM stopped during the migration");
  EXPECT_EQ(aborted_text({0, 0, 0, 1, false}), "the destination failed during the migration");
}

// The events of a real run, written out: a maintenance that fails because
// a VM uses SSE4.1, which the only other host lacks, says which host, how
// many VMs and, from the admission's reason, the feature; a power-on
// without room says the MiB.
TEST(EventText, TheReasonOfARealRefusalKeepsTheFeature) {
  test::FakeRun run(R"(horizon_s: 3600
policy { name: "modern-superset" }
cluster { name: "c" hosts { cpu: "E5420" name: "h0" } hosts { cpu: "E5310" name: "old" } }
cluster { name: "d" hosts { cpu: "E5420" name: "small" ram_gib: 4 } }
vm { name: "b" host: "h0" software { name: "app" uses: ["sse4_1"] } }
vm { name: "big" count: 2 cluster: "d" ram_mib: 3072 reserved_mib: 3072 }
at { at_s: 600 maintenance: "h0" }
)");
  run.run_until(3600);
  auto failed = run.rec.all<MaintenanceFailed>();
  ASSERT_EQ(failed.size(), 1u);
  ASSERT_TRUE(failed[0].missing.test(feature_id("sse4_1")));
  const std::string said = maintenance_failed_text(failed[0], run.spec);
  EXPECT_EQ(said.rfind("1 VM(s) cannot leave h0: ", 0), 0u) << said;
  EXPECT_TRUE(has(said, "sse4_1")) << said;

  auto refused = run.rec.all<PowerOnRefused>();
  ASSERT_FALSE(refused.empty());
  const std::string why = power_on_refused_text(refused[0], run.spec);
  EXPECT_EQ(refused[0].why.code, PlacementCode::no_room) << why;
  EXPECT_TRUE(has(why, "host small has ")) << why;
  // 3,072 MiB reserved + 45 MiB overhead against what the first VM left unreserved.
  EXPECT_TRUE(has(why, "MiB unreserved (reservations + overhead), the VM needs 3117 MiB")) << why;
}

}  // namespace
}  // namespace evcsim
