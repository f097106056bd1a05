// The binary form of events for part files (events/event_codec.hpp): every
// member of every recorded event comes back bit for bit, a cut or corrupt
// buffer is an InputError, and a stream of events comes back in order.
#include "events/event_codec.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "events/event_fields.hpp"

namespace evcsim {
namespace {

using namespace std::string_literals;

// Equal member by member, doubles by their bits (NaN == NaN, -0.0 != 0.0).
template <class T>
bool same(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, double>) return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
  else if constexpr (HasEventFields<T>)
    return std::apply([&](auto... member) { return (same(a.*member, b.*member) && ...); }, EventFields<T>::members);
  else return a == b;
}

bool same_event(const Event& a, const Event& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&](const auto& x) {
        using S = std::remove_cvref_t<decltype(x)>;
        if constexpr (std::is_same_v<S, Snapshot>) return false;  // never recorded
        else return same(x, std::get<S>(b));
      },
      a);
}

// True when every member (and every member of a nested struct) differs from
// its default, so a member the codec dropped or mixed up cannot come back equal.
template <class T>
bool differs_everywhere(const T& x, const T& fallback) {
  if constexpr (HasEventFields<T>)
    return std::apply([&](auto... member) { return (differs_everywhere(x.*member, fallback.*member) && ...); },
                      EventFields<T>::members);
  else return !same(x, fallback);
}

FeatureSet features(std::initializer_list<FeatureId> ids) {
  FeatureSet s;
  for (FeatureId id : ids) s.set(id);
  return s;
}

const FeatureSet kLow = features({0, 5, 63});
const FeatureSet kSpread = features({1, 64, 130, 200, FeatureSet::kCapacity - 1});
constexpr int kIntMin = std::numeric_limits<int>::min();
constexpr int kIntMax = std::numeric_limits<int>::max();
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
const double kNan = std::bit_cast<double>(uint64_t{0x7ff8dead00beef01});
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();

PlacementRefusal placement() {
  return {.code = PlacementCode::guest_os_floor,
          .host = 12,
          .free_mib = kInt64Min,
          .need_mib = kInt64Max,
          .detail = "policy \"x\"\n\0tail"s,
          .over_limit = true,
          .guest_os = 3};
}

