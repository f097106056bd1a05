#include "catalog/guest_os.hpp"

#include <array>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

// Microsoft: the lifecycle start date (general availability) and the end of
// extended support, from Microsoft's lifecycle pages
// (learn.microsoft.com/lifecycle/products/windows-server-2003-, -2008,
// -2008-r2, -2012, -2012-r2, -2016, -2019, -2022, -2025), as tabulated by
// endoflife.date (products/windows-server.md) and DataForGeeks'
// lifecycle-server.json (both secondary: they copy Microsoft's pages).
// Red Hat: general availability and end of Maintenance Support (Maintenance
// Support 2 for RHEL 5 to 7) from the Red Hat Enterprise Linux Life Cycle
// (access.redhat.com/support/policy/updates/errata), as tabulated by
// endoflife.date (products/rhel.md; secondary).
// SUSE: the first release's GA and the last service pack's end of general
// support from SUSE's product lifecycle (suse.com/lifecycle), as tabulated by
// endoflife.date (products/sles.md; secondary).
// CPU floors. Each names a level of catalog/data/baselines.textproto and the
// features on top (guest_os_floor() resolves them).
//
// Windows (64-bit editions only; Windows Server 2008 R2 and later have no
// other). x64 needs long mode, i.e. the x86-64 baseline. Windows 8 and
// Server 2012 set up only on CPUs with PAE, NX and SSE2 (Microsoft, "What
// is PAE, NX, and SSE2 and why does my PC need to support them to run
// Windows 8?"; setup checks and refuses, as press coverage of 24H2 recalls:
// secondary). Windows 8.1 x64 and Server 2012 R2 add CMPXCHG16B, LAHF/SAHF
// in long mode and PrefetchW (Microsoft, Windows 8.1 system requirements
// FAQ); the Windows Server 2016/2019/2022 hardware requirements page
// (learn.microsoft.com/windows-server/get-started/hardware-requirements)
// lists the same: x64, NX and DEP, CMPXCHG16b, LAHF/SAHF, PrefetchW (and
// SLAT, which Hyper-V needs, not the guest). Windows Server 2025's list adds
// POPCNT and SSE4.2; Windows 11 24H2 needs both and does not boot without
// them (Insider build 26052 refused POPCNT-less CPUs, 26080 SSE4.2-less
// ones: Tom's Hardware, "CPU must support SSE4.2 or the OS will not boot",
// and Ars Technica, "Windows 11 24H2 goes from unsupported to unbootable",
// 2024; secondary). PrefetchW is left out of every floor: Windows tests it
// by executing it, and Intel CPUs before Broadwell run it without the CPUID
// bit (3dnowprefetch) that vSphere's modes show.
// Windows Server 2012's row also stands for 2012 R2: it keeps the 2012
// floor (R2's cx16 and lahf_lm are in every EVC mode of the catalog but the
// first AMD ones).
constexpr std::string_view kFloorX64 = "x86-64-v1";
constexpr std::string_view kDetectX64 = "setup checks for long mode (x64 editions)";
constexpr std::string_view kSourceX64 = "x64 editions need an AMD64/Intel 64 CPU: the x86-64 psABI baseline";
constexpr std::string_view kFloorWin8 = "x86-64-v1 nx";
constexpr std::string_view kFloorWin81 = "x86-64-v1 nx cx16 lahf_lm";
constexpr std::string_view kDetectWin = "setup and the boot loader check CPUID and refuse to install or boot";
constexpr std::string_view kSourceWin8 =
    "Microsoft, Windows 8 / Server 2012 system requirements: PAE, NX and SSE2 (2012 R2 adds CMPXCHG16B, "
    "LAHF/SAHF, PrefetchW)";
constexpr std::string_view kSourceWinServer =
    "Microsoft, Windows Server hardware requirements: x64, NX and DEP, CMPXCHG16b, LAHF/SAHF, PrefetchW "
    "(PrefetchW left out: tested by execution)";
constexpr std::string_view kFloor24h2 = "x86-64-v1 nx cx16 lahf_lm popcnt sse4_2";
constexpr std::string_view kDetect24h2 =
    "the kernel and core drivers are built with SSE4.2 and POPCNT: setup refuses ('doesn't support a critical "
    "feature (PopCnt)') and an installed system does not boot";
constexpr std::string_view kSource24h2 =
    "Windows 11 24H2 / Server 2025 need SSE4.2 and POPCNT and do not boot without them (Microsoft's Windows "
    "Server 2025 hardware requirements; Tom's Hardware and Ars Technica on builds 26052 and 26080, 2024: "
    "secondary)";
