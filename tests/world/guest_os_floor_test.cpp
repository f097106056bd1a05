// The guest OS's CPU floor (catalog/guest_os, world/guest_model): a VM whose
// view lacks its OS's floor does not power on (Windows 11 24H2 under a mode
// without SSE4.2/POPCNT), and the summary says which VMs, which OS and which
// features; an in-place upgrade to RHEL 10 is refused under a mode below
// x86-64-v3 and taken after the raise and the VM's power cycle, by an
// operation or by the workload's upgrade_at_end_of_support; on a FakeSim.

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "base/year_month.hpp"
#include "catalog/guest_os.hpp"
#include "cpu/feature_registry.hpp"
#include "events/event_text.hpp"
#include "reports/run_summary.hpp"
#include "tests/scenario/scenario_error.hpp"
#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;

std::string summary_of(const FakeRun& run, double end_s) {
  RunSummary summary(run.spec);
  for (const Event& e : run.rec.events) summary.on_event(e);
  summary.on_end(end_s);
  return summary.render_text(RunStats{});
}

FeatureSet floor_of(const char* os) { return guest_os_floor(guest_os_index(os), Catalog::builtin()); }

// Nehalem hosts have SSE4.2 and POPCNT; the Penryn mode hides them.
TEST(GuestOsFloor, Windows11_24h2CannotPowerOnUnderAModeWithoutSse42AndPopcnt) {
  FakeRun run(R"(horizon_s: 3600
policy { name: "cluster-baseline" }
cluster { name: "old" baseline: "intel-penryn" hosts { cpu: "X5570" name: "n" count: 2 ram_gib: 128 } }
cluster { name: "free" hosts { cpu: "X5570" name: "f" count: 2 ram_gib: 128 } }
vm { name: "w11" count: 2 cluster: "old" ram_mib: 2048 guest_os: "windows-11-24h2" }
vm { name: "w22" count: 2 cluster: "old" ram_mib: 2048 guest_os: "windows-2022" }
vm { name: "w11free" cluster: "free" ram_mib: 2048 guest_os: "windows-11-24h2" }
)");
  run.run_until(run.spec.horizon_s);
  const FeatureSet sse42_popcnt = make_feature_set({"sse4_2", "popcnt"});
  std::set<std::string> refused;
  for (const auto& e : run.rec.all<PowerOnRefused>()) {
    refused.insert(run.spec.vms[e.vm].name);
    EXPECT_EQ(e.why.code, PlacementCode::guest_os_floor);
    EXPECT_EQ(e.why.guest_os, guest_os_index("windows-11-24h2"));
    EXPECT_EQ(e.missing, sse42_popcnt) << join_names(e.missing);
    const std::string why = power_on_refused_text(e, run.spec);
    EXPECT_NE(why.find("guest OS windows-11-24h2 needs " + join_names(sse42_popcnt)), std::string::npos) << why;
  }
  EXPECT_EQ(refused, (std::set<std::string>{"w11-1", "w11-2"}));
  std::set<std::string> on;
  for (const auto& e : run.rec.all<VmPoweredOn>()) on.insert(run.spec.vms[e.vm].name);
  EXPECT_EQ(on, (std::set<std::string>{"w22-1", "w22-2", "w11free"}));  // 2022 needs neither; no mode: the host's CPU
  for (const auto& v : run.world.inventory().vms)
    if (v.power == Power::running) {
      EXPECT_TRUE(v.guest_view.contains(floor_of("windows-2022")));
    }
  auto m = test::metrics_of(run, run.spec.horizon_s);
  EXPECT_EQ(m["vms_refused_guest_os_floor"], 2);
  const std::string text = summary_of(run, run.spec.horizon_s);
  EXPECT_NE(text.find("guest OS floor  2 VM(s) could not power on"), std::string::npos) << text;
  EXPECT_NE(text.find("windows-11-24h2 needs " + join_names(sse42_popcnt) + ": 2 VM(s) (w11-1, w11-2)"),
            std::string::npos)
      << text;
}

