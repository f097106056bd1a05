// `evcsim run` end to end: determinism, exit codes, the output folder.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;
using test::run_evcsim;

std::string scenario(const std::string& name) { return std::string(EVCSIM_SOURCE_DIR) + "/scenarios/" + name; }

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("evcsim-test-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  return d;
}

TEST(RunCli, SameSeedSameLogOtherSeedOtherLog) {
  const std::string file = scenario("e5420-e5310-merom-probing-app.textproto");
  fs::path a = fresh_dir("a"), b = fresh_dir("b"), c = fresh_dir("c");
  const std::string opts = " --events all --format jsonl,json --out ";
  ASSERT_EQ(run_evcsim("run " + file + opts + a.string()).exit_code, 0);
  ASSERT_EQ(run_evcsim("run " + file + opts + b.string()).exit_code, 0);
  ASSERT_EQ(run_evcsim("run " + file + " --seed 42" + opts + c.string()).exit_code, 0);
  std::string la = test::read_text(a / "events.jsonl"), lb = test::read_text(b / "events.jsonl"),
              lc = test::read_text(c / "events.jsonl");
  EXPECT_GT(la.size(), 500u);
  EXPECT_EQ(la, lb);
  EXPECT_NE(la, lc);  // the time to fault is drawn from the seed's "faults" stream
  // Bit for bit: the event store and results.json too.
  EXPECT_TRUE(test::read_text(a / "events.sqlite") == test::read_text(b / "events.sqlite"));
  EXPECT_EQ(test::read_text(a / "results.json"), test::read_text(b / "results.json"));
  for (auto& d : {a, b, c}) fs::remove_all(d);
}

TEST(RunCli, PrintsReasonsAndFeatures) {
  auto r = run_evcsim("run " + scenario("e5420-to-e5310-no-baseline.textproto"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("db e5420 -> e5310 blocked [missing-features]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sse4_1"), std::string::npos);
  auto p = run_evcsim("run " + scenario("e5420-e5310-merom-probing-app.textproto"));
  EXPECT_NE(p.out.find("media/encoder crashed on e5310 after moving from e5420: missing sse4_1 [probing-software]"),
            std::string::npos)
      << p.out;
}

// Issue 12, item 1: with a start date, every output shows dates; CSV numbers
// at full precision.
TEST(RunCli, ACalendarScenarioDatesEveryOutput) {
  fs::path d = fresh_dir("calendar");
  fs::create_directories(d);
  std::ofstream(d / "s.textproto") << R"(start_date: "2012-06"
horizon: "30d"
policy { name: "cluster-baseline" }
cluster { name: "prod" baseline: "intel-merom" hosts { cpu: "E5420" name: "e5420" } hosts { cpu: "E5310" name: "e5310" } }
vm {
  name: "media"
  host: "e5420"
  software { name: "encoder" detection: PROBE uses: ["ssse3", "sse4_1"] uses_per_s: 50 restart_delay_s: 20 }
}
at { at_date: "2012-06-15" migrate { vm: "media" host: "e5310" } }
)";
  auto r =
      run_evcsim("run " + (d / "s.textproto").string() + " --format text,csv,json,jsonl --out " + (d / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("simulated       2012-06-01 to 2012-07-01 (30.0 days)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2012-06-15  media/encoder crashed on e5310 after moving from e5420"), std::string::npos)
      << r.out;
  std::string crashes = test::read_text(d / "out" / "crashes.csv");
  EXPECT_EQ(crashes.rfind("t,date,vm,software,", 0), 0u) << crashes;
  EXPECT_NE(crashes.find(",2012-06-15,media,encoder,"), std::string::npos) << crashes;
  // The migration finishes a fraction of a second after 14 days: not rounded to 6 figures.
  std::string migrations = test::read_text(d / "out" / "migrations.csv");
  auto row = migrations.substr(migrations.find('\n') + 1);
  EXPECT_GT(row.substr(0, row.find(',')).size(), 8u) << migrations;
  EXPECT_NE(row.find(",2012-06-15,media,e5420,e5310,"), std::string::npos) << migrations;
  EXPECT_EQ(test::read_text(d / "out" / "vms.csv").rfind("t,date,key,value\n0,2012-06-01,on,1\n", 0), 0u);
  std::string json = test::read_text(d / "out" / "results.json");
  EXPECT_NE(json.find("\"start_date\": \"2012-06\""), std::string::npos);
  EXPECT_NE(json.find("\"end_date\": \"2012-07-01\""), std::string::npos);
  EXPECT_NE(test::read_text(d / "out" / "events.jsonl").find("\"date\":\"2012-06-15\""), std::string::npos);
  // Without a start date: seconds only, no date column.
  std::ofstream(d / "plain.textproto") << R"(horizon: "1h"
cluster { name: "c" hosts { cpu: "E5420" } }
vm { name: "v" }
)";
  ASSERT_EQ(
      run_evcsim("run " + (d / "plain.textproto").string() + " --format csv --out " + (d / "plain").string()).exit_code,
      0);
  EXPECT_EQ(test::read_text(d / "plain" / "vms.csv").rfind("t,key,value\n0,on,1\n", 0), 0u);
  fs::remove_all(d);
}

