// `evcsim cpu ...` end to end: the binary, its output and its exit codes.
#include <unistd.h>
#include <filesystem>
#include <fstream>

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "reports/cpu_report.pb.h"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

using test::fixture;
using test::run_evcsim;

template <class Msg>
Msg parse_json(const std::string& text) {
  Msg msg;
  auto st = google::protobuf::util::JsonStringToMessage(text, &msg);
  EXPECT_TRUE(st.ok()) << st.ToString() << "\n" << text;
  return msg;
}

TEST(CpuCli, HelpAndUsageErrors) {
  auto help = run_evcsim("cpu --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("compare"), std::string::npos);
  EXPECT_EQ(run_evcsim("cpu compare --help").exit_code, 0);
  EXPECT_EQ(run_evcsim("").exit_code, 2);
  EXPECT_EQ(run_evcsim("cpu compare clovertown").exit_code, 2);
  EXPECT_EQ(run_evcsim("cpu frobnicate").exit_code, 2);
  EXPECT_EQ(run_evcsim("cpu list --format yaml").exit_code, 2);
}

TEST(CpuCli, ModesAndShowAMode) {
  auto show = run_evcsim("cpu show intel-skylake");
  EXPECT_EQ(show.exit_code, 0) << show.out;
  EXPECT_NE(show.out.find("intel-skylake -- Intel Skylake Generation (evc, GenuineIntel)"), std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("  extends     intel-broadwell"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("avx512f"), std::string::npos);
  EXPECT_NE(show.out.find("  parts       skylake-sp"), std::string::npos) << show.out;
  auto modes = run_evcsim("cpu modes --format json");
  EXPECT_EQ(modes.exit_code, 0);
  // intel-haswell adds no TSX, and a Haswell-EP joins it.
  auto at = modes.out.find("\"name\": \"intel-haswell\"");
  ASSERT_NE(at, std::string::npos) << modes.out.substr(0, 400);
  auto end = modes.out.find("\"name\": \"intel-broadwell\"", at);
  std::string haswell = modes.out.substr(at, end - at);
  EXPECT_EQ(haswell.find("\"rtm\""), std::string::npos) << haswell;
  EXPECT_NE(haswell.find("\"haswell-ep\""), std::string::npos) << haswell;
  EXPECT_NE(run_evcsim("cpu modes").out.find("named baselines"), std::string::npos);
}

// Leaf 0x24: Granite Rapids reports AVX10 version 1 with 512-bit vectors.
TEST(CpuCli, ShowsTheAvx10VersionAndLengths) {
  auto gnr = run_evcsim("cpu show graniterapids");
  EXPECT_NE(gnr.out.find("  AVX10       version 1"), std::string::npos) << gnr.out;
  EXPECT_NE(gnr.out.find("avx10_512"), std::string::npos) << gnr.out;
  EXPECT_EQ(run_evcsim("cpu show sapphirerapids").out.find("AVX10"), std::string::npos);
}

// `cpu import` output is a CPU argument and a catalog file that extends the
// built-in catalog; what it lacks (dates, cores, speed) gets defaults, each
// said in a warning naming file and line.
TEST(CpuCli, ImportedEntriesRoundTripThroughTheCatalog) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("evcsim-catalog-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto imported = run_evcsim("cpu import " + test::fixture("proc_cpuinfo_zen4_guest.txt") + " > " +
                             (dir / "guest.textproto").string());
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  auto show = run_evcsim("cpu show " + (dir / "guest.textproto").string());
  EXPECT_EQ(show.exit_code, 0) << show.out;
  EXPECT_NE(show.out.find("family 0x19 model 0x11"), std::string::npos) << show.out;
  auto both = run_evcsim("cpu baseline --catalog " + dir.string() + " proc_cpuinfo_zen4_guest.txt milan");
  EXPECT_EQ(both.exit_code, 0) << both.out;  // the built-in milan is still there
  EXPECT_NE(both.out.find("Best EVC mode:       amd-zen"), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("guest.textproto:3: cpu.launch: warning: cpu 'proc_cpuinfo_zen4_guest.txt' has no launch "
                          "date: it is never on the market"),
            std::string::npos)
      << both.out;
  EXPECT_NE(both.out.find("cpu.cores_per_socket: warning"), std::string::npos) << both.out;
  fs::remove_all(dir);
}

TEST(CpuCli, CompareExitCodesAndWording) {
  auto sub = run_evcsim("cpu compare E5310 E5420");
  EXPECT_EQ(sub.exit_code, 1);
  EXPECT_NE(sub.out.find("subset"), std::string::npos);
  EXPECT_NE(sub.out.find("CPUID level 0x1 register 'ecx': sse4_1"), std::string::npos) << sub.out;
  auto sup = run_evcsim("cpu compare E5420 E5310");
  EXPECT_EQ(sup.exit_code, 0);
  EXPECT_NE(sup.out.find("superset"), std::string::npos);
  EXPECT_EQ(run_evcsim("cpu compare clovertown clovertown").exit_code, 0);
  auto bad = run_evcsim("cpu compare clovertown xeon-nonexistent");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("unknown CPU 'xeon-nonexistent'"), std::string::npos);
}

