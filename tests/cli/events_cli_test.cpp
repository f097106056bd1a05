#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("evcsim-events-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(d);
  return d;
}

std::string scenario(const std::string& name) { return std::string(EVCSIM_SOURCE_DIR) + "/scenarios/" + name; }

// `evcsim events STORE --counts`: type -> events.
std::map<std::string, long> counts(const fs::path& store) {
  auto r = test::run_evcsim("events " + store.string() + " --counts");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  std::map<std::string, long> out;
  std::istringstream in(r.out);
  std::string line;
  std::getline(in, line);  // the run's line
  long n;
  std::string type;
  while (in >> n >> type) out[type] = n;
  return out;
}

// The store reads back, through `evcsim events --format jsonl`, byte for
// byte what the run wrote as events.jsonl: every event of every family
// these runs emit (refresh-2y: 21 types, 212,000 events).
TEST(EventsCli, TheStoreReadsBackEqualToTheRunsJsonLines) {
  for (const char* name : {"refresh-2y.textproto", "per-vm-mask-after-power-on.textproto",
                           "e5420-to-e5310-no-baseline.textproto", "e5420-e5310-merom-probing-app.textproto"}) {
    fs::path d = fresh_dir("roundtrip");
    auto r = test::run_evcsim("run " + scenario(name) + " --events all --format jsonl --quiet --out " + d.string());
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.out;
    ASSERT_TRUE(fs::exists(d / "events.sqlite"));
    std::string back = d.string() + "/back.jsonl";
    ASSERT_EQ(test::run_evcsim("events " + (d / "events.sqlite").string() + " --format jsonl -o " + back).exit_code, 0);
    std::string original = test::read_text(d / "events.jsonl");
    EXPECT_GT(original.size(), 300u) << name;
    EXPECT_TRUE(original == test::read_text(back)) << name << ": the store does not read back equal";
    fs::remove_all(d);
  }
}

// --events operations (the default) keeps every crash, blocked migration and
// refusal that `all` records, and drops the software starts.
TEST(EventsCli, OperationsKeepsEveryCrashBlockAndRefusal) {
  fs::path dir = fresh_dir("ops");
  fs::create_directories(dir);
  // The probing-app scenario, a power-on of a VM that is already on, and a
  // NetBurst host (no SSSE3) that the cluster's Merom mode refuses.
  std::string refusal = test::read_text(scenario("e5420-e5310-merom-probing-app.textproto"));
  refusal = refusal.substr(0, refusal.find("expect {")) +
            "at { at_s: 650 add_host { cluster: \"prod\" hosts { cpu: \"Xeon 5080\" name: \"dempsey\" } } }\n"
            "at { at_s: 700 power_on { vm: \"media\" } }\n";
  std::ofstream(dir / "refusal.textproto") << refusal;
  std::map<std::string, long> kept;
  for (const std::string& file :
       {scenario("e5420-e5310-merom-probing-app.textproto"), scenario("e5420-to-e5310-no-baseline.textproto"),
        scenario("per-vm-mask-after-power-on.textproto"), scenario("refresh-2y.textproto"),
        (dir / "refusal.textproto").string()}) {
    fs::path all = dir / "all", ops = dir / "ops";
    fs::remove_all(all);
    fs::remove_all(ops);
    ASSERT_LE(test::run_evcsim("run " + file + " --events all -q --out " + all.string()).exit_code, 3) << file;
    ASSERT_LE(test::run_evcsim("run " + file + " -q --out " + ops.string()).exit_code, 3) << file;
    auto a = counts(all / "events.sqlite"), o = counts(ops / "events.sqlite");
    for (const char* type : {"crash", "migration_blocked", "operation_refused", "power_on_refused", "host_join_refused",
                             "software_refused", "maintenance_failed", "migration_completed", "vm_powered_on",
                             "host_bought", "baseline_raised"}) {
      EXPECT_EQ(o[type], a[type]) << file << ": " << type;
      kept[type] += o[type];
    }
    EXPECT_EQ(o.count("software_started"), 0u) << file;
    EXPECT_EQ(o.count("drs_pass"), 0u) << file;
  }
  // The runs do have each kind.
  EXPECT_GT(kept["crash"], 0);
  EXPECT_GT(kept["migration_blocked"], 0);
  EXPECT_GT(kept["operation_refused"], 0);
  EXPECT_GT(kept["host_join_refused"], 0);
  EXPECT_GT(counts(dir / "ops" / "events.sqlite")["host_join_refused"], 0);  // the last run: the NetBurst host
  fs::remove_all(dir);
}

