// Simulations end to end. gtest_discover_tests runs each TEST in its own
// process: SimGrid allows one engine per process.
#include "engine/engine.hpp"

#include <unistd.h>
#include <cmath>

#include <gtest/gtest.h>

#include "cpu/feature_registry.hpp"
#include "world/events.hpp"

namespace evcsim {
namespace {

struct Recorder final : Listener {
  std::vector<Event> events;
  void on_event(const Event& e) override { events.push_back(e); }
  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : events)
      if (auto* x = std::get_if<T>(&e)) out.push_back(*x);
    return out;
  }
  // Active sets captured by software `sw` of VM 0, in order.
  std::vector<FeatureSet> captures(int sw) const {
    std::vector<FeatureSet> out;
    for (const auto& s : all<SoftwareStarted>())
      if (s.vm == 0 && s.sw == sw) out.push_back(s.active);
    return out;
  }
};

ScenarioSpec scenario(const std::string& text) { return parse_scenario(text, "test.textproto", Catalog::builtin()); }

Recorder run(const ScenarioSpec& spec, RunStats* stats = nullptr) {
  Recorder r;
  RunStats s = run_simulation(spec, {&r});
  if (stats) *stats = s;
  return r;
}

const FeatureSet kSse41 = make_feature_set({"sse4_1"});

TEST(Engine, GuestViewIsCapturedAtPowerOnKeptOnRebootRenewedOnPowerCycle) {
  // dynamic-lcd: the VM powers on while only the E5420 is in the cluster, so it
  // sees SSE4.1; an E5310 joins; a guest reboot keeps the view, a power cycle
  // takes the new LCD without SSE4.1.
  auto spec = scenario(R"(horizon_s: 3000
policy { name: "dynamic-lcd" }
cluster { name: "c" hosts { cpu: "E5420" name: "a" } }
vm { name: "v" host: "a" software { name: "app" detection: CPUID uses: ["sse4_1", "ssse3"] } }
at { at_s: 300 add_host { cluster: "c" hosts { cpu: "E5310" name: "b" } } }
at { at_s: 600 reboot { vm: "v" } }
at { at_s: 1200 power_cycle { vm: "v" } }
)");
  Recorder r = run(spec);
  auto caps = r.captures(0);
  ASSERT_EQ(caps.size(), 3u);
  EXPECT_TRUE(caps[0].contains(kSse41));   // power-on
  EXPECT_TRUE(caps[1].contains(kSse41));   // guest reboot: same view
  EXPECT_FALSE(caps[2].contains(kSse41));  // power cycle: the new LCD
  auto reboots = r.all<VmRebooted>();
  ASSERT_EQ(reboots.size(), 2u);
  EXPECT_FALSE(reboots[0].power_cycle);
  EXPECT_TRUE(reboots[1].power_cycle);
}

TEST(Engine, PowerCycleOnRebootTakesANewView) {
  auto spec = scenario(R"(horizon_s: 3000
policy { name: "dynamic-lcd" }
cluster { name: "c" hosts { cpu: "E5420" name: "a" } }
vm { name: "v" host: "a" power_cycle_on_reboot: true software { name: "app" detection: CPUID uses: ["sse4_1"] } }
at { at_s: 300 add_host { cluster: "c" hosts { cpu: "E5310" name: "b" } } }
at { at_s: 600 reboot { vm: "v" } }
)");
  auto caps = run(spec).captures(0);
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_FALSE(caps[1].contains(kSse41));
}

TEST(Engine, EachDetectionStyleCapturesItsOwnWay) {
  auto spec = scenario(R"(horizon_s: 600
policy { name: "cluster-baseline" }
cluster { name: "c" baseline: "intel-merom" hosts { cpu: "E5420" name: "a" } }
vm { name: "v" host: "a"
  software { name: "asks" detection: CPUID uses: ["sse4_1", "ssse3"] }
  software { name: "probes" detection: PROBE uses: ["sse4_1", "ssse3"] }
  software { name: "built-for-sse41" detection: FIXED uses: ["sse4_1"] }
  software { name: "built-for-ssse3" detection: FIXED uses: ["ssse3"] } }
)");
  Recorder r = run(spec);
  EXPECT_EQ(r.captures(0).at(0), make_feature_set({"ssse3"}));            // the mask hides SSE4.1
  EXPECT_EQ(r.captures(1).at(0), make_feature_set({"sse4_1", "ssse3"}));  // probing escapes it
  EXPECT_TRUE(r.captures(2).empty());                                     // refuses to start
  auto refused = r.all<SoftwareRefused>();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].missing, kSse41);
  EXPECT_EQ(r.captures(3).at(0), make_feature_set({"ssse3"}));
}

