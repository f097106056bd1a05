// VMs whose guest OS reaches its end of support (world/controllers/workload,
// workload replace_at_end_of_support): replaced over the months after the
// date and not before, by a VM with the family's current release, in the same
// slot; nothing changes with the policy off; arrivals after the date get the
// current release; unknown OS names are InputErrors; on a FakeSim.

#include <algorithm>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "base/year_month.hpp"
#include "catalog/guest_os.hpp"
#include "reports/run_summary.hpp"
#include "tests/scenario/scenario_error.hpp"
#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;

constexpr double kDay = 86400;
constexpr double kMonth = 365.25 / 12 * kDay;

// Two years from 2015: Windows Server 2003's support ends on 2015-07-14, RHEL
// 5's on 2017-03-31 (after the run), RHEL 6's in 2020.
std::string fleet(const std::string& workload) {
  return R"(start_date: "2015-01"
end_date: "2017-01-01"
)" + workload +
         R"(
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 8 ram_gib: 256 } }
vm { name: "w" count: 40 cluster: "c" ram_mib: 2048 cpu_demand: 0.1 guest_os: ["windows-2003", "rhel-5"] }
vm { name: "r" count: 10 cluster: "c" ram_mib: 2048 cpu_demand: 0.1 guest_os: "rhel-6" }
)";
}

std::string summary_of(const FakeRun& run, double end_s) {
  RunSummary summary(run.spec);
  for (const Event& e : run.rec.events) summary.on_event(e);
  summary.on_end(end_s);
  return summary.render_text(RunStats{});
}

TEST(EndOfSupport, VmsAreReplacedWithinTheMonthsAfterTheDateAndNotBefore) {
  FakeRun run(fleet("workload { replace_at_end_of_support: true }"));
  run.run_until(run.spec.horizon_s);
  const int w2003 = guest_os_index("windows-2003"), w2012 = guest_os_index("windows-2012");
  const auto replaced = run.rec.all<VmReplacedAtEndOfSupport>();
  ASSERT_EQ(replaced.size(), 20u);  // w-1, w-3, ...: windows-2003; the rhel-5 and rhel-6 VMs stay
  const double ended = seconds_at(run.spec.start_date, "2015-07-15");  // the day after the last day of support
  std::set<int> vms;
  double first = 1e18, last = 0;
  for (const auto& e : replaced) {
    EXPECT_EQ(e.from, w2003);
    EXPECT_EQ(e.to, w2012);  // the current release from 2012-10 until 2016-10
    EXPECT_EQ(run.spec.vms[e.vm].group, "w");
    EXPECT_EQ(run.spec.vms[e.vm].guest_os, w2003);
    EXPECT_GE(e.t, ended);
    EXPECT_LT(e.t, ended + 12 * kMonth);
    first = std::min(first, e.t), last = std::max(last, e.t);
    vms.insert(e.vm);
  }
  EXPECT_EQ(vms.size(), 20u);           // each once: the new VMs run windows-2012 (supported to 2023)
  EXPECT_GT(last - first, 6 * kMonth);  // spread over the year, not all at once
  // A departure and an arrival in the same slot at the same time; the new VM runs.
  const auto departed = run.rec.all<VmDeparted>();
  const auto arrived = run.rec.all<VmArrived>();
  ASSERT_EQ(departed.size(), 20u);
  ASSERT_EQ(arrived.size(), 20u);
  for (size_t i = 0; i < replaced.size(); ++i) {
    EXPECT_EQ(departed[i].vm, replaced[i].vm);
    EXPECT_EQ(arrived[i].vm, replaced[i].vm);
    EXPECT_EQ(departed[i].t, replaced[i].t);
    EXPECT_EQ(arrived[i].t, replaced[i].t);
  }
  const Inventory& inv = run.world.inventory();
  for (int vm : vms) {
    EXPECT_EQ(inv.vms[vm].guest_os, w2012);
    EXPECT_EQ(inv.vms[vm].power, Power::running);
  }
  auto m = test::metrics_of(run, run.spec.horizon_s);
  EXPECT_EQ(m["vms_replaced_end_of_support"], 20);
  const std::string text = summary_of(run, run.spec.horizon_s);
  EXPECT_NE(text.find("20 replaced at their OS's end of support (a departure and an arrival each: 20 windows-2003 -> "
                      "windows-2012)"),
            std::string::npos)
      << text;
}

TEST(EndOfSupport, WithThePolicyOffNothingChanges) {
  FakeRun off(fleet(""));
  off.run_until(off.spec.horizon_s);
  EXPECT_TRUE(off.rec.all<VmReplacedAtEndOfSupport>().empty());
  EXPECT_TRUE(off.rec.all<VmDeparted>().empty());
  // The OS is a label without the policy: the same run as without it.
  std::string plain = fleet("");
  for (const std::string s : {R"( guest_os: ["windows-2003", "rhel-5"])", R"( guest_os: "rhel-6")"})
    plain.erase(plain.find(s), s.size());
  FakeRun without(plain);
  without.run_until(without.spec.horizon_s);
  // The OS's software (its kernel and applications, scenario/load_fleet.cpp)
  // starts in the VMs with an OS; the rest is the same run.
  auto sans_software = [](const std::vector<Event>& events) {
    std::vector<Event> out;
    for (const Event& e : events)
      if (!std::holds_alternative<SoftwareStarted>(e)) out.push_back(e);
    return out;
  };
  const std::vector<Event> a = sans_software(off.rec.events), b = sans_software(without.rec.events);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].index(), b[i].index());
    EXPECT_EQ(event_time(a[i]), event_time(b[i]));
  }
  EXPECT_EQ(test::metrics_of(off, off.spec.horizon_s)["vms_replaced_end_of_support"], 0);
}

