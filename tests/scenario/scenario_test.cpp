#include "scenario/scenario.hpp"
#include "tests/scenario/scenario_error.hpp"

#include <filesystem>

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "base/year_month.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

const char* kBase = R"(name: "t"
horizon_s: 3600
policy { name: "cluster-baseline" }
cluster {
  name: "prod"
  baseline: "intel-merom"
  hosts { cpu: "E5420" name: "new" count: 2 }
  hosts { cpu: "E5310" name: "old" }
}
vm {
  name: "web"
  count: 3
  cluster: "prod"
  software { name: "app" detection: PROBE uses: ["sse4_1"] }
}
)";

std::string error_of(const std::string& text) { return test::scenario_error(text); }

TEST(Scenario, ParsesHostsVmsAndDefaults) {
  ScenarioSpec s = parse_scenario(std::string(kBase) + "at { at_s: 60 migrate { vm: \"web-2\" host: \"old\" } }\n",
                                  "s.textproto", Catalog::builtin());
  ASSERT_EQ(s.hosts.size(), 3u);
  EXPECT_EQ(s.hosts[0].name, "new-1");
  EXPECT_EQ(s.hosts[2].name, "old");
  EXPECT_EQ(s.hosts[0].cpu->name, "harpertown");
  EXPECT_EQ(s.hosts[0].cores, 8);
  EXPECT_EQ(s.hosts[0].ram_mib, 256 * 1024);
  ASSERT_EQ(s.vms.size(), 3u);
  EXPECT_EQ(s.vms[2].name, "web-3");
  EXPECT_EQ(s.vms[0].working_set_mib, 1024);
  EXPECT_EQ((*s.vms[0].software)[0].detection, Detection::probe);
  ASSERT_EQ(s.operations.size(), 1u);
  EXPECT_EQ(s.operations[0].vms, std::vector<int>{1});
  EXPECT_EQ(s.operations[0].host, 2);
  EXPECT_EQ(s.seed, 1u);
}

// dirty_mib_per_s: 0 is an idle VM; only an unset rate takes the default.
TEST(Scenario, ZeroDirtyRateIsAnIdleVmUnsetIsTheDefault) {
  auto load = [](const std::string& vm) {
    return parse_scenario("horizon_s: 10\ncluster { name: \"c\" hosts { cpu: \"E5420\" } }\n" + vm, "s.textproto",
                          Catalog::builtin());
  };
  EXPECT_EQ(load("vm { name: \"idle\" dirty_mib_per_s: 0 }\n").vms[0].dirty_mib_per_s, 0.0);
  EXPECT_EQ(load("vm { name: \"v\" }\n").vms[0].dirty_mib_per_s, 50.0);
  EXPECT_EQ(load("vm { name: \"hot\" dirty_mib_per_s: 500 }\n").vms[0].dirty_mib_per_s, 500.0);
}

// vMotion's link, concurrency and convergence follow the release the hosts
// run (catalog/vmotion_era.hpp); the scenario's own settings win.
TEST(Scenario, VmotionDefaultsFollowTheEraOfTheRelease) {
  auto load = [](const std::string& head, const std::string& policy = "cluster-baseline") {
    return parse_scenario(head + "\nhorizon_s: 10\npolicy { name: \"" + policy +
                              "\" }\ncluster { name: \"c\" hosts { cpu: \"E5420\" } }\n",
                          "s.textproto", Catalog::builtin());
  };
  struct Want {
    double gbps;
    int per_host;
    std::string convergence;
  };
  auto expect = [](const ScenarioSpec& s, const Want& w, const std::string& why) {
    EXPECT_EQ(s.network.host_link_gbps, w.gbps) << why;
    EXPECT_EQ(s.migration.max_per_host, w.per_host) << why;
    EXPECT_EQ(s.migration.convergence, w.convergence) << why;
  };
  expect(load("start_date: \"2009-01\""), {1, 2, "pre-copy"}, "ESX 3.5 out in 2009-01");
  expect(load("start_date: \"2010-09\""), {10, 8, "pre-copy"}, "4.1 out from 2010-08");
  expect(load("start_date: \"2012-01\""), {10, 8, "sdps"}, "5.0 out from 2011-09");
  expect(load("hypervisor { esxi: \"4.0\" }"), {1, 2, "pre-copy"}, "a named release");
  expect(load("hypervisor { esxi: \"4.1\" }\nnetwork { host_link_gbps: 1 }"), {1, 4, "pre-copy"}, "4.1 on 1 GbE");
  expect(load("start_date: \"2009-01\"\nnetwork { host_link_gbps: 10 }\n"
              "migration { max_per_host: 6 convergence: \"sdps\" }"),
         {10, 6, "sdps"}, "the scenario's settings win");
  // Neither a release nor a date: today's defaults (8 or 4 by the link, at run time).
  expect(load(""), {10, 0, ""}, "no era");
  EXPECT_EQ(load("").migration.era, "");
  // A date says nothing of a policy whose hypervisor is not vSphere.
  expect(load("start_date: \"2009-01\"", "dynamic-lcd"), {10, 0, ""}, "Hyper-V-like policy");
  EXPECT_NE(load("start_date: \"2009-01\"").migration.era.find("ESX 3.5, 4.0"), std::string::npos);
}

