// Outage and vMotions taken apart by cause, cluster and year (the run
// summary's totals and results.json's cluster_years): worlds on a FakeSim
// replayed into a RunSummary and a ResultsCollector, and events fed directly.
#include "reports/cluster_years.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "base/year_month.hpp"
#include "reports/results.hpp"
#include "reports/run_summary.hpp"
#include "tests/world/fake_sim.hpp"
#include "tests/world/world_test_util.hpp"

namespace evcsim {
namespace {

using test::FakeRun;
using test::host_named;

// A run's summary and results, from its recorded events.
struct Replayed {
  explicit Replayed(const FakeRun& run, double end_s) : summary(run.spec), results(run.spec, summary) {
    for (const Event& e : run.rec.events) summary.on_event(e), results.on_event(e);
    summary.on_end(end_s);
    results.on_end(end_s);
  }
  const report::ClusterYear* row(const std::string& cluster, int year) const {
    for (const auto& y : results.results().cluster_years())
      if (y.cluster() == cluster && y.year() == year) return &y;
    return nullptr;
  }
  RunSummary summary;
  ResultsCollector results;
};

// A host failure in cluster a in 2009 and a scheduled cold migration in
// cluster b in 2010: each lands in its own cluster, year and cause, and
// nowhere else; the rows add up to the totals.
TEST(ClusterYears, AnOutageLandsInItsClusterYearAndCause) {
  FakeRun run(R"(start_date: "2009-06"
horizon: "2y"
cluster { name: "a" hosts { cpu: "E5420" name: "a1" } hosts { cpu: "E5420" name: "a2" } }
cluster { name: "b" hosts { cpu: "E5420" name: "b1" } hosts { cpu: "E5420" name: "b2" } }
vm { name: "v" count: 2 host: "a1" }
vm { name: "w" host: "b1" cluster: "b" }
at { at_date: "2009-08-01" fail_host { host: "a1" repair_hours: 1 } }
at { at_date: "2010-03-01" cold_migrate { vm: "w" host: "b2" } }
)");
  const double end_s = run.spec.horizon_s;
  run.run_until(end_s);
  Replayed r(run, end_s);
  const double boot_s = run.spec.migration.reboot_s, detect_s = run.spec.failures.ha_detection_s;

  const report::ClusterYear* a2009 = r.row("a", 2009);
  ASSERT_NE(a2009, nullptr);
  EXPECT_DOUBLE_EQ(a2009->outage_minutes().at("ha_restart"), 2 * (detect_s + boot_s) / 60);
  EXPECT_EQ(a2009->outage_minutes().at("cold_migration"), 0);
  EXPECT_DOUBLE_EQ(a2009->outage_minutes_total(), 2 * (detect_s + boot_s) / 60);
  const report::ClusterYear* b2010 = r.row("b", 2010);
  ASSERT_NE(b2010, nullptr);
  EXPECT_DOUBLE_EQ(b2010->outage_minutes().at("cold_migration"), run.spec.migration.cold_outage_s / 60);
  EXPECT_EQ(b2010->outage_minutes().at("ha_restart"), 0);
  // Nowhere else, and every cause is named in every row.
  double total = 0;
  for (const auto& y : r.results.results().cluster_years()) {
    EXPECT_EQ(y.outage_minutes().size(), 5u) << y.cluster() << " " << y.year();
    if (&y != a2009 && &y != b2010) {
      EXPECT_EQ(y.outage_minutes_total(), 0) << y.cluster() << " " << y.year();
    }
    total += y.outage_minutes_total();
  }
  auto m = r.summary.metrics();
  EXPECT_NEAR(total, m["outage_minutes"], 1e-9);
  // Calendar years 2009 (from June), 2010 and 2011 (to June) for each cluster,
  // their host-years adding up to the run's.
  ASSERT_NE(r.row("a", 2011), nullptr);
  EXPECT_EQ(r.row("a", 2008), nullptr);
  EXPECT_EQ(r.row("b", 2012), nullptr);
  double host_years = 0;
  for (const auto& y : r.results.results().cluster_years()) host_years += y.host_years();
  EXPECT_NEAR(host_years, m["host_years"], 1e-9);
  EXPECT_NEAR(r.row("b", 2010)->host_years(), 2.0 * 365 / 365.25, 1e-9);  // 2010 has 365 days
  // The HTML report's table: one row per year, the cluster with the most outage named.
  const std::string html = results_html(r.results.results());
  const size_t table = html.find("<table id=\"table-outage-by-year\">");
  ASSERT_NE(table, std::string::npos);
  const std::string rows = html.substr(table, html.find("</table>", table) - table);
  EXPECT_NE(rows.find("<tr><td>2009</td>"), std::string::npos) << rows;
  EXPECT_NE(rows.find("<td>a (2.5)</td>"), std::string::npos) << rows;
  EXPECT_NE(rows.find("<td>b (3.0)</td>"), std::string::npos) << rows;
}

// Outage by cause in the totals: a maintenance's cold evacuation is the
// maintenance's (not a cold migration), a scheduled cold migration its own.
TEST(ClusterYears, ColdEvacuationIsMaintenanceOutage) {
  FakeRun run(R"(horizon_s: 3600
policy { name: "modern-superset" }
refresh { cold_evacuation: true lifetime_years: 0 }
cluster { name: "c" hosts { cpu: "E5420" name: "h0" ram_gib: 16 } hosts { cpu: "E5310" name: "old" ram_gib: 12 } }
vm { name: "b" count: 2 host: "h0" ram_mib: 4096 reserved_mib: 4000 software { name: "app" uses: ["sse4_1"] } }
vm { name: "s" host: "h0" ram_mib: 1024 }
at { at_s: 100 cold_migrate { vm: "s" host: "old" } }
at { at_s: 600 maintenance: "h0" }
)");
  run.run_until(3600);
  ASSERT_EQ(run.rec.all<ColdMigration>().size(), 3u);
  ASSERT_EQ(run.rec.all<MaintenanceDone>().size(), 1u);
  Replayed r(run, 3600);
  auto m = r.summary.metrics();
  const double cold_min = run.spec.migration.cold_outage_s / 60;
  EXPECT_DOUBLE_EQ(m["outage_minutes.maintenance"], 2 * cold_min);
  EXPECT_DOUBLE_EQ(m["outage_minutes.cold_migration"], cold_min);
  EXPECT_DOUBLE_EQ(m["outage_minutes"], 3 * cold_min);
  const report::ClusterYear* c1 = r.row("c", 1);  // no calendar: the run's first year
  ASSERT_NE(c1, nullptr);
  EXPECT_DOUBLE_EQ(c1->outage_minutes().at("maintenance"), 2 * cold_min);
  EXPECT_DOUBLE_EQ(c1->outage_minutes().at("cold_migration"), cold_min);
  EXPECT_NE(r.summary.render_text(RunStats{}).find("maintenance 6.0 (cold evacuations)"), std::string::npos)
      << r.summary.render_text(RunStats{});
}

// A raise reaches a running VM at its next power cycle: that cycle's boot is
// the raise's outage. A power cycle with nothing to pick up and a guest
// reboot are not outage.
TEST(ClusterYears, APowerCycleThatPicksUpARaiseIsPowerCycleOutage) {
  FakeRun run(R"(horizon_s: 3600
policy { name: "cluster-baseline" }
cluster { name: "c" baseline: "intel-merom" hosts { cpu: "E5420" name: "h" } }
vm { name: "v" host: "h" }
vm { name: "u" host: "h" }
at { at_s: 100 power_cycle { vm: "u" } }
at { at_s: 200 reboot { vm: "v" } }
at { at_s: 300 set_baseline { cluster: "c" baseline: "intel-penryn" } }
at { at_s: 400 power_cycle { vm: "v" } }
)");
  run.run_until(3600);
  size_t picked = 0;
  for (const auto& e : run.rec.all<VmRebooted>()) picked += e.picks_up;
  ASSERT_EQ(picked, 1u);
  Replayed r(run, 3600);
  auto m = r.summary.metrics();
  const double boot_min = run.spec.migration.reboot_s / 60;
  EXPECT_DOUBLE_EQ(m["outage_minutes.power_cycle"], boot_min);
  EXPECT_DOUBLE_EQ(m["outage_minutes"], boot_min);
  ASSERT_NE(r.row("c", 1), nullptr);
  EXPECT_DOUBLE_EQ(r.row("c", 1)->outage_minutes().at("power_cycle"), boot_min);
}

// A raise picked up at a patch window's power cycle rides on it: the
// window's reboot is the guest's own, not the raise's outage.
TEST(ClusterYears, ARaisePickedUpInAPatchWindowCostsNoOutage) {
  FakeRun run(R"(horizon_s: 259200
policy { name: "cluster-baseline" }
workload { power_cycle_every_days: 1 }
cluster { name: "c" baseline: "intel-merom" hosts { cpu: "E5420" name: "h" } }
vm { name: "v" host: "h" }
at { at_s: 3600 set_baseline { cluster: "c" baseline: "intel-penryn" } }
)");
  run.run_until(259200);
  size_t picked = 0;
  for (const auto& e : run.rec.all<VmRebooted>()) picked += e.picks_up && !e.operation;
  ASSERT_EQ(picked, 1u);
  Replayed r(run, 259200);
  auto m = r.summary.metrics();
  EXPECT_EQ(m["baseline_pickup_power_cycles"], 1);
  EXPECT_EQ(m["baseline_pickups_in_patch_windows"], 1);
  EXPECT_DOUBLE_EQ(m["outage_minutes.power_cycle"], 0);
  EXPECT_DOUBLE_EQ(m["outage_minutes"], 0);
}

// An outage across a New Year is split at it; vMotions count in their
// source's cluster and year, per host-year of that cluster.
TEST(ClusterYears, SplitsAtNewYearAndCountsVmotionsPerHostYear) {
  ScenarioSpec spec = parse_scenario(R"(start_date: "2009-12"
horizon: "60d"
cluster { name: "a" hosts { cpu: "E5420" name: "a1" } hosts { cpu: "E5420" name: "a2" } }
cluster { name: "b" hosts { cpu: "E5420" name: "b1" } }
vm { name: "v" host: "a1" }
)",
                                     "t.textproto", Catalog::builtin());
  const double new_year = seconds_at(spec.start_date, "2010-01-01");
  RunSummary s(spec);
  ResultsCollector results(spec, s);
  auto feed = [&](const Event& e) { s.on_event(e), results.on_event(e); };
  feed(HostJoined{0, 0, 0});
  feed(HostJoined{0, 1, 0});
  feed(HostJoined{0, 2, 1});
  // v's host fails an hour before the New Year; HA restarts it two hours later.
  feed(VmPoweredOff{new_year - 3600, 0, 0, PowerOffReason::host_failed});
  feed(VmPoweredOn{new_year + 3600, 0, 1, {}, true});
  feed(MigrationStarted{new_year + 7200, 0, 1, 0});  // balancing, in a
  feed(HostRemoved{new_year + 86400, 2});            // b leaves service on January 2nd
  s.on_end(spec.horizon_s);
  results.on_end(spec.horizon_s);
  const double detect_s = spec.failures.ha_detection_s, boot_s = spec.migration.reboot_s;
  const auto& rows = s.cluster_years().rows();
  ASSERT_TRUE(rows.count({0, 2009}) && rows.count({0, 2010}));
  const ClusterYear& a9 = rows.at({0, 2009});
  const ClusterYear& a10 = rows.at({0, 2010});
  EXPECT_NEAR(a9.outage_minutes.at("ha_restart"), detect_s / 60, 1e-9);
  EXPECT_NEAR(a9.outage_minutes.at("ha_waiting_for_capacity"), (3600 - detect_s) / 60, 1e-9);
  EXPECT_NEAR(a10.outage_minutes.at("ha_waiting_for_capacity"), 60, 1e-9);
  EXPECT_NEAR(a10.outage_minutes.at("ha_restart"), boot_s / 60, 1e-9);
  EXPECT_NEAR(a9.outage_total() + a10.outage_total(), s.metrics()["outage_minutes"], 1e-9);
  EXPECT_EQ(a10.vmotions.at("balancing"), 1);
  EXPECT_EQ(a9.vmotions.at("balancing"), 0);
  EXPECT_NEAR(a9.host_years, 2 * 31 / 365.25, 1e-9);  // December 2009
  EXPECT_NEAR(rows.at({1, 2010}).host_years, 1 / 365.25, 1e-9);
  EXPECT_EQ(rows.at({1, 2010}).vmotions_total(), 0);
  // results.json: per host-year, overall and by cause.
  const report::ClusterYear* r10 = nullptr;
  for (const auto& y : results.results().cluster_years())
    if (y.cluster() == "a" && y.year() == 2010) r10 = &y;
  ASSERT_NE(r10, nullptr);
  EXPECT_NEAR(r10->vmotions_per_host_year(), 1 / a10.host_years, 1e-9);
  EXPECT_NEAR(r10->vmotions_per_host_year_by_cause().at("balancing"), 1 / a10.host_years, 1e-9);
  EXPECT_EQ(r10->vmotions_per_host_year_by_cause().at("patching"), 0);
  // The text: one line of outage by year.
  EXPECT_NE(s.render_text(RunStats{}).find("    by year: 2009 "), std::string::npos) << s.render_text(RunStats{});
}

TEST(ClusterYears, RunYearsWithoutACalendarAndUnknownCausesAreErrors) {
  ScenarioSpec spec = parse_scenario("horizon: \"3y\"\ncluster { name: \"c\" hosts { cpu: \"E5420\" name: \"h\" } }\n",
                                     "t.textproto", Catalog::builtin());
  ClusterYears years(spec);
  const double year_s = 365.25 * 86400;
  EXPECT_EQ(years.year_of(0), 1);
  EXPECT_EQ(years.year_of(year_s - 1), 1);
  EXPECT_EQ(years.year_of(year_s), 2);
  EXPECT_EQ(years.year_of(10 * year_s + 1), 11);  // past the horizon too
  EXPECT_THROW(years.add_outage(0, "guest_reboot", 0, 60), std::logic_error);
  EXPECT_THROW(years.add_vmotion(0, "drs", 0), std::logic_error);
  years.add_outage(0, "cold_migration", year_s - 30, 90);
  EXPECT_NEAR(years.rows().at({0, 1}).outage_minutes.at("cold_migration"), 0.5, 1e-12);
  EXPECT_NEAR(years.rows().at({0, 2}).outage_minutes.at("cold_migration"), 1.0, 1e-12);
}

}  // namespace
}  // namespace evcsim
