// The lists with names (reports/named_lists.hpp): the VMs a raise leaves
// needing a power cycle, the VMs that moved cold, the VMs that waited for
// room, the hosts; each as its CSV file and in report.html; on a FakeSim.
#include "reports/named_lists.hpp"

#include <gtest/gtest.h>

#include "reports/results.hpp"
#include "reports/run_summary.hpp"
#include "tests/world/fake_sim.hpp"

namespace evcsim {
namespace {

using test::FakeRun;

// The results of a FakeRun to `end_s`, and its lists.
struct Outputs {
  report::RunResults r;
  report::NamedLists lists;
};
Outputs results_of(const FakeRun& run, double end_s) {
  RunSummary summary(run.spec);
  ResultsCollector results(run.spec, summary);
  for (const Event& e : run.rec.events) summary.on_event(e), results.on_event(e);
  summary.on_end(end_s);
  results.on_end(end_s);
  return {results.results(), results.lists()};
}

std::vector<std::vector<std::string>> rows_of(const Outputs& o, const std::string& name) {
  std::vector<std::vector<std::string>> out;
  const report::NamedList* l = find_list(o.lists, name);
  if (!l) return out;
  for (const auto& row : l->rows()) out.emplace_back(row.cells().begin(), row.cells().end());
  return out;
}

std::vector<std::string> columns_of(const Outputs& o, const std::string& name) {
  std::vector<std::string> out;
  if (const report::NamedList* l = find_list(o.lists, name))
    for (const auto& c : l->columns()) out.push_back(c.name());
  return out;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A Merom-era cluster whose Clovertown retires after five years: the raise
// finds v and w running below it; v is power cycled at day 120, w never.
TEST(NamedLists, TheVmsARaiseLeavesBelowItAreNamedWithTheirModesAndUntilWhen) {
  const double end = 15552000;
  FakeRun run(R"(horizon_s: 15552000
start_date: "2010-01"
policy { name: "cluster-baseline" }
refresh { lifetime_years: 5 baseline_policy: "auto-raise" window_days: 30 hosts_per_purchase: 1 headroom: 0.01 }
cluster { name: "c" baseline: "intel-merom"
  hosts { cpu: "E5310" name: "old" purchased: "2005-03" }
  hosts { cpu: "E5420" name: "new" count: 2 purchased: "2009-06" } }
vm { name: "v" host: "new-1" software { name: "app" detection: CPUID uses: ["sse4_1", "ssse3"] } }
vm { name: "w" host: "new-2" }
at { at_s: 10368000 power_cycle { vm: "v" } }
)");
  run.run_until(end);
  const auto raised = run.rec.all<BaselineRaised>();
  ASSERT_EQ(raised.size(), 1u);
  ASSERT_EQ(raised[0].vms_below.size(), 2u);
  const Outputs o = results_of(run, end);
  EXPECT_EQ(columns_of(o, "vms-power-cycle"),
            (std::vector<std::string>{"vm", "cluster", "captured_mode", "would_get", "since", "until", "how"}));
  const auto rows = rows_of(o, "vms-power-cycle");
  ASSERT_EQ(rows.size(), 2u);
  const std::string since = run.spec.date(raised[0].t);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"v", "c", "intel-merom", raised[0].to, since, "2010-05-01",
                                               "power cycle (an operation)"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"w", "c", "intel-merom", raised[0].to, since, "", ""}));
  ASSERT_EQ(o.r.raises_size(), 1);
  EXPECT_EQ(o.r.raises(0).vms_waiting(), rows.size());  // the count the raise table shows, now with names

