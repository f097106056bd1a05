#include "events/event_store.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "base/json.hpp"
#include "catalog/catalog.hpp"
#include "cpu/feature_registry.hpp"
#include "events/event_log.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

const char* kScenario = R"(name: "store"
horizon_s: 86400
start_date: "2012-06"
policy { name: "cluster-baseline" }
cluster { name: "prod" baseline: "intel-merom" hosts { cpu: "E5420" name: "h" count: 2 } }
vm { name: "web" count: 2 cluster: "prod" arrivals_per_day: 1 lifetime_days: 10 max_count: 4
     software { name: "app" uses: ["sse4_1"] } }
at { at_s: 60 migrate { vm: "web-1" host: "h-2" } }
)";

FeatureSet features(std::initializer_list<std::string_view> names) { return make_feature_set(names); }

// One event of every type the simulation emits (Snapshot is not logged),
// value-initialized, at distinct times; then a few with every field set.
template <size_t... I>
std::vector<Event> one_of_each(std::index_sequence<I...>) {
  std::vector<Event> out;
  (
      [&] {
        using T = std::variant_alternative_t<I, Event>;
        if constexpr (!std::is_same_v<T, Snapshot>) {
          T e{};
          e.t = 100.0 + I;
          if constexpr (std::is_same_v<T, OperationRefused>) e.why.vm = 0;  // already_on names its VM
          out.emplace_back(std::move(e));
        }
      }(),
      ...);
  return out;
}

std::vector<Event> sample_events() {
  auto out = one_of_each(std::make_index_sequence<std::variant_size_v<Event>>{});
  MigrationCompleted mc{200.5, 1, 0, 1, 12.25, 0.3125, 4, 8192.5};
  mc.throttled_s = 2.5;
  mc.lost_guest_cpu_s = 3.75;
  mc.over_downtime_target = true;
  out.emplace_back(mc);
  out.emplace_back(Crash{201, 0, 0, true, 1, features({"sse4_1", "ssse3"}), 0, 1, CrashCause::probing_software});
  out.emplace_back(MigrationBlocked{202, 1, 1, 0, VerdictCode::missing_features, features({"avx2"}), "lacks avx2"});
  DrsPass drs{203, 0, 0.25, 0.125, 3, {}, -1, -1};
  drs.blocked[VerdictCode::missing_features] = 7;
  drs.blocked[VerdictCode::cross_vendor] = 2;
  out.emplace_back(drs);
  BaselineRaised raise{204, 0, "intel-merom", "intel-penryn", 150.5, features({"sse4_1"}), 2};
  raise.locks_out = "amd-zen";
  raise.locks_out_missing = features({"avx512f"});
  out.emplace_back(raise);
  out.emplace_back(HaRestart{205, 1, 0, 1, features({"aes"}), features({"avx"})});
  out.emplace_back(VmRebooted{206, 0, 1, true, true});
  out.emplace_back(MaintenanceDone{207, 1, MaintenanceOutcome::retired});
  return out;
}

TEST(EventStore, EveryEventTypeReadsBackEqualToWhatTheRunEmitted) {
  ScenarioSpec spec = parse_scenario(kScenario, "store.textproto", Catalog::builtin());
  fs::path path = fs::temp_directory_path() / ("evcsim-store-" + std::to_string(getpid()) + ".sqlite");
  std::vector<std::string> emitted;
  std::set<std::string> types;
  {
    EventStore store(spec, path.string(), EventDetail::all);
    for (const Event& e : sample_events()) {
      report::EventRecord r = to_record(e, spec);
      emitted.push_back(to_json_line(r));
      types.insert(r.type());
      store.on_event(e);
    }
    store.on_end(300);
    store.finish();
    EXPECT_EQ(store.events(), emitted.size());
  }
  // Every alternative of Event became a type the store has a table for.
  EXPECT_EQ(types.size(), std::variant_size_v<Event> - 1 + 1);  // - Snapshot + host_retired (MaintenanceDone twice)
  for (const auto& t : types)
    EXPECT_NE(std::find(event_types().begin(), event_types().end(), t), event_types().end()) << t;
  EventReader reader(path.string());
  EXPECT_EQ(reader.run().scenario, "store");
  EXPECT_EQ(reader.run().start_date, "2012-06");
  EXPECT_EQ(reader.run().detail, "all");
  std::vector<std::string> back;
  reader.read({}, [&](const report::EventRecord& r) { back.push_back(to_json_line(r)); });
  EXPECT_EQ(back, emitted);
  // Filters: a type, a VM, a time window.
  std::vector<std::string> crashes;
  reader.read({{"crash"}, "", std::nullopt, std::nullopt},
              [&](const report::EventRecord& r) { crashes.push_back(to_json_line(r)); });
  ASSERT_EQ(crashes.size(), 2u);
  EXPECT_NE(crashes[1].find("\"features\":[\"sse4_1\",\"ssse3\"]"), std::string::npos) << crashes[1];
  size_t of_web2 = 0, in_window = 0;
  reader.read({{}, "web-2", std::nullopt, std::nullopt}, [&](const report::EventRecord& r) {
    EXPECT_EQ(r.vm(), "web-2");
    ++of_web2;
  });
  EXPECT_EQ(of_web2, 3u);  // the completed and the blocked migration, the HA restart
  reader.read({{}, "", 200.0, 203.0}, [&](const report::EventRecord& r) {
    EXPECT_GE(r.t(), 200.0);
    EXPECT_LT(r.t(), 203.0);
    ++in_window;
  });
  EXPECT_EQ(in_window, 3u);
  fs::remove(path);
}

TEST(EventStore, OperationsLeavesOutSoftwareStartsPlainRebootsAndDrsPassesOnly) {
  EXPECT_FALSE(recorded(SoftwareStarted{1, 0, 0, {}, StartReason::power_on}, EventDetail::operations));
  EXPECT_FALSE(recorded(DrsPass{1, 0, 0.1, 0, 0, {}, -1, -1}, EventDetail::operations));
  EXPECT_FALSE(recorded(VmRebooted{1, 0, 0, false, false}, EventDetail::operations));
  EXPECT_TRUE(recorded(VmRebooted{1, 0, 0, true, false}, EventDetail::operations));  // a power cycle
  for (const Event& e : sample_events()) {
    if (std::holds_alternative<SoftwareStarted>(e) || std::holds_alternative<VmRebooted>(e) ||
        std::holds_alternative<DrsPass>(e))
      continue;
    EXPECT_TRUE(recorded(e, EventDetail::operations)) << e.index();
    EXPECT_TRUE(recorded(e, EventDetail::all)) << e.index();
    EXPECT_FALSE(recorded(e, EventDetail::none)) << e.index();
  }
  Snapshot sample{};
  sample.t = 1;
  EXPECT_FALSE(recorded(sample, EventDetail::all));
  EXPECT_THROW(parse_event_detail("some"), InputError);
}

TEST(EventStore, ANonStoreIsAClearError) {
  fs::path path = fs::temp_directory_path() / ("evcsim-notstore-" + std::to_string(getpid()) + ".sqlite");
  {
    std::ofstream f(path);
    f << "not a database";
  }
  try {
    EventReader r(path.string());
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string() + ": not an evcsim event store"), std::string::npos) << e.what();
  }
  fs::remove(path);
  EXPECT_THROW(EventReader("/nonexistent/events.sqlite"), InputError);
}

}  // namespace
}  // namespace evcsim