TEST(Engine, KernelCrashTakesTheVmDownAndHaGivesUp) {
  // Unsafe override: the guest kernel uses SSE4.1, the VM moves to the E5310.
  // Its reboots keep the guest view, so it crashes again until HA gives up.
  auto spec = scenario(R"(horizon_s: 7200
policy { name: "unsafe-override" }
migration { max_crash_loops: 2 reboot_s: 30 }
cluster { name: "c" hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5310" name: "b" } }
vm { name: "v" host: "a" software { name: "kernel" kernel: true detection: CPUID uses: ["sse4_1"] uses_per_s: 5 }
     software { name: "app" detection: CPUID uses: ["sse2"] } }
at { at_s: 300 migrate { vm: "v" host: "b" } }
)");
  Recorder r = run(spec);
  auto crashes = r.all<Crash>();
  ASSERT_EQ(crashes.size(), 3u);
  for (const auto& c : crashes) {
    EXPECT_TRUE(c.kernel);
    EXPECT_EQ(c.missing, kSse41);
    EXPECT_EQ(c.cause, CrashCause::unsafe_override);
    EXPECT_EQ(c.src, 0);
    EXPECT_EQ(c.dst, 1);
  }
  auto off = r.all<VmPoweredOff>();
  ASSERT_EQ(off.size(), 1u);
  EXPECT_EQ(off[0].reason, PowerOffReason::crash_loop);
  EXPECT_EQ(off[0].count, 3);
}

TEST(Engine, ProbingApplicationCrashesThenRecoversByProbingAgain) {
  auto spec = scenario(R"(horizon_s: 3600
policy { name: "cluster-baseline" }
cluster { name: "c" baseline: "intel-merom" hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5310" name: "b" } }
vm { name: "v" host: "a" software { name: "enc" detection: PROBE uses: ["sse4_1", "ssse3"] uses_per_s: 10 } }
at { at_s: 300 migrate { vm: "v" host: "b" } }
)");
  Recorder r = run(spec);
  auto crashes = r.all<Crash>();
  ASSERT_EQ(crashes.size(), 1u);
  EXPECT_EQ(crashes[0].cause, CrashCause::probing_software);
  EXPECT_FALSE(crashes[0].kernel);
  auto caps = r.captures(0);
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(caps[1], make_feature_set({"ssse3"}));
}

TEST(Engine, ColdMigrationNeverCrashesAndTakesTheDestinationsView) {
  auto spec = scenario(R"(horizon_s: 3600
policy { name: "modern-superset" }
migration { cold_outage_s: 240 }
cluster { name: "c" hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5310" name: "b" } }
vm { name: "v" host: "a" software { name: "app" detection: CPUID uses: ["sse4_1", "ssse3"] uses_per_s: 10 } }
at { at_s: 300 migrate { vm: "v" host: "b" } }
at { at_s: 400 cold_migrate { vm: "v" host: "b" } }
)");
  Recorder r = run(spec);
  EXPECT_EQ(r.all<MigrationBlocked>().size(), 1u);
  auto cold = r.all<ColdMigration>();
  ASSERT_EQ(cold.size(), 1u);
  EXPECT_DOUBLE_EQ(cold[0].outage_s, 240);
  EXPECT_TRUE(r.all<Crash>().empty());
  auto on = r.all<VmPoweredOn>();
  ASSERT_EQ(on.size(), 2u);
  EXPECT_EQ(on[1].host, 1);
  EXPECT_FALSE(on[1].guest_view.contains(kSse41));
  auto caps = r.captures(0);
  EXPECT_DOUBLE_EQ(r.all<SoftwareStarted>().back().t, 400 + 240);
  EXPECT_EQ(caps.back(), make_feature_set({"ssse3"}));
}

TEST(Engine, CrossVendorLiveMigrationIsRefusedUnlessAllowed) {
  const char* text = R"(horizon_s: 600
policy { name: "unsafe-override" %s }
cluster { name: "c" hosts { cpu: "X5570" name: "intel" } hosts { cpu: "Opteron 2378" name: "amd" } }
vm { name: "v" host: "intel" }
at { at_s: 100 migrate { vm: "v" host: "amd" } }
)";
  char buf[1024];
  std::snprintf(buf, sizeof buf, text, "");
  Recorder r = run(scenario(buf));
  auto blocked = r.all<MigrationBlocked>();
  ASSERT_EQ(blocked.size(), 1u);
  EXPECT_EQ(blocked[0].code, VerdictCode::cross_vendor);
  EXPECT_NE(blocked[0].reason.find("GenuineIntel to AuthenticAMD"), std::string::npos);
}

TEST(Engine, CrossVendorAllowedByThePolicyGoesThrough) {
  Recorder r = run(scenario(R"(horizon_s: 600
policy { name: "unsafe-override" allow_cross_vendor: true }
cluster { name: "c" hosts { cpu: "X5570" name: "intel" } hosts { cpu: "Opteron 2378" name: "amd" } }
vm { name: "v" host: "intel" software { name: "app" detection: CPUID uses: ["sse4_2"] uses_per_s: 10 } }
at { at_s: 100 migrate { vm: "v" host: "amd" } }
)"));
  EXPECT_EQ(r.all<MigrationCompleted>().size(), 1u);
  auto crashes = r.all<Crash>();
  ASSERT_FALSE(crashes.empty());
  EXPECT_EQ(crashes[0].missing, make_feature_set({"sse4_2"}));
}

// Pre-copy on an idle link against the closed form: rounds send M, M r, M r^2,
// ... (r = dirty rate / bandwidth) until M r^n / B fits the maximum downtime;
// then M r^n is copied with the VM stopped.
TEST(Engine, PreCopyMatchesTheClosedFormOnAnIdleLink) {
  auto spec = scenario(R"(horizon_s: 600
policy { name: "modern-superset" }
network { host_link_gbps: 10 host_link_latency_us: 0 }
migration { max_downtime_ms: 100 }
cluster { name: "c" hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5440" name: "b" } }
vm { name: "v" host: "a" ram_mib: 16384 working_set_mib: 16384 dirty_mib_per_s: 300 }
at { at_s: 100 migrate { vm: "v" host: "b" } }
)");
  Recorder r = run(spec);
  auto done = r.all<MigrationCompleted>();
  ASSERT_EQ(done.size(), 1u);
  const double B = 10e9 / 8, M = 16384.0 * 1048576, D = 300.0 * 1048576, rr = D / B;
  int n = 1;
  while (M * std::pow(rr, n) / B > 0.1) ++n;
  double duration = M / B * (1 - std::pow(rr, n + 1)) / (1 - rr);
  double downtime = M * std::pow(rr, n) / B;
  EXPECT_EQ(done[0].rounds, n);
  EXPECT_NEAR(done[0].duration_s, duration, duration * 0.01);
  EXPECT_NEAR(done[0].downtime_s, downtime, downtime * 0.01);
  EXPECT_GT(done[0].downtime_s, 0.0);
}

TEST(Engine, ConcurrentMigrationsOnOneLinkSlowEachOtherDown) {
  const char* text = R"(horizon_s: 600
policy { name: "modern-superset" }
cluster { name: "c" hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5440" name: "b" } }
vm { name: "v" count: 2 host: "a" ram_mib: 8192 }
at { at_s: 100 migrate { vm: "v-1" host: "b" } }
%s
)";
  char alone[1024], both[1024];
  std::snprintf(alone, sizeof alone, text, "");
  std::snprintf(both, sizeof both, text, "at { at_s: 100 migrate { vm: \"v-2\" host: \"b\" } }");
  // Each simulation needs its own process; fork one for the run alone.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    double d = run(scenario(alone)).all<MigrationCompleted>().at(0).duration_s;
    (void)!write(fds[1], &d, sizeof d);
    _exit(0);
  }
  double alone_s = 0;
  ASSERT_EQ(read(fds[0], &alone_s, sizeof alone_s), static_cast<ssize_t>(sizeof alone_s));
  auto done = run(scenario(both)).all<MigrationCompleted>();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_GT(done[0].duration_s, alone_s * 1.5);
  EXPECT_GT(done[1].duration_s, alone_s * 1.5);
}

TEST(Engine, OperationsOnBusyOrAbsentThingsAreRefusedWithReasons) {
  Recorder r = run(scenario(R"(horizon_s: 3600
policy { name: "modern-superset" }
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } hosts { cpu: "E5440" name: "b" ram_gib: 8 } }
vm { name: "big" host: "a" ram_mib: 6144 reserved_mib: 6144 }
vm { name: "other" host: "b" ram_mib: 6144 reserved_mib: 6144 }
vm { name: "late" cluster: "c" start_powered_off: true }
at { at_s: 100 migrate { vm: "big" host: "b" } }
at { at_s: 110 remove_host: "a" }
at { at_s: 120 power_off { vm: "late" } }
at { at_s: 130 migrate { vm: "big" host: "a" } }
)"));
  auto refused = r.all<OperationRefused>();
  ASSERT_EQ(refused.size(), 4u);
  EXPECT_EQ(refused[0].why.code, RefusalCode::no_room);
  EXPECT_EQ(refused[1].why.code, RefusalCode::host_not_empty);
  EXPECT_EQ(refused[2].why.code, RefusalCode::already_off);
  EXPECT_EQ(refused[3].why.code, RefusalCode::already_there);
}

TEST(Engine, BaselineRaiseKeepsRunningViewsLoweringNeedsPowerOff) {
  Recorder r = run(scenario(R"(horizon_s: 3600
policy { name: "cluster-baseline" }
cluster { name: "c" baseline: "intel-merom" hosts { cpu: "X5570" name: "a" } hosts { cpu: "X5550" name: "b" } }
vm { name: "v" host: "a" software { name: "app" detection: CPUID uses: ["sse4_2", "ssse3"] } }
at { at_s: 300 set_baseline { cluster: "c" baseline: "intel-nehalem" } }
at { at_s: 400 power_cycle { vm: "v" } }
at { at_s: 900 set_baseline { cluster: "c" baseline: "intel-penryn" } }
)"));
  auto changed = r.all<BaselineChanged>();
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].to, "intel-nehalem");
  auto caps = r.captures(0);
  ASSERT_EQ(caps.size(), 2u);
  EXPECT_EQ(caps[0], make_feature_set({"ssse3"}));            // Merom view, raised later
  EXPECT_EQ(caps[1], make_feature_set({"sse4_2", "ssse3"}));  // after its power cycle
  auto refused = r.all<OperationRefused>();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].why.code, RefusalCode::lower_vms_see_more);
  ASSERT_EQ(refused[0].why.vms.size(), 1u);
}