TEST(Scenario, ErrorsNameFileLineAndField) {
  std::string cpu = kBase;
  cpu.replace(cpu.find("\"E5310\""), 7, "\"E9999\"");
  EXPECT_NE(error_of(cpu).find("s.textproto:8: cpu: unknown CPU 'E9999'"), std::string::npos) << error_of(cpu);
  std::string feat = kBase;
  feat.replace(feat.find("\"sse4_1\""), 8, "\"sse5\"");
  EXPECT_NE(error_of(feat).find("s.textproto:14: uses: unknown feature 'sse5'"), std::string::npos) << error_of(feat);
  std::string pol = kBase;
  pol.replace(pol.find("cluster-baseline"), 16, "magic");
  EXPECT_NE(error_of(pol).find("s.textproto:3: name: unknown policy 'magic'"), std::string::npos) << error_of(pol);
  std::string base = kBase;
  base.replace(base.find("intel-merom"), 11, "intel-penryn");
  EXPECT_NE(error_of(base).find("s.textproto:8: cpu: host old cannot join cluster prod at baseline intel-penryn"),
            std::string::npos)
      << error_of(base);
  EXPECT_NE(error_of(std::string(kBase) + "at { at_s: -5 power_off { vm: \"web\" } }\n")
                .find("s.textproto:16: at_s: -5 s is before the run starts (0 s)"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kBase) + "at { at_s: 60 migrate { vm: \"db\" host: \"old\" } }\n")
                .find("vm: unknown VM or VM group 'db'"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kBase) + "at { at_s: 60 migrate { vm: \"web\" host: \"nowhere\" } }\n")
                .find("host: unknown host 'nowhere'"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kBase) + "expect { metric: \"happiness\" op: \"==\" value: 1 }\n")
                .find("s.textproto:16: metric: unknown metric 'happiness'"),
            std::string::npos);
  std::string neg = kBase;
  neg.replace(neg.find("count: 3"), 8, "dirty_mib_per_s: -5");
  EXPECT_NE(error_of(neg).find("dirty_mib_per_s must be zero or more"), std::string::npos) << error_of(neg);
  EXPECT_NE(error_of("horizon_s: 10\ncluster { name: \"c\" }\nvm { name: \"v\" working_set_mib: 9000 ram_mib: 10 }\n")
                .find("s.textproto:3: working_set_mib: working set 9000 MiB exceeds RAM 10 MiB"),
            std::string::npos);
  EXPECT_NE(error_of("horizon_s: 0\n").find("horizon_s must be a positive"), std::string::npos);
  EXPECT_NE(error_of("horizon_s: 10 cluster {").find("s.textproto:1: column"), std::string::npos);
  EXPECT_NE(
      error_of("horizon_s: 10\npolicy { name: \"named-model\" }\ncluster { name: \"c\" }\n").find("needs a model"),
      std::string::npos);
  std::string mask =
      std::string(kBase) + "at { at_s: 1 set_mask { vm: \"web\" mask { register: \"1:ecx\" mask: \"RR\" } } }\n";
  EXPECT_NE(error_of(mask).find("mask: mask 'RR' has 2 letters"), std::string::npos) << error_of(mask);
}

