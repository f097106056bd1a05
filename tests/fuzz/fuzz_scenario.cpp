// libFuzzer target: scenario files (textproto parsing and validation).
#include <cstdint>
#include <string>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    (void)evcsim::parse_scenario(text, "/nonexistent/fuzz.textproto", evcsim::Catalog::builtin());
  } catch (const evcsim::InputError&) {
  }
  return 0;
}
