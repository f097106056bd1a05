// The guest model (world/guest_model): software that probes the host
// escapes the mask and crashes after a move, the crash is traced to the
// admission that let the VM go, and a guest view without AVX hides it even
// from probes; on a FakeSim.

#include <vector>

#include <gtest/gtest.h>

#include "cpu/feature_registry.hpp"
#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;
using test::host_named;

TEST(GuestModel, ProbingSoftwareCrashesAfterAnAdmittedMoveAndTheCauseComesFromTheAdmission) {
  FakeRun run(R"(horizon_s: 3600
policy { name: "cluster-baseline" }
cluster { name: "c" baseline: "intel-merom"
  hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5310" name: "b" } }
vm { name: "v" host: "a" software { name: "enc" detection: PROBE uses: ["sse4_1"] uses_per_s: 1 } }
at { at_s: 300 migrate { vm: "v" host: "b" } }
)");
  run.run_until(3600);
  auto crashes = run.rec.all<Crash>();
  ASSERT_FALSE(crashes.empty());
  EXPECT_EQ(crashes[0].cause, CrashCause::probing_software);
  EXPECT_EQ(crashes[0].src, host_named(run.spec, "a"));
}

TEST(GuestModel, ProbesFindNoAvxUnderAViewWithoutItButSse41StillEscapes) {
  // Westmere baseline on a Sandy Bridge: the guest OS cannot enable AVX state,
  // so the AVX probe finds nothing and the move to the Westmere is harmless;
  // the SSE4.2 probe under a Merom view escapes and crashes after its move.
  FakeRun run(R"(horizon_s: 3600
policy { name: "cluster-baseline" }
cluster { name: "w" baseline: "intel-westmere" hosts { cpu: "sandybridge-ep" name: "snb" } hosts { cpu: "westmere-ep" name: "wsm" } }
cluster { name: "m" baseline: "intel-merom" hosts { cpu: "E5420" name: "pen" } hosts { cpu: "E5310" name: "clv" } }
vm { name: "avx" host: "snb" software { name: "enc" detection: PROBE uses: ["avx", "sse4_2"] uses_per_s: 1 } }
vm { name: "sse" host: "pen" software { name: "enc" detection: PROBE uses: ["sse4_1"] uses_per_s: 1 } }
at { at_s: 300 migrate { vm: "avx" host: "wsm" } }
at { at_s: 300 migrate { vm: "sse" host: "clv" } }
)");
  run.run_until(3600);
  std::vector<SoftwareStarted> avx_starts;
  for (const auto& s : run.rec.all<SoftwareStarted>())
    if (s.vm == 0) avx_starts.push_back(s);
  ASSERT_FALSE(avx_starts.empty());
  EXPECT_FALSE(avx_starts[0].active.test(feature_id("avx")));
  EXPECT_TRUE(avx_starts[0].active.test(feature_id("sse4_2")));
  auto crashes = run.rec.all<Crash>();
  ASSERT_FALSE(crashes.empty());
  for (const auto& c : crashes) EXPECT_EQ(c.vm, 1) << "only the SSE4.1 probe escapes its mask";
}

// Issue 23: a VM an inventory finds running on a view captured below its
// cluster's mode (RVTools' min Required EVC Mode Key, intel-broadwell in an
// intel-skylake cluster) starts on that view and sees the cluster's mode
// only after its next power cycle; a reboot keeps the old view.
TEST(GuestModel, AViewCapturedBelowTheClustersModeLastsUntilThePowerCycle) {
  FakeRun run(R"(horizon_s: 3600
start_date: "2026-12"
policy { name: "cluster-baseline" }
cluster { name: "c" baseline: "intel-skylake" hosts { cpu: "skylake-sp" name: "a" } }
vm { name: "old" host: "a" power_on_date: "2025-10-04" captured_baseline: "intel-broadwell" }
vm { name: "new" host: "a" }
at { at_s: 600 reboot { vm: "old" } }
at { at_s: 1200 power_cycle { vm: "old" } }
)");
  run.run_until(3600);
  std::vector<VmPoweredOn> old, fresh;
  for (const auto& p : run.rec.all<VmPoweredOn>()) (p.vm == 0 ? old : fresh).push_back(p);
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_TRUE(fresh[0].guest_view.test(feature_id("avx512f")));
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0].t, 0);  // a power_on_date before the start: running at the start
  EXPECT_FALSE(old[0].guest_view.test(feature_id("avx512f")));
  EXPECT_TRUE(old[0].guest_view.test(feature_id("avx2")));
  EXPECT_LT(run.spec.vms[0].view_since_s, 0);
  // The reboot keeps the old view; the power cycle picks up the cluster's mode.
  std::vector<VmRebooted> reboots;
  for (const auto& r : run.rec.all<VmRebooted>())
    if (r.vm == 0 && r.operation) reboots.push_back(r);
  ASSERT_EQ(reboots.size(), 2u);
  EXPECT_FALSE(reboots[0].power_cycle || reboots[0].picks_up);
  EXPECT_TRUE(reboots[1].power_cycle && reboots[1].picks_up);
}

}  // namespace
}  // namespace evcsim