// Issue 12, item 1: dates and durations wherever a time is asked.
TEST(Scenario, DatesAndDurationsStandForSeconds) {
  std::string text = kBase;
  text.replace(text.find("horizon_s: 3600"), 15, "start_date: \"2012-01\"\nend_date: \"2014-01-01\"");
  text +=
      "drs { balance: true interval: \"5min\" }\nreport { sample_interval: \"30d\" graph_at_date: \"2013-01\" }\n"
      "at { at_date: \"2012-06-15\" power_cycle { vm: \"web-1\" } }\n"
      "at { after: \"90d\" power_cycle { vm: \"web-2\" } }\n"
      "at { at_date: \"2015-03-01\" power_cycle { vm: \"web-3\" } }\n";
  ScenarioSpec s = parse_scenario(text, "s.textproto", Catalog::builtin());
  EXPECT_TRUE(s.calendar);
  EXPECT_EQ(s.horizon_s, 731 * 86400.0);  // 2012 is a leap year
  EXPECT_EQ(s.drs.interval_s, 300);
  EXPECT_EQ(s.sample_interval_s, 30 * 86400.0);
  EXPECT_EQ(s.graph_at_s, std::vector<double>{366 * 86400.0});
  ASSERT_EQ(s.operations.size(), 2u);  // the third is after the end of the run: warned, dropped
  EXPECT_EQ(s.operations[0].at_s, 90 * 86400.0);
  EXPECT_EQ(s.operations[1].at_s, (31 + 29 + 31 + 30 + 31 + 14) * 86400.0);
  ASSERT_FALSE(s.warnings.empty());
  EXPECT_NE(s.warnings.back().find("s.textproto:21: at_date: warning: 2015-03-01 is after the end of the run "
                                   "(2014-01-01): 'power_cycle web-3' will not happen"),
            std::string::npos)
      << s.warnings.back();

  std::string five_years = kBase;
  five_years.replace(five_years.find("horizon_s: 3600"), 15, "horizon: \"5y\"");
  EXPECT_EQ(parse_scenario(five_years, "s.textproto", Catalog::builtin()).horizon_s, 5 * 365.25 * 86400);
  EXPECT_FALSE(parse_scenario(five_years, "s.textproto", Catalog::builtin()).calendar);

  EXPECT_EQ(parse_duration("18mo"), 1.5 * 365.25 * 86400);
  EXPECT_EQ(parse_duration("2w"), 14 * 86400.0);
  EXPECT_EQ(parse_duration("1.5h"), 5400.0);
  EXPECT_EQ(parse_duration("45"), 45.0);
  EXPECT_EQ(duration_text(90 * 86400.0), "90d");
  EXPECT_EQ(duration_text(2 * 365.25 * 86400), "2y");
  EXPECT_EQ(duration_text(301), "301 s");

  std::string bad_unit = kBase;
  bad_unit.replace(bad_unit.find("horizon_s: 3600"), 15, "horizon: \"5 years\"");
  EXPECT_NE(error_of(bad_unit).find("s.textproto:2: horizon: '5 years' is not a duration: a number and a unit"),
            std::string::npos)
      << error_of(bad_unit);
  EXPECT_NE(error_of(std::string(kBase) + "at { at_date: \"2012-06-15\" power_off { vm: \"web\" } }\n")
                .find("s.textproto:16: at_date: a date needs the scenario's start_date"),
            std::string::npos);
  EXPECT_NE(error_of(std::string(kBase) + "at { at_s: 5 after: \"1d\" power_off { vm: \"web\" } }\n")
                .find("s.textproto:16: after: give one of at_s, at_date or after, not two"),
            std::string::npos)
      << error_of(std::string(kBase) + "at { at_s: 5 after: \"1d\" power_off { vm: \"web\" } }\n");
  std::string bad_day = kBase;
  bad_day.replace(bad_day.find("horizon_s: 3600"), 15, "start_date: \"2013-01\" end_date: \"2013-02-29\"");
  EXPECT_NE(error_of(bad_day).find("s.textproto:2: end_date: '2013-02-29' is not a date: 2013-02 has 28 days"),
            std::string::npos)
      << error_of(bad_day);
  std::string backwards = kBase;
  backwards.replace(backwards.find("horizon_s: 3600"), 15, "start_date: \"2013-01\" end_date: \"2012-01\"");
  EXPECT_NE(error_of(backwards).find("end_date: end_date 2012-01 is not after start_date 2013-01"), std::string::npos)
      << error_of(backwards);
}

