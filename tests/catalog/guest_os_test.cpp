// The guest OS table (catalog/guest_os): well-formed dates with sources, the
// current release of a family on a day, CPU floors from the feature catalog,
// and names resolved with the nearest known ones.

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "base/text_util.hpp"
#include "base/year_month.hpp"
#include "catalog/guest_os.hpp"
#include "cpu/feature_registry.hpp"

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
    // The family's first word starts the name ("windows-client": "windows-11").
    EXPECT_TRUE(os.name.starts_with(os.family.substr(0, os.family.find('-')))) << os.name;
    EXPECT_FALSE(os.floor.empty()) << os.name;
    EXPECT_FALSE(os.detection.empty()) << os.name;
    EXPECT_FALSE(os.floor_source.empty()) << os.name;
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

FeatureSet floor_of(const char* os) {
  const int i = guest_os_index(os);
  EXPECT_GE(i, 0) << os;
  return guest_os_floor(i, Catalog::builtin());
}
FeatureSet level(const char* name) { return Catalog::builtin().baseline(name).features; }

// Every floor resolves against the feature catalog: its level exists, its
// features are in the registry and migratable (an EVC mode or a level can
// show them), and it holds the x86-64 baseline.
TEST(GuestOs, EveryFloorResolvesToRegisteredMigratableFeatures) {
  for (size_t i = 0; i < guest_os_table().size(); ++i) {
    const GuestOs& os = guest_os_table()[i];
    FeatureSet floor;
    ASSERT_NO_THROW(floor = guest_os_floor(static_cast<int>(i), Catalog::builtin())) << os.name;
    for (std::string_view word : split_ws(os.floor)) {
      if (word == split_ws(os.floor)[0]) {
        EXPECT_NE(Catalog::builtin().find_baseline(word), nullptr) << os.name;
      } else {
        EXPECT_TRUE(find_feature(word).has_value()) << os.name << ": " << word;
      }
    }
    EXPECT_TRUE(floor.contains(level("x86-64-v1"))) << os.name;
    EXPECT_TRUE(lacking(migratable_features(), floor).empty()) << os.name << ": " << join_names(floor);
  }
}

TEST(GuestOs, FloorsAreTheSourcedOnes) {
  const FeatureSet sse42_popcnt = make_feature_set({"sse4_2", "popcnt"});
  EXPECT_TRUE(floor_of("windows-11-24h2").contains(sse42_popcnt));
  EXPECT_TRUE(floor_of("windows-2025").contains(sse42_popcnt));
  EXPECT_TRUE((floor_of("windows-11") & sse42_popcnt).empty());  // 23H2 boots without them
  EXPECT_TRUE((floor_of("windows-2022") & sse42_popcnt).empty());
  EXPECT_TRUE(floor_of("windows-2012").contains(make_feature_set({"nx", "sse2", "pae"})));
  EXPECT_TRUE(floor_of("windows-2016").contains(make_feature_set({"cx16", "lahf_lm"})));
  for (const char* os : {"rhel-10", "rocky-10", "alma-10", "oracle-10"})
    EXPECT_EQ(floor_of(os), level("x86-64-v3")) << os;
  for (const char* os : {"rhel-9", "rocky-9", "alma-9", "oracle-9", "alma-10-v2"})
    EXPECT_EQ(floor_of(os), level("x86-64-v2")) << os;
  for (const char* os : {"rhel-8", "centos-7", "ubuntu-24.04", "debian-13", "sles-15"})
    EXPECT_EQ(floor_of(os), level("x86-64-v1")) << os;
  EXPECT_TRUE(floor_of("rhel-10").contains(make_feature_set({"avx2", "bmi2", "fma", "movbe"})));
}

// The v2 build of AlmaLinux 10 is never the family's current release: an
// upgrade policy takes the main (v3) build.
TEST(GuestOs, AnAlternativeBuildIsNeverTheCurrentRelease) {
  auto at = [](const char* os, const char* day) {
    return std::string(guest_os_table()[current_release(guest_os_index(os), day)].name);
  };
  EXPECT_EQ(at("alma-9", "2026-01-01"), "alma-10");
  EXPECT_EQ(at("rhel-9", "2026-01-01"), "rhel-10");
  EXPECT_EQ(at("windows-10", "2025-01-01"), "windows-11-24h2");
  EXPECT_EQ(at("windows-2022", "2025-01-01"), "windows-2025");  // servers stay servers
  EXPECT_EQ(at("alma-10-v2", "2030-01-01"), "alma-10-v2");
}

TEST(GuestOs, UnknownNamesGetTheNearestKnownOnes) {
  EXPECT_EQ(nearest_guest_os("rhel10").at(0), "rhel-10");
  EXPECT_EQ(nearest_guest_os("windows-11-24H2").at(0), "windows-11-24h2");
  EXPECT_EQ(nearest_guest_os("ubuntu-24.4").at(0), "ubuntu-24.04");
  const std::string e = unknown_guest_os("alma-10v2");
  EXPECT_TRUE(e.starts_with("unknown guest OS 'alma-10v2'; nearest known: alma-10-v2")) << e;
  EXPECT_NE(e.find("(known: windows-2003, "), std::string::npos) << e;
}

}  // namespace
}  // namespace evcsim