TEST(RunCli, BadScenarioExits2WithFileAndLine) {
  fs::path d = fresh_dir("bad");
  fs::create_directories(d);
  std::ofstream(d / "bad.textproto") << "horizon_s: 100\ncluster { name: \"c\" hosts { cpu: \"Xeon Q9999\" } }\n";
  auto r = run_evcsim("run " + (d / "bad.textproto").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("bad.textproto:2: cpu: unknown CPU 'Xeon Q9999'"), std::string::npos) << r.out;
  EXPECT_EQ(run_evcsim("run /nonexistent/evcsim.textproto").exit_code, 2);
  fs::remove_all(d);
}

TEST(RunCli, FailingExpectationExits3AndNamesIt) {
  fs::path d = fresh_dir("expect");
  fs::create_directories(d);
  std::string text = test::read_text(scenario("e5420-e5310-merom-baseline.textproto"));
  text += "expect { metric: \"migrations\" op: \">=\" value: 5 }\n";
  std::ofstream(d / "s.textproto") << text;
  auto r = run_evcsim("run --quiet " + (d / "s.textproto").string());
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.out.find("FAIL migrations >= 5 (measured 2)"), std::string::npos) << r.out;
  fs::remove_all(d);
}

TEST(RunCli, FailedRunLeavesTheOutputFolderAsItWas) {
  fs::path d = fresh_dir("keep");
  fs::create_directories(d);
  std::ofstream(d / "events.jsonl") << "precious\n";
  fs::path bad = d / "bad.textproto";
  std::ofstream(bad) << "horizon_s: -1\n";
  EXPECT_EQ(run_evcsim("run " + bad.string() + " --out " + d.string()).exit_code, 2);
  EXPECT_EQ(test::read_text(d / "events.jsonl"), "precious\n");
  int files = 0;
  for (const auto& e : fs::directory_iterator(d)) files += e.path().filename().string().rfind('.', 0) == 0;
  EXPECT_EQ(files, 0) << "temporary files left behind";
  fs::remove_all(d);
}

TEST(RunCli, PoliciesAreListed) {
  auto r = run_evcsim("policies");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* p : {"legacy-exact", "modern-superset", "per-vm-mask", "cluster-baseline", "per-vm-baseline",
                        "dynamic-lcd", "named-model", "passthrough", "unsafe-override"})
    EXPECT_NE(r.out.find(p), std::string::npos) << p;
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

TEST(RunCli, InterruptedRunLeavesNoTemporaryFiles) {
  namespace fs = std::filesystem;
  fs::path d = fs::temp_directory_path() / ("evcsim-test-sigint-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  // An earlier run's folder (its manifest says so): the interrupted run must leave it whole.
  std::ofstream(d / ".evcsim-run") << "evcsim run outputs\n";
  std::ofstream(d / "events.jsonl") << "precious\n";
  std::string cmd = std::string(EVCSIM_BINARY) + " run " + EVCSIM_SOURCE_DIR +
                    "/scenarios/refresh-2y.textproto --out " + d.string() + " > /dev/null 2>&1 & pid=$!; " +
                    "sleep 1; kill -INT $pid; wait $pid; echo $?";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[64] = {0};
  ASSERT_NE(fgets(buf, sizeof buf, p), nullptr);
  pclose(p);
  EXPECT_EQ(std::atoi(buf), 130) << "exit status " << buf;
  int temps = 0;
  for (const auto& e : fs::directory_iterator(d))
    temps += e.path().filename().string().find(".tmp") != std::string::npos;
  for (const auto& e : fs::directory_iterator(d.parent_path()))
    temps += e.path().filename().string().rfind("." + d.filename().string() + ".partial-", 0) == 0;
  EXPECT_EQ(temps, 0);
  std::ifstream in(d / "events.jsonl");
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "precious");
  fs::remove_all(d);
}

