// "What breaks if we do nothing": the outlook on a fleet small enough to
// check by hand, and `evcsim plan` on the shipped RVTools example.
#include "plan/do_nothing.hpp"

#include <filesystem>

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "base/error.hpp"
#include "base/json.hpp"
#include "catalog/guest_os.hpp"
#include "scenario/scenario.pb.h"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

// Two Woodcrest hosts bought 2008-01 (vendor support 5 years: to 2013-01;
// ESXi 6.0 is the last release that runs them, its general support ended
// 2020-03-12) and two Ice Lake hosts bought at the start; demand grows 40% a
// year; twenty VMs on Windows Server 2003 (end of support 2015-07-14).
const char* kFleet = R"(start_date: "2014-01"
horizon: "3y"
policy { name: "cluster-baseline" }
workload { growth_per_year: 0.4 power_cycle_every_days: 90 }
refresh { lifetime_years: 5 headroom: 0.2 }
cluster { name: "c" baseline: "intel-merom"
  hosts { cpu: "Xeon 5160" name: "old" count: 2 cores: 4 ram_gib: 64 purchased: "2008-01" }
  hosts { cpu: "Xeon 5160" name: "young" count: 2 cores: 4 ram_gib: 64 purchased: "2013-06" } }
vm { name: "w" count: 20 cluster: "c" ram_mib: 4096 vcpus: 1 cpu_demand: 0.3 guest_os: "windows-2003" }
vm { name: "x" count: 2 cluster: "c" ram_mib: 4096 vcpus: 1 cpu_demand: 0.3 }
)";

ScenarioSpec fleet() { return parse_scenario(kFleet, "fleet.textproto", Catalog::builtin()); }

TEST(DoNothing, NamesHostsPastVendorSupportWithTheirDates) {
  const auto o = plan::outlook(fleet(), Catalog::builtin(), nullptr);
  EXPECT_EQ(o.name(), "do nothing");
  ASSERT_EQ(o.hosts_size(), 2) << o.DebugString();  // the young hosts' support runs to 2018-06, past the horizon
  EXPECT_EQ(o.hosts(0).host(), "old-1");
  EXPECT_EQ(o.hosts(0).vendor_support_end(), "2013-01");
  EXPECT_EQ(o.hosts(0).vendor_support_max(), "2015-01");
  EXPECT_EQ(o.hosts(0).last_esxi(), "6.0");
  EXPECT_EQ(o.hosts(0).stranded(), "2020-03-12");
  EXPECT_NE(o.hosts(0).why().find("vendor support ended 2013-01"), std::string::npos) << o.hosts(0).why();
  EXPECT_NE(o.hosts(0).why().find("ESXi 6.0 is the last release that runs it, its general support ends 2020-03-12; "
                                  "ESXi 6.5 refuses it"),
            std::string::npos)
      << o.hosts(0).why();
  // The sources: the vendor's, the catalog's on ESXi 6.5, and the lifecycle's.
  ASSERT_EQ(o.hosts(0).sources_size(), 4) << o.hosts(0).DebugString();
  EXPECT_NE(o.hosts(0).sources(2).find("vSphere 6.5 U1 release notes"), std::string::npos);
  EXPECT_NE(o.hosts(0).sources(3).find("2020-03-12"), std::string::npos);
  EXPECT_EQ(o.hosts(1).host(), "old-2");
}

// The release the scenario says the fleet runs ends its general support
// while the hosts are in service: the hosts say so, and what to upgrade to.
TEST(DoNothing, TheRunningReleasesEndOfSupportIsNamedWithTheUpgrade) {
  std::string text = std::string(kFleet) + "hypervisor { esxi: \"5.5\" }\n";
  const std::string three = "horizon: \"3y\"";
  text.replace(text.find(three), three.size(), "horizon: \"5y\"");
  const auto o =
      plan::outlook(parse_scenario(text, "fleet.textproto", Catalog::builtin()), Catalog::builtin(), nullptr);
  ASSERT_EQ(o.hosts_size(), 4) << o.DebugString();  // the young hosts too: 5.5 ends 2018-09-19, before 2019-01
  for (const auto& h : o.hosts())
    EXPECT_NE(h.why().find("runs ESXi 5.5 (hypervisor { esxi }), its general support ends 2018-09-19: upgrade to "
                           "ESXi 6.0"),
              std::string::npos)
        << h.why();
}

TEST(DoNothing, CapacityRunsOutInTheQuarterDemandNoLongerFitsWithOneHostSpare) {
  const auto o = plan::outlook(fleet(), Catalog::builtin(), nullptr);
  ASSERT_EQ(o.capacity_size(), 1);
  const auto& c = o.capacity(0);
  // RAM: 22 x 4 GiB x 1.2 = 105.6 GiB needed, 3 x 64 usable: fits. CPU grows 40% a year against
  // three hosts' worth: the quarter it stops fitting is named, with CPU binding.
  EXPECT_NEAR(c.usable_ram_gib(), 192, 1e-9);
  EXPECT_FALSE(c.exhausted().empty()) << c.DebugString();
  EXPECT_EQ(c.binding(), "CPU");
  EXPECT_GT(c.demand_cpu(), c.usable_cpu());
}

