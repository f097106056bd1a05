// libFuzzer target: catalog files (textproto parsing and validation).
#include <cstdint>
#include <string>

#include "base/error.hpp"
#include "catalog/catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)evcsim::Catalog::load({{"fuzz.textproto", text}});
  } catch (const evcsim::InputError&) {
  }
  return 0;
}