TEST(RunCli, WarnsAboutSettingsWithoutEffect) {
  namespace fs = std::filesystem;
  fs::path d = fs::temp_directory_path() / ("evcsim-test-warn-" + std::to_string(getpid()));
  fs::create_directories(d);
  std::ofstream(d / "w.textproto") << "horizon_s: 60\npolicy { name: \"modern-superset\" model: \"x86-64-v2\" }\n"
                                      "cluster { name: \"c\" hosts { cpu: \"E5420\" } }\n";
  auto r = test::run_evcsim("run " + (d / "w.textproto").string());
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("w.textproto:2: model: warning: a model only matters under named-model"), std::string::npos)
      << r.out;
  std::ofstream(d / "big.textproto") << "horizon_s: 60\ncluster { name: \"c\" hosts { cpu: \"E5420\" ram_gib: 8 } }\n"
                                        "vm { name: \"huge\" ram_mib: 65536 }\n";
  auto big = test::run_evcsim("run " + (d / "big.textproto").string());
  EXPECT_EQ(big.exit_code, 2);
  EXPECT_NE(big.out.find("big.textproto:3: ram_mib: 65536 MiB is more than any host of cluster c has"),
            std::string::npos)
      << big.out;
  fs::remove_all(d);
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

// `run --catalog DIR` reaches the market too: a catalog in which Sandy
// Bridge-EP launches a year later makes the June 2012 purchase a Westmere-EP.
TEST(RunCli, CatalogOptionReachesTheMarket) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("evcsim-catalog-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "cat");
  for (const char* f : {"intel.textproto", "amd.textproto", "baselines.textproto"})
    fs::copy_file(std::string(EVCSIM_SOURCE_DIR) + "/catalog/data/" + f, dir / "cat" / f);
  std::string intel = test::read_text(dir / "cat" / "intel.textproto");
  auto at = intel.find("name: \"sandybridge-ep\"");
  ASSERT_NE(at, std::string::npos);
  auto launch = intel.find("launch: \"2012-03\"", at);
  ASSERT_NE(launch, std::string::npos);
  intel.replace(launch, 17, "launch: \"2013-03\"");
  std::ofstream(dir / "cat" / "intel.textproto") << intel;
  std::ofstream(dir / "s.textproto") << R"(horizon_s: 864000
start_date: "2012-06"
policy { name: "cluster-baseline" }
refresh { headroom: 0.5 hosts_per_purchase: 2 qualification_months: 0 }
memory { overcommit_limit: 1 }
cluster { name: "c" baseline: "intel-westmere" hosts { cpu: "X5670" name: "h" count: 2 ram_gib: 16 } }
vm { name: "v" count: 5 cluster: "c" ram_mib: 4096 }
)";
  auto bought = [&](const std::string& extra, const std::string& out) {
    auto r = test::run_evcsim("run " + (dir / "s.textproto").string() + extra + " --format jsonl --out " +
                              (dir / out).string());
    EXPECT_EQ(r.exit_code, 0) << r.out;
    std::string log = test::read_text(dir / out / "events.jsonl");
    auto p = log.find("\"type\":\"host_bought\"");
    return p == std::string::npos ? std::string() : log.substr(p, log.find('\n', p) - p);
  };
  EXPECT_NE(bought("", "builtin").find("\"cpu\":\"sandybridge-ep\""), std::string::npos);
  EXPECT_NE(bought(" --catalog " + (dir / "cat").string(), "custom").find("\"cpu\":\"westmere-ep\""),
            std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

// On a terminal (script(1) gives the run one), progress shows from the
// start: what is set up, then the simulated date, power-ons and migrations.
TEST(RunCli, ProgressOnATerminalFromTheStart) {
  if (std::system("command -v script > /dev/null 2>&1") != 0) GTEST_SKIP() << "script(1) is not installed";
  std::string cmd = "script -qfec '" + std::string(EVCSIM_BINARY) + " run " + EVCSIM_SOURCE_DIR +
                    "/scenarios/refresh-2y.textproto' /dev/null";
  const std::string out = sweep::run_shell(cmd).text;
  size_t setup = out.find("setting up refresh-2y: 50 hosts, 500 VMs");
  size_t simulating = out.find("simulating refresh-2y: 2009-");
  ASSERT_NE(setup, std::string::npos) << out.substr(0, 400);
  ASSERT_NE(simulating, std::string::npos) << out.substr(0, 400);
  EXPECT_LT(setup, simulating);
  EXPECT_NE(out.find(" power-ons, "), std::string::npos);
  EXPECT_NE(out.find("evcsim run: refresh-2y"), std::string::npos);  // then the summary
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

// --seed takes any whole number 0 or above: 0 is a seed (it was ignored),
// -1 is an error (it became 2^64-1).
TEST(RunCli, SeedZeroIsASeedAndANegativeSeedIsRefused) {
  const std::string file = std::string(EVCSIM_SOURCE_DIR) + "/scenarios/e5420-to-e5310-no-baseline.textproto";
  auto neg = test::run_evcsim("run " + file + " --seed -1");
  EXPECT_EQ(neg.exit_code, 2);
  EXPECT_NE(neg.out.find("--seed: '-1' is not a whole number 0 or above"), std::string::npos) << neg.out;
  std::filesystem::path d = std::filesystem::temp_directory_path() / ("evcsim-seed0-" + std::to_string(getpid()));
  std::filesystem::remove_all(d);
  ASSERT_EQ(test::run_evcsim("run " + file + " --seed 0 --quiet --format json --out " + d.string()).exit_code, 0);
  EXPECT_NE(test::read_text(d / "results.json").find("\"seed\": \"0\""), std::string::npos);
  std::filesystem::remove_all(d);
}

TEST(RunCli, DecimalOptionsRefuseNan) {
  const std::string file = std::string(EVCSIM_SOURCE_DIR) + "/scenarios/refresh-2y.textproto";
  for (const char* opt : {"--budget nan", "--window nan", "--time-limit inf"}) {
    auto r = test::run_evcsim("plan " + file + " --out /nonexistent/evcsim-plan " + opt);
    EXPECT_EQ(r.exit_code, 2) << opt << ": " << r.out;
    EXPECT_NE(r.out.find("is not a finite number"), std::string::npos) << opt << ": " << r.out;
  }
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

// A name with a quote and a brace in it: the .dot files still parse in
// Graphviz (the name is quoted by DOT's rules, not XML's).
TEST(RunCli, DotFilesOfAHostileClusterNameRenderInGraphviz) {
  namespace fs = std::filesystem;
  if (sweep::run_shell("command -v dot").status != 0) GTEST_SKIP() << "Graphviz's dot is not installed";
  fs::path d = fs::temp_directory_path() / ("evcsim-dot-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  std::ofstream(d / "s.textproto") << "name: \"x\\\"y\" horizon_s: 600\n"
                                      "cluster { name: \"p\\\"r}od\" hosts { cpu: \"E5420\" name: \"a\" } "
                                      "hosts { cpu: \"E5310\" name: \"b\" } }\n";
  auto r =
      test::run_evcsim("run " + (d / "s.textproto").string() + " --quiet --format dot --out " + (d / "out").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  int rendered = 0;
  for (const auto& e : fs::directory_iterator(d / "out")) {
    if (e.path().extension() != ".dot") continue;
    auto dot = sweep::run_shell("dot -Tsvg " + sweep::sh_quote(e.path().string()) + " -o /dev/null");
    EXPECT_EQ(dot.status, 0) << e.path() << ": " << dot.text;
    ++rendered;
  }
  EXPECT_GT(rendered, 0);
  fs::remove_all(d);
}

// `run --help` names the workbook; `--format xlsx` writes it (a zip: "PK")
// into the folder with the rest, and `--format html` the lists it links.
TEST(RunCli, XlsxIsDocumentedAndWritesOneWorkbook) {
  auto help = run_evcsim("run --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("xlsx (results.xlsx: one workbook"), std::string::npos) << help.out;
  const fs::path d = fresh_dir("xlsx");
  ASSERT_EQ(run_evcsim("run " + std::string(EVCSIM_SOURCE_DIR) +
                       "/tests/reports/named_lists.textproto --quiet --format " + "xlsx,html --out " + d.string())
                .exit_code,
            0);
  EXPECT_EQ(test::read_text(d / "results.xlsx").substr(0, 2), "PK");
  const std::string html = test::read_text(d / "report.html");
  for (const char* list : {"vms-power-cycle", "vms-cold-moves", "vms-waiting-for-room"}) {
    EXPECT_NE(html.find(std::string("<a href=\"") + list + ".csv\">"), std::string::npos) << list;
    EXPECT_TRUE(fs::exists(d / (std::string(list) + ".csv"))) << list;
  }
  EXPECT_FALSE(fs::exists(d / "results.json"));  // not asked for
  fs::remove_all(d);
}

}  // namespace
}  // namespace evcsim
