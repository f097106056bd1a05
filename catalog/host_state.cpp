#include "catalog/host_state.hpp"

#include <fmt/format.h>

#include "base/error.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {

const CpuModel* part_of(const CpuModel& host, const Catalog& catalog) {
  const CpuModel* below = nullptr;
  const CpuModel* lowest = nullptr;
  const uint32_t family = host.cpuid.family(), model = host.cpuid.model(), stepping = host.cpuid.stepping();
  for (const CpuModel& c : catalog.cpus()) {
    if (c.vendor() != host.vendor() || c.cpuid.family() != family || c.cpuid.model() != model) continue;
    const uint32_t s = c.cpuid.stepping();
    if (s <= stepping && (!below || s > below->cpuid.stepping())) below = &c;
    if (!lowest || s < lowest->cpuid.stepping()) lowest = &c;
  }
  return below ? below : lowest;
}

PartDifference difference_from_part(const CpuModel& host, const Catalog& catalog) {
  PartDifference d;
  d.part = part_of(host, catalog);
  if (!d.part) return d;
  d.lacks = d.part->migratable() - host.migratable();
  d.adds = host.migratable() - d.part->migratable();
  d.switches = switches_meeting(d.lacks);
  return d;
}

std::string PartDifference::describe() const {
  if (!part || (lacks.empty() && adds.empty())) return "";
  std::string out;
  if (!lacks.empty()) {
    out += "lacks " + join_names(lacks);
    for (const FirmwareSwitch* s : switches) out += fmt::format(" ({} off: firmware, microcode or the OS)", s->label);
  }
  if (!adds.empty()) out += fmt::format("{}has beyond it {}", out.empty() ? "" : "; ", join_names(adds));
  return out;
}

void mark_state_from_part(CpuModel& host, const Catalog& catalog) {
  const PartDifference d = difference_from_part(host, catalog);
  if (!d.part) return;
  FeatureSet switchable;
  for (const FirmwareSwitch* s : d.switches) switchable |= s->features;
  host.turned_off = d.lacks & switchable;
  host.state = d.describe();
}

CpuModel with_state(const CpuModel& part, const std::vector<std::string>& switches_off,
                    const std::vector<std::string>& disable, const std::vector<std::string>& add) {
  CpuModel m = part;
  std::vector<std::string> said;
  FeatureSet off;
  for (const auto& name : switches_off) {
    const FirmwareSwitch* s = find_firmware_switch(name);
    if (!s) {
      std::vector<std::string> known;
      for (const auto& k : firmware_switches()) known.emplace_back(k.name);
      throw InputError(fmt::format("unknown firmware switch '{}'; evcsim knows {}", name, fmt::join(known, ", ")));
    }
    const FeatureSet had = s->features & part.features;
    if (had.empty()) throw InputError(fmt::format("{} has no {} to turn off", part.name, s->label));
    off |= had;
    m.turned_off |= had;
    said.push_back(fmt::format("{} off", s->label));
  }
  for (const auto& name : disable) {
    const FeatureId id = feature_id(name);  // throws on an unknown name
    off.set(id);
    said.push_back("-" + name);
  }
  off.for_each([&](FeatureId id) { set_feature(m, id, false); });
  for (const auto& name : add) {
    set_feature(m, feature_id(name), true);
    said.push_back("+" + name);
  }
  m.state = fmt::format("{}", fmt::join(said, ", "));
  return m;
}

FeatureSet add_xsave_components_from_part(CpuModel& host, const Catalog& catalog) {
  const CpuModel* part = part_of(host, catalog);
  if (!part || !host.features.test(feature_id("xsave"))) return {};
  const FeatureSet add = (part->features & xsave_state_components()) - host.features;
  add.for_each([&](FeatureId id) { set_feature(host, id, true); });
  if (!add.empty())
    host.source += fmt::format("; XSAVE state components from its part {} (not visible in Linux's flags): {}",
                               part->name, join_names(add));
  return add;
}

bool HeldBack::only_switches() const {
  FeatureSet switchable;
  for (const FirmwareSwitch* s : switches) switchable |= s->features;
  return switchable.contains(missing);
}

HeldBack held_back(const std::vector<const CpuModel*>& hosts, const Catalog& catalog) {
  HeldBack h;
  std::vector<const CpuModel*> parts;
  for (const CpuModel* c : hosts) {
    const CpuModel* p = part_of(*c, catalog);
    if (!p) return h;  // a host of no known part: nothing to compare with
    parts.push_back(p);
  }
  h.part_mode = best_baseline(parts, catalog.baselines(), BaselineKind::evc);
  h.host_mode = best_baseline(hosts, catalog.baselines(), BaselineKind::evc);
  if (!h.part_mode) return h;
  for (const CpuModel* c : hosts) {
    const FeatureSet lacks = h.part_mode->features - c->migratable();
    if (lacks.empty()) continue;
    h.missing |= lacks;
    h.hosts.push_back(c->name);
  }
  h.switches = switches_meeting(h.missing);
  h.cost = h.part_mode->features - (h.host_mode ? h.host_mode->features : FeatureSet{});
  return h;
}

}  // namespace evcsim