constexpr std::string_view kSourceWin10 =
    "Microsoft, Windows 10/11 64-bit: CMPXCHG16b, LAHF/SAHF, PrefetchW, NX (as Windows 8.1 x64; the Windows 11 "
    "list of supported CPUs is a support statement, not a boot check: 23H2 boots where Windows 10 does; Ars "
    "Technica 2024, secondary)";
// Linux. RHEL 9 is built for x86-64-v2 (Red Hat Developers blog, "Building
// Red Hat Enterprise Linux 9 for the x86-64-v2 microarchitecture level",
// 2021-01-05), RHEL 10 for x86-64-v3 (Red Hat Developers, 2024-01-02,
// "Exploring x86-64-v3 for Red Hat Enterprise Linux 10"; The Register on the
// RHEL 10 and AlmaLinux 10 betas, secondary); the 1:1 rebuilds (Rocky,
// AlmaLinux, Oracle Linux) follow: Oracle Linux 9's installation guide asks
// for "x86-64-v2 micro architecture level" (docs.oracle.com, Oracle Linux 9
// install, System Requirements). AlmaLinux 10's default build is v3 and it
// also builds and maintains an x86_64_v2 architecture (ALESCo meeting
// minutes 2024-07-24, wiki.almalinux.org: "AlmaLinux 10's default x86_64
// microarchitecture build will be v3 ... building and maintaining x86_64_v2
// as a separate architecture"). glibc's dynamic loader checks the ISA level
// it was built for and stops ("CPU ISA level is lower than required"), and
// the kernel's own compiled code faults: the system does not boot.
// Ubuntu (through 24.04), Debian (through 13) and SLES (through 15) build
// for the x86-64 baseline (v1). SLES 16 is reported to move to x86-64-v2;
// no source was found here, so it is not in the table.
constexpr std::string_view kFloorV1 = "x86-64-v1";
constexpr std::string_view kDetectV1 = "built for the x86-64 baseline: nothing beyond long mode";
constexpr std::string_view kSourceV1 = "built for the x86-64 psABI baseline (x86-64-v1)";
constexpr std::string_view kFloorV2 = "x86-64-v2";
constexpr std::string_view kFloorV3 = "x86-64-v3";
constexpr std::string_view kDetectLevel =
    "built for the level: glibc's loader refuses to start ('CPU ISA level is lower than required') and the "
    "kernel faults: the system does not boot";
constexpr std::string_view kSourceRhel9 =
    "Red Hat Developers, 'Building RHEL 9 for the x86-64-v2 microarchitecture level' (2021-01-05); Oracle "
    "Linux 9 install guide: minimum x86-64-v2";
constexpr std::string_view kSourceRhel10 =
    "Red Hat Developers, 'Exploring x86-64-v3 for RHEL 10' (2024-01-02); RHEL 10 requires x86-64-v3 (The "
    "Register on the RHEL 10 / AlmaLinux 10 betas, secondary); the 1:1 rebuilds follow";
constexpr std::string_view kSourceAlmaV2 =
    "AlmaLinux ALESCo meeting minutes 2024-07-24: the default build is v3, x86_64_v2 built and maintained as a "
    "separate architecture";