// One event of every recorded kind, each member away from its default.
std::vector<Event> one_of_each() {
  return {
      HostJoined{.t = 1.5, .host = 7, .cluster = 2},
      HostJoinRefused{.t = 2.25,
                      .host = 8,
                      .cluster = 1,
                      .missing = kSpread,
                      .code = JoinRefusal::cluster_at_cap,
                      .detail = "baseline",
                      .vendor = "GenuineIntel",
                      .month = "2019-04",
                      .short_by = 3},
      HostRemoved{.t = 3, .host = kIntMax},
      BaselineChanged{.t = 4,
                      .cluster = 1,
                      .from = "intel-merom",
                      .to = "intel-skylake+mds-microcode",
                      .to_features = std::numeric_limits<size_t>::max()},
      VmPoweredOn{.t = 5, .vm = 40000, .host = 3, .guest_view = kSpread, .new_view = true},
      PowerOnRefused{.t = 6, .vm = 41, .host = -7, .missing = kLow, .why = placement(), .ha = true, .waits = true},
      VmPoweredOff{.t = 7,
                   .vm = 42,
                   .host = 2,
                   .reason = PowerOffReason::departed,
                   .other_host = 9,
                   .count = 4,
                   .detail = "crash loop"},
      SoftwareStarted{.t = 8, .vm = 43, .sw = 2, .active = kLow, .why = StartReason::restart_after_crash},
      SoftwareRefused{.t = 9, .vm = 44, .sw = 1, .missing = kSpread},
      SoftwareGaveUp{.t = 10, .vm = 45, .sw = 3, .crashes = 5},
      MigrationStarted{.t = 11, .vm = 46, .src = 1, .dst = 2, .waited_s = kTiny},
      MigrationBlocked{.t = 12,
                       .vm = 47,
                       .src = 3,
                       .dst = 4,
                       .code = VerdictCode::cross_vendor,
                       .missing = kLow,
                       .reason = "vendor"},
      MigrationAborted{.t = 13, .vm = 48, .src = 5, .dst = 6, .vm_stopped = true},
      MigrationCompleted{.t = 14,
                         .vm = 49,
                         .src = 7,
                         .dst = 8,
                         .duration_s = -0.0,
                         .downtime_s = kInf,
                         .rounds = 30,
                         .mib_sent = kNan,
                         .throttled_s = -kInf,
                         .lost_guest_cpu_s = 1e-300,
                         .over_downtime_target = true},
      Crash{.t = 15,
            .vm = 50,
            .sw = 4,
            .kernel = true,
            .host = 9,
            .missing = kSpread,
            .src = 10,
            .dst = 11,
            .cause = CrashCause::guest_view_not_checked},
      ColdMigration{.t = 16, .vm = 51, .src = 12, .dst = 13, .outage_s = 90, .why = PowerOffReason::cold_evacuation},
      MaskChanged{.t = 17, .vm = 52},
      VmRebooted{.t = 18, .vm = 53, .host = 14, .power_cycle = true, .picks_up = true, .operation = true},
      OperationRefused{.t = 19,
                       .op = 6,
                       .why = {.code = RefusalCode::lower_vms_see_more,
                               .vm = 54,
                               .host = 15,
                               .cluster = 2,
                               .free_mib = -1,
                               .need_mib = 1 << 20,
                               .baseline = "amd-zen2",
                               .detail = "admission",
                               .vms = {1, -2, kIntMax, kIntMin},
                               .over_limit = true}},
      DrsPass{.t = 20,
              .cluster = 3,
              .imbalance = 0.125,
              .left_by_compatibility = 0.0625,
              .moves = 12,
              .blocked = {{VerdictCode::missing_features, 4}, {VerdictCode::cross_vendor, kIntMax}},
              .drs_score = 81.5,
              .drs_score_min = -1},
      MaintenanceStarted{.t = 21, .host = 16, .kind = MaintenanceKind::patch, .age_years = 4.75},
      MaintenanceDone{.t = 22, .host = 17, .outcome = MaintenanceOutcome::retired},
      MaintenanceFailed{.t = 23, .host = 18, .stranded = 2, .missing = kLow, .detail = "no room"},
      HostFailed{.t = 24, .host = 19, .vms = 30},
      HostRepaired{.t = 25, .host = 20},
      HaRestart{.t = 26, .vm = 55, .from = 21, .to = 22, .gained = kSpread, .lost = kLow},
      HostBought{.t = 27, .host = 23, .cluster = 4, .cpu = "EPYC 7763", .why = PurchaseReason::cpu_headroom},
      BaselineRaised{.t = 28,
                     .cluster = 5,
                     .from = "a",
                     .to = "b",
                     .possible_since = 27.5,
                     .gained = kLow,
                     .vms_to_cycle = 3,
                     .locks_out = "Sapphire Rapids",
                     .locks_out_missing = kSpread,
                     .vms_below = {3, 9, 27}},
      BaselineRaiseSeen{.t = 29, .cluster = 6, .to = "intel-icelake", .raised_at = 28},
      VmArrived{.t = 30, .vm = 56},
      ArrivalWithoutSlot{.t = 31, .arrival = 2},
      VmDeparted{.t = 32, .vm = 57},
      HostUpdated{.t = 33, .host = 24, .cluster = 7, .op = 8, .added = kLow, .removed = kSpread, .refused = "down"},
      MemoryPressure{
          .t = 34, .host = 25, .state = MemoryState::low, .demand_mib = 1, .configured_mib = 2, .ram_mib = 3},
      PatchCycle{.t = 35, .cluster = 8, .phase = PatchCycle::Phase::skipped, .hosts = 4},
      RetirementDeferred{.t = 36, .host = 26, .cluster = 9, .memory_share = 0.9, .cpu_share = 1.1},
      VmPlacedInFallback{.t = 37, .vm = 58, .home = 1, .cluster = 2, .why = placement()},
      VmReplacedAtEndOfSupport{.t = 38, .vm = 59, .from = 4, .to = 5},
      OsUpgraded{.t = 39, .vm = 60, .from = 6, .to = 7},
      OsUpgradeRefused{.t = 40, .vm = 61, .cluster = 3, .from = 8, .to = 9, .missing = kSpread, .not_running = true},
  };
}

