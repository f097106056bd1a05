#include "cpu/register_mask.hpp"

#include <cctype>

#include <fmt/format.h>

#include "base/error.hpp"

namespace evcsim {

static bool valid_letter(char c) {
  switch (c) {
    case '0':
    case '1':
    case 'R':
    case 'H':
    case 'T':
    case 'F':
    case 'X':
    case '-':
      return true;
    default:
      return false;
  }
}

RegisterMask RegisterMask::parse(std::string_view text) {
  RegisterMask m;
  int n = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    if (c == ' ' || c == ':' || c == '\t') continue;
    if (!valid_letter(c))
      throw InputError(fmt::format("mask '{}': character {} '{}' is not one of 0 1 R H T F X -", text, i + 1, text[i]),
                       "", 0, "mask");
    if (n == 32) throw InputError(fmt::format("mask '{}' has more than 32 letters", text), "", 0, "mask");
    m.letters_[static_cast<size_t>(n++)] = c;
  }
  if (n != 32)
    throw InputError(fmt::format("mask '{}' has {} letters; a register mask has 32", text, n), "", 0, "mask");
  return m;
}

void RegisterMask::set(int bit, char letter) { letters_[static_cast<size_t>(31 - bit)] = letter; }

bool RegisterMask::has_defaults() const {
  for (char c : letters_)
    if (c == '-') return true;
  return false;
}

std::string RegisterMask::str(char separator) const {
  std::string out;
  for (size_t i = 0; i < 32; ++i) {
    if (i > 0 && i % 4 == 0 && separator != '\0') out.push_back(separator);
    out.push_back(letters_[i]);
  }
  return out;
}

RegisterMask RegisterMask::overlay_on(const RegisterMask& base) const {
  RegisterMask out;
  for (size_t i = 0; i < 32; ++i) out.letters_[i] = letters_[i] == '-' ? base.letters_[i] : letters_[i];
  return out;
}

uint32_t RegisterMask::apply(uint32_t host_value) const {
  uint32_t out = 0;
  for (int bit = 0; bit < 32; ++bit) {
    uint32_t h = (host_value >> bit) & 1u, v = 0;
    switch (at(bit)) {
      case '1':
      case 'T':
        v = 1;
        break;
      case '0':
      case 'R':
      case 'F':
        v = 0;
        break;
      default:
        v = h;
        break;  // H, X, -
    }
    out |= v << bit;
  }
  return out;
}

std::vector<RegisterMask::Violation> RegisterMask::check(uint32_t a, uint32_t b) const {
  std::vector<Violation> out;
  for (int bit = 31; bit >= 0; --bit) {
    uint32_t x = (a >> bit) & 1u, y = (b >> bit) & 1u;
    char c = at(bit);
    std::string why;
    if ((c == 'R' || c == 'H' || c == '-') && x != y) why = "must be equal on both hosts";
    else if (c == 'T' && (x == 0 || y == 0)) why = "must be 1 on both hosts";
    else if (c == 'F' && (x == 1 || y == 1)) why = "must be 0 on both hosts";
    if (!why.empty()) out.push_back({bit, c, x, y, why});
  }
  return out;
}

RegisterMask synthesize_custom_mask(const RegisterMask& default_mask, uint32_t a, uint32_t b) {
  RegisterMask custom;
  for (const auto& v : default_mask.check(a, b)) custom.set(v.bit, '0');
  return custom;
}

}  // namespace evcsim