constexpr std::array<GuestOs, 38> kTable = {{
    {"windows-2003", "windows", "2003-05-28", "2015-07-14",
     "Microsoft lifecycle, Windows Server 2003 (SP2): extended support ends 2015-07-14 (secondary: "
     "endoflife.date; Public Safety Canada and press coverage agree on the date)",
     kFloorX64, kDetectX64, kSourceX64},
    {"windows-2008", "windows", "2008-05-06", "2020-01-14",
     "Microsoft lifecycle, Windows Server 2008 and 2008 R2: start 2008-05-06, extended support ends 2020-01-14 "
     "(secondary: endoflife.date, DataForGeeks lifecycle-server.json)",
     kFloorX64, kDetectX64, kSourceX64},
    {"windows-2012", "windows", "2012-10-30", "2023-10-10",
     "Microsoft lifecycle, Windows Server 2012 and 2012 R2: start 2012-10-30, extended support ends 2023-10-10 "
     "(secondary: endoflife.date, DataForGeeks lifecycle-server.json)",
     kFloorWin8, kDetectWin, kSourceWin8},
    {"windows-2016", "windows", "2016-10-15", "2027-01-12",
     "Microsoft lifecycle, Windows Server 2016: start 2016-10-15, extended support ends 2027-01-12 (secondary: "
     "endoflife.date, DataForGeeks lifecycle-server.json)",
     kFloorWin81, kDetectWin, kSourceWinServer},
    {"windows-2019", "windows", "2018-11-13", "2029-01-09",
     "Microsoft lifecycle, Windows Server 2019: start 2018-11-13, extended support ends 2029-01-09 (secondary: "
     "endoflife.date)",
     kFloorWin81, kDetectWin, kSourceWinServer},
    {"windows-2022", "windows", "2021-08-18", "2031-10-14",
     "Microsoft lifecycle, Windows Server 2022: start 2021-08-18, extended support ends 2031-10-14 (secondary: "
     "endoflife.date)",
     kFloorWin81, kDetectWin, kSourceWinServer},
    {"windows-2025", "windows", "2024-11-01", "2034-10-10",
     "Microsoft lifecycle, Windows Server 2025: start 2024-11-01, extended support ends 2034-10-10 (secondary: "
     "endoflife.date)",
     kFloor24h2, kDetect24h2, kSource24h2},
    // Windows client (Enterprise editions: Microsoft lifecycle pages, end of
    // servicing; secondary: endoflife.date, windows.md). Windows 11 before
    // 24H2 is one row (23H2 Enterprise's end of servicing).
    {"windows-10", "windows-client", "2015-07-29", "2025-10-14",
     "Microsoft lifecycle, Windows 10 Enterprise and Education: GA 2015-07-29, end of support 2025-10-14 "
     "(secondary: endoflife.date)",
     kFloorWin81, kDetectWin, kSourceWin10},
    {"windows-11", "windows-client", "2021-10-05", "2026-11-10",
     "Microsoft lifecycle, Windows 11 Enterprise: GA 2021-10-05; 23H2 Enterprise servicing ends 2026-11-10 "
     "(secondary: endoflife.date)",
     kFloorWin81, kDetectWin, kSourceWin10},
    {"windows-11-24h2", "windows-client", "2024-10-01", "2027-10-12",
     "Microsoft lifecycle, Windows 11 Enterprise 24H2: GA 2024-10-01, servicing ends 2027-10-12 (secondary: "
     "endoflife.date)",
     kFloor24h2, kDetect24h2, kSource24h2},
    {"rhel-5", "rhel", "2007-03-15", "2017-03-31",
     "Red Hat Enterprise Linux Life Cycle: RHEL 5 GA 2007-03-15, end of Production (Maintenance Support 2) "
     "2017-03-31, ELS to 2020-11-30 (secondary: endoflife.date; Public Safety Canada IN16-002, 2016-04-27)",
     kFloorV1, kDetectV1, kSourceV1},
    {"rhel-6", "rhel", "2010-11-10", "2020-11-30",
     "Red Hat Enterprise Linux Life Cycle: RHEL 6 GA 2010-11-10, end of Maintenance Support 2 2020-11-30 "
     "(secondary: endoflife.date)",
     kFloorV1, kDetectV1, kSourceV1},
    {"rhel-7", "rhel", "2014-06-10", "2024-06-30",
     "Red Hat Enterprise Linux Life Cycle: RHEL 7 GA 2014-06-10, end of Maintenance Support 2 2024-06-30 "
     "(secondary: endoflife.date)",
     kFloorV1, kDetectV1, kSourceV1},
    {"rhel-8", "rhel", "2019-05-07", "2029-05-31",
     "Red Hat Enterprise Linux Life Cycle: RHEL 8 GA 2019-05-07, end of Maintenance Support 2029-05-31 "
     "(secondary: endoflife.date)",
     kFloorV1, kDetectV1, kSourceV1},
    {"rhel-9", "rhel", "2022-05-18", "2032-05-31",
     "Red Hat Enterprise Linux Life Cycle: RHEL 9 GA 2022-05-18, end of Maintenance Support 2032-05-31 "
     "(secondary: endoflife.date)",
     kFloorV2, kDetectLevel, kSourceRhel9},
    {"rhel-10", "rhel", "2025-05-20", "2035-05-31",
     "Red Hat Enterprise Linux Life Cycle: RHEL 10 GA 2025-05-20, end of Maintenance Support 2035-05-31 "
     "(secondary: endoflife.date)",
     kFloorV3, kDetectLevel, kSourceRhel10},
    {"sles-11", "sles", "2009-03-24", "2019-03-31",
     "SUSE product lifecycle: SLES 11 GA 2009-03-24; general support of its last service pack (SP4) ends "
     "2019-03-31, LTSS to 2022-03-31 (secondary: endoflife.date)",
     kFloorV1, kDetectV1, kSourceV1},
    {"sles-12", "sles", "2014-10-27", "2024-10-31",
     "SUSE product lifecycle: SLES 12 GA 2014-10-27; general support of SP5 ends 2024-10-31, LTSS to 2027-10-31 "
     "(secondary: endoflife.date)",
     kFloorV1, kDetectV1, kSourceV1},
    {"sles-15", "sles", "2018-07-16", "2031-07-31",
     "SUSE product lifecycle: SLES 15 GA 2018-07-16 (secondary: endoflife.date); general support of its last "
     "service pack to 2031-07-31 (secondary and unverified here: endoflife.date lists no end for SP6 and later)",
     kFloorV1, kDetectV1, kSourceV1},
    // CentOS and the RHEL rebuilds: GA from each project's announcement and
    // end of life as each states it (Rocky: wiki.rockylinux.org version
    // table, 8.10 EOL 2029-05-31, 9.0 2022-07-14, 10.0 2025-06-11; AlmaLinux
    // and Oracle Linux: endoflife.date's almalinux.md / oracle-linux.md,
    // secondary; the 9 and 10 ends follow RHEL's Maintenance Support).
    {"centos-7", "centos", "2014-07-07", "2024-06-30",
     "CentOS Project: CentOS Linux 7 GA 2014-07-07, end of life 2024-06-30 (secondary: endoflife.date, Adoptium "
     "end-of-support table)",
     kFloorV1, kDetectV1, kSourceV1},
    {"rocky-8", "rocky", "2021-06-21", "2029-05-31",
     "Rocky Linux wiki version table: 8 GA (8.4) 2021-06-21, 8.10 end of life 2029-05-31", kFloorV1, kDetectV1,
     kSourceV1},
    {"rocky-9", "rocky", "2022-07-14", "2032-05-31",
     "Rocky Linux wiki version table: 9.0 2022-07-14; end of life 2032-05-31 as RHEL 9's (secondary: "
     "endoflife.date)",
     kFloorV2, kDetectLevel, kSourceRhel9},
    {"rocky-10", "rocky", "2025-06-11", "2035-05-31",
     "Rocky Linux wiki version table: 10.0 2025-06-11; end of life 2035-05-31 as RHEL 10's (secondary: "
     "endoflife.date)",
     kFloorV3, kDetectLevel, kSourceRhel10},
    {"alma-8", "alma", "2021-03-30", "2029-03-01",
     "AlmaLinux 8 GA 2021-03-30, end of security support 2029-03-01 (secondary: endoflife.date)", kFloorV1, kDetectV1,
     kSourceV1},
    {"alma-9", "alma", "2022-05-26", "2032-05-31",
     "AlmaLinux 9 GA 2022-05-26, end of security support 2032-05-31 (secondary: endoflife.date)", kFloorV2,
     kDetectLevel, kSourceRhel9},
    {"alma-10", "alma", "2025-05-27", "2035-05-31",
     "AlmaLinux 10 GA 2025-05-27, end of security support 2035-05-31 (secondary: endoflife.date)", kFloorV3,
     kDetectLevel, kSourceRhel10},
    {"alma-10-v2", "alma", "2025-05-27", "2035-05-31",
     "AlmaLinux 10's x86_64_v2 build: released and supported with AlmaLinux 10 (secondary: endoflife.date)", kFloorV2,
     kDetectLevel, kSourceAlmaV2, true},
    {"oracle-8", "oracle", "2019-07-18", "2029-07-31",
     "Oracle Linux 8 GA 2019-07-18, end of Premier Support 2029-07 (secondary: endoflife.date)", kFloorV1, kDetectV1,
     kSourceV1},
    {"oracle-9", "oracle", "2022-06-30", "2032-06-30",
     "Oracle Linux 9 GA 2022-06-30, end of Premier Support 2032-06 (secondary: endoflife.date)", kFloorV2, kDetectLevel,
     kSourceRhel9},
    {"oracle-10", "oracle", "2025-06-26", "2035-06-30",
     "Oracle Linux 10 GA 2025-06-26, end of Premier Support 2035-06 (secondary: endoflife.date; unverified here)",
     kFloorV3, kDetectLevel, kSourceRhel10},
    // Ubuntu LTS: GA and end of standard support (not ESM/Ubuntu Pro),
    // ubuntu.com/about/release-cycle (secondary: endoflife.date ubuntu.md).
    {"ubuntu-18.04", "ubuntu", "2018-04-26", "2023-05-31",
     "Canonical release cycle: 18.04 LTS GA 2018-04-26, standard support to 2023-05-31 (secondary: "
     "endoflife.date)",
     kFloorV1, kDetectV1, kSourceV1},
    {"ubuntu-20.04", "ubuntu", "2020-04-23", "2025-05-29",
     "Canonical release cycle: 20.04 LTS GA 2020-04-23, standard support to 2025-05-29 (secondary: "
     "endoflife.date)",
     kFloorV1, kDetectV1, kSourceV1},
    {"ubuntu-22.04", "ubuntu", "2022-04-21", "2027-06-01",
     "Canonical release cycle: 22.04 LTS GA 2022-04-21, standard support to 2027-06 (secondary: endoflife.date)",
     kFloorV1, kDetectV1, kSourceV1},
    {"ubuntu-24.04", "ubuntu", "2024-04-25", "2029-05-31",
     "Canonical release cycle: 24.04 LTS GA 2024-04-25, standard support to 2029-05 (secondary: endoflife.date)",
     kFloorV1, kDetectV1, kSourceV1},
    // Debian: release date and end of (free) LTS, wiki.debian.org/LTS
    // (secondary: endoflife.date debian.md; not the paid ELTS).
    {"debian-10", "debian", "2019-07-06", "2024-06-30",
     "Debian 10 released 2019-07-06, LTS to 2024-06-30 (secondary: endoflife.date)", kFloorV1, kDetectV1, kSourceV1},
    {"debian-11", "debian", "2021-08-14", "2026-08-31",
     "Debian 11 released 2021-08-14, LTS to 2026-08-31 (secondary: endoflife.date)", kFloorV1, kDetectV1, kSourceV1},
    {"debian-12", "debian", "2023-06-10", "2028-06-30",
     "Debian 12 released 2023-06-10, LTS to 2028-06-30 (secondary: endoflife.date)", kFloorV1, kDetectV1, kSourceV1},
    {"debian-13", "debian", "2025-08-09", "2030-06-30",
     "Debian 13 released 2025-08-09, LTS to 2030-06-30 (secondary: endoflife.date; unverified here)", kFloorV1,
     kDetectV1, kSourceV1},
}};

}  // namespace

