// The registry of named CPUID features, and decoding between raw registers
// and FeatureSets.
//
// Each feature is a bit at (leaf, subleaf, register, bit) as the Intel SDM and
// AMD APM define it, named in Linux /proc/cpuinfo spelling where Linux has a
// name (sse3 keeps libvirt's `pni` as an alias), with the QEMU/libvirt
// spelling for exports. Two properties drive every decision:
//  - user_visible: an application can use it (an instruction or state);
//    otherwise it is kernel-only (NX, SMEP, PCID, ...).
//  - migratable: a hypervisor can promise it on every host of a cluster.
//    Non-migratable bits (topology, power management, OS-enabled bits such as
//    OSXSAVE, microcode-dependent speculation controls, host-only VMX/SVM)
//    are decoded and shown but never take part in compatibility decisions.
// Leaf 6 gives only ARAT (the rest is power management); 0x12/0x14 (SGX, PT
// sub-leaves) are left out; 0x24 gives AVX10's vector lengths.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cpu/cpuid.hpp"
#include "cpu/feature_set.hpp"

namespace evcsim {

struct FeatureInfo {
  std::string_view name;  // Linux spelling, canonical
  uint32_t leaf;
  uint32_t subleaf;
  Reg reg;
  uint8_t bit;
  bool user_visible;
  bool migratable;
  std::string_view aliases;  // space separated (libvirt/QEMU/vendor spellings)
  std::string_view qemu;     // QEMU/libvirt property name ("" = same as name)

  RegisterRef where() const { return {leaf, subleaf, reg}; }
  std::string_view qemu_name() const { return qemu.empty() ? name : qemu; }
};

std::span<const FeatureInfo> all_features();
const FeatureInfo& feature_info(FeatureId id);

// Case-insensitive lookup by name or alias; '.', '-' and '_' are treated alike
// ("sse4.1", "SSE4_1" and "sse4-1" all name sse4_1).
std::optional<FeatureId> find_feature(std::string_view name);
// The same, throwing InputError naming the unknown feature.
FeatureId feature_id(std::string_view name);
// Parses names separated by commas and/or spaces.
FeatureSet parse_feature_list(std::string_view names);
FeatureSet make_feature_set(std::initializer_list<std::string_view> names);

// Features that take part in compatibility decisions / that applications see.
const FeatureSet& migratable_features();
const FeatureSet& user_visible_features();
// All registered features of one register.
FeatureSet features_in(const RegisterRef& r);
// The registers that hold registered features, in CPUID order.
std::span<const RegisterRef> feature_registers();

// Registered features whose bit is set in the dump.
FeatureSet decode(const CpuidDump& dump);
// Sets the bits of `features` in `dump` (clearing the registered bits not in
// it); bits the registry does not name are left as they were.
void encode(const FeatureSet& features, CpuidDump& dump);
// The raw value of register r holding exactly `features` (registered bits only).
uint32_t encode_register(const FeatureSet& features, const RegisterRef& r);

// Sorted feature names, and the same grouped per register in CPUID order.
std::vector<std::string> feature_names(const FeatureSet& s);
std::string join_names(const FeatureSet& s, std::string_view sep = ", ");
struct RegisterGroup {
  RegisterRef reg;
  std::vector<std::string> names;
};
std::vector<RegisterGroup> group_by_register(const FeatureSet& s);

// The XSAVE state components (CPUID.0xD.0:EAX) the features of `f` need:
// x87 and SSE state with xsave, AVX state with avx, the MPX registers with
// mpx, opmask and ZMM state with avx512f, PKRU with pku, the tile state with
// amx_tile. For descriptions without the components (/proc/cpuinfo, libvirt
// models), which the OS and the hypervisor derive from the features.
FeatureSet xsave_components_of(const FeatureSet& f);
// Every XSAVE state component feature (the bits of CPUID.0xD.0:EAX, xstate_*).
const FeatureSet& xsave_state_components();

// Features a guest OS must enable before software can use them (XSAVE state
// in XCR0: AVX, AVX-512, AMX, APX, MPX, LWP and the VEX/EVEX instructions
// that need it; CR4 bits: OSXSAVE, FSGSBASE, PKE, UMIP). An OS enables only
// what its CPUID view shows, so software that probes by executing finds
// these only when the guest view has them. SSE4.x, AES-NI, POPCNT,
// PCLMULQDQ, SHA, GFNI (legacy encoding) and BMI need no enabling.
const FeatureSet& os_enabled_features();

// The features whose availability to VMs the time series follow.
const std::vector<std::string>& notable_features();

}  // namespace evcsim
