// libFuzzer target: VMware mask strings and register spellings.
#include <cstdint>
#include <cstring>
#include <string>

#include "base/error.hpp"
#include "cpu/cpuid.hpp"
#include "cpu/register_mask.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto m = evcsim::RegisterMask::parse(text);
    uint32_t a = 0x641d, b = 0x4400;
    if (size >= 8) std::memcpy(&a, data, 4), std::memcpy(&b, data + 4, 4);
    (void)m.apply(a);
    (void)m.check(a, b);
    if (!m.has_defaults()) (void)evcsim::synthesize_custom_mask(m, a, b).str();
    (void)evcsim::RegisterMask::parse(m.str(':'));
  } catch (const evcsim::InputError&) {
  }
  try {
    (void)evcsim::parse_register(text);
  } catch (const evcsim::InputError&) {
  }
  try {
    (void)evcsim::parse_leaf_line(text);
  } catch (const evcsim::InputError&) {
  }
  return 0;
}