// Haswell hosts under the Sandy Bridge mode: RHEL 9 (v2) runs, RHEL 10 (v3)
// is refused until the mode is raised and the VMs are power cycled (a raise
// alone leaves the running VMs on their old view).
TEST(GuestOsFloor, ARhel10UpgradeIsRefusedBelowV3AndTakenAfterTheRaiseAndAPowerCycle) {
  FakeRun run(R"(horizon_s: 36000
policy { name: "cluster-baseline" }
cluster { name: "c" baseline: "intel-sandybridge" hosts { cpu: "E5-2680 v3" name: "h" count: 2 ram_gib: 128 } }
vm { name: "r" count: 2 cluster: "c" ram_mib: 2048 guest_os: "rhel-9" }
vm { name: "a" cluster: "c" ram_mib: 2048 guest_os: "alma-9" }
at { at_s: 3600 upgrade_os { vms: "r" to: "rhel-10" } }
at { at_s: 3600 upgrade_os { vms: "a" to: "alma-10-v2" } }
at { at_s: 7200 set_baseline { cluster: "c" baseline: "intel-haswell" } }
at { at_s: 10800 upgrade_os { vms: "r" to: "rhel-10" } }
at { at_s: 14400 power_cycle { vm: "r" } }
at { at_s: 18000 upgrade_os { vms: "r" to: "rhel-10" } }
)");
  run.run_until(run.spec.horizon_s);
  const int rhel9 = guest_os_index("rhel-9"), rhel10 = guest_os_index("rhel-10");
  const auto refused = run.rec.all<OsUpgradeRefused>();
  ASSERT_EQ(refused.size(), 4u);  // both VMs at 1 h, and again at 3 h: raised, but not yet power cycled
  const FeatureSet sandy = Catalog::builtin().baseline("intel-sandybridge").features;
  for (const auto& e : refused) {
    EXPECT_TRUE(e.t == 3600 || e.t == 10800) << e.t;
    EXPECT_EQ(e.from, rhel9);
    EXPECT_EQ(e.to, rhel10);
    EXPECT_EQ(e.cluster, 0);
    EXPECT_FALSE(e.not_running);
    EXPECT_EQ(e.missing, lacking(sandy, floor_of("rhel-10"))) << join_names(e.missing);
    EXPECT_TRUE(e.missing.contains(make_feature_set({"avx2", "bmi2", "fma"})));
    EXPECT_NE(os_upgrade_refused_text(e, run.spec).find("cannot upgrade from rhel-9 to rhel-10: its guest view lacks"),
              std::string::npos);
  }
  const auto upgraded = run.rec.all<OsUpgraded>();
  ASSERT_EQ(upgraded.size(), 3u);
  EXPECT_EQ(run.spec.vms[upgraded[0].vm].name, "a");  // the v2 build fits the Sandy Bridge view
  EXPECT_EQ(upgraded[0].t, 3600);
  EXPECT_EQ(upgraded[0].to, guest_os_index("alma-10-v2"));
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(upgraded[i].t, 18000);
    EXPECT_EQ(upgraded[i].to, rhel10);
  }
  const Inventory& inv = run.world.inventory();
  for (int vm = 0; vm < 2; ++vm) {
    EXPECT_EQ(inv.vms[vm].guest_os, rhel10);
    EXPECT_EQ(inv.vms[vm].power, Power::running);  // rebooted into it
  }
  // The OS kernel (FIXED) restarted with the new floor after the upgrade.
  bool kernel_v3 = false;
  for (const auto& e : run.rec.all<SoftwareStarted>())
    if (e.t > 18000 && (*run.spec.vms[e.vm].software)[e.sw].guest_os_kernel)
      kernel_v3 = kernel_v3 || e.active == floor_of("rhel-10");
  EXPECT_TRUE(kernel_v3);
  auto m = test::metrics_of(run, run.spec.horizon_s);
  EXPECT_EQ(m["os_upgrades"], 3);
  EXPECT_EQ(m["os_upgrades_refused"], 4);
  EXPECT_EQ(m["vms_blocked_from_os_upgrade"], 0);
  const std::string text = summary_of(run, run.spec.horizon_s);
  EXPECT_NE(
      text.find("OS upgrades     3 done (2 rhel-9 -> rhel-10, 1 alma-9 -> alma-10-v2), 4 refused; 0 VM(s) blocked"),
      std::string::npos)
      << text;
}