  const auto csv = lists_csv(o.lists);
  ASSERT_TRUE(csv.count("vms-power-cycle"));
  EXPECT_EQ(csv.at("vms-power-cycle"), fmt::format("vm,cluster,captured_mode,would_get,since,until,how\n"
                                                   "v,c,intel-merom,{0},{1},2010-05-01,power cycle (an operation)\n"
                                                   "w,c,intel-merom,{0},{1},,\n",
                                                   raised[0].to, since));
  const std::string html = results_html(o.r, nullptr, &o.lists);
  EXPECT_TRUE(contains(html,
                       "<h2 id=\"list-vms-power-cycle-title\">VMs that need a power cycle to see a raised "
                       "baseline</h2>"));
  EXPECT_TRUE(contains(html, "<tr><td>w</td><td>c</td><td>intel-merom</td><td>" + raised[0].to + "</td>"));
  EXPECT_TRUE(contains(html, "<a href=\"vms-power-cycle.csv\">vms-power-cycle.csv</a>"));
  // results.json keeps its shape: the lists are files of their own.
  EXPECT_FALSE(contains(results_json(o.r), "vms-power-cycle"));
  EXPECT_FALSE(results_csv(o.r).count("vms-power-cycle"));
  // The hosts: the retired Clovertown with its dates, the bought host after it.
  const auto hosts = rows_of(o, "hosts");
  ASSERT_GE(hosts.size(), 4u);
  EXPECT_EQ(hosts[0][0], "old");
  EXPECT_EQ(hosts[0][2], "clovertown");
  EXPECT_EQ(hosts[0][3], "2010-01-01");
  EXPECT_EQ(hosts[0][5], "retired");
  EXPECT_FALSE(hosts[0][4].empty());
  EXPECT_EQ(hosts[1][5], "in service at the end");
}

// A scheduled cold migration: the VM by name, from which host and CPU to
// which, when and why.
TEST(NamedLists, TheVmsThatMovedColdAreNamedWithTheirRouteAndWhy) {
  FakeRun run(R"(horizon_s: 3600
start_date: "2020-03"
policy { name: "modern-superset" }
migration { cold_outage_s: 240 }
cluster { name: "c" hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5310" name: "b" } }
vm { name: "app" host: "a" software { name: "x" detection: CPUID uses: ["sse4_1"] } }
at { at_s: 400 cold_migrate { vm: "app" host: "b" } }
)");
  run.run_until(3600);
  const Outputs o = results_of(run, 3600);
  EXPECT_EQ(columns_of(o, "vms-cold-moves"), (std::vector<std::string>{"vm", "from_host", "from_cpu", "to_host",
                                                                       "to_cpu", "when", "why", "outage_minutes"}));
  const auto rows = rows_of(o, "vms-cold-moves");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"app", "a", "harpertown", "b", "clovertown", "2020-03-01",
                                               "scheduled cold migration", "4"}));
  const auto csv = lists_csv(o.lists);
  EXPECT_EQ(csv.at("vms-cold-moves"),
            "vm,from_host,from_cpu,to_host,to_cpu,when,why,outage_minutes\n"
            "app,a,harpertown,b,clovertown,2020-03-01,scheduled cold migration,4\n");
  const std::string html = results_html(o.r, nullptr, &o.lists);
  EXPECT_TRUE(contains(html, "<tr><td>app</td><td>a</td><td>harpertown</td><td>b</td><td>clovertown</td>"));
  EXPECT_TRUE(contains(html, "<a href=\"vms-cold-moves.csv\">"));
  // No VM waited for room and none is below a raise: those lists are empty
  // files with their header, and report.html leaves them out.
  EXPECT_EQ(csv.at("vms-waiting-for-room"), "vm,cluster,since,until,days,outcome,why\n");
  EXPECT_FALSE(contains(html, "list-vms-waiting-for-room"));
}

// An OS upgrade the VM's view cannot take (RHEL 9 needs x86-64-v2; Merom's
// mode lacks SSE4.1, SSE4.2 and POPCNT): the VM is named with both releases
// and the features.
TEST(NamedLists, TheVmsBlockedFromTheirNextOsAreNamedWithTheMissingFeatures) {
  FakeRun run(R"(horizon_s: 3600
start_date: "2010-03"
policy { name: "cluster-baseline" }
cluster { name: "c" baseline: "intel-merom" hosts { cpu: "E5420" name: "a" } }
vm { name: "db" host: "a" guest_os: "rhel-5" }
at { at_s: 600 upgrade_os { vms: "db" to: "rhel-9" } }
)");
  run.run_until(3600);
  const Outputs o = results_of(run, 3600);
  const auto rows = rows_of(o, "vms-os-blocked");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"db", "c", "rhel-5", "rhel-9", "2010-03-01", "popcnt, sse4_1, sse4_2",
                                               "its view lacks rhel-9's CPU floor"}));
  const std::string html = results_html(o.r, nullptr, &o.lists);
  EXPECT_TRUE(contains(html, "<tr><td>db</td><td>c</td><td>rhel-5</td><td>rhel-9</td>"));
  EXPECT_TRUE(contains(html, "<a href=\"vms-os-blocked.csv\">"));
}

