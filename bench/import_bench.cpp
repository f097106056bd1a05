// Reading CPU descriptions grows linearly with the file: libvirt CPUID data
// of n <cpuid> lines, side by side at 1k to 64k lines, with Google
// Benchmark's fitted complexity (issue 27: the reader was quadratic, 34.6 s
// for 1.37 MB).
//   ./build/bench/evcsim_bench --benchmark_filter=Import
// Target: the fit says N (not N^2), and 64k lines (~7.5 MB) take well under 1 s.
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "interop/importers.hpp"

namespace {

// A Haswell-like leaf 0 and 1, then n hypervisor-range leaves (each unique).
std::string cpudata(int64_t n) {
  std::string s = "<cpudata arch='x86'>\n";
  s += "  <cpuid eax_in='0x00000000' ecx_in='0x00' eax='0x0000000f' ebx='0x756e6547' ecx='0x6c65746e' "
       "edx='0x49656e69'/>\n";
  s += "  <cpuid eax_in='0x00000001' ecx_in='0x00' eax='0x000306f2' ebx='0x00200800' ecx='0x7ffefbff' "
       "edx='0xbfebfbff'/>\n";
  for (int64_t i = 0; i < n; ++i)
    s += fmt::format(
        "  <cpuid eax_in='0x40000100' ecx_in='0x{:08x}' eax='0x00000000' ebx='0x00000000' "
        "ecx='0x00000000' edx='0x00000000'/>\n",
        i);
  return s + "</cpudata>\n";
}

void BM_ImportLibvirtCpudata(benchmark::State& state) {
  const std::string text = cpudata(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(evcsim::import_dump(text, "bench.xml"));
  state.SetComplexityN(state.range(0));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ImportLibvirtCpudata)->RangeMultiplier(4)->Range(1 << 10, 1 << 16)->Complexity();

}  // namespace
