// Feature-set containment checks per second, side by side with a bare AND
// over arrays of the same width (FeatureSet::kWords 64-bit words).
//   ./build/bench/evcsim_bench --benchmark_filter=Contain
// Target: >= 200 M checks/s on one core, within 2x of the bare loop.
#include <array>
#include <cstdint>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "catalog/catalog.hpp"
#include "cpu/feature_set.hpp"

namespace {

using evcsim::FeatureSet;
constexpr size_t kSets = 4096;  // pairs checked per pass (fits in L2)

std::vector<FeatureSet> catalog_sets() {
  // Real feature sets: every catalog CPU, repeated and shuffled.
  std::vector<FeatureSet> base;
  for (const auto& c : evcsim::Catalog::builtin().cpus()) base.push_back(c.migratable());
  std::vector<FeatureSet> out;
  std::mt19937 gen(1);
  for (size_t i = 0; i < kSets; ++i) out.push_back(base[gen() % base.size()]);
  return out;
}

void BM_FeatureSetContains(benchmark::State& state) {
  auto a = catalog_sets();
  auto b = catalog_sets();
  std::rotate(b.begin(), b.begin() + 7, b.end());
  for (auto _ : state) {
    size_t ok = 0;
    for (size_t i = 0; i < kSets; ++i) ok += a[i].contains(b[i]);
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kSets));
}
BENCHMARK(BM_FeatureSetContains);

void BM_BareBitsetAnd(benchmark::State& state) {
  using Raw = std::array<uint64_t, FeatureSet::kWords>;
  std::vector<Raw> a, b;
  for (const auto& s : catalog_sets()) a.push_back(s.words());
  for (const auto& s : catalog_sets()) b.push_back(s.words());
  std::rotate(b.begin(), b.begin() + 7, b.end());
  for (auto _ : state) {
    size_t ok = 0;
    for (size_t i = 0; i < kSets; ++i) {
      const uint64_t* x = a[i].data();
      const uint64_t* y = b[i].data();
      static_assert(FeatureSet::kWords == 5, "update the hand-unrolled loop");
      ok += ((y[0] & ~x[0]) | (y[1] & ~x[1]) | (y[2] & ~x[2]) | (y[3] & ~x[3]) | (y[4] & ~x[4])) == 0;
    }
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kSets));
}
BENCHMARK(BM_BareBitsetAnd);

// The same check as decisions use it: migratable features of host vs guest.
void BM_LackingAndCount(benchmark::State& state) {
  auto a = catalog_sets();
  auto b = catalog_sets();
  std::rotate(b.begin(), b.begin() + 7, b.end());
  for (auto _ : state) {
    size_t n = 0;
    for (size_t i = 0; i < kSets; ++i) n += evcsim::lacking(a[i], b[i]).count();
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kSets));
}
BENCHMARK(BM_LackingAndCount);

}  // namespace
