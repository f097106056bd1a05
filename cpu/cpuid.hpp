// Raw CPUID register values of one logical processor.
//
// A CpuidDump maps (leaf, subleaf) to the four output registers. It records
// exactly what a dump, a catalog entry or an importer supplied; a leaf that is
// absent reads as zeros, as CPUID itself does above the maximum leaf on most
// parts. Nothing here knows feature names: see feature_registry.hpp.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace evcsim {

enum class Reg : uint8_t { eax = 0, ebx = 1, ecx = 2, edx = 3 };

std::string_view reg_name(Reg r);  // "eax", ...

struct CpuidKey {
  uint32_t leaf = 0;
  uint32_t subleaf = 0;
  auto operator<=>(const CpuidKey&) const = default;
};

struct Regs {
  std::array<uint32_t, 4> r{};  // eax, ebx, ecx, edx
  uint32_t& operator[](Reg x) { return r[static_cast<size_t>(x)]; }
  uint32_t operator[](Reg x) const { return r[static_cast<size_t>(x)]; }
  bool operator==(const Regs&) const = default;
};

// One register of one leaf: the unit that masks and reports talk about.
struct RegisterRef {
  uint32_t leaf = 0;
  uint32_t subleaf = 0;
  Reg reg = Reg::eax;
  auto operator<=>(const RegisterRef&) const = default;
};

// "CPUID level 0x1 register 'ecx'" (the vCenter wording); subleaf shown when non-zero.
std::string describe_register(const RegisterRef& r);
// "1:ecx", "7.0:ebx", "80000001:edx" -- the compact spelling of the CLI.
std::string short_register(const RegisterRef& r);
// Parses the compact spelling ("1:ecx", "0x7.1:eax", "81:edx" for 0x80000001).
// Throws InputError on a malformed spelling.
RegisterRef parse_register(std::string_view text);

class CpuidDump {
 public:
  void set(uint32_t leaf, uint32_t subleaf, const Regs& regs) { leaves_[{leaf, subleaf}] = regs; }
  bool has(uint32_t leaf, uint32_t subleaf = 0) const { return leaves_.count({leaf, subleaf}) != 0; }
  Regs get(uint32_t leaf, uint32_t subleaf = 0) const;
  uint32_t get(const RegisterRef& r) const { return get(r.leaf, r.subleaf)[r.reg]; }
  void set_register(const RegisterRef& r, uint32_t value);
  const std::map<CpuidKey, Regs>& leaves() const { return leaves_; }
  bool empty() const { return leaves_.empty(); }
  bool operator==(const CpuidDump&) const = default;

  // Derived identity, from leaves 0, 1 and 0x80000002..4.
  std::string vendor() const;  // "GenuineIntel", "AuthenticAMD", or "" when leaf 0 is absent
  uint32_t family() const;     // display family (base + extended)
  uint32_t model() const;      // display model (base + extended<<4 where applicable)
  uint32_t stepping() const;
  uint32_t signature() const { return get(1, 0)[Reg::eax]; }
  std::string brand() const;  // trimmed brand string, "" when absent

 private:
  std::map<CpuidKey, Regs> leaves_;
};

// The leaves the catalog keeps of a part: identity and every feature leaf.
bool is_kept_leaf(uint32_t leaf, uint32_t subleaf);

// "00000001.00 000006F7-00040800-0004E33D-BFEBFBFF": the catalog's line format.
std::string format_leaf_line(const CpuidKey& key, const Regs& regs);
// Leaf 0 of a part of `vendor` (12 characters) whose highest basic leaf is max_leaf.
Regs vendor_leaf(std::string_view vendor, uint32_t max_leaf = 0xD);
// Leaf 1 EAX for a display family, model and stepping (extended fields as
// Intel and AMD define them: family >= 0xF uses the extended family, family
// 6 and >= 0xF the extended model).
uint32_t signature_eax(uint32_t family, uint32_t model, uint32_t stepping);
// Parses one catalog line; throws InputError (without location: the caller adds it).
std::pair<CpuidKey, Regs> parse_leaf_line(std::string_view text);

}  // namespace evcsim
