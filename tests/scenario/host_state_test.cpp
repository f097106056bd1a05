// Hosts as a part plus their state, and the hypervisor release they run
// (issue 22): a scenario's `firmware`, `disable` and `add`, and its
// `hypervisor { esxi upgrade_to upgrade_date }`.
#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "catalog/hypervisor_support.hpp"
#include "cpu/feature_registry.hpp"
#include "scenario/scenario.hpp"
#include "tests/scenario/scenario_error.hpp"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

std::string error_of(const std::string& text) { return test::scenario_error(text); }

std::string cluster(const std::string& baseline, const std::string& hosts) {
  return "name: \"s\"\nhorizon: \"1d\"\npolicy { name: \"cluster-baseline\" }\ncluster {\n  name: \"prod\"\n" +
         (baseline.empty() ? "" : "  baseline: \"" + baseline + "\"\n") + hosts + "}\nvm { name: \"web\" }\n";
}

TEST(HostState, FirmwareDisableAndAddChangeTheHostsCpu) {
  ScenarioSpec s = parse_scenario(
      cluster("",
              "  hosts { cpu: \"cascadelake-sp\" name: \"a\" firmware { tsx: off } add: [\"md_clear\"] }\n"
              "  hosts { cpu: \"cascadelake-sp\" name: \"b\" disable: [\"avx512f\"] }\n"
              "  hosts { cpu: \"cascadelake-sp\" name: \"c\" }\n"),
      "s.textproto", Catalog::builtin());
  const CpuModel& a = *s.hosts[0].cpu;
  EXPECT_FALSE(a.features.test(feature_id("hle")));
  EXPECT_FALSE(a.features.test(feature_id("rtm")));
  EXPECT_TRUE(a.features.test(feature_id("md_clear")));
  EXPECT_EQ(a.cpuid.get(7, 0)[Reg::ebx] & ((1u << 4) | (1u << 11)), 0u);  // the leaves change too
  EXPECT_EQ(a.state, "TSX (hle, rtm) off, +md_clear");
  EXPECT_TRUE(a.turned_off.test(feature_id("hle")));
  EXPECT_FALSE(s.hosts[1].cpu->features.test(feature_id("avx512f")));
  EXPECT_TRUE(s.hosts[2].cpu->features.test(feature_id("hle")));
  EXPECT_TRUE(s.hosts[2].cpu->state.empty());
}

TEST(HostState, ATsxOffHostRefusedByItsClustersModeSaysWhy) {
  EXPECT_EQ(
      error_of(cluster("intel-cascadelake", "  hosts { cpu: \"cascadelake-sp\" name: \"p\" firmware { tsx: off } }\n")),
      "s.textproto:7: cpu: host p cannot join cluster prod at baseline intel-cascadelake: cascadelake-sp lacks 2 of "
      "baseline intel-cascadelake: hle, rtm -- TSX (hle, rtm) turned off on a part that has it (firmware, "
      "microcode or the host OS); turned on, the host joins");
  EXPECT_NE(error_of(cluster("", "  hosts { cpu: \"naples\" firmware { tsx: off } }\n")).find("naples has no TSX"),
            std::string::npos);
  EXPECT_NE(error_of(cluster("", "  hosts { cpu: \"naples\" disable: [\"sse9\"] }\n"))
                .find("s.textproto:6: disable: unknown feature 'sse9'"),
            std::string::npos)
      << error_of(cluster("", "  hosts { cpu: \"naples\" disable: [\"sse9\"] }\n"));
}

TEST(HostState, TheRunSummaryNamesHostsThatDifferAndWhatItCosts) {
  test::TempDir d;
  const std::string path = d.write(
      "s.textproto", cluster("intel-haswell",
                             "  hosts { cpu: \"cascadelake-sp\" count: 2 }\n"
                             "  hosts { cpu: \"cascadelake-sp\" name: \"p\" count: 2 firmware { tsx: off } }\n"));
  auto r = test::run_evcsim("run " + path);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("host state      2 host(s) differ from their part"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cascadelake-sp: TSX (hle, rtm) off (2): p-1, p-2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cluster prod: its hosts' parts join intel-cascadelake, the hosts as they are intel-haswell"),
            std::string::npos)
      << r.out;
}