TEST(CpuCli, CompareJson) {
  auto r = run_evcsim("cpu compare clovertown harpertown --format json");
  EXPECT_EQ(r.exit_code, 1);
  auto msg = parse_json<report::CompareResult>(r.out);
  EXPECT_EQ(msg.result(), "subset");
  EXPECT_TRUE(msg.vendor_match());
  ASSERT_EQ(msg.missing_size(), 1);
  EXPECT_EQ(msg.missing(0), "sse4_1");
  ASSERT_EQ(msg.by_register_size(), 1);
  EXPECT_EQ(msg.by_register(0).register_(), "1:ecx");
  EXPECT_NE(r.out.find("\"vendor_match\": true"), std::string::npos);
  auto vendor = parse_json<report::CompareResult>(run_evcsim("cpu compare rome skylake-sp --format json").out);
  EXPECT_FALSE(vendor.vendor_match());
  EXPECT_EQ(vendor.result(), "incompatible");
}

TEST(CpuCli, BaselineJson) {
  auto r = run_evcsim("cpu baseline interlagos barcelona --format json");
  EXPECT_EQ(r.exit_code, 0);
  auto msg = parse_json<report::BaselineResult>(r.out);
  EXPECT_EQ(msg.best_mode(), "amd-greyhound-no3dnow");
  EXPECT_EQ(msg.best_level(), "x86-64-v1");
  ASSERT_EQ(msg.hosts_size(), 2);
  EXPECT_TRUE(msg.hosts(0).joins());
  EXPECT_EQ(msg.hosts(0).how(), "by masking");
  EXPECT_GT(msg.lcd_size(), 10);
  auto none = run_evcsim("cpu baseline rome skylake-sp --format json");
  EXPECT_EQ(none.exit_code, 1);
  auto n = parse_json<report::BaselineResult>(none.out);
  EXPECT_EQ(n.best_mode(), "");
  EXPECT_EQ(n.best_level(), "x86-64-v3");  // Rome has no AVX-512
  EXPECT_NE(n.hosts(0).reason().find("different vendors"), std::string::npos);
}

TEST(CpuCli, MaskReproducesTheDesignExample) {
  auto r = run_evcsim("cpu mask --default 'RRRR RRRR RRRR RRR0 00XR R0H0 000H 0RRH' --register 1:ecx " +
                      fixture("vmware_host_a.txt") + " " + fixture("vmware_host_b.txt") + " --format json");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  auto msg = parse_json<report::MaskResult>(r.out);
  ASSERT_EQ(msg.registers_size(), 1);
  EXPECT_EQ(msg.registers(0).register_(), "1:ecx");
  EXPECT_EQ(msg.registers(0).mask(), "---- ---- ---- ---- ---- ---- ---0 -0-0");
  auto bad = run_evcsim("cpu mask --default 'RRRR' clovertown harpertown");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("--default"), std::string::npos);
  EXPECT_EQ(run_evcsim("cpu mask --default 'RRRR RRRR RRRR RRR0 00XR R0H0 000H 0RRH' --register 1:foo a b").exit_code,
            2);
}

TEST(CpuCli, ShowListImportExportFeatures) {
  auto show = run_evcsim("cpu show 'Xeon E5420'");
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_NE(show.out.find("Intel FlexMigration"), std::string::npos);
  EXPECT_NE(show.out.find("intel-penryn"), std::string::npos);
  auto show_json = parse_json<report::CpuShow>(run_evcsim("cpu show genoa --format json").out);
  EXPECT_EQ(show_json.cpu().name(), "genoa");
  auto list = parse_json<report::CpuList>(run_evcsim("cpu list --format json").out);
  EXPECT_GE(list.cpus_size(), 34);
  auto imp = run_evcsim("cpu import " + fixture("cpuid_r.txt"));
  EXPECT_EQ(imp.exit_code, 0);
  EXPECT_NE(imp.out.find("cpuid: \"00000001.00 000206D7"), std::string::npos) << imp.out;
  auto bad_imp = run_evcsim("cpu import " + fixture("aida64_truncated.txt"));
  EXPECT_EQ(bad_imp.exit_code, 2);
  EXPECT_NE(bad_imp.out.find("aida64_truncated.txt:33"), std::string::npos);
  auto vmx = run_evcsim("cpu export E5420 --baseline intel-merom --as vmx");
  EXPECT_EQ(vmx.exit_code, 0);
  EXPECT_NE(vmx.out.find("cpuid.1.ecx = "), std::string::npos);
  EXPECT_EQ(run_evcsim("cpu export E5310 --baseline intel-penryn --as qemu").exit_code, 2);
  auto feats = parse_json<report::FeatureList>(run_evcsim("cpu features --format json").out);
  EXPECT_GE(feats.features_size(), 150);
}

TEST(CpuCli, CustomCatalogDirectoryErrorsExit2) {
  auto r = run_evcsim("cpu list --catalog " + fixture(""));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("no *.textproto"), std::string::npos);
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

TEST(CpuCli, MalformedCatalogFileExits2WithFileAndLine) {
  std::string dir = std::string(EVCSIM_SOURCE_DIR) + "/build-test-catalog-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  {
    std::ofstream f(dir + "/bad.textproto");
    f << "cpu {\n  name: \"x\"\n  cpuid: \"00000001.00 1234\"\n}\n";
  }
  auto r = test::run_evcsim("cpu list --catalog " + dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("bad.textproto:3: cpu.cpuid"), std::string::npos) << r.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace evcsim
