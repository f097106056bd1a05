// Events through the part-file codec (events/event_codec.hpp), per second:
// a mix shaped like a long refresh run's (mostly DRS migrations, memory
// states and power events; a few with strings, maps and feature sets).
//   ./build/bench/evcsim_bench --benchmark_filter=EventCodec
// Target: encode and decode each well above 10 M events/s on one core, so a
// part file of refresh-10y's ~5 M events costs well under a second.
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "catalog/catalog.hpp"
#include "events/event_codec.hpp"

namespace {

using namespace evcsim;
constexpr size_t kEvents = 4096;  // per pass

std::vector<Event> realistic_mix() {
  std::vector<FeatureSet> views;
  for (const auto& c : Catalog::builtin().cpus()) views.push_back(c.migratable());
  std::mt19937 gen(1);
  auto pick = [&](int n) { return static_cast<int>(gen() % static_cast<unsigned>(n)); };
  std::vector<Event> out;
  double t = 0;
  while (out.size() < kEvents) {
    t += pick(600) * 0.5;
    int vm = pick(5000), src = pick(200), dst = pick(200);
    int roll = pick(100);
    if (roll < 30)
      out.push_back(MigrationStarted{.t = t, .vm = vm, .src = src, .dst = dst, .waited_s = pick(3) * 1.25});
    else if (roll < 60)
      out.push_back(MigrationCompleted{.t = t,
                                       .vm = vm,
                                       .src = src,
                                       .dst = dst,
                                       .duration_s = 11.37,
                                       .downtime_s = 0.21,
                                       .rounds = 4,
                                       .mib_sent = 8123.5,
                                       .throttled_s = 0,
                                       .lost_guest_cpu_s = 0,
                                       .over_downtime_target = false});
    else if (roll < 70)
      out.push_back(DrsPass{.t = t,
                            .cluster = pick(8),
                            .imbalance = 0.0731,
                            .left_by_compatibility = 0.012,
                            .moves = pick(10),
                            .blocked = {{VerdictCode::missing_features, pick(20)}},
                            .drs_score = -1,
                            .drs_score_min = -1});
    else if (roll < 78)
      out.push_back(MemoryPressure{.t = t,
                                   .host = src,
                                   .state = MemoryState::soft,
                                   .demand_mib = 500'000,
                                   .configured_mib = 700'000,
                                   .ram_mib = 524'288});
    else if (roll < 84)
      out.push_back(
          VmPoweredOn{.t = t, .vm = vm, .host = src, .guest_view = views[vm % views.size()], .new_view = true});
    else if (roll < 90)
      out.push_back(SoftwareStarted{
          .t = t, .vm = vm, .sw = pick(4), .active = views[src % views.size()], .why = StartReason::reboot});
    else if (roll < 95)
      out.push_back(VmRebooted{.t = t, .vm = vm, .host = src, .power_cycle = false, .picks_up = false});
    else if (roll < 98) out.push_back(VmPoweredOff{.t = t, .vm = vm, .host = src, .reason = PowerOffReason::schedule});
    else
      out.push_back(MigrationBlocked{.t = t,
                                     .vm = vm,
                                     .src = src,
                                     .dst = dst,
                                     .code = VerdictCode::missing_features,
                                     .missing = views[dst % views.size()] - views[src % views.size()],
                                     .reason = "the destination lacks avx512f"});
  }
  return out;
}

void BM_EventCodecEncode(benchmark::State& state) {
  auto events = realistic_mix();
  BinaryWriter w;
  for (auto _ : state) {
    w.clear();
    for (const Event& e : events) encode_event(e, w);
    benchmark::DoNotOptimize(w.bytes().data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kEvents));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * w.bytes().size()));
  state.counters["bytes_per_event"] = static_cast<double>(w.bytes().size()) / kEvents;
}
BENCHMARK(BM_EventCodecEncode);

void BM_EventCodecDecode(benchmark::State& state) {
  auto events = realistic_mix();
  BinaryWriter w;
  for (const Event& e : events) encode_event(e, w);
  for (auto _ : state) {
    BinaryReader r(w.bytes());
    while (!r.done()) {
      Event e = decode_event(r);
      benchmark::DoNotOptimize(e);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kEvents));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * w.bytes().size()));
}
BENCHMARK(BM_EventCodecDecode);

}  // namespace
