#include "cpu/cpu_model.hpp"

#include <fmt/format.h>

#include "cpu/feature_registry.hpp"

namespace evcsim {

std::string_view masking_name(Masking m) {
  switch (m) {
    case Masking::none:
      return "none";
    case Masking::flexmigration:
      return "Intel FlexMigration";
    case Masking::extended_migration:
      return "AMD-V Extended Migration";
  }
  return "none";
}

FeatureSet CpuModel::migratable() const { return features & (migratable_features() | compared); }

std::string CpuModel::describe() const {
  std::string what = family_name.empty() ? cpuid.brand() : family_name;
  std::string head = code_name.empty() ? name : code_name;
  return fmt::format("{} ({}{}family {} model {} stepping {})", head, what, what.empty() ? "" : ", ", cpuid.family(),
                     cpuid.model(), cpuid.stepping());
}

CpuModel make_cpu_model(std::string name, CpuidDump dump) {
  CpuModel m;
  m.name = std::move(name);
  m.features = decode(dump);
  m.vendor_id = dump.vendor();
  m.cpuid = std::move(dump);
  return m;
}

void set_feature(CpuModel& m, FeatureId id, bool on) {
  const FeatureInfo& f = feature_info(id);
  const uint32_t v = m.cpuid.get(f.where());
  m.cpuid.set_register(f.where(), on ? v | (uint32_t{1} << f.bit) : v & ~(uint32_t{1} << f.bit));
  if (on) m.features.set(id);
  else m.features.reset(id);
}

bool is_intel(const std::string& vendor) { return vendor == "GenuineIntel"; }
bool is_amd(const std::string& vendor) { return vendor == "AuthenticAMD"; }
bool is_hygon(const std::string& vendor) { return vendor == "HygonGenuine"; }
bool is_amd_like(const std::string& vendor) { return is_amd(vendor) || is_hygon(vendor); }

}  // namespace evcsim