// The replacement runs the newest release of the family out on the day:
// Windows Server 2008's VMs replaced from 2020-01 get 2019, RHEL 5's from
// 2017-04 get RHEL 7. A VM whose OS was out of support before the run began
// is replaced over the run's first months. The same seed, the same run.
TEST(EndOfSupport, TheReplacementRunsTheCurrentReleaseOfItsFamily) {
  const std::string text = R"(start_date: "2016-06"
end_date: "2021-06-01"
workload { replace_at_end_of_support: true replacement_months: 6 }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 8 ram_gib: 256 } }
vm { name: "a" count: 6 cluster: "c" ram_mib: 2048 cpu_demand: 0.1 guest_os: ["windows-2008", "rhel-5", "windows-2003"] }
)";
  FakeRun run(text);
  run.run_until(run.spec.horizon_s);
  const auto replaced = run.rec.all<VmReplacedAtEndOfSupport>();
  std::map<std::string, int> from_count;
  for (const auto& e : replaced) {
    const std::string from(guest_os_table()[e.from].name), to(guest_os_table()[e.to].name);
    from_count[from]++;
    if (from == "windows-2003") {  // out of support since 2015: over the run's first six months
      EXPECT_LT(e.t, 6 * kMonth);
      EXPECT_EQ(to, e.t < seconds_at(run.spec.start_date, "2016-10-15") ? "windows-2012" : "windows-2016");
    } else if (from == "windows-2008") {
      EXPECT_GE(e.t, seconds_at(run.spec.start_date, "2020-01-15"));
      EXPECT_LT(e.t, seconds_at(run.spec.start_date, "2020-01-15") + 6 * kMonth);
      EXPECT_EQ(to, "windows-2019");
    } else {
      EXPECT_EQ(from, "rhel-5");
      EXPECT_GE(e.t, seconds_at(run.spec.start_date, "2017-04-01"));
      EXPECT_EQ(to, "rhel-7");
    }
  }
  EXPECT_EQ(from_count, (std::map<std::string, int>{{"rhel-5", 2}, {"windows-2003", 2}, {"windows-2008", 2}}));
  FakeRun again(text);
  again.run_until(again.spec.horizon_s);
  const auto replaced_again = again.rec.all<VmReplacedAtEndOfSupport>();
  ASSERT_EQ(replaced_again.size(), replaced.size());
  for (size_t i = 0; i < replaced.size(); ++i) {
    EXPECT_EQ(replaced_again[i].t, replaced[i].t);
    EXPECT_EQ(replaced_again[i].vm, replaced[i].vm);
  }
}

// New VMs get the family's current release on their day, not the group's
// older one (Windows Server 2008 is still supported in 2016, but 2012 and
// then 2016 are what admins install), and so are not replaced in the run.
TEST(EndOfSupport, NewVmsGetTheCurrentRelease) {
  FakeRun run(R"(start_date: "2016-01"
end_date: "2017-01-01"
workload { replace_at_end_of_support: true }
cluster { name: "c" hosts { cpu: "E5420" name: "h" count: 8 ram_gib: 256 } }
vm { name: "n" count: 0 cluster: "c" ram_mib: 1024 cpu_demand: 0.1 arrivals_per_day: 1 lifetime_days: 10000
     max_count: 600 guest_os: "windows-2008" }
)");
  run.run_until(run.spec.horizon_s);
  const auto arrived = run.rec.all<VmArrived>();
  EXPECT_GT(arrived.size(), 250u);
  EXPECT_TRUE(run.rec.all<VmReplacedAtEndOfSupport>().empty());
  const int w2012 = guest_os_index("windows-2012"), w2016 = guest_os_index("windows-2016");
  std::map<int, double> last_arrival;  // a slot freed by a departure is taken again
  for (const auto& a : arrived) last_arrival[a.vm] = a.t;
  for (const auto& [vm, t] : last_arrival)
    EXPECT_EQ(run.world.inventory().vms[vm].guest_os, t < seconds_at(run.spec.start_date, "2016-10-15") ? w2012 : w2016)
        << t;
}

TEST(EndOfSupport, AnUnknownOsIsAnErrorNamingTheKnownOnes) {
  const std::string base = R"(start_date: "2015-01"
horizon_s: 3600
cluster { name: "c" hosts { cpu: "E5420" name: "h" } }
)";
  std::string e =
      test::scenario_error(base + "vm { name: \"v\" cluster: \"c\"\n guest_os: [\"rhel-6\", \"windows-95\"] }\n");
  EXPECT_NE(e.find("s.textproto:5: guest_os: unknown guest OS 'windows-95'; nearest known: "), std::string::npos) << e;
  EXPECT_NE(e.find("(known: windows-2003, windows-2008, "), std::string::npos) << e;
  EXPECT_NE(e.find("rhel-5, rhel-6"), std::string::npos) << e;
  e = test::scenario_error(
      "horizon_s: 3600\nworkload {\n replace_at_end_of_support: true }\n"
      "cluster { name: \"c\" hosts { cpu: \"E5420\" name: \"h\" } }\n");
  EXPECT_NE(e.find("s.textproto:3: replace_at_end_of_support: end of support is a date"), std::string::npos) << e;
  // A release not yet out at the start is suspicious, not wrong.
  const ScenarioSpec s = parse_scenario(base + "vm { name: \"v\" cluster: \"c\" guest_os: \"rhel-9\" }\n",
                                        "s.textproto", Catalog::builtin());
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_EQ(s.warnings[0],
            "s.textproto:4: guest_os: warning: rhel-9 was not out at the start (2015-01-01; generally available "
            "2022-05-18)");
}

}  // namespace
}  // namespace evcsim
