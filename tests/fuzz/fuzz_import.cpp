// libFuzzer target: the dump importers (format detection, AIDA64/EVEREST,
// cpuid -r, /proc/cpuinfo, VMware register lines). Bad input must end in
// InputError, never a crash.
#include <cstdint>
#include <string>

#include "base/error.hpp"
#include "cpu/feature_registry.hpp"
#include "interop/importers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    evcsim::ImportResult r = evcsim::import_dump(text, "fuzz");
    for (const auto& cpu : r.cpus) (void)evcsim::decode(cpu).count();
    (void)evcsim::model_from_import(r, "fuzz");
  } catch (const evcsim::InputError&) {
  }
  return 0;
}