TEST(Engine, ManyOperationsKeepEveryVmOnExactlyOneHost) {
  // Invariants are checked after every timer; a violation throws and fails here.
  std::string text = R"(horizon_s: 20000
policy { name: "modern-superset" }
cluster { name: "c" hosts { cpu: "E5420" count: 4 name: "h" ram_gib: 64 } }
vm { name: "v" count: 20 cluster: "c" ram_mib: 2048
     software { name: "app" detection: PROBE uses: ["sse4_1"] restarts_per_day: 200 } }
)";
  int vm = 1;
  for (int i = 0; i < 200; ++i) {
    const char* kinds[] = {"migrate", "cold_migrate", "reboot", "power_cycle", "migrate", "power_off", "power_on"};
    std::string kind = kinds[i % 7];
    if (kind != "power_on") vm = 1 + (i * 7) % 20;  // power on the VM just powered off
    int host = 1 + (i * 3 + i / 4) % 4;
    std::string target =
        (kind == "migrate" || kind == "cold_migrate") ? " host: \"h-" + std::to_string(host) + "\"" : "";
    text += "at { at_s: " + std::to_string(50 + i * 90) + " " + kind + " { vm: \"v-" + std::to_string(vm) + "\"" +
            target + " } }\n";
  }
  RunStats stats;
  Recorder r = run(scenario(text), &stats);
  EXPECT_GT(r.all<MigrationCompleted>().size(), 20u);
  EXPECT_GT(r.all<ColdMigration>().size(), 10u);
  EXPECT_GT(r.all<VmPoweredOff>().size(), 10u);
  EXPECT_GT(stats.timers, 500u);
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

