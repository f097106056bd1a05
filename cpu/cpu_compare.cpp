#include "cpu/cpu_compare.hpp"

#include <fmt/format.h>

namespace evcsim {

std::string_view relation_name(Relation r) {
  switch (r) {
    case Relation::identical:
      return "identical";
    case Relation::superset:
      return "superset";
    case Relation::subset:
      return "subset";
    case Relation::incompatible:
      return "incompatible";
  }
  return "incompatible";
}

Comparison compare_cpus(const CpuModel& a, const CpuModel& b) {
  Comparison c;
  FeatureSet fa = a.migratable(), fb = b.migratable();
  c.missing = lacking(fa, fb);
  c.extra = fa - fb;
  const std::string va = a.vendor(), vb = b.vendor();
  c.vendor_match = va.empty() || vb.empty() || va == vb;
  if (!c.vendor_match) {
    c.relation = Relation::incompatible;
    c.reason = fmt::format("vendor mismatch: {} is {}, {} is {}", a.name, va, b.name, vb);
    return c;
  }
  if (c.missing.empty() && c.extra.empty()) {
    c.relation = Relation::identical;
    c.reason = fmt::format("{} and {} report the same migratable features", a.name, b.name);
  } else if (c.missing.empty()) {
    c.relation = Relation::superset;
    c.reason = fmt::format("{} has every feature of {} and {} more", a.name, b.name, c.extra.count());
  } else if (c.extra.empty()) {
    c.relation = Relation::subset;
    c.reason = fmt::format("{} lacks {} feature(s) of {}", a.name, c.missing.count(), b.name);
  } else {
    c.relation = Relation::incompatible;
    c.reason = fmt::format("{} lacks {} feature(s) of {} and has {} it lacks", a.name, c.missing.count(), b.name,
                           c.extra.count());
  }
  return c;
}

std::vector<std::string> describe_by_register(const FeatureSet& s) {
  std::vector<std::string> out;
  for (const auto& g : group_by_register(s))
    out.push_back(fmt::format("{}: {}", describe_register(g.reg), fmt::join(g.names, ", ")));
  return out;
}

}  // namespace evcsim