TEST(Scenario, AMisspelledFieldGetsTheNearestName) {
  EXPECT_EQ(error_of("name: \"t\"\nhorizon_s: 10\nvm { name: \"v\" ram_mb: 10 }\n"),
            "s.textproto:3: column 22: VmGroup has no field 'ram_mb'; did you mean 'ram_mib'?");
  EXPECT_EQ(error_of("name: \"t\"\nhorizon_sec: 10\n"),
            "s.textproto:2: column 12: Scenario has no field 'horizon_sec'; did you mean 'horizon_s'?");
  // An unknown baseline: the three nearest, not the whole list.
  std::string mode = error_of(
      "name: \"t\"\nhorizon_s: 10\ncluster { name: \"c\" baseline: \"intel-penrin\" "
      "hosts { cpu: \"E5420\" } }\n");
  EXPECT_NE(mode.find("unknown baseline 'intel-penrin'; nearest: intel-penryn, intel-merom, intel-nehalem "
                      "(`evcsim cpu modes` lists them all)"),
            std::string::npos)
      << mode;
  // Nothing close: the type's fields.
  std::string far = error_of("name: \"t\"\ndrs { zzzzzzzz: 1 }\n");
  EXPECT_NE(far.find("s.textproto:2: column 15: Drs has no field 'zzzzzzzz' (its fields: balance, interval_s,"),
            std::string::npos)
      << far;
}

TEST(Scenario, ZeroWhereAPositiveNumberIsNeededIsAnError) {
  auto with = [](const std::string& hosts, const std::string& vm) {
    return error_of("name: \"t\"\nhorizon_s: 10\ncluster { name: \"c\" hosts { cpu: \"E5420\" " + hosts +
                    " } }\nvm { name: \"v\" " + vm + " }\n");
  };
  EXPECT_EQ(with("count: 0", ""), "s.textproto:3: count: count must be positive, not 0 (leave it out for the default)");
  EXPECT_EQ(with("cores: 0", ""), "s.textproto:3: cores: cores must be positive, not 0 (leave it out for the default)");
  EXPECT_EQ(with("", "ram_mib: 0"),
            "s.textproto:4: ram_mib: ram_mib must be positive, not 0 (leave it out for the default)");
  EXPECT_EQ(with("", "vcpus: 0"), "s.textproto:4: vcpus: vcpus must be positive, not 0 (leave it out for the default)");
  EXPECT_EQ(with("", "count: 0"), "s.textproto:4: count: count must be positive, not 0 (leave it out for the default)");
  // Left out, the defaults hold; a group that arrives over time may say count: 0.
  EXPECT_EQ(with("", ""), "no error");
  EXPECT_EQ(with("", "count: 0 arrivals_per_day: 1 lifetime_days: 5 max_count: 4"), "no error");
}

TEST(Scenario, MaskedFeaturesApplyPerRegister) {
  const CpuModel& h = *Catalog::builtin().find_cpu("E5420");
  VmMasks m;
  m[parse_register("1:ecx")] = RegisterMask::parse("---- ---- ---- 0--- ---- ---- ---- ----");
  FeatureSet seen = masked_features(h, m);
  EXPECT_FALSE(seen.test(feature_id("sse4_1")));
  EXPECT_TRUE(seen.test(feature_id("ssse3")));
  EXPECT_EQ(masked_features(h, {}), h.migratable());
}

TEST(Scenario, ShippedScenariosLoad) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(EVCSIM_SOURCE_DIR) + "/scenarios")) {
    if (e.path().extension() != ".textproto") continue;
    ScenarioSpec s = load_scenario(e.path().string(), Catalog::builtin());
    EXPECT_FALSE(s.expectations.empty()) << e.path() << " carries no expectations";
    EXPECT_FALSE(s.description.empty()) << e.path();
    ++n;
  }
  EXPECT_GE(n, 5);
}

// refresh-10y is a plausible fleet: clusters within vSphere's 96 hosts, a
// field failure rate, a procurement lag; it loads without a warning.
TEST(Scenario, Refresh10yIsAPlausibleFleet) {
  ScenarioSpec s =
      load_scenario(std::string(EVCSIM_SOURCE_DIR) + "/scenarios/refresh-10y.textproto", Catalog::builtin());
  EXPECT_TRUE(s.warnings.empty()) << s.warnings.front();
  std::vector<int> hosts(s.clusters.size(), 0);
  for (const auto& h : s.hosts) ++hosts[static_cast<size_t>(h.cluster)];  // every bay included
  for (int n : hosts) EXPECT_LE(n, 96);
  const double per_year = 365.25 / s.failures.mtbf_days;
  EXPECT_GE(per_year, 0.02);
  EXPECT_LE(per_year, 0.05);
  EXPECT_GE(s.refresh.qualification_months, 3);
}

}  // namespace
}  // namespace evcsim
