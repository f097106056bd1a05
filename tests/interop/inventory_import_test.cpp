// `evcsim inventory`: RVTools' CSV exports and the plain hosts CSV to a scenario.
#include "interop/inventory_import.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "catalog/guest_os.hpp"
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
  EXPECT_NE(r.scenario.find("start_powered_off: true guest_os: \"rhel-8\" }  # suspended"), std::string::npos);
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
                              "host,cluster,cpu,sockets,ram_gib,purchased,cores_per_socket,memory_usage\n"
                              "kvm1,rack-a,AMD EPYC 7502 32-Core Processor,2,512,2020-03,32,50\n"
                              "kvm2,rack-a,EPYC 9554,2,1024,,,\n");
  InventoryResult r = import_inventory({"", "", hosts}, Catalog::builtin(), options());
  EXPECT_NE(r.scenario.find("hosts { name: \"kvm1\" cpu: \"rome\" cores: 64 ram_gib: 512 purchased: \"2020-03\" "),
            std::string::npos)
      << r.scenario;
  // Without cores_per_socket: the catalog part's.
  EXPECT_NE(r.scenario.find("name: \"kvm2\" cpu: \"genoa\" cores: 192 "), std::string::npos) << r.scenario;
  EXPECT_NE(r.scenario.find("purchase date estimated: the part's 1 host(s) spread from its launch"), std::string::npos)
      << r.scenario;
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

// Issue 23, item 1: the guest OS strings of RVTools as the catalog's names.
TEST(Inventory, GuestOsStringsMapToTheCatalogsNames) {
  EXPECT_EQ(guest_os_name_of("Microsoft Windows Server 2019 (64-bit)"), "windows-2019");
  EXPECT_EQ(guest_os_name_of("Microsoft Windows Server 2012 R2 Datacenter"), "windows-2012");
  EXPECT_EQ(guest_os_name_of("Microsoft Windows 11 (64-bit)"), "windows-11");
  EXPECT_EQ(guest_os_name_of("Microsoft Windows 10 (64-bit)"), "windows-10");
  EXPECT_EQ(guest_os_name_of("Red Hat Enterprise Linux 9 (64-bit)"), "rhel-9");
  EXPECT_EQ(guest_os_name_of("Red Hat Enterprise Linux 8.6 (Ootpa)"), "rhel-8");
  EXPECT_EQ(guest_os_name_of("Rocky Linux 9.3 (Blue Onyx)"), "rocky-9");
  EXPECT_EQ(guest_os_name_of("AlmaLinux 9.4"), "alma-9");
  EXPECT_EQ(guest_os_name_of("Oracle Linux 9 (64-bit)"), "oracle-9");
  EXPECT_EQ(guest_os_name_of("CentOS 7 (64-bit)"), "centos-7");
  EXPECT_EQ(guest_os_name_of("Ubuntu 22.04.3 LTS"), "ubuntu-22.04");
  EXPECT_EQ(guest_os_name_of("Debian GNU/Linux 12 (64-bit)"), "debian-12");
  EXPECT_EQ(guest_os_name_of("SUSE Linux Enterprise 15 (64-bit)"), "sles-15");
  // Strings that name no one release map to nothing.
  EXPECT_EQ(guest_os_name_of("Ubuntu Linux (64-bit)"), "");
  EXPECT_EQ(guest_os_name_of("Other 4.x or later Linux (64-bit)"), "");
  EXPECT_EQ(guest_os_name_of("Microsoft Windows Server 2016 or later (64-bit)"), "");
  EXPECT_EQ(guest_os_name_of(""), "");
}

const char* kVhostHeader =
    "Host,Cluster,CPU Model,# CPU,Cores per CPU,# Memory,Current EVC,Max EVC,CPU usage %,Memory usage %,# VMs,"
    "ESX Version,Vendor,Model,BIOS Date\n";