TEST(DoNothing, VmsReachingGuestOsEndOfSupportAreNamedWithTheNextRelease) {
  const auto o = plan::outlook(fleet(), Catalog::builtin(), nullptr);
  int os = 0;
  for (const auto& v : o.vms()) {
    ASSERT_EQ(v.risk(), "guest OS end of support");
    ++os;
    EXPECT_EQ(v.date(), "2015-07-14");
    EXPECT_NE(v.details().find("next release windows-2012: it can take it under cluster c"), std::string::npos)
        << v.details();
  }
  EXPECT_EQ(os, 20);
  EXPECT_EQ(o.vms(0).vm(), "w-1");
  EXPECT_EQ(o.vms_without_os(), 2u);
}

// The next release's floor against the cluster's mode (catalog/guest_os.cpp's floors).
TEST(DoNothing, TheNextReleasesFloorIsCheckedAgainstTheClustersMode) {
  const Catalog& cat = Catalog::builtin();
  const auto below = plan::os_floor_met(guest_os_index("windows-2025"), cat.baseline("intel-penryn").features);
  EXPECT_EQ(below.status, plan::FloorCheck::not_met) << below.why;
  EXPECT_NE(below.why.find("popcnt"), std::string::npos) << below.why;
  EXPECT_NE(below.why.find("windows-2025"), std::string::npos) << below.why;
  const auto v2 = plan::os_floor_met(guest_os_index("rhel-10"), cat.baseline("x86-64-v2").features);
  EXPECT_EQ(v2.status, plan::FloorCheck::not_met) << v2.why;
  EXPECT_NE(v2.why.find("avx2"), std::string::npos) << v2.why;
  const auto v3 = plan::os_floor_met(guest_os_index("rhel-10"), cat.baseline("x86-64-v3").features);
  EXPECT_EQ(v3.status, plan::FloorCheck::met) << v3.why;
  EXPECT_EQ(plan::os_floor_met(-1, FeatureSet{}).status, plan::FloorCheck::unknown);
}

TEST(DoNothing, EsxiLifecycleTakesTheMajorRelease) {
  ASSERT_TRUE(plan::esxi_lifecycle("8.0u2"));
  EXPECT_EQ(plan::esxi_lifecycle("8.0u2")->end_of_general_support, "2027-10-11");
  EXPECT_EQ(plan::esxi_lifecycle("7.0")->end_of_general_support, "2025-10-02");
  EXPECT_EQ(plan::esxi_lifecycle("9.0")->end_of_general_support, "");  // not published
  EXPECT_FALSE(plan::esxi_lifecycle("5.0"));
}

// A VM group whose captured view (the export's `min Required EVC Mode Key`)
// is below its cluster's mode is named as on an old view, doing nothing too.
TEST(DoNothing, VmsBelowTheClustersModeAreOnAnOldView) {
  const std::string text = std::string(kFleet) +
                           "cluster { name: \"d\" baseline: \"intel-penryn\" hosts { cpu: \"E5420\" count: 3 } }\n"
                           "vm { name: \"moved\" count: 2 cluster: \"d\" captured_baseline: \"intel-merom\" }\n"
                           "vm { name: \"same\" cluster: \"d\" captured_baseline: \"intel-penryn\" }\n";
  const ScenarioSpec spec = parse_scenario(text, "fleet.textproto", Catalog::builtin());
  const auto views = plan::captured_views(text, "fleet.textproto", spec, Catalog::builtin());
  EXPECT_EQ(views.size(), 3u);
  const auto o = plan::outlook(spec, Catalog::builtin(), nullptr, views);
  std::vector<std::string> old;
  for (const auto& v : o.vms())
    if (v.risk() == "old view") {
      old.push_back(v.vm());
      EXPECT_EQ(v.date(), "2014-01-01");
      EXPECT_NE(v.details().find("runs on intel-merom, below cluster d's intel-penryn (1 notable features"),
                std::string::npos)
          << v.details();
      EXPECT_NE(v.details().find("until its next power cycle (every 90 days: by 2014-04-01)"), std::string::npos)
          << v.details();
    }
  EXPECT_EQ(old, (std::vector<std::string>{"moved-1", "moved-2"}));
}

TEST(DoNothing, AnUnknownCapturedViewIsNamedWithFileLineAndField) {
  const std::string text =
      std::string(kFleet) + "vm { name: \"m\" cluster: \"c\"\n  captured_baseline: \"intel-nope\" }\n";
  try {
    // The loader checks the mode (scenario/load_fleet.cpp); captured_views checks it again for a spec
    // built otherwise: either names the file, the line and the field.
    const ScenarioSpec spec = parse_scenario(text, "fleet.textproto", Catalog::builtin());
    plan::captured_views(text, "fleet.textproto", spec, Catalog::builtin());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "fleet.textproto");
    EXPECT_EQ(e.line(), 12);  // the captured_baseline line
    EXPECT_EQ(e.field(), "captured_baseline");
    EXPECT_NE(std::string(e.what()).find("intel-nope"), std::string::npos) << e.what();
  }
}

