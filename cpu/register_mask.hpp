// VMware CPUID register masks: 32 letters, bit 31 first.
//
// Letters, as the vSphere API documents them:
//   1 / 0  the guest sees 1 / 0 (no check)
//   R      the guest sees 0; for VMotion the real value must match on both hosts
//   H      the guest sees the host's value; it must match on both hosts
//   T / F  the guest requires 1 / 0: power-on host and destination must have it
//   X      unused by the guest: it sees the host's value, nothing is checked
//   -      (a VM's own mask only) take the default mask's letter
// Parsing accepts either case, spaces or colons between nibbles (or none).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace evcsim {

class RegisterMask {
 public:
  // All '-' (a custom mask that changes nothing).
  RegisterMask() { letters_.fill('-'); }
  // Throws InputError saying which character (1-based column) is wrong.
  static RegisterMask parse(std::string_view text);

  char at(int bit) const { return letters_[static_cast<size_t>(31 - bit)]; }
  void set(int bit, char letter);  // REQUIRES: letter is one of 01RHTFX-
  bool has_defaults() const;       // any '-'

  // "RRRR RRRR ..." (groups of four), or with ':' between groups, or none.
  std::string str(char separator = ' ') const;

  // Overlays this (custom) mask on `base`: where this is '-', base's letter.
  RegisterMask overlay_on(const RegisterMask& base) const;
  // What the guest reads for a host register value. '-' reads as 'H'.
  uint32_t apply(uint32_t host_value) const;

  struct Violation {
    int bit;
    char letter;
    uint32_t a_bit, b_bit;
    std::string why;
  };
  // Checks two hosts' values under this mask (a VMotion between them, either way).
  std::vector<Violation> check(uint32_t a, uint32_t b) const;

  bool operator==(const RegisterMask&) const = default;

 private:
  std::array<char, 32> letters_;
};

// The minimal custom mask (only the failing bits set, to '0') that lets two
// hosts with register values a and b pass `default_mask`. All '-' when they
// already pass.
RegisterMask synthesize_custom_mask(const RegisterMask& default_mask, uint32_t a, uint32_t b);

}  // namespace evcsim