TEST(Hypervisor, ReleasesCompareAndPartsHaveTheirSupport) {
  EXPECT_LT(compare_esxi("7.0", "8.0"), 0);
  EXPECT_LT(compare_esxi("8.0", "8.0u2"), 0);
  EXPECT_EQ(compare_esxi("8.0 U2", "8.0u2"), 0);
  EXPECT_GT(compare_esxi("9.0", "8.0u3"), 0);
  EXPECT_THROW(compare_esxi("eight", "8.0"), InputError);
  const Catalog& cat = Catalog::builtin();
  // A 2012 part: Sandy Bridge-EP.
  const CpuModel& sb = *cat.find_cpu("sandybridge-ep");
  EXPECT_EQ(esxi_support(sb, "6.7").status, Support::supported);
  EXPECT_EQ(esxi_support(sb, "7.0").status, Support::deprecated);
  EXPECT_EQ(esxi_support(sb, "8.0").status, Support::unsupported);
  EXPECT_NE(esxi_support(sb, "8.0").why.find("KB 82794"), std::string::npos);
  // No XSAVE: refused by 8.0 U2 whatever else is known.
  EXPECT_EQ(esxi_support(*cat.find_cpu("harpertown"), "8.0u2").status, Support::unsupported);
  // Unknown stays unknown.
  EXPECT_EQ(esxi_support(*cat.find_cpu("genoa"), "8.0").status, Support::unknown);
  auto show = test::run_evcsim("cpu show sandybridge-ep");
  EXPECT_NE(show.out.find("ESXi        deprecated from 7.0, refused from 8.0 (KB 82794"), std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("6.7 supported, 7.0 deprecated, 8.0 unsupported"), std::string::npos) << show.out;
}

TEST(Hypervisor, AnUpgradeNamesTheHostsThatCannotTakeIt) {
  test::TempDir d;
  const std::string path = d.write("s.textproto", R"(name: "esxi-upgrade"
start_date: "2024-01"
horizon: "2y"
policy { name: "cluster-baseline" }
hypervisor { esxi: "7.0" upgrade_to: "8.0u2" upgrade_date: "2025-01" }
cluster {
  name: "prod"
  baseline: "intel-sandybridge"
  hosts { cpu: "sandybridge-ep" count: 3 name: "sb" }
  hosts { cpu: "broadwell-ep" count: 2 name: "bw" }
}
vm { name: "web" count: 4 }
expect { metric: "upgrade_refused_hosts" op: "==" value: 3 }
)");
  auto r = test::run_evcsim("run " + path);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("hypervisor      ESXi 7.0 -> 8.0u2 at 2025-01-01: 3 host(s) in service cannot take it"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("refused: 3: sb-1, sb-2, sb-3 -- ESXi 8.0 and later refuse sandybridge-ep"), std::string::npos)
      << r.out;
  EXPECT_NE(error_of("name: \"s\"\nhorizon: \"1d\"\nhypervisor { upgrade_to: \"9.0\" }\ncluster { name: \"c\" hosts { "
                     "cpu: \"milan\" } }\n")
                .find("upgrade_to needs its time"),
            std::string::npos);
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

// The shipped replay of 2018-2022 microcode (scenarios/microcode-2018-2022):
// bits added under EVC are exposed by raising the mode once every host has
// them; TSX removal is refused under the mode and, without one, leaves the
// hosts whose VMs saw TSX un-updated.
TEST(HostUpdates, MicrocodeReplayRaisesTheModeAndRefusesTsxRemoval) {
  auto r = test::run_evcsim("run " + std::string(EVCSIM_SOURCE_DIR) + "/scenarios/microcode-2018-2022.textproto");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("host update     'spectre microcode': 12 host(s) updated, 0 refused"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("EVC mode intel-skylake+spectre-microcode+ssbd-microcode+mds-microcode needs hle, rtm, which "
                       "'tsx deprecation' removes: lower the mode first"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("cannot leave free-6: destination does not present features of the guest view: hle, rtm"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace evcsim