// A plan that retires the old hosts leaves them out of its outlook, and the
// VMs of a cluster it raises are on an old view until their power cycle.
TEST(DoNothing, ThePlansOutlookFollowsItsActions) {
  const ScenarioSpec spec = fleet();
  plan::Plan p;
  for (int q = 0; q < 12; ++q) p.quarters.push_back(YearMonth{2014 + q / 4, 1 + 3 * (q % 4)});
  p.groups.push_back({0, 0, 2, spec.hosts[0].cpu.get(), spec.hosts[0].purchased, 64, 1, "old"});
  p.groups.push_back({0, 1, 2, spec.hosts[2].cpu.get(), spec.hosts[2].purchased, 64, 1, "young"});
  p.retirements.push_back({0, 0});
  p.raises.push_back({1, 0, "intel-merom", "intel-penryn", 1, 2});
  const auto o = plan::outlook(spec, Catalog::builtin(), &p);
  EXPECT_EQ(o.name(), "the plan");
  EXPECT_EQ(o.hosts_size(), 0) << o.DebugString();
  int old_view = 0;
  for (const auto& v : o.vms())
    if (v.risk() == "old view") {
      ++old_view;
      EXPECT_EQ(v.date(), "2014-05-16");  // 2014-04-01 + 45 days
      EXPECT_NE(v.details().find("runs on intel-merom after the raise to intel-penryn until its next power cycle "
                                 "(every 90 days: by 2014-08-14)"),
                std::string::npos)
          << v.details();
    }
  EXPECT_EQ(old_view, 22);
  // Two hosts fewer: capacity runs out sooner than doing nothing.
  const auto n = plan::outlook(spec, Catalog::builtin(), nullptr);
  EXPECT_LT(o.capacity(0).exhausted(), n.capacity(0).exhausted());
}

// The acceptance: on the shipped RVTools example, `evcsim plan` names hosts
// with their support dates, VMs on old views, and a recommendation per cluster.
TEST(DoNothingCli, TheRvtoolsExampleNamesHostsDatesVmsAndRecommendations) {
  test::TempDir dir;
  const std::string ex = std::string(EVCSIM_SOURCE_DIR) + "/examples/rvtools/";
  const std::string fleet_file = (dir.path / "fleet.textproto").string();
  auto inv = test::run_evcsim("inventory --vhost " + ex + "RVTools_tabvHost.csv --vinfo " + ex +
                              "RVTools_tabvInfo.csv --start 2026-12 -o " + fleet_file);
  ASSERT_EQ(inv.exit_code, 0) << inv.out;
  auto r = test::run_evcsim("plan " + fleet_file + " --rounds 1 --out " + (dir.path / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("if we do nothing:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dev: enable EVC at amd-zen2 now"), std::string::npos) << r.out;

  plan_report::PlanReport rep;
  read_json_file((dir.path / "out" / "plan.json").string(), &rep);
  const auto& dn = rep.do_nothing();
  bool a01 = false;
  for (const auto& h : dn.hosts())
    if (h.host() == "esx-a01.corp.example") {
      a01 = true;
      EXPECT_EQ(h.cpu(), "broadwell-ep");
      EXPECT_EQ(h.purchased(), "2017-03");  // from the export's BIOS date
      EXPECT_EQ(h.vendor_support_end(), "2022-03");
      EXPECT_EQ(h.last_esxi(), "8.0u2");
      EXPECT_EQ(h.stranded(), "2027-10-11");  // ESXi 8.0's end of general support; 9.0 refuses Broadwell
    }
  EXPECT_TRUE(a01) << rep.do_nothing().DebugString();
  EXPECT_EQ(dn.hosts_size(), 23);
  ASSERT_EQ(dn.capacity_size(), 3);
  EXPECT_EQ(dn.vms_without_os(), 0u);  // inventory maps every guest OS of the example
  // The plan raises the EVC clusters: their VMs are named as on the old view until their power cycle.
  bool named = false;
  for (const auto& v : rep.with_plan().vms())
    if (v.risk() == "old view" && v.vm() == "prod-a-web-001") named = true;
  EXPECT_TRUE(named) << rep.with_plan().DebugString();
  ASSERT_EQ(rep.recommendations_size(), 3);
  for (const auto& c : {"prod-a", "prod-b", "dev"}) {
    bool found = false;
    for (const auto& rec : rep.recommendations())
      if (rec.cluster() == c) found = rec.text().rfind(std::string(c) + ": ", 0) == 0 && rec.text().size() > 20;
    EXPECT_TRUE(found) << c;
  }
  const std::string html = test::read_text(dir.path / "out" / "plan.html");
  EXPECT_NE(html.find("id=\"do-nothing\""), std::string::npos);
  EXPECT_NE(html.find("<td>esx-a01.corp.example</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>prod-a-web-001</td>"), std::string::npos);
  EXPECT_LT(html.find("id=\"do-nothing\""),
            html.rfind("</body></html>"));  // the inlined Vega scripts hold the text too
}

}  // namespace
}  // namespace evcsim
