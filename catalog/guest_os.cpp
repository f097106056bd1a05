#include "catalog/guest_os.hpp"

#include <array>

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
constexpr std::array<GuestOs, 15> kTable = {{
    {"windows-2003", "windows", "2003-05-28", "2015-07-14",
     "Microsoft lifecycle, Windows Server 2003 (SP2): extended support ends 2015-07-14 (secondary: "
     "endoflife.date; Public Safety Canada and press coverage agree on the date)"},
    {"windows-2008", "windows", "2008-05-06", "2020-01-14",
     "Microsoft lifecycle, Windows Server 2008 and 2008 R2: start 2008-05-06, extended support ends 2020-01-14 "
     "(secondary: endoflife.date, DataForGeeks lifecycle-server.json)"},
    {"windows-2012", "windows", "2012-10-30", "2023-10-10",
     "Microsoft lifecycle, Windows Server 2012 and 2012 R2: start 2012-10-30, extended support ends 2023-10-10 "
     "(secondary: endoflife.date, DataForGeeks lifecycle-server.json)"},
    {"windows-2016", "windows", "2016-10-15", "2027-01-12",
     "Microsoft lifecycle, Windows Server 2016: start 2016-10-15, extended support ends 2027-01-12 (secondary: "
     "endoflife.date, DataForGeeks lifecycle-server.json)"},
    {"windows-2019", "windows", "2018-11-13", "2029-01-09",
     "Microsoft lifecycle, Windows Server 2019: start 2018-11-13, extended support ends 2029-01-09 (secondary: "
     "endoflife.date)"},
    {"windows-2022", "windows", "2021-08-18", "2031-10-14",
     "Microsoft lifecycle, Windows Server 2022: start 2021-08-18, extended support ends 2031-10-14 (secondary: "
     "endoflife.date)"},
    {"windows-2025", "windows", "2024-11-01", "2034-10-10",
     "Microsoft lifecycle, Windows Server 2025: start 2024-11-01, extended support ends 2034-10-10 (secondary: "
     "endoflife.date)"},
    {"rhel-5", "rhel", "2007-03-15", "2017-03-31",
     "Red Hat Enterprise Linux Life Cycle: RHEL 5 GA 2007-03-15, end of Production (Maintenance Support 2) "
     "2017-03-31, ELS to 2020-11-30 (secondary: endoflife.date; Public Safety Canada IN16-002, 2016-04-27)"},
    {"rhel-6", "rhel", "2010-11-10", "2020-11-30",
     "Red Hat Enterprise Linux Life Cycle: RHEL 6 GA 2010-11-10, end of Maintenance Support 2 2020-11-30 "
     "(secondary: endoflife.date)"},
    {"rhel-7", "rhel", "2014-06-10", "2024-06-30",
     "Red Hat Enterprise Linux Life Cycle: RHEL 7 GA 2014-06-10, end of Maintenance Support 2 2024-06-30 "
     "(secondary: endoflife.date)"},
    {"rhel-8", "rhel", "2019-05-07", "2029-05-31",
     "Red Hat Enterprise Linux Life Cycle: RHEL 8 GA 2019-05-07, end of Maintenance Support 2029-05-31 "
     "(secondary: endoflife.date)"},
    {"rhel-9", "rhel", "2022-05-18", "2032-05-31",
     "Red Hat Enterprise Linux Life Cycle: RHEL 9 GA 2022-05-18, end of Maintenance Support 2032-05-31 "
     "(secondary: endoflife.date)"},
    {"sles-11", "sles", "2009-03-24", "2019-03-31",
     "SUSE product lifecycle: SLES 11 GA 2009-03-24; general support of its last service pack (SP4) ends "
     "2019-03-31, LTSS to 2022-03-31 (secondary: endoflife.date)"},
    {"sles-12", "sles", "2014-10-27", "2024-10-31",
     "SUSE product lifecycle: SLES 12 GA 2014-10-27; general support of SP5 ends 2024-10-31, LTSS to 2027-10-31 "
     "(secondary: endoflife.date)"},
    {"sles-15", "sles", "2018-07-16", "2031-07-31",
     "SUSE product lifecycle: SLES 15 GA 2018-07-16 (secondary: endoflife.date); general support of its last "
     "service pack to 2031-07-31 (secondary and unverified here: endoflife.date lists no end for SP6 and later)"},
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
    if (kTable[i].family == kTable[os].family && kTable[i].ga <= date && kTable[i].ga > kTable[best].ga)
      best = static_cast<int>(i);
  return best;
}

}  // namespace evcsim
