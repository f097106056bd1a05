// Issue 24's defects as a planner met them on the shipped RVTools example
// (docs/planner-walkthrough.md): each test fails on the code before the fix.
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// One inventory and one five-year run of the walkthrough's fleet, shared by the tests of this suite.
class Walkthrough : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    const std::string ex = std::string(EVCSIM_SOURCE_DIR) + "/examples/rvtools/";
    fleet_ = (dir_->path / "fleet.textproto").string();
    auto inv = test::run_evcsim("inventory --vhost " + ex + "RVTools_tabvHost.csv --vinfo " + ex +
                                "RVTools_tabvInfo.csv --start 2026-12 -o " + fleet_);
    inventory_ = new std::string(inv.out);
    ASSERT_EQ(inv.exit_code, 0) << inv.out;
    out_ = dir_->path / "report";
    auto run = test::run_evcsim("run " + fleet_ + " --quiet --format text,json,html --out " + out_.string());
    ASSERT_EQ(run.exit_code, 0) << run.out;
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete inventory_;
  }
  static std::string events(const std::string& args) {
    auto r = test::run_evcsim("events " + (out_ / "events.sqlite").string() + " " + args);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    return r.out;
  }
  static test::TempDir* dir_;
  static std::string* inventory_;
  static std::string fleet_;
  static fs::path out_;
};
test::TempDir* Walkthrough::dir_ = nullptr;
std::string* Walkthrough::inventory_ = nullptr;
std::string Walkthrough::fleet_;
fs::path Walkthrough::out_;

// 23 hosts in service and 28 empty bays to buy into: report.html and results.json said "51 host(s)".
TEST_F(Walkthrough, TheReportsCountHostsNotEmptyBays) {
  const std::string html = test::read_text(out_ / "report.html");
  EXPECT_TRUE(has(html, "23 host(s)")) << "report.html does not say 23 host(s)";
  EXPECT_FALSE(has(html, "51 host(s)"));
  const std::string json = test::read_text(out_ / "results.json");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(json, m, std::regex("\"hosts\":\\s*(\\d+)"))) << json.substr(0, 400);
  EXPECT_EQ(m[1].str(), "23");  // the first "hosts" is the scenario's identity
  EXPECT_TRUE(has(test::read_text(out_ / "summary.txt"), "23 host(s) in 3 cluster(s) (room for 28 more"));
}

// A bought host gets a new name, never the retired host's: "host_bought esx-a01" for a Granite Rapids box
// made a cold evacuation read Rome -> Rome.
TEST_F(Walkthrough, BoughtHostsGetNewNamesNeverARetiredHostsName) {
  std::set<std::string> listed;
  std::istringstream fleet(test::read_text(fleet_));
  const std::regex host_name("hosts \\{ name: \"([^\"]+)\"");
  for (std::string line; std::getline(fleet, line);) {
    std::smatch m;
    if (std::regex_search(line, m, host_name)) listed.insert(m[1]);
  }
  ASSERT_EQ(listed.size(), 23U);
  std::istringstream bought(events("--type host_bought --format csv"));
  std::string header;
  std::getline(bought, header);
  std::set<std::string> names;
  int rows = 0;
  for (std::string line; std::getline(bought, line);) {
    ++rows;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(line, m, std::regex(",((prod-a|prod-b|dev)-n\\d\\d),"))) << header << "\n" << line;
    EXPECT_FALSE(listed.count(m[1])) << m[1] << " is a retired host's name: " << line;
    EXPECT_TRUE(names.insert(m[1]).second) << m[1] << " given twice";
  }
  EXPECT_EQ(rows, 23);
  // A cold evacuation names both hosts with their parts: a Rome host emptied to a bought Turin one.
  const std::string off = events("--type vm_powered_off --format csv");
  EXPECT_TRUE(std::regex_search(off, std::regex("cold evacuation of esx-d0\\d\\.corp\\.example \\(rome\\) to "
                                                "dev-n\\d\\d \\(turin\\)")))
      << off.substr(0, 1200);
}

// `events --from 2028 --to 2027` printed nothing and succeeded.
TEST_F(Walkthrough, EventsWithAnEmptyWindowIsAnErrorNamingTheOptions) {
  for (const char* window : {"--from 2028-01 --to 2027-01", "--from 2028 --to 2027", "--from 2027-06 --to 2027-06"}) {
    auto r = test::run_evcsim("events " + (out_ / "events.sqlite").string() + " " + window);
    EXPECT_NE(r.exit_code, 0) << window << ": " << r.out;
    EXPECT_TRUE(has(r.out, "--from")) << r.out;
    EXPECT_TRUE(has(r.out, "is not before --to")) << r.out;
  }
  auto ok = test::run_evcsim("events " + (out_ / "events.sqlite").string() + " --from 2027-01 --to 2028-01 --counts");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
}

// The Atom edge box is left out; its nearest names were three Opterons.
TEST_F(Walkthrough, TheNearestNamesOfAnUnknownIntelPartAreIntels) {
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(*inventory_, m, std::regex("C3958 @ 2.00GHz' is not in the catalog \\(nearest: ([^)]*)\\)")))
      << *inventory_;
  EXPECT_FALSE(has(m[1], "Opteron")) << m[1];
  EXPECT_FALSE(has(m[1], "EPYC")) << m[1];
}

