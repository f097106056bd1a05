#include "cpu/firmware_switch.hpp"

#include "cpu/feature_registry.hpp"

namespace evcsim {

const std::vector<FirmwareSwitch>& firmware_switches() {
  static const std::vector<FirmwareSwitch> switches = {
      {"tsx", "TSX (hle, rtm)", make_feature_set({"hle", "rtm"}),
       "Intel's microcode updates of 2019-2021 disable TSX by default on many parts (Intel article 000059422, "
       "RTM_ALWAYS_ABORT), Linux's default is tsx=off on parts affected by TAA (CONFIG_X86_INTEL_TSX_MODE_OFF; "
       "Documentation/admin-guide/kernel-parameters.txt, tsx=), and Linux 5.14+ clears HLE/RTM when TSX always "
       "aborts (commit 293649307ef9); some firmware offers a TSX setting",
       "Intel 000059422; Linux tsx= documentation; Linux commit 293649307ef9"},
      {"aes", "AES-NI (aes, pclmulqdq)", make_feature_set({"aes", "pclmulqdq"}),
       "export rules and some OEM BIOS defaults disable AES-NI; VMware names such hosts as lacking AES or "
       "PCLMULQDQ for the Westmere and later EVC modes and asks that the BIOS feature be enabled",
       "VMware KB 1034926 (Broadcom 301390); EVC FAQ KB 1005764/313545"},
  };
  return switches;
}

const FirmwareSwitch* find_firmware_switch(std::string_view name) {
  for (const auto& s : firmware_switches())
    if (s.name == name) return &s;
  return nullptr;
}

std::vector<const FirmwareSwitch*> switches_meeting(const FeatureSet& missing) {
  std::vector<const FirmwareSwitch*> out;
  for (const auto& s : firmware_switches())
    if (s.features.intersects(missing)) out.push_back(&s);
  return out;
}

}  // namespace evcsim