std::string encoded(const Event& e) {
  BinaryWriter w;
  encode_event(e, w);
  return w.bytes();
}

TEST(EventCodec, TheSamplesCoverEveryRecordedKindWithEveryMemberSet) {
  std::set<size_t> kinds;
  for (const Event& e : one_of_each()) {
    EXPECT_TRUE(kinds.insert(e.index()).second) << "two samples of kind " << e.index();
    std::visit(
        [&](const auto& x) {
          using S = std::remove_cvref_t<decltype(x)>;
          if constexpr (std::is_same_v<S, Snapshot>) ADD_FAILURE() << "a Snapshot among the samples";
          else EXPECT_TRUE(differs_everywhere(x, S{})) << "kind " << e.index() << " leaves a member at its default";
        },
        e);
  }
  EXPECT_EQ(kinds.size(), std::variant_size_v<Event> - 1);  // all but Snapshot
  EXPECT_FALSE(kinds.contains(Event(Snapshot{}).index()));
}

TEST(EventCodec, EveryEventComesBackBitForBit) {
  for (const Event& e : one_of_each()) {
    std::string bytes = encoded(e);
    BinaryReader r(bytes);
    Event back = decode_event(r);
    EXPECT_TRUE(same_event(e, back)) << "kind " << e.index();
    EXPECT_TRUE(r.done()) << "kind " << e.index();
  }
}

TEST(EventCodec, ACutAnywhereInAnEventIsAnInputError) {
  for (const Event& e : one_of_each()) {
    std::string bytes = encoded(e);
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      BinaryReader r(std::string_view(bytes).substr(0, cut));
      EXPECT_THROW(decode_event(r), InputError) << "kind " << e.index() << " cut at " << cut;
    }
  }
}

TEST(EventCodec, AStreamOfMixedEventsComesBackInOrder) {
  std::vector<Event> samples = one_of_each();
  std::vector<Event> stream;
  for (size_t i = 0; i < 5000; ++i) {
    Event e = samples[(i * 7) % samples.size()];
    std::visit([&](auto& x) { x.t = static_cast<double>(i) * 0.1; }, e);
    stream.push_back(std::move(e));
  }
  BinaryWriter w;
  for (const Event& e : stream) encode_event(e, w);
  BinaryReader r(w.bytes());
  for (const Event& e : stream) ASSERT_TRUE(same_event(e, decode_event(r)));
  EXPECT_TRUE(r.done());
}

TEST(EventCodec, ASnapshotIsNeverEncoded) {
  BinaryWriter w;
  EXPECT_THROW(encode_event(Snapshot{}, w), std::logic_error);
  EXPECT_TRUE(w.bytes().empty());
}