std::span<const GuestOs> guest_os_table() { return kTable; }

int guest_os_index(std::string_view name) {
  for (size_t i = 0; i < kTable.size(); ++i)
    if (kTable[i].name == name) return static_cast<int>(i);
  return -1;
}

std::string guest_os_names() {
  std::string out;
  for (const GuestOs& os : kTable) out += (out.empty() ? "" : ", ") + std::string(os.name);
  return out;
}

int current_release(int os, std::string_view date) {
  int best = os;
  for (size_t i = 0; i < kTable.size(); ++i)
    if (kTable[i].family == kTable[os].family && !kTable[i].alternative && kTable[i].ga <= date &&
        kTable[i].ga > kTable[best].ga)
      best = static_cast<int>(i);
  return best;
}

std::vector<std::string> nearest_guest_os(std::string_view query, size_t n) {
  std::vector<std::string> names;
  for (const GuestOs& os : kTable) names.emplace_back(os.name);
  return nearest_names(query, names, n);
}

std::string unknown_guest_os(std::string_view query) {
  std::string near;
  for (const std::string& s : nearest_guest_os(query)) near += (near.empty() ? "" : ", ") + s;
  return fmt::format("unknown guest OS '{}'; nearest known: {} (known: {})", query, near, guest_os_names());
}

FeatureSet guest_os_floor(int os, const Catalog& catalog) {
  const GuestOs& g = kTable.at(static_cast<size_t>(os));
  FeatureSet out;
  bool first = true;
  for (std::string_view word : split_ws(g.floor)) {
    if (first) {
      out = catalog.baseline(word).features;
      first = false;
    } else if (auto f = find_feature(word)) {
      out.set(*f);
    } else {
      throw InputError(fmt::format("guest OS {}: unknown feature '{}' in its floor", g.name, word));
    }
  }
  return out;
}

}  // namespace evcsim
