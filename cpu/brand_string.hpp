// A CPU model string as hosts report it (CPUID 0x80000002-4, /proc/cpuinfo's
// "model name", vCenter's and RVTools' "CPU Model") to its catalog
// generation, by the vendors' SKU numbering rather than a list of examples:
//   Intel Xeon 5000/7000/3000 (51xx Woodcrest ... 56xx Westmere-EP),
//   E5/E7 v1-v4, Xeon Scalable 1st-5th gen (Bronze..Platinum 31xx..85xx),
//   Xeon 6 (P-cores: graniterapids, E-cores: sierraforest), Xeon W-2400/3400
//   and W-2500/3500 (sapphirerapids), Atom P5000/C5000 (snowridge);
//   AMD Opteron 1xx-8xx, 12xx-84xx, 41xx-63xx, EPYC 7xx1-7xx3, 4xx4-9xx4
//   (97x4 and 8xx4: Bergamo/Siena), 4xx5/9xx5; Hygon C86 (dhyana).
// A name may be of a generation the catalog has no part of (sierraforest,
// snowridge, dhyana: no reference CPUID yet); the caller says so.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace evcsim {

// The catalog name of the generation ("skylake-sp"), or nullopt when the
// string names no server family the rules know.
std::optional<std::string> generation_of_brand(std::string_view brand);

}  // namespace evcsim