TEST(EventsCli, FiltersByTypeVmAndDateToCsv) {
  fs::path d = fresh_dir("csv");
  ASSERT_EQ(test::run_evcsim("run " + scenario("refresh-2y.textproto") + " -q --out " + d.string()).exit_code, 0);
  std::string store = (d / "events.sqlite").string();
  auto r = test::run_evcsim("events " + store + " --type host_bought,host_retired --from 2009-12-01 --to 2010-10");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::istringstream in(r.out);
  std::string header, line;
  std::getline(in, header);
  EXPECT_EQ(header, "t,date,type,host,cluster,why,cpu");
  int rows = 0, retired = 0;
  while (std::getline(in, line)) {
    ++rows;
    retired += line.find(",host_retired,") != std::string::npos;
    std::string date = line.substr(line.find(',') + 1, 10);
    EXPECT_GE(date, "2009-12-01") << line;
    EXPECT_LT(date, "2010-10-01") << line;
    EXPECT_TRUE(line.find(",host_bought,") != std::string::npos || line.find(",host_retired,") != std::string::npos)
        << line;
  }
  // refresh-2y: 10 retirements in 2009-12 and 10 in 2010-09, each batch with its replacements (fewer hosts
  // than it retires where the newer parts carry more).
  EXPECT_EQ(retired, 20);
  EXPECT_GE(rows - retired, 10);
  EXPECT_LE(rows - retired, 20);
  auto vm = test::run_evcsim("events " + store + " --vm a-web-1 --format jsonl");
  ASSERT_EQ(vm.exit_code, 0);
  EXPECT_NE(vm.out.find("\"vm\":\"a-web-1\""), std::string::npos);
  EXPECT_EQ(vm.out.find("\"vm\":\"a-web-2\""), std::string::npos);
  auto bad = test::run_evcsim("events " + store + " --type crsh");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("--type: unknown event type 'crsh'; nearest: crash"), std::string::npos) << bad.out;
  auto date = test::run_evcsim("events " + store + " --from 2010-02-30");
  EXPECT_EQ(date.exit_code, 2);
  EXPECT_NE(date.out.find("2010-02 has 28 days"), std::string::npos) << date.out;
  auto none = test::run_evcsim("events " + d.string() + "/summary.txt");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.out.find("not an evcsim event store"), std::string::npos) << none.out;
  fs::remove_all(d);
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

// `events X.sqlite -o X.sqlite` replaced the store with its own CSV export.
TEST(EventsCli, AnExportOverTheStoreItReadsIsRefused) {
  namespace fs = std::filesystem;
  fs::path d = fs::temp_directory_path() / ("evcsim-events-self-" + std::to_string(getpid()));
  fs::remove_all(d);
  const std::string file = std::string(EVCSIM_SOURCE_DIR) + "/scenarios/e5420-to-e5310-no-baseline.textproto";
  ASSERT_EQ(test::run_evcsim("run " + file + " --quiet --out " + d.string()).exit_code, 0);
  const std::string store = (d / "events.sqlite").string();
  const std::string before = test::read_text(store);
  auto r = test::run_evcsim("events " + store + " -o " + store);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("is the event store being read"), std::string::npos) << r.out;
  EXPECT_EQ(test::read_text(store), before);
  fs::remove_all(d);
}

}  // namespace
}  // namespace evcsim
