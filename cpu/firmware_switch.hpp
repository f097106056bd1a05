// What firmware, microcode or the host OS turn off on parts that have the
// feature: a host's CPUID is its part's minus these (issue 22). Each switch
// names the features it hides, why hosts ship that way and the source, so a
// refusal can say "TSX is off" instead of only "lacks hle, rtm".
#pragma once

#include <string_view>
#include <vector>

#include "cpu/feature_set.hpp"

namespace evcsim {

struct FirmwareSwitch {
  std::string_view name;    // "tsx": the key of a scenario host's `firmware { tsx: off }`
  std::string_view label;   // "TSX (hle, rtm)"
  FeatureSet features;      // what turning it off hides
  std::string_view why;     // who turns it off and how to turn it back on
  std::string_view source;  // where that is written
};

const std::vector<FirmwareSwitch>& firmware_switches();
// nullptr when no switch has that name.
const FirmwareSwitch* find_firmware_switch(std::string_view name);
// The switches whose features meet `missing`: what a host that lacks them
// most likely has turned off.
std::vector<const FirmwareSwitch*> switches_meeting(const FeatureSet& missing);

}  // namespace evcsim
