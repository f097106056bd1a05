// `evcsim inventory`: RVTools' CSV exports and the plain hosts CSV to a scenario.
#include "interop/inventory_import.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "scenario/scenario.hpp"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

const std::string kExample = std::string(EVCSIM_SOURCE_DIR) + "/examples/rvtools/";

using test::TempDir;

InventoryOptions options() {
  InventoryOptions o;
  o.start = YearMonth{2026, 12};
  return o;
}

std::string error_of(const InventorySources& s) {
  try {
    import_inventory(s, Catalog::builtin(), options());
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Inventory, TheShippedRvtoolsExportBecomesARunnableScenario) {
  InventoryResult r = import_inventory({kExample + "RVTools_tabvHost.csv", kExample + "RVTools_tabvInfo.csv", ""},
                                       Catalog::builtin(), options());
  EXPECT_EQ(r.clusters, 3);
  EXPECT_EQ(r.hosts, 23);  // the Atom edge host is not in the catalog
  EXPECT_EQ(r.vms, 180);   // the template row is no VM
  ASSERT_EQ(r.left_out.size(), 1u);
  EXPECT_NE(r.left_out[0].find("RVTools_tabvHost.csv:25: host edge01.corp.example: CPU model 'Intel(R) Atom(TM) CPU "
                               "C3958 @ 2.00GHz' is not in the catalog"),
            std::string::npos)
      << r.left_out[0];
  // Brand strings resolve to catalog parts; cores are sockets x cores per CPU; '# Memory' is MB.
  EXPECT_NE(r.scenario.find("hosts { name: \"esx-a09.corp.example\" cpu: \"skylake-sp\" cores: 40 ram_gib: 768 "),
            std::string::npos);
  EXPECT_NE(r.scenario.find("baseline: \"intel-skylake\"  # current EVC mode; the hosts allow up to intel-cascadelake"),
            std::string::npos);
  EXPECT_NE(r.scenario.find("# left out: "), std::string::npos);
  ScenarioSpec spec = parse_scenario(r.scenario, "fleet.textproto", Catalog::builtin());
  EXPECT_EQ(spec.clusters.size(), 3u);
  EXPECT_TRUE(spec.calendar);
  EXPECT_EQ(spec.start_date, (YearMonth{2026, 12}));
  EXPECT_EQ(spec.clusters[1].baseline->name, "intel-skylake");
  EXPECT_FALSE(spec.clusters[2].baseline.has_value());  // dev: no EVC
  int off = 0, placed = 0;
  for (const auto& v : spec.vms) {
    off += v.start_powered_off;
    placed += v.host >= 0;
  }
  EXPECT_GT(off, 5);
  size_t moved = 0;  // VMs of the left-out host power on elsewhere in their cluster
  for (size_t p = r.scenario.find("was on edge01"); p != std::string::npos; p = r.scenario.find("was on edge01", p + 1))
    ++moved;
  EXPECT_GT(moved, 0u);
  EXPECT_EQ(static_cast<size_t>(placed) + moved, 180u);
  EXPECT_NE(r.scenario.find("start_powered_off: true }  # suspended"), std::string::npos);
}

TEST(Inventory, ColumnsByHeaderInAnyOrderWithSemicolons) {
  TempDir d;
  // A German-locale export: ';' between fields, columns reordered, extra ones.
  std::string vhost = d.write(
      "vhost.csv",
      "\xEF\xBB\xBFMax EVC;# Memory;Notes;Cores per CPU;# CPU;CPU Model;Cluster;Host;Current EVC\r\n"
      "intel-haswell;262144;rack 4;12;2;Intel(R) Xeon(R) CPU E5-2690 v3 @ 2.60GHz;c1;h1;intel-haswell\r\n"
      "intel-haswell;262144;\"rack; 5\";12;2;Intel(R) Xeon(R) CPU E5-2690 v3 @ 2.60GHz;c1;h2;intel-haswell\r\n");
  std::string vinfo =
      d.write("vinfo.csv", "Host;Memory;CPUs;Powerstate;VM\r\nh2;8192;4;poweredOn;\"db \"\"main\"\"\"\r\n");
  InventoryResult r = import_inventory({vhost, vinfo, ""}, Catalog::builtin(), options());
  EXPECT_EQ(r.hosts, 2);
  EXPECT_NE(r.scenario.find("hosts { name: \"h2\" cpu: \"haswell-ep\" cores: 24 ram_gib: 256 "), std::string::npos)
      << r.scenario;
  EXPECT_NE(r.scenario.find("vm { name: \"db \\\"main\\\"\" host: \"h2\" vcpus: 4 ram_mib: 8192 }"), std::string::npos)
      << r.scenario;
  EXPECT_NO_THROW(parse_scenario(r.scenario, "fleet.textproto", Catalog::builtin()));
}

TEST(Inventory, ABadRowNamesFileLineAndColumn) {
  TempDir d;
  const std::string header = "Host,Cluster,CPU Model,# CPU,# Memory\n";
  std::string bad_number = d.write("a.csv", header + "h1,c,E5-2690 v3,2,262144\nh2,c,E5-2690 v3,two,262144\n");
  EXPECT_EQ(error_of({bad_number, "", ""}), bad_number + ":3: # CPU: 'two' is not a number (zero or more)");
  std::string missing = d.write("b.csv", "Host,Cluster,# CPU,# Memory\nh1,c,2,1024\n");
  EXPECT_NE(error_of({missing, "", ""})
                .find(missing + ":1: CPU Model: no column 'CPU Model' (the header has: Host, "
                                "Cluster, # CPU, # Memory)"),
            std::string::npos)
      << error_of({missing, "", ""});
  std::string zero = d.write("c.csv", header + "h1,c,E5-2690 v3,0,262144\n");
  EXPECT_EQ(error_of({zero, "", ""}), zero + ":2: # CPU: must be positive, not 0");
  std::string twice = d.write("d.csv", header + "h1,c,E5-2690 v3,2,1024\nh1,c,E5-2690 v3,2,1024\n");
  EXPECT_EQ(error_of({twice, "", ""}), twice + ":3: host 'h1' is listed twice");
  std::string open_quote = d.write("e.csv", header + "h1,\"c,E5-2690 v3,2,1024\n");
  EXPECT_NE(error_of({open_quote, "", ""}).find("a quoted field opened on line 2 is never closed"), std::string::npos);
  std::string vinfo = d.write("vinfo.csv", "VM,Powerstate,CPUs,Memory\nv1,running,2,1024\n");
  std::string good = d.write("f.csv", header + "h1,c,E5-2690 v3,2,262144\n");
  EXPECT_EQ(error_of({good, vinfo, ""}), vinfo + ":2: Powerstate: 'running' is not poweredOn, poweredOff or suspended");
  EXPECT_NE(error_of({"/nonexistent/vhost.csv", "", ""}).find("/nonexistent/vhost.csv: cannot read"),
            std::string::npos);
}

// Issue 27: '# Memory' of 99999999999999999999 was accepted here and
// blamed on the generated scenario's line; 1e400 threw std::out_of_range.
TEST(Inventory, SizesPastAnyRealMachineAreNamedAtTheirCsvLine) {
  TempDir d;
  const std::string header = "Host,Cluster,CPU Model,# CPU,# Memory\n";
  std::string huge = d.write("a.csv", header + "h1,c,E5-2690 v3,2,99999999999999999999\n");
  EXPECT_EQ(error_of({huge, "", ""}),
            huge + ":2: # Memory: '99999999999999999999' is more than 67108864 MB (64 TiB): not a real machine");
  std::string endless = d.write("b.csv", header + "h1,c,E5-2690 v3,2,1" + std::string(400, '0') + "\n");
  EXPECT_NE(error_of({endless, "", ""}).find(endless + ":2: # Memory: "), std::string::npos);
  EXPECT_NE(error_of({endless, "", ""}).find("is too large to be a number"), std::string::npos);
  std::string sockets = d.write("c.csv", header + "h1,c,E5-2690 v3,4096,262144\n");
  EXPECT_EQ(error_of({sockets, "", ""}), sockets + ":2: # CPU: '4096' is more than 64 sockets: not a real machine");
  // A VM of 2 TB (2,097,152 MB) is real (vSphere 8 allows 24 TB): accepted.
  std::string good = d.write("d.csv", header + "h1,c,E5-2690 v3,2,4194304\n");
  std::string vinfo = d.write("vinfo.csv", "VM,Powerstate,CPUs,Memory,Host\nv1,poweredOn,2,2097152,h1\n");
  EXPECT_EQ(error_of({good, vinfo, ""}), "no error");
}

TEST(Inventory, APlainHostsCsvForFleetsNotOnVsphere) {
  TempDir d;
  std::string hosts = d.write("hosts.csv",
                              "host,cluster,cpu,sockets,ram_gib,purchased,cores_per_socket\n"
                              "kvm1,rack-a,AMD EPYC 7502 32-Core Processor,2,512,2020-03,32\n"
                              "kvm2,rack-a,EPYC 9554,2,1024,,\n");
  InventoryResult r = import_inventory({"", "", hosts}, Catalog::builtin(), options());
  EXPECT_NE(r.scenario.find("hosts { name: \"kvm1\" cpu: \"rome\" cores: 64 ram_gib: 512 purchased: \"2020-03\" }"),
            std::string::npos)
      << r.scenario;
  // Without cores_per_socket: the catalog part's.
  EXPECT_NE(r.scenario.find("name: \"kvm2\" cpu: \"genoa\" cores: 192 "), std::string::npos) << r.scenario;
  EXPECT_NE(r.scenario.find("purchase date estimated from the part's launch"), std::string::npos);
  EXPECT_NO_THROW(parse_scenario(r.scenario, "fleet.textproto", Catalog::builtin()));
  std::string bad_date =
      d.write("bad.csv", "host,cluster,cpu,sockets,ram_gib,purchased\nkvm1,a,EPYC 7502,2,512,2020-13\n");
  EXPECT_EQ(error_of({"", "", bad_date}), bad_date + ":2: purchased: '2020-13' is not a month as YYYY-MM");
}

TEST(InventoryCli, WritesTheScenarioThatRunsAndSaysWhatItLeftOut) {
  TempDir d;
  auto r =
      test::run_evcsim("inventory --vhost " + kExample + "RVTools_tabvHost.csv --vinfo " + kExample +
                       "RVTools_tabvInfo.csv --start 2026-12 --horizon 1y -o " + (d.path / "fleet.textproto").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("3 cluster(s), 23 host(s), 180 VM(s)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("left out: "), std::string::npos) << r.out;
  auto run = test::run_evcsim("run --quiet " + (d.path / "fleet.textproto").string());
  EXPECT_EQ(run.exit_code, 0) << run.out;
  auto both = test::run_evcsim("inventory --vhost a.csv --hosts b.csv -o " + (d.path / "x.textproto").string());
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.out.find("either as RVTools' vHost export (--vhost) or as a plain CSV (--hosts)"), std::string::npos)
      << both.out;
  EXPECT_FALSE(fs::exists(d.path / "x.textproto"));
}

}  // namespace
}  // namespace evcsim
