#include "interop/hypervisor_names.hpp"

#include <array>

#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

struct Spelling {
  std::string_view feature, qemu, libvirt;  // "" = the tool has no such flag
};

// Only the migratable features whose spelling is not the registry's QEMU
// name in both tools (the exports hide migratable features only).
constexpr Spelling kSpellings[] = {
    {"pclmulqdq", "pclmulqdq", "pclmuldq"},
    {"tsc_adjust", "tsc-adjust", "tsc_adjust"},
    {"fxsr_opt", "fxsr-opt", "fxsr_opt"},
    {"lahf_lm", "lahf-lm", "lahf_lm"},
    // Newer than QEMU 7.2 and libvirt 9.0, or never given a flag there.
    {"prefetchwt1", "", ""},
    {"shstk", "", ""},
    {"ibt", "", ""},
    {"uintr", "", ""},
    {"sha512", "", ""},
    {"sm3", "", ""},
    {"sm4", "", ""},
    {"rao_int", "", ""},
    {"lass", "", ""},
    {"cmpccxadd", "", ""},
    {"fzrm", "", ""},
    {"fsrs", "", ""},
    {"fsrc", "", ""},
    {"fred", "", ""},
    {"lkgs", "", ""},
    {"wrmsrns", "", ""},
    {"amx_fp16", "", ""},
    {"avx_ifma", "", ""},
    {"lam", "", ""},
    {"msrlist", "", ""},
    {"avx_vnni_int8", "", ""},
    {"avx_ne_convert", "", ""},
    {"amx_complex", "", ""},
    {"avx_vnni_int16", "", ""},
    {"prefetchiti", "", ""},
    {"user_msr", "", ""},
    {"avx10", "", ""},
    {"avx10_128", "", ""},
    {"avx10_256", "", ""},
    {"avx10_512", "", ""},
    {"apx_f", "", ""},
    {"no_nested_data_bp", "", ""},
    {"lfence_always_serializing", "", ""},
    {"null_sel_clr_base", "", ""},
    {"invlpgb", "", ""},
    {"rdpru", "", ""},
    {"mcommit", "", ""},
};

// Where libvirt's model (cpu_map/x86_NAME.xml of libvirt 9.0) differs from
// QEMU 7.2's expansion of the same name, over evcsim's migratable features.
struct LibvirtModel {
  std::string_view name, extra, lacks;
};
constexpr LibvirtModel kLibvirtModels[] = {
    {"Westmere", "", "arat pclmulqdq"},
    {"SandyBridge", "", "arat xsaveopt"},
    {"IvyBridge", "vme", "arat xsaveopt"},
    {"Haswell-noTSX", "", "abm arat f16c rdrand xsaveopt"},
    {"Broadwell-noTSX", "", "abm arat f16c rdrand xsaveopt"},
    {"Skylake-Server-noTSX-IBRS", "mpx vme", "pku"},
    {"Cascadelake-Server-noTSX", "mpx vme", "pku"},
    {"Icelake-Server-noTSX", "mpx vme", ""},
    {"Opteron_G2", "rdtscp", ""},
    {"EPYC", "vme", ""},
    {"EPYC-Rome", "vme", "xsaves"},
    {"EPYC-Milan", "vme", ""},
};

}  // namespace

std::string_view hypervisor_spelling(FeatureId id, Hypervisor h) {
  if (xsave_state_components().test(id)) return "";
  const FeatureInfo& f = feature_info(id);
  for (const Spelling& s : kSpellings)
    if (s.feature == f.name) return h == Hypervisor::qemu ? s.qemu : s.libvirt;
  return f.qemu_name();
}

// libvirt 9.0 names QEMU's models without their versions (-v5).
bool versioned(std::string_view name) {
  auto v = name.rfind("-v");
  return v != std::string_view::npos && v + 2 < name.size() &&
         name.find_first_not_of("0123456789", v + 2) == std::string_view::npos;
}

const Baseline* closest_named_model(const Baseline& b, const Catalog& catalog, Hypervisor h) {
  // Below b with the most features; when none is below, the one with the
  // fewest features b lacks (they are disabled), then the most in common.
  const Baseline* best = nullptr;
  auto key = [&](const Baseline& m) {
    return std::make_pair(-static_cast<int>((m.features - b.features).count()),
                          static_cast<int>((m.features & b.features).count()));
  };
  for (const Baseline& m : catalog.baselines()) {
    if (m.kind != BaselineKind::model || (h == Hypervisor::libvirt && versioned(m.name))) continue;
    if (!b.vendor.empty() && m.vendor != b.vendor) continue;
    if (!best || key(m) > key(*best)) best = &m;
  }
  return best;
}

const Baseline* nearest_named_model(const FeatureSet& host, const std::string& vendor, const Catalog& catalog,
                                    Hypervisor h) {
  const Baseline* best = nullptr;
  auto key = [&](const Baseline& m) {
    return std::make_pair(-static_cast<int>((m.features - host).count() + (host - m.features).count()),
                          static_cast<int>((m.features & host).count()));
  };
  for (const Baseline& m : catalog.baselines()) {
    if (m.kind != BaselineKind::model || (h == Hypervisor::libvirt && versioned(m.name)) || m.vendor != vendor)
      continue;
    if (!best || key(m) > key(*best)) best = &m;
  }
  return best;
}

FeatureSet libvirt_model_features(const Baseline& qemu_model) {
  FeatureSet f = qemu_model.features;
  for (const LibvirtModel& m : kLibvirtModels)
    if (m.name == qemu_model.name) f = (f - parse_feature_list(m.lacks)) | parse_feature_list(m.extra);
  return f;
}

}  // namespace evcsim
