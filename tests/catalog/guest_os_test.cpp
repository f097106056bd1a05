// The guest OS table (catalog/guest_os): well-formed dates with sources, and
// the current release of a family on a day.

#include <set>

#include <gtest/gtest.h>

#include "base/year_month.hpp"
#include "catalog/guest_os.hpp"

namespace evcsim {
namespace {

TEST(GuestOs, EveryRowHasDaysInOrderAndASource) {
  std::set<std::string_view> names;
  for (const GuestOs& os : guest_os_table()) {
    EXPECT_TRUE(names.insert(os.name).second) << os.name;
    EXPECT_EQ(os.ga.size(), 10u) << os.name;
    EXPECT_EQ(os.end_of_support.size(), 10u) << os.name;
    // Parses as a day (throws otherwise), and support ends after GA.
    EXPECT_LT(seconds_at({2000, 1}, os.ga), seconds_at({2000, 1}, os.end_of_support)) << os.name;
    EXPECT_FALSE(os.source.empty()) << os.name;
    EXPECT_TRUE(os.name.starts_with(os.family)) << os.name;
  }
}

// Each release but a family's newest has a successor out before its own
// support ends: replacements always have somewhere to go.
TEST(GuestOs, EveryReleaseButTheNewestHasASuccessorBeforeItsEnd) {
  const auto table = guest_os_table();
  for (size_t i = 0; i < table.size(); ++i) {
    const int next = current_release(static_cast<int>(i), table[i].end_of_support);
    bool newest = true;
    for (const GuestOs& o : table) newest = newest && !(o.family == table[i].family && o.ga > table[i].ga);
    if (newest) {
      EXPECT_EQ(next, static_cast<int>(i)) << table[i].name;
    } else {
      EXPECT_NE(next, static_cast<int>(i)) << table[i].name;
      EXPECT_EQ(table[next].family, table[i].family);
    }
  }
}

TEST(GuestOs, TheCurrentReleaseIsTheNewestOutOnTheDay) {
  auto at = [](const char* os, const char* day) {
    return std::string(guest_os_table()[current_release(guest_os_index(os), day)].name);
  };
  EXPECT_EQ(at("windows-2003", "2015-07-15"), "windows-2012");
  EXPECT_EQ(at("windows-2003", "2016-10-14"), "windows-2012");
  EXPECT_EQ(at("windows-2003", "2016-10-15"), "windows-2016");
  EXPECT_EQ(at("windows-2008", "2020-01-15"), "windows-2019");
  EXPECT_EQ(at("rhel-5", "2017-04-01"), "rhel-7");
  EXPECT_EQ(at("rhel-6", "2020-12-01"), "rhel-8");
  EXPECT_EQ(at("sles-11", "2019-04-01"), "sles-15");
  EXPECT_EQ(at("rhel-5", "2006-01-01"), "rhel-5");  // nothing newer (nor itself) out yet: itself
  EXPECT_EQ(guest_os_index("windows-95"), -1);
  EXPECT_EQ(guest_os_names().substr(0, 28), "windows-2003, windows-2008, ");
}

}  // namespace
}  // namespace evcsim