// vInfo's guest OS, PowerOn, captured EVC mode, HA priority and rules, with
// column names spelt as other RVTools versions spell them.
TEST(Inventory, ReadsWhatAPlannerHasFromVinfo) {
  TempDir d;
  std::string vhost = d.write(
      "vhost.csv", std::string(kVhostHeader) +
                       "h1,c1,Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz,2,20,786432,intel-skylake,intel-skylake,40,60,"
                       "0,VMware ESXi 8.0.2 build-22380479,Dell Inc.,PowerEdge R640,2018/03/01\n"
                       "h2,c1,Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz,2,20,786432,intel-skylake,intel-skylake,40,60,"
                       "0,VMware ESXi 7.0.3 build-21930508,Dell Inc.,PowerEdge R640,2018/03/01\n");
  std::string vinfo =
      d.write("vinfo.csv",
              "VM,Powerstate,CPUs,Memory,Host,Cluster,powerOn,os according to the CONFIGURATION file,"
              "OS according to the VMware Tools,MIN required EVC mode key,HA restart priority,Cluster rules\n"
              "w1,poweredOn,4,16384,h1,c1,2024/05/01 10:00:00,Microsoft Windows Server 2019 (64-bit),,intel-broadwell,"
              "highest,sql-anti-affinity\n"
              "w2,poweredOn,4,16384,h2,c1,2026/01/01 10:00:00,Microsoft Windows Server 2019 (64-bit),,intel-skylake,,"
              "sql-anti-affinity\n"
              "u1,poweredOn,2,8192,h1,c1,2025/06/01,Ubuntu Linux (64-bit),Ubuntu 22.04.3 LTS,intel-skylake,low,\n"
              "o1,poweredOn,2,8192,h2,c1,2025/06/01,Other 4.x or later Linux (64-bit),,intel-skylake,disabled,\n"
              "o2,poweredOff,2,8192,h2,c1,,Other 4.x or later Linux (64-bit),,,,\n");
  InventoryResult r = import_inventory({vhost, vinfo, ""}, Catalog::builtin(), options());
  const std::string& s = r.scenario;
  EXPECT_NE(s.find("vm { name: \"w1\" host: \"h1\" vcpus: 4 ram_mib: 16384 guest_os: \"windows-2019\" "
                   "ha_priority: \"high\" power_on_date: \"2024-05-01\" captured_baseline: \"intel-broadwell\" "),
            std::string::npos)
      << s;
  // At the cluster's mode: no captured view to write.
  EXPECT_EQ(s.find("name: \"w2\" host: \"h2\" vcpus: 4 ram_mib: 16384 guest_os: \"windows-2019\" "
                   "power_on_date: \"2026-01-01\" captured_baseline"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("rule { kind: \"anti-affinity\" vm: \"w1\" vm: \"w2\" }"), std::string::npos) << s;
  EXPECT_NE(s.find("ha_priority: \"low\""), std::string::npos) << s;
  EXPECT_NE(s.find("hypervisor { esxi: \"7.0u3\" }"), std::string::npos) << s;  // the oldest of the fleet
  EXPECT_NE(s.find("Dell Inc. PowerEdge R640"), std::string::npos) << s;
  // The host's CPU usage shared by its running VMs' vCPUs.
  EXPECT_NE(s.find("cpu_demand: "), std::string::npos) << s;
  // Ubuntu's configuration-file string names no release: VMware Tools' does.
  const std::string ubuntu = guest_os_index("ubuntu-22.04") >= 0 ? "guest_os: \"ubuntu-22.04\"" : "OS Ubuntu";
  EXPECT_NE(s.find(ubuntu), std::string::npos) << s;
  // Said: which OS strings were not mapped and how many VMs they cover; the columns read and missing.
  std::string notes;
  for (const auto& n : r.notes) notes += n + "\n";
  EXPECT_NE(notes.find("'Other 4.x or later Linux (64-bit)' x2"), std::string::npos) << notes;
  EXPECT_NE(notes.find("1 running VM(s) run on a view captured below their cluster's EVC mode"), std::string::npos)
      << notes;
  EXPECT_NE(notes.find("ESXi releases: 7.0u3 x1, 8.0u2 x1"), std::string::npos) << notes;
  EXPECT_NE(notes.find(vinfo + ": read MIN required EVC mode key, os according to the CONFIGURATION file, OS "
                               "according to the VMware Tools, powerOn, HA restart priority, Cluster rules"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("not in this export: HW version"), std::string::npos) << notes;
  EXPECT_NE(s.find("notes: \"guest OS: "), std::string::npos) << s;
  ScenarioSpec spec = parse_scenario(s, "fleet.textproto", Catalog::builtin());
  ASSERT_EQ(spec.vms.size(), 5u);
  EXPECT_TRUE(spec.vms[0].captured_view.has_value());
  EXPECT_LT(spec.vms[0].view_since_s, 0);  // running since before the start
  EXPECT_EQ(spec.vms[0].power_on_at_s, 0);
  EXPECT_EQ(spec.vms[0].ha_priority, 0);
  EXPECT_EQ(spec.vms[0].guest_os, guest_os_index("windows-2019"));
  EXPECT_FALSE(spec.vms[1].captured_view.has_value());
  EXPECT_EQ(spec.notes, r.notes);
}

// Issue 23: a vHost-only export imported as 0 VMs and the run switched the
// data centre off; now its VMs are estimated from the hosts' usage, loudly.
TEST(Inventory, AHostsOnlyExportEstimatesItsVmsAndSaysSo) {
  TempDir d;
  std::string vhost = d.write(
      "vhost.csv", std::string(kVhostHeader) +
                       "h1,c1,Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz,2,20,786432,intel-skylake,,40,50,30,,,,\n"
                       "h2,c1,Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz,2,20,786432,intel-skylake,,40,50,,,,,\n");
  InventoryResult r = import_inventory({vhost, "", ""}, Catalog::builtin(), options());
  // h1: 30 VMs in 384 GiB used: 18 x 16 GiB + 12 x 8 GiB; h2: 384 / 12 = 32 VMs.
  EXPECT_EQ(r.estimated_vms, 62);
  EXPECT_EQ(r.vms, 62);
  EXPECT_NE(r.scenario.find("vm { name: \"estimated-h1-large\" count: 18 host: \"h1\" vcpus: 4 ram_mib: 16384"),
            std::string::npos)
      << r.scenario;
  EXPECT_NE(r.scenario.find("# ESTIMATED WORKLOAD: no vInfo was given"), std::string::npos);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_EQ(r.notes[0].rfind("ESTIMATED WORKLOAD: " + vhost + " has no vInfo, so its 62 VM(s) on 2 host(s)", 0), 0u)
      << r.notes[0];
  ScenarioSpec spec = parse_scenario(r.scenario, "fleet.textproto", Catalog::builtin());
  EXPECT_EQ(spec.vms.size(), 62u);
  EXPECT_EQ(spec.notes[0], r.notes[0]);
  // An export with no demand at all is an error naming the file.
  std::string bare = d.write("bare.csv",
                             "Host,Cluster,CPU Model,# CPU,# Memory\nh1,c1,Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz,"
                             "2,786432\n");
  EXPECT_EQ(error_of({bare, "", ""}).rfind(bare + ": no demand: without a vInfo export", 0), 0u)
      << error_of({bare, "", ""});
}

// Issue 23: purchase dates were launch + 6 months, so every host of a real
// fleet was overdue on day 1 and the run replaced the fleet in 13 days.
TEST(Inventory, PurchaseDatesSpreadAndOverdueHostsRetireOverTheFirstYears) {
  TempDir d;
  std::string rows = std::string(kVhostHeader);
  for (int i = 1; i <= 10; ++i)  // Broadwell (2016-03), no BIOS date: spread 2016-09 .. 2026-12
    rows += fmt::format("b{:02},c1,Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz,2,14,524288,,,40,50,10,,,,\n", i);
  rows += "s1,c1,Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz,2,20,786432,,,40,50,10,,,,2019/06/12\n";  // BIOS: plausible
  std::string vhost = d.write("vhost.csv", rows);
  InventoryResult r = import_inventory({vhost, "", ""}, Catalog::builtin(), options());
  std::set<std::string> bought, retire;
  for (size_t p = r.scenario.find("purchased: \""); p != std::string::npos; p = r.scenario.find("purchased: \"", p + 1))
    bought.insert(r.scenario.substr(p + 12, 7));
  for (size_t p = r.scenario.find("retire: \""); p != std::string::npos; p = r.scenario.find("retire: \"", p + 1))
    retire.insert(r.scenario.substr(p + 9, 7));
  EXPECT_GE(bought.size(), 10u) << r.scenario;  // not one month for all
  EXPECT_TRUE(bought.count("2019-06")) << r.scenario;
  EXPECT_GE(retire.size(), 5u) << r.scenario;  // the backlog spread over months, not all on day 1
  EXPECT_GE(*retire.begin(), "2027-01");
  EXPECT_LE(*retire.rbegin(), "2029-12");
  std::string notes;
  for (const auto& n : r.notes) notes += n + "\n";
  EXPECT_NE(notes.find("purchase dates: 0 from the export's purchased column, 1 from the BIOS date, 10 ESTIMATED"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("hosts due by year: 2026 0, 2027 "), std::string::npos) << notes;
  EXPECT_NO_THROW(parse_scenario(r.scenario, "fleet.textproto", Catalog::builtin()));
}

// Issue 24: `--horizon 5` wrote horizon "5" (5 seconds); `--policy
// cluster-baselin` wrote the scenario and then blamed the file.
TEST(InventoryCli, ABareHorizonIsYearsAndAnUnknownPolicyWritesNothing) {
  TempDir d;
  const std::string sources = "inventory --vhost " + kExample + "RVTools_tabvHost.csv --vinfo " + kExample +
                              "RVTools_tabvInfo.csv --start 2026-12 ";
  auto r = test::run_evcsim(sources + "--horizon 5 -o " + (d.path / "a.textproto").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(test::read_text(d.path / "a.textproto").find("horizon: \"5y\""), std::string::npos);
  EXPECT_NE(r.out.find("--horizon 5 read as 5y (years)"), std::string::npos) << r.out;
  auto bad = test::run_evcsim(sources + "--policy cluster-baselin -o " + (d.path / "b.textproto").string());
  EXPECT_EQ(bad.exit_code, 2) << bad.out;
  EXPECT_NE(bad.out.find("--policy: 'cluster-baselin' is not a policy evcsim knows; nearest: cluster-baseline"),
            std::string::npos)
      << bad.out;
  EXPECT_EQ(bad.out.find("does not load"), std::string::npos) << bad.out;
  EXPECT_FALSE(fs::exists(d.path / "b.textproto"));
  auto zero = test::run_evcsim(sources + "--horizon 0 -o " + (d.path / "c.textproto").string());
  EXPECT_EQ(zero.exit_code, 2) << zero.out;
  EXPECT_FALSE(fs::exists(d.path / "c.textproto"));
}

// Issue 23: the hosts-only export's run keeps the data centre running: VMs
// at the start, said to be estimated, and no replacement of every host in
// the first month.
TEST(InventoryCli, AHostsOnlyExportRunsWithEstimatedVmsAndKeepsItsHosts) {
  TempDir d;
  auto r = test::run_evcsim("inventory --vhost " + kExample + "RVTools_tabvHost.csv --start 2026-12 --horizon 1mo -o " +
                            (d.path / "hosts.textproto").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("note: ESTIMATED WORKLOAD"), std::string::npos) << r.out;
  auto run = test::run_evcsim("run " + (d.path / "hosts.textproto").string());
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("23 host(s) in 3 cluster(s)"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find(" 0 VM(s) at start"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("  note            ESTIMATED WORKLOAD: "), std::string::npos) << run.out;
  // Was "hosts bought 23, retired 23": the whole fleet in the first month.
  const size_t at = run.out.find(", retired ");
  if (at != std::string::npos) {
    EXPECT_LE(std::stoi(run.out.substr(at + 10)), 3) << run.out;
  }
  EXPECT_NE(run.out.find("retire spread over 2027-01 to 2029-"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace evcsim
