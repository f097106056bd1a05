#include "interop/importers_libvirt.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "catalog/catalog.hpp"
#include "cpu/feature_registry.hpp"
#include "interop/hypervisor_names.hpp"

namespace evcsim {
namespace {

// Just enough XML for libvirt's CPU descriptions: elements by name with their
// attributes, text and line; no entities beyond the five predefined ones.
struct Element {
  std::map<std::string, std::string> attrs;
  std::string text;  // up to the closing tag, for <model>Name</model>
  size_t at = 0;     // offset of '<'
  int line = 0;
};

int line_at(std::string_view s, size_t at) {
  return 1 + static_cast<int>(std::count(s.begin(), s.begin() + static_cast<ptrdiff_t>(std::min(at, s.size())), '\n'));
}

// Line numbers of increasing offsets in one pass: counting from the start
// for each element made reading a large file quadratic (2.8 MB: over 60 s).
class LineCounter {
 public:
  explicit LineCounter(std::string_view s) : s_(s) {}
  int at(size_t offset) {
    offset = std::min(offset, s_.size());
    if (offset < pos_) pos_ = 0, line_ = 1;
    line_ += static_cast<int>(
        std::count(s_.begin() + static_cast<ptrdiff_t>(pos_), s_.begin() + static_cast<ptrdiff_t>(offset), '\n'));
    pos_ = offset;
    return line_;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  int line_ = 1;
};

std::vector<Element> elements(std::string_view s, std::string_view name, size_t from = 0,
                              size_t to = std::string_view::npos, const std::string& file = "") {
  std::vector<Element> out;
  std::string open(1, '<');
  open += name;
  to = std::min(to, s.size());
  LineCounter lines(s);
  for (size_t at = s.find(open, from); at != std::string_view::npos && at < to; at = s.find(open, at + 1)) {
    size_t after = at + open.size();
    if (after >= s.size() || !(s[after] == ' ' || s[after] == '>' || s[after] == '/' || s[after] == '\n')) continue;
    size_t end = s.find('>', after);
    if (end == std::string_view::npos)
      throw InputError(fmt::format("<{} is not closed", name), file, lines.at(at), std::string(name));
    Element e;
    e.at = at;
    e.line = lines.at(at);
    std::string_view inside = s.substr(after, end - after);
    for (size_t i = 0; i < inside.size();) {
      while (i < inside.size() && (std::isspace(static_cast<unsigned char>(inside[i])) || inside[i] == '/')) ++i;
      size_t eq = inside.find('=', i);
      if (i >= inside.size() || eq == std::string_view::npos) break;
      std::string key(trim(inside.substr(i, eq - i)));
      size_t q = eq + 1;
      if (q >= inside.size() || (inside[q] != '\'' && inside[q] != '"'))
        throw InputError(fmt::format("attribute {} has no quoted value", key), file, e.line, key);
      size_t close = inside.find(inside[q], q + 1);
      if (close == std::string_view::npos)
        throw InputError(fmt::format("attribute {} is not closed", key), file, e.line, key);
      e.attrs[key] = std::string(inside.substr(q + 1, close - q - 1));
      i = close + 1;
    }
    if (s[end - 1] != '/') {
      // The text runs to the next tag; it is the element's only if that tag
      // closes it (bounded: searching the whole rest for a closing tag that
      // is not there was quadratic too).
      size_t next = s.find('<', end);
      std::string closing("</");
      closing += name;
      if (next != std::string_view::npos && s.substr(next).starts_with(closing))
        e.text = std::string(trim(s.substr(end + 1, next - end - 1)));
    }
    out.push_back(std::move(e));
  }
  return out;
}

uint32_t hex_attr(const Element& e, const char* key, const std::string& file) {
  auto it = e.attrs.find(key);
  if (it == e.attrs.end())
    throw InputError(fmt::format("<cpuid> lacks {}= (a truncated line?)", key), file, e.line, key);
  std::string_view v = it->second;
  if (starts_with_ci(v, "0x")) v.remove_prefix(2);
  auto n = v.size() <= 8 ? parse_hex32(std::string(8 - v.size(), '0') + std::string(v)) : std::nullopt;
  if (!n) throw InputError(fmt::format("{}='{}' is not a 32-bit hex number", key, it->second), file, e.line, key);
  return *n;
}

ImportResult import_cpudata(std::string_view s, const std::string& file) {
  ImportResult r;
  r.format = DumpFormat::libvirt_cpuid;
  CpuidDump dump;
  for (const Element& e : elements(s, "cpuid", 0, std::string_view::npos, file)) {
    Regs regs;
    regs[Reg::eax] = hex_attr(e, "eax", file);
    regs[Reg::ebx] = hex_attr(e, "ebx", file);
    regs[Reg::ecx] = hex_attr(e, "ecx", file);
    regs[Reg::edx] = hex_attr(e, "edx", file);
    dump.set(hex_attr(e, "eax_in", file), e.attrs.count("ecx_in") ? hex_attr(e, "ecx_in", file) : 0, regs);
  }
  if (!dump.has(0) || !dump.has(1))
    throw InputError("the CPUID data has no leaf 0x0 or 0x1 (is it truncated?)", file, line_at(s, s.size()), "cpuid");
  r.cpus.push_back(std::move(dump));
  return r;
}

// A libvirt feature name (pclmuldq, tsc-deadline, sse4.1, cr8legacy, ...).
std::optional<FeatureId> libvirt_feature(std::string_view name) {
  const auto all = all_features();
  for (size_t i = 0; i < all.size(); ++i) {
    const auto id = static_cast<FeatureId>(i);
    if (hypervisor_spelling(id, Hypervisor::libvirt) == name || all[i].qemu_name() == name) return id;
  }
  return find_feature(name);
}

// A libvirt model name as features: the catalog's model, or libvirt's
// -IBRS / -IBPB variant of one, or a name whose -noTSX twin is one.
FeatureSet model_features(const Element& model, const std::string& vendor, const std::string& file) {
  const Catalog& cat = Catalog::builtin();
  std::string name = model.text, base = name;
  FeatureSet extra;
  for (auto [suffix, bit] :
       {std::pair{"-IBRS", is_amd_like(vendor) ? "amd_ibrs" : "spec_ctrl"}, std::pair{"-IBPB", "amd_ibpb"}}) {
    if (base.size() > std::string_view(suffix).size() && base.ends_with(suffix)) {
      base.resize(base.size() - std::string_view(suffix).size());
      extra.set(feature_id(bit));
    }
  }
  auto find = [&](const std::string& n) -> const Baseline* {
    const Baseline* b = cat.find_baseline(n);
    return b && b->kind == BaselineKind::model ? b : nullptr;
  };
  const Baseline* m = find(base);
  if (!m)
    for (const char* notsx : {"-noTSX", "-noTSX-IBRS"})
      if ((m = find(base + notsx))) extra |= make_feature_set({"hle", "rtm"});
  if (!m) {
    std::vector<std::string> known;
    for (const Baseline& b : cat.baselines())
      if (b.kind == BaselineKind::model) known.push_back(b.name);
    throw InputError(fmt::format("unknown CPU model '{}'; evcsim knows {} (nearest: {})", name, fmt::join(known, ", "),
                                 fmt::join(nearest_names(name, known), ", ")),
                     file, model.line, "model");
  }
  return libvirt_model_features(*m) | extra;
}

// The signature of the built-in CPU of that vendor whose migratable features
// are nearest to `f`.
const CpuModel& nearest_catalog_cpu(const FeatureSet& f, const std::string& vendor) {
  const CpuModel* best = nullptr;
  size_t best_diff = 0;
  for (const CpuModel& c : Catalog::builtin().cpus()) {
    if (c.vendor() != vendor) continue;
    size_t diff = ((c.migratable() - f) | ((f & migratable_features()) - c.migratable())).count();
    if (!best || diff < best_diff) best = &c, best_diff = diff;
  }
  return *best;
}

ImportResult import_model_cpu(std::string_view s, size_t from, size_t to, DumpFormat format, const std::string& file) {
  ImportResult r;
  r.format = format;
  auto models = elements(s, "model", from, to, file);
  auto vendors = elements(s, "vendor", from, to, file);
  if (models.empty()) throw InputError("the CPU has no <model>", file, line_at(s, from), "model");
  if (vendors.empty()) throw InputError("the CPU has no <vendor>", file, line_at(s, from), "vendor");
  const std::string vendor = vendors[0].text == "AMD"     ? "AuthenticAMD"
                             : vendors[0].text == "Intel" ? "GenuineIntel"
                             : vendors[0].text == "Hygon" ? "HygonGenuine"
                                                          : "";
  if (vendor.empty())
    throw InputError(fmt::format("vendor '{}' is not Intel, AMD or Hygon", vendors[0].text), file, vendors[0].line,
                     "vendor");
  FeatureSet f = model_features(models[0], vendor, file);
  std::vector<std::string> unknown;
  for (const Element& e : elements(s, "feature", from, to, file)) {
    auto name = e.attrs.count("name") ? e.attrs.at("name") : "";
    auto id = libvirt_feature(name);
    if (!id) {
      unknown.push_back(name);
      continue;
    }
    auto policy = e.attrs.count("policy") ? e.attrs.at("policy") : "require";
    if (policy == "disable" || policy == "forbid") f.reset(*id);
    else f.set(*id);
  }
  f |= xsave_components_of(f);
  CpuidDump dump;
  dump.set(0, 0, vendor_leaf(vendor));
  auto sig = elements(s, "signature", from, to, file);
  Regs r1;
  if (!sig.empty() && sig[0].attrs.count("family") && sig[0].attrs.count("model")) {
    auto num = [&](const char* k) {
      auto v = sig[0].attrs.count(k) ? parse_uint(sig[0].attrs.at(k)) : std::optional<uint64_t>(0);
      if (!v || *v > 0xFFF) throw InputError(fmt::format("{} is not a number", k), file, sig[0].line, k);
      return static_cast<uint32_t>(*v);
    };
    r1[Reg::eax] = signature_eax(num("family"), num("model"), num("stepping"));
  } else {
    const CpuModel& near = nearest_catalog_cpu(f, vendor);
    r1[Reg::eax] = near.cpuid.get(1)[Reg::eax];
    r.notes.push_back(fmt::format("no <signature>: family and model of the nearest catalog CPU, {}", near.name));
  }
  dump.set(1, 0, r1);
  encode(f, dump);
  if (!unknown.empty())
    r.notes.push_back(fmt::format("ignored {} libvirt feature(s) evcsim does not model: {}", unknown.size(),
                                  fmt::join(unknown, " ")));
  r.cpus.push_back(std::move(dump));
  return r;
}

}  // namespace

std::optional<ImportResult> import_libvirt(std::string_view s, const std::string& file) {
  if (s.find("<cpudata") != std::string_view::npos) return import_cpudata(s, file);
  if (s.find("<domainCapabilities") != std::string_view::npos) {
    for (const Element& mode : elements(s, "mode", 0, std::string_view::npos, file)) {
      if (mode.attrs.count("name") && mode.attrs.at("name") == "host-model") {
        size_t end = s.find("</mode>", mode.at);
        if (end == std::string_view::npos)
          throw InputError("<mode name='host-model'> is not closed", file, mode.line, "mode");
        return import_model_cpu(s, mode.at, end, DumpFormat::libvirt_domcapabilities, file);
      }
    }
    throw InputError("the domain capabilities have no host-model CPU", file, 1, "mode");
  }
  if (s.find("<capabilities") != std::string_view::npos) {
    size_t host = s.find("<host>");
    size_t cpu = host == std::string_view::npos ? host : s.find("<cpu>", host);
    size_t end = cpu == std::string_view::npos ? cpu : s.find("</cpu>", cpu);
    if (end == std::string_view::npos) throw InputError("the capabilities have no <host><cpu>", file, 1, "cpu");
    return import_model_cpu(s, cpu, end, DumpFormat::libvirt_capabilities, file);
  }
  return std::nullopt;
}

}  // namespace evcsim
