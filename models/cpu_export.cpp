#include "models/cpu_export.hpp"

#include <fmt/format.h>

#include "models/error.hpp"
#include "models/feature_registry.hpp"
#include "models/register_mask.hpp"
#include "models/text_util.hpp"

namespace evcsim {

ExportFormat parse_export_format(std::string_view s) {
  if (iequals(s, "vmx")) return ExportFormat::vmx;
  if (iequals(s, "libvirt")) return ExportFormat::libvirt;
  if (iequals(s, "qemu")) return ExportFormat::qemu;
  throw InputError(fmt::format("'{}' is not one of vmx, libvirt, qemu", s), "", 0, "--as");
}

static std::string vmx_key(const RegisterRef& r) {
  std::string leaf = fmt::format("{:x}", r.leaf);
  if (r.subleaf != 0) return fmt::format("cpuid.{}.{}.{}", leaf, r.subleaf, reg_name(r.reg));
  return fmt::format("cpuid.{}.{}", leaf, reg_name(r.reg));
}

std::string export_baseline(const CpuModel& host, const Baseline& baseline, ExportFormat format) {
  Admission adm = check_admission(host, baseline);
  if (!adm.ok) throw InputError(fmt::format("cannot export {} on {}: {}", baseline.name, host.name, adm.reason));
  const FeatureSet& hide = adm.hidden;
  std::string out;
  switch (format) {
    case ExportFormat::vmx: {
      out += fmt::format("# {} on {}: hide {} feature(s)\n", baseline.name, host.name, hide.count());
      for (const auto& g : group_by_register(hide)) {
        RegisterMask m;
        for (const auto& name : g.names) m.set(feature_info(feature_id(name)).bit, '0');
        out += fmt::format("{} = \"{}\"\n", vmx_key(g.reg), m.str('\0'));
      }
      break;
    }
    case ExportFormat::libvirt: {
      out += fmt::format("<!-- {} on {} -->\n<cpu mode='host-model' check='partial'>\n", baseline.name, host.name);
      hide.for_each([&](FeatureId id) {
        out += fmt::format("  <feature policy='disable' name='{}'/>\n", feature_info(id).qemu_name());
      });
      out += "</cpu>\n";
      break;
    }
    case ExportFormat::qemu: {
      out += "-cpu host,migratable=on";
      hide.for_each([&](FeatureId id) { out += fmt::format(",-{}", feature_info(id).qemu_name()); });
      out += "\n";
      break;
    }
  }
  return out;
}

}  // namespace evcsim