// A cluster without a baseline that auto-raise gives one: the warning said it would not, then the run said
// "none -> intel-sapphirerapids, gains 115 features". Enabling EVC gains nothing; it hides.
TEST(EnablingEvc, TheWarningAndTheRaiseSayItHidesFeaturesAndGainsNone) {
  test::TempDir d;
  const std::string file = d.write("enable.textproto", R"(name: "enable-evc"
start_date: "2026-12"
horizon: "1y"
policy { name: "cluster-baseline" }
refresh { lifetime_years: 5 baseline_policy: "auto-raise" cold_evacuation: true }
cluster {
  name: "dev"
  hosts { name: "old-1" cpu: "skylake-sp" cores: 40 ram_gib: 768 purchased: "2018-01" }
  hosts { name: "old-2" cpu: "skylake-sp" cores: 40 ram_gib: 768 purchased: "2018-01" }
}
vm { name: "a" host: "old-1" vcpus: 2 ram_mib: 4096 start_powered_off: true }
vm { name: "b" host: "old-2" vcpus: 2 ram_mib: 4096 start_powered_off: true }
)");
  auto r = test::run_evcsim("run " + file);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(has(r.out, "only raises a baseline a cluster has")) << r.out;
  EXPECT_TRUE(has(r.out, "cluster dev has no baseline (no EVC): once retirements allow one, auto-raise enables EVC"))
      << r.out;
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(r.out, m, std::regex("cluster dev: none -> (\\S+) \\(possible since [0-9-]+\\), ([^\\n]*)")))
      << r.out;
  EXPECT_FALSE(has(m[2], "gains 1")) << m[0];
  EXPECT_TRUE(has(m[2], "enables EVC: gains no feature, hides ")) << m[0];
  EXPECT_TRUE(std::regex_search(m[2].str(), std::regex("hides \\d+ its hosts have: [a-z]"))) << m[0];
}

// Bought hosts take the scenario's naming rule; a rule without a number is refused with file, line and field.
TEST(BoughtHostNames, TheScenariosRuleNamesThemAndABadRuleIsAnError) {
  test::TempDir d;
  const std::string body = R"(
start_date: "2026-12"
horizon: "3mo"
policy { name: "cluster-baseline" }
cluster {
  name: "dev"
  hosts { name: "esx-n001" cpu: "skylake-sp" cores: 40 ram_gib: 768 purchased: "2018-01" }
  hosts { name: "esx-d02" cpu: "skylake-sp" cores: 40 ram_gib: 768 purchased: "2018-01" }
}
vm { name: "a" host: "esx-n001" vcpus: 2 ram_mib: 4096 start_powered_off: true }
)";
  const std::string good =
      d.write("named.textproto",
              std::string("name: \"named\"\nrefresh { lifetime_years: 5 bought_host_name: \"esx-n{:03}\" }") + body);
  const fs::path out = d.path / "out";
  auto r = test::run_evcsim("run " + good + " --quiet --out " + out.string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto ev = test::run_evcsim("events " + (out / "events.sqlite").string() + " --type host_bought --format csv");
  ASSERT_EQ(ev.exit_code, 0) << ev.out;
  // esx-n001 is a listed host's name: the rule skips it.
  EXPECT_TRUE(has(ev.out, ",esx-n002,")) << ev.out;
  EXPECT_TRUE(has(ev.out, ",esx-n003,")) << ev.out;
  EXPECT_FALSE(has(ev.out, ",esx-n001,")) << ev.out;
  EXPECT_FALSE(has(ev.out, ",esx-d02,")) << ev.out;

  const std::string bad =
      d.write("bad.textproto", std::string("name: \"bad\"\nrefresh {\n  lifetime_years: 5\n  bought_host_name: "
                                           "\"esx-new\"\n}") +
                                   body);
  auto b = test::run_evcsim("run " + bad);
  EXPECT_NE(b.exit_code, 0) << b.out;
  EXPECT_TRUE(has(b.out, "bad.textproto:4: bought_host_name: 'esx-new' has no number")) << b.out;
}

// "Xeon Gold 6148 v2" is no part (Xeon Scalable has no version suffix): an error with the nearest names,
// not Skylake-SP in silence. A SKU the catalog does not list but the numbering places is taken, loudly.
TEST(CpuNames, ANonExistentSkuIsAnErrorAndANumberingMatchIsSaid) {
  test::TempDir d;
  auto scenario = [&](const std::string& cpu) {
    return d.write("cpu.textproto", "name: \"cpu\"\nhorizon_s: 60\ncluster {\n  name: \"c\"\n  hosts { cpu: \"" + cpu +
                                        "\" name: \"h\" }\n}\nvm { name: \"v\" host: \"h\" }\n");
  };
  auto r = test::run_evcsim("run " + scenario("Xeon Gold 6148 v2"));
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_TRUE(has(r.out, "cpu.textproto:5: cpu: unknown CPU 'Xeon Gold 6148 v2'")) << r.out;
  EXPECT_TRUE(has(r.out, "nearest: Xeon Gold 6148")) << r.out;

  auto w = test::run_evcsim("run " + scenario("Xeon Gold 6199"));
  EXPECT_EQ(w.exit_code, 0) << w.out;
  EXPECT_TRUE(has(w.out,
                  "cpu.textproto:5: cpu: warning: 'Xeon Gold 6199' is not a SKU the catalog lists; taken as "
                  "skylake-sp"))
      << w.out;
  auto listed = test::run_evcsim("run " + scenario("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"));
  EXPECT_EQ(listed.exit_code, 0) << listed.out;
  EXPECT_FALSE(has(listed.out, "warning")) << listed.out;
}

}  // namespace
}  // namespace evcsim
