#include "interop/cpu_export.hpp"

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "catalog/host_state.hpp"
#include "cpu/feature_registry.hpp"
#include "cpu/register_mask.hpp"
#include "interop/hypervisor_names.hpp"

namespace evcsim {

ExportFormat parse_export_format(std::string_view s) {
  if (iequals(s, "vmx")) return ExportFormat::vmx;
  if (iequals(s, "libvirt")) return ExportFormat::libvirt;
  if (iequals(s, "qemu")) return ExportFormat::qemu;
  if (iequals(s, "libvirt-features")) return ExportFormat::libvirt_features;
  throw InputError(fmt::format("'{}' is not one of vmx, libvirt, qemu, libvirt-features", s), "", 0, "--as");
}

namespace {

std::string vmx_key(const RegisterRef& r) {
  std::string leaf = fmt::format("{:x}", r.leaf);
  if (r.subleaf != 0) return fmt::format("cpuid.{}.{}.{}", leaf, r.subleaf, reg_name(r.reg));
  return fmt::format("cpuid.{}.{}", leaf, reg_name(r.reg));
}

// VMware's per-VM feature names: upper case without separators (SSE41, AVX512F).
std::string vmware_name(std::string_view feature) {
  std::string out;
  for (char c : feature)
    if (c != '_' && c != '.' && c != '-') out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// The features of `s` the tool can name, and those it cannot (for a comment).
struct Spelled {
  std::vector<std::string> names, unknown;
  bool xsave = false;  // some of the unknown are XSAVE state components
};
Spelled spell(const FeatureSet& s, Hypervisor h) {
  Spelled out;
  s.for_each([&](FeatureId id) {
    std::string_view n = hypervisor_spelling(id, h);
    if (n.empty()) out.unknown.emplace_back(feature_info(id).name);
    else out.names.emplace_back(n);
    out.xsave = out.xsave || xsave_state_components().test(id);
  });
  return out;
}

std::string left_out(const Spelled& s, std::string_view tool) {
  if (s.unknown.empty()) return "";
  return fmt::format("{} has no flag for {} (left out{})", tool, fmt::join(s.unknown, ", "),
                     s.xsave ? "; it derives the XSAVE state components from the features" : "");
}

const char* libvirt_vendor(const std::string& vendor) {
  return is_hygon(vendor) ? "Hygon" : is_amd(vendor) ? "AMD" : "Intel";
}

constexpr const char* kHostModel = "host-model";

// The named model the export starts from, for the host's vendor.
const Baseline& start_model(const CpuModel& host, const Baseline& baseline, const Catalog& catalog, Hypervisor h) {
  Baseline b = baseline;
  if (b.vendor.empty()) b.vendor = host.vendor();
  const Baseline* m = baseline.name == kHostModel ? nearest_named_model(b.features, b.vendor, catalog, h)
                                                  : closest_named_model(b, catalog, h);
  if (!m) throw InputError(fmt::format("the catalog has no QEMU/libvirt named model of {}", host.vendor()));
  return *m;
}

// Generations whose own QEMU/libvirt model came after QEMU 7.2 (Debian 12's):
// the export starts from the nearest model 7.2 has and says so. Versions
// from QEMU's target/i386/cpu.c history as libvirt's recorded QEMU
// capabilities show it (tests/cputestdata, qemucapabilitiesdata): EPYC-Genoa
// and GraniteRapids came with QEMU 8.1, SapphireRapids with 8.0,
// SierraForest with 9.1 (notes in docs/fidelity.md).
struct LaterModel {
  const char* part;
  const char* model;
  const char* qemu;
};
constexpr LaterModel kLaterModels[] = {
    {"sapphirerapids", "SapphireRapids", "8.0"},
    {"emeraldrapids", "SapphireRapids", "8.0"},
    {"graniterapids", "GraniteRapids", "8.1"},
    {"genoa", "EPYC-Genoa", "8.1"},
    {"bergamo", "EPYC-Genoa", "8.1"},
};

std::string later_model_note(const CpuModel& host, const Catalog& catalog, const Baseline& start) {
  const CpuModel* part = part_of(host, catalog);
  if (!part) return "";
  for (const LaterModel& l : kLaterModels)
    if (part->name == l.part)
      return fmt::format(
          "QEMU 7.2 (Debian 12) has no {} model, the one of this host's generation ({}; QEMU {} "
          "and later have it): starting from the nearest it has, {}",
          l.model, part->name, l.qemu, start.name);
  return "";
}

}  // namespace

Baseline host_model_baseline(const CpuModel& host) {
  Baseline b;
  b.name = kHostModel;
  b.kind = BaselineKind::model;
  b.vendor = host.vendor();
  b.label = fmt::format("{} as it is", host.name);
  b.features = host.migratable();
  return b;
}

std::string export_baseline(const CpuModel& host, const Baseline& baseline, ExportFormat format,
                            const Catalog& catalog) {
  Admission adm = check_admission(host, baseline);
  if (!adm.ok) throw InputError(fmt::format("cannot export {} on {}: {}", baseline.name, host.name, adm.reason));
  const FeatureSet& hide = adm.hidden;
  std::string out;
  switch (format) {
    case ExportFormat::vmx: {
      out += fmt::format("# {} on {}: hide {} feature(s)\n", baseline.name, host.name, hide.count());
      out += "# Legacy CPUID masks (any hardware version):\n";
      for (const auto& g : group_by_register(hide)) {
        RegisterMask m;
        for (const auto& name : g.names) m.set(feature_info(feature_id(name)).bit, '0');
        out += fmt::format("{} = \"{}\"\n", vmx_key(g.reg), m.str('\0'));
      }
      out += "# Per-VM EVC (hardware version 14 and later), the same features:\n";
      (hide - xsave_state_components()).for_each([&](FeatureId id) {  // the components follow from the features
        out += fmt::format("featMask.vm.cpuid.{} = \"Max:0\"\n", vmware_name(feature_info(id).name));
      });
      break;
    }
    case ExportFormat::libvirt: {
      const Baseline& model = start_model(host, baseline, catalog, Hypervisor::libvirt);
      const FeatureSet has = libvirt_model_features(model);
      Spelled add = spell(baseline.features - has, Hypervisor::libvirt);
      Spelled drop = spell(has - baseline.features, Hypervisor::libvirt);
      out += fmt::format("<!-- {} on {}: libvirt's {} model plus {} feature(s), minus {} -->\n", baseline.name,
                         host.name, model.name, add.names.size(), drop.names.size());
      if (auto note = left_out(add, "libvirt"); !note.empty()) out += fmt::format("<!-- {} -->\n", note);
      if (auto note = later_model_note(host, catalog, model); !note.empty()) out += fmt::format("<!-- {} -->\n", note);
      out += "<cpu mode='custom' match='exact' check='partial'>\n";
      out += fmt::format("  <model fallback='forbid'>{}</model>\n", model.name);
      out += fmt::format("  <vendor>{}</vendor>\n", libvirt_vendor(host.vendor()));
      for (const auto& n : add.names) out += fmt::format("  <feature policy='require' name='{}'/>\n", n);
      for (const auto& n : drop.names) out += fmt::format("  <feature policy='disable' name='{}'/>\n", n);
      out += "</cpu>\n";
      break;
    }
    case ExportFormat::qemu: {
      const Baseline& model = start_model(host, baseline, catalog, Hypervisor::qemu);
      Spelled add = spell(baseline.features - model.features, Hypervisor::qemu);
      Spelled drop = spell(model.features - baseline.features, Hypervisor::qemu);
      if (auto note = left_out(add, "QEMU"); !note.empty()) out += fmt::format("# {}\n", note);
      if (auto note = later_model_note(host, catalog, model); !note.empty()) out += fmt::format("# {}\n", note);
      out += "-cpu " + model.name;
      for (const auto& n : add.names) out += ",+" + n;
      for (const auto& n : drop.names) out += ",-" + n;
      out += ",enforce\n";
      break;
    }
    case ExportFormat::libvirt_features: {
      for (const auto& n : spell(baseline.features, Hypervisor::libvirt).names) out += n + "\n";
      break;
    }
  }
  return out;
}

}  // namespace evcsim