// The policy: RHEL 9's support ends on 2032-05-31; the upgrade to RHEL 10
// is refused once per VM, and taken by itself after the raise and the power
// cycle, without a new refusal in between.
TEST(GuestOsFloor, UpgradeAtEndOfSupportWaitsForAViewWithTheFloor) {
  FakeRun run(R"(start_date: "2032-01"
policy { name: "cluster-baseline" }
end_date: "2034-01-01"
workload { upgrade_at_end_of_support: true replacement_months: 1 }
cluster { name: "c" baseline: "intel-sandybridge" hosts { cpu: "E5-2680 v3" name: "h" count: 2 ram_gib: 128 } }
vm { name: "r" count: 4 cluster: "c" ram_mib: 2048 guest_os: "rhel-9" }
at { at_date: "2033-01-01" set_baseline { cluster: "c" baseline: "intel-haswell" } }
at { at_date: "2033-02-01" power_cycle { vm: "r" } }
)");
  run.run_until(run.spec.horizon_s);
  const double ended = seconds_at(run.spec.start_date, "2032-06-01");
  const double cycled = seconds_at(run.spec.start_date, "2033-02-01");
  const auto refused = run.rec.all<OsUpgradeRefused>();
  ASSERT_EQ(refused.size(), 4u);
  std::set<int> vms;
  for (const auto& e : refused) {
    EXPECT_GE(e.t, ended);
    EXPECT_LT(e.t, cycled);
    vms.insert(e.vm);
  }
  EXPECT_EQ(vms.size(), 4u);
  const auto upgraded = run.rec.all<OsUpgraded>();
  ASSERT_EQ(upgraded.size(), 4u);
  for (const auto& e : upgraded) {
    EXPECT_GT(e.t, cycled);
    EXPECT_LT(e.t, cycled + 3600);
    EXPECT_EQ(e.to, guest_os_index("rhel-10"));
  }
  EXPECT_TRUE(run.rec.all<VmReplacedAtEndOfSupport>().empty());  // in place: nothing departs
  EXPECT_TRUE(run.rec.all<VmDeparted>().empty());
}

TEST(GuestOsFloor, BadUpgradesAreErrorsWithTheNearestNames) {
  const std::string base = R"(horizon_s: 3600
cluster { name: "c" hosts { cpu: "E5420" name: "h" } }
vm { name: "v" cluster: "c" guest_os: "rhel-9" }
vm { name: "bare" cluster: "c" }
)";
  std::string e = test::scenario_error(base + "at { at_s: 60 upgrade_os { vms: \"v\" to: \"rhel10\" } }\n");
  EXPECT_NE(e.find("s.textproto:5: to: unknown guest OS 'rhel10'; nearest known: rhel-10"), std::string::npos) << e;
  e = test::scenario_error(base + "at { at_s: 60 upgrade_os { vms: [\"v\", \"w\"] to: \"rhel-10\" } }\n");
  EXPECT_NE(e.find("vms: unknown VM or VM group 'w'"), std::string::npos) << e;
  e = test::scenario_error(base + "at { at_s: 60 upgrade_os { vms: \"bare\" to: \"rhel-10\" } }\n");
  EXPECT_NE(e.find("bare has no guest_os to upgrade from"), std::string::npos) << e;
  e = test::scenario_error(
      "start_date: \"2030-01\"\nhorizon_s: 3600\nworkload {\n replace_at_end_of_support: true\n "
      "upgrade_at_end_of_support: true }\ncluster { name: \"c\" hosts { cpu: \"E5420\" name: \"h\" } }\n");
  EXPECT_NE(e.find("upgrade_at_end_of_support: a VM at its end of support is either replaced or upgraded"),
            std::string::npos)
      << e;
}

}  // namespace
}  // namespace evcsim