// A guest that dirties 2 GiB/s over a 10 GbE link (about 1.2 GiB/s) never
// converges by itself: Xen's stop-and-copy gives up with a long downtime;
// QEMU's auto-converge and vMotion's SDPS slow the guest and meet the target.
MigrationCompleted hot_migration(const char* convergence) {
  auto spec = scenario(std::string(R"(horizon_s: 600
policy { name: "modern-superset" }
migration { max_downtime_ms: 300 convergence: ")") +
                       convergence + R"(" }
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 64 } hosts { cpu: "E5420" name: "b" ram_gib: 64 } }
vm { name: "hot" host: "a" ram_mib: 8192 working_set_mib: 6144 dirty_mib_per_s: 2048 }
at { at_s: 100 migrate { vm: "hot" host: "b" } }
)");
  auto done = run(spec).all<MigrationCompleted>();
  EXPECT_EQ(done.size(), 1u);
  return done.empty() ? MigrationCompleted{} : done[0];
}

TEST(Convergence, StopAndCopyGivesUpOverTheDowntimeTarget) {
  auto m = hot_migration("stop-and-copy");
  EXPECT_TRUE(m.over_downtime_target);
  EXPECT_GT(m.downtime_s, 1.0);
  EXPECT_EQ(m.throttled_s, 0);
  EXPECT_LE(m.mib_sent, 4 * 8192);  // stopped once 3x the RAM went out (plus the last copy)
}