// Without a calendar the times are seconds, in columns that say so.
TEST(NamedLists, WithoutACalendarTimesAreSecondsInColumnsNamedSo) {
  FakeRun run(R"(horizon_s: 3600
migration { cold_outage_s: 120 }
cluster { name: "c" hosts { cpu: "E5420" name: "a" } hosts { cpu: "E5420" name: "b" } }
vm { name: "app" host: "a" }
at { at_s: 400 cold_migrate { vm: "app" host: "b" } }
)");
  run.run_until(3600);
  const Outputs o = results_of(run, 3600);
  EXPECT_EQ(lists_csv(o.lists).at("vms-cold-moves"),
            "vm,from_host,from_cpu,to_host,to_cpu,when_s,why,outage_minutes\n"
            "app,a,harpertown,b,harpertown,400,scheduled cold migration,2\n");
  const report::NamedList* l = find_list(o.lists, "vms-cold-moves");
  ASSERT_NE(l, nullptr);
  EXPECT_EQ(l->columns(5).kind(), report::ListColumn::NUMBER);
}

// v-3 waits five days for host b; two of x wait from 2013-04-11 to the end.
TEST(NamedLists, TheVmsWaitingForRoomAreNamedWithSinceUntilAndWhy) {
  const double end = 2592000;
  FakeRun run(R"(horizon_s: 2592000
start_date: "2013-04"
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } }
vm { name: "v" count: 3 cluster: "c" ram_mib: 3072 reserved_mib: 3072 }
vm { name: "x" count: 3 cluster: "c" ram_mib: 3072 reserved_mib: 3072 power_on_date: "2013-04-11" }
at { after: "5d" add_host { cluster: "c" hosts { cpu: "E5420" name: "b" ram_gib: 8 } } }
)");
  run.run_until(end);
  const Outputs o = results_of(run, end);
  const auto rows = rows_of(o, "vms-waiting-for-room");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "v-3");
  EXPECT_EQ(rows[0][1], "c");
  EXPECT_EQ(rows[0][2], "2013-04-01");
  EXPECT_EQ(rows[0][3], "2013-04-06");
  EXPECT_EQ(rows[0][4], "5");
  EXPECT_EQ(rows[0][5], "powered on");
  EXPECT_TRUE(contains(rows[0][6], "the VM needs 3117 MiB")) << rows[0][6];
  for (size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(rows[i][0].substr(0, 2), "x-");
    EXPECT_EQ(rows[i][2], "2013-04-11");
    EXPECT_EQ(rows[i][3], "");
    EXPECT_EQ(rows[i][4], "20");
    EXPECT_EQ(rows[i][5], "still waiting at the end");
  }
  EXPECT_EQ(o.r.totals().at("power_on_waits"), 3);  // the summary's count, now with names
  const auto csv = lists_csv(o.lists);
  EXPECT_EQ(csv.at("vms-waiting-for-room")
                .rfind("vm,cluster,since,until,days,outcome,why\nv-3,c,2013-04-01,"
                       "2013-04-06,5,powered on,",
                       0),
            0u)
      << csv.at("vms-waiting-for-room");
  const std::string html = results_html(o.r, nullptr, &o.lists);
  EXPECT_TRUE(contains(html, "<h2 id=\"list-vms-waiting-for-room-title\">VMs waiting for room</h2>"));
  EXPECT_TRUE(contains(html, "<td>2013-04-11</td><td></td><td class=\"n\">20</td><td>still waiting at the end</td>"));
}

// report.html shows the first rows of a long list and links the rest.
TEST(NamedLists, HtmlShowsTheFirstRowsAndLinksTheCsvForAll) {
  report::NamedLists lists;
  auto* l = lists.add_lists();
  l->set_name("vms-test");
  l->set_title("Test list");
  l->set_in_html(true);
  l->add_columns()->set_name("vm");
  for (int i = 0; i < 250; ++i) l->add_rows()->add_cells(fmt::format("vm-{}", i));
  const std::string html = lists_html(lists);
  EXPECT_TRUE(contains(html, "<td>vm-199</td>"));
  EXPECT_FALSE(contains(html, "<td>vm-200</td>"));
  EXPECT_TRUE(contains(html, "the first 200 of 250 rows; all of them in <a href=\"vms-test.csv\">vms-test.csv</a>"));
  EXPECT_EQ(lists_csv(lists).at("vms-test").substr(0, 14), "vm\nvm-0\nvm-1\nv");
}

}  // namespace
}  // namespace evcsim
