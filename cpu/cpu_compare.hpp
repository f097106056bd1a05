// Comparing two CPUs the way `virsh cpu-compare` and vCenter do: A relative
// to B, over migratable features only.
#pragma once

#include <string>
#include <vector>

#include "cpu/cpu_model.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {

enum class Relation { identical, superset, subset, incompatible };
std::string_view relation_name(Relation r);  // "identical", ...

struct Comparison {
  Relation relation = Relation::incompatible;
  bool vendor_match = true;  // false when both vendors are known and differ
  FeatureSet missing;        // B has, A lacks
  FeatureSet extra;          // A has, B lacks
  std::string reason;
};

Comparison compare_cpus(const CpuModel& a, const CpuModel& b);

// "CPUID level 0x1 register 'ecx': sse4_1, sse4_2" lines, one per register.
std::vector<std::string> describe_by_register(const FeatureSet& s);

}  // namespace evcsim