std::string corrupt_message(std::string bytes) {
  BinaryReader r(bytes);
  try {
    decode_event(r);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(EventCodec, AnUnknownOrSnapshotTagIsCorrupt) {
  BinaryWriter unknown;
  unknown.u64(std::variant_size_v<Event>);
  EXPECT_EQ(corrupt_message(unknown.bytes()), "part file truncated or corrupt: an unknown event tag 41 at byte 1");
  BinaryWriter snapshot;
  snapshot.u64(Event(Snapshot{}).index());
  EXPECT_EQ(corrupt_message(snapshot.bytes()), "part file truncated or corrupt: a Snapshot (never recorded) at byte 1");
}

TEST(EventCodec, ALengthPastTheEndIsCorruptBeforeAnythingIsAllocated) {
  BinaryWriter w;
  encode_event(BaselineRaised{.t = 1,
                              .cluster = 0,
                              .from = "a",
                              .to = "b",
                              .possible_since = 0,
                              .gained = {},
                              .vms_to_cycle = 0,
                              .locks_out = "",
                              .locks_out_missing = {},
                              .vms_below = {}},
               w);
  std::string bytes = w.bytes();
  bytes.pop_back();  // vms_below's count (0), the last byte
  BinaryWriter count;
  count.u64(uint64_t{1} << 60);
  EXPECT_EQ(corrupt_message(bytes + count.bytes()), "part file truncated or corrupt: a length past the end at byte " +
                                                        std::to_string(bytes.size() + count.bytes().size()));
}

TEST(BinaryReader, ReadsBackWhatTheWriterWrote) {
  BinaryWriter w;
  const std::vector<uint64_t> unsigned_values = {0, 1, 127, 128, 16383, 16384, uint64_t{1} << 63, UINT64_MAX};
  const std::vector<int64_t> signed_values = {0, -1, 1, -64, 64, kInt64Min, kInt64Max};
  const std::vector<double> doubles = {0.0, -0.0, kNan, kInf, -kInf, kTiny, 1.0 / 3};
  for (uint64_t v : unsigned_values) w.u64(v);
  for (int64_t v : signed_values) w.i64(v);
  for (double v : doubles) w.f64(v);
  w.str(""s);
  w.str("a\0b"s);
  w.boolean(true);
  w.raw("EVCP");
  BinaryReader r(w.bytes());
  for (uint64_t v : unsigned_values) EXPECT_EQ(r.u64(), v);
  for (int64_t v : signed_values) EXPECT_EQ(r.i64(), v);
  for (double v : doubles) EXPECT_EQ(std::bit_cast<uint64_t>(r.f64()), std::bit_cast<uint64_t>(v));
  EXPECT_EQ(r.str(), "");
  EXPECT_EQ(r.str(), "a\0b"s);
  EXPECT_TRUE(r.boolean());
  EXPECT_EQ(r.raw(4), "EVCP");
  EXPECT_TRUE(r.done());
}

TEST(BinaryReader, SmallNumbersTakeOneByte) {
  BinaryWriter w;
  w.u64(127);
  w.i64(-64);
  w.i64(63);
  EXPECT_EQ(w.bytes().size(), 3u);
}

TEST(BinaryReader, MalformedValuesAreInputErrors) {
  auto reading = [](std::string bytes, auto read) {
    BinaryReader r(bytes);
    try {
      read(r);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return "no error"s;
  };
  EXPECT_EQ(reading("\x80\x80"s, [](BinaryReader& r) { r.u64(); }),
            "part file truncated or corrupt: truncated at byte 2");
  EXPECT_EQ(reading(std::string(10, '\xff') + "\x01"s, [](BinaryReader& r) { r.u64(); }),
            "part file truncated or corrupt: a varint past 64 bits at byte 10");
  EXPECT_EQ(reading("\x02"s, [](BinaryReader& r) { r.boolean(); }),
            "part file truncated or corrupt: a bool that is neither 0 nor 1 at byte 1");
  EXPECT_EQ(reading("\x05"
                    "abc"s,
                    [](BinaryReader& r) { r.str(); }),
            "part file truncated or corrupt: truncated at byte 1");
  BinaryWriter big;
  big.i64(int64_t{1} << 40);
  EXPECT_EQ(reading(big.bytes(), [](BinaryReader& r) { r.i32(); }),
            "part file truncated or corrupt: an int out of range at byte 6");
}

}  // namespace
}  // namespace evcsim