TEST(Convergence, AutoConvergeThrottlesTheGuestUntilItFits) {
  auto m = hot_migration("auto-converge");
  EXPECT_FALSE(m.over_downtime_target) << m.downtime_s;
  EXPECT_GT(m.throttled_s, 0);
}

TEST(Convergence, SdpsSlowsTheVcpusToTheLink) {
  auto m = hot_migration("sdps");
  EXPECT_FALSE(m.over_downtime_target) << m.downtime_s;
  EXPECT_GT(m.throttled_s, 0);
}

// SDPS at 1 Gb/s stuns a guest that dirties 100 or 500 MiB/s down to the
// same page rate (half the send rate), so both migrations take as long and are
// throttled as long; the hotter guest gives up more of its CPU for it: the
// throttle's depth (1 - half the send rate / the dirty rate) x time x vCPUs.
TEST(Convergence, SdpsCostInGuestCpuGrowsWithTheDirtyRate) {
  auto migrate = [](int dirty_mib_per_s) {
    auto spec = scenario(std::string(R"(horizon_s: 3600
policy { name: "modern-superset" }
network { host_link_gbps: 1 }
migration { max_downtime_ms: 30 convergence: "sdps" }
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 64 } hosts { cpu: "E5420" name: "b" ram_gib: 64 } }
vm { name: "v" host: "a" vcpus: 4 ram_mib: 16384 dirty_mib_per_s: )") +
                         std::to_string(dirty_mib_per_s) + R"( }
at { at_s: 100 migrate { vm: "v" host: "b" } }
)");
    auto done = run(spec).all<MigrationCompleted>();
    return done.size() == 1 ? done[0] : MigrationCompleted{};
  };
  // Each simulation needs its own process: the 100 MiB/s one runs in a child.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    MigrationCompleted m = migrate(100);
    (void)!write(fds[1], &m, sizeof m);
    _exit(0);
  }
  MigrationCompleted mild{};
  ASSERT_EQ(read(fds[0], &mild, sizeof mild), static_cast<ssize_t>(sizeof mild));
  MigrationCompleted hot = migrate(500);
  ASSERT_GT(mild.throttled_s, 0);
  EXPECT_NEAR(hot.duration_s, mild.duration_s, 1e-6 * mild.duration_s);
  EXPECT_NEAR(hot.throttled_s, mild.throttled_s, 1e-6 * mild.throttled_s);
  const double half_link_mib_s = 0.5 * 1e9 / 8 / 1048576;
  for (auto [m, dirty] : {std::pair{mild, 100.0}, std::pair{hot, 500.0}})
    EXPECT_NEAR(m.lost_guest_cpu_s, (1 - half_link_mib_s / dirty) * m.throttled_s * 4, 0.01 * m.lost_guest_cpu_s)
        << dirty;
  EXPECT_GT(hot.lost_guest_cpu_s, 2 * mild.lost_guest_cpu_s);
}

}  // namespace
}  // namespace evcsim
