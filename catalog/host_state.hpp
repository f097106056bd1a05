// A host is a catalog part plus its state (issue 22): the part gives the
// CPUID a host of that family, model and stepping is expected to report;
// what the host's firmware, microcode or OS turned off (TSX, AES-NI) or
// added shows as the difference. held_back() tells when that difference,
// not the hardware's generation, decides the EVC mode a set of hosts gets.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "cpu/firmware_switch.hpp"

namespace evcsim {

// The catalog part of the host's vendor, family and model: of those, the
// one with the highest stepping at or below the host's (Cooper Lake's
// stepping 11 is a Cascade Lake-SP part), else the lowest. nullptr when the
// catalog has no part of that family and model.
const CpuModel* part_of(const CpuModel& host, const Catalog& catalog);

// What a host reports against its part: migratable features it lacks and has beyond.
struct PartDifference {
  const CpuModel* part = nullptr;
  FeatureSet lacks, adds;
  std::vector<const FirmwareSwitch*> switches;  // switches that explain (some of) `lacks`
  // "lacks hle, rtm (TSX (hle, rtm) off ...)", "" when it reports what its part does.
  std::string describe() const;
};
PartDifference difference_from_part(const CpuModel& host, const Catalog& catalog);

// Marks what a host read from a dump turned off against its part: the
// features its part has and a firmware switch turns off (TSX, AES-NI) go to
// `turned_off`, the difference in words to `state`.
void mark_state_from_part(CpuModel& host, const Catalog& catalog);

// /proc/cpuinfo cannot show every XSAVE state component (Rome reports the
// PKRU component, CPUID 0xD.0 EAX bit 9, without PKU, so no flag shows it):
// a host with XSAVE gets the components its part reports, and its source
// says so. Returns what was added.
FeatureSet add_xsave_components_from_part(CpuModel& host, const Catalog& catalog);

// A host of a part with its state as a scenario or inventory declares it:
// the named switches turned off ("tsx"), features disabled and added
// (microcode or hypervisor updates: "md_clear", "spec_ctrl"). The CPUID
// leaves change with the features. Throws InputError naming the unknown
// switch or feature (the caller adds file and line).
CpuModel with_state(const CpuModel& part, const std::vector<std::string>& switches_off,
                    const std::vector<std::string>& disable, const std::vector<std::string>& add);

// Hosts whose best EVC mode is below the mode their parts join together.
struct HeldBack {
  std::optional<Baseline> part_mode;  // the best EVC mode of the hosts' parts
  std::optional<Baseline> host_mode;  // the best EVC mode of the hosts as they are
  FeatureSet missing;                 // part_mode's features some host lacks
  std::vector<std::string> hosts;     // the hosts that lack them
  std::vector<const FirmwareSwitch*> switches;
  FeatureSet cost;  // what host_mode hides that part_mode would present
  bool held() const { return part_mode && !missing.empty(); }
  // Whether every missing feature is one a switch turns off.
  bool only_switches() const;
};
HeldBack held_back(const std::vector<const CpuModel*>& hosts, const Catalog& catalog);

}  // namespace evcsim
