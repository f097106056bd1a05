#include "interop/importers.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <span>
#include <sstream>

#include <fmt/format.h>
#include <google/protobuf/text_format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "base/textproto.hpp"
#include "catalog/catalog.pb.h"
#include "catalog/host_state.hpp"
#include "cpu/brand_string.hpp"
#include "cpu/feature_registry.hpp"
#include "interop/importers_libvirt.hpp"

namespace evcsim {
namespace {

struct Line {
  int number;
  std::string_view text;
};

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> out;
  int n = 1;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    out.push_back({n++, l});
    if (end == text.size()) break;
    pos = end + 1;
  }
  return out;
}

bool is_hex8(std::string_view s) { return s.size() == 8 && parse_hex32(s).has_value(); }

// ---- AIDA64 / EVEREST / InstLatx64 ----

// Recognizes "CPUID <8 hex>[:]": returns the leaf, or nullopt for other lines.
std::optional<uint32_t> aida_leaf(std::string_view line, std::string_view* rest) {
  auto t = trim(line);
  if (!starts_with_ci(t, "CPUID")) return std::nullopt;
  t.remove_prefix(5);
  if (t.empty() || !std::isspace(static_cast<unsigned char>(t.front()))) return std::nullopt;
  t = trim(t);
  if (t.size() < 8 || !is_hex8(t.substr(0, 8))) return std::nullopt;
  if (t.size() > 8 && t[8] != ':' && !std::isspace(static_cast<unsigned char>(t[8]))) return std::nullopt;
  uint32_t leaf = *parse_hex32(t.substr(0, 8));
  t.remove_prefix(8);
  if (!t.empty() && t.front() == ':') t.remove_prefix(1);
  *rest = trim(t);
  return leaf;
}

// The XSAVE state components whose layout is architectural (Intel SDM vol. 1,
// 13.2; AMD APM vol. 2, 11.5.2): component number, size and offset in the
// standard format, as leaf 0xD sub-leaf n reports them in EAX and EBX.
struct XsaveComponent {
  uint32_t number, size, offset;
};
constexpr XsaveComponent kXsaveLayout[] = {
    {2, 256, 576},     // AVX (upper YMM)
    {3, 64, 960},      // MPX BNDREGS
    {4, 64, 1024},     // MPX BNDCSR
    {5, 64, 1088},     // AVX-512 opmask
    {6, 512, 1152},    // AVX-512 ZMM_Hi256
    {7, 1024, 1664},   // AVX-512 Hi16_ZMM
    {9, 8, 2688},      // PKRU
    {17, 64, 2816},    // AMX TILECFG
    {18, 8192, 2880},  // AMX TILEDATA
    {19, 128, 960},    // APX extended GPRs (reuses the MPX area)
};

// The sub-leaf of a line that carries no [SL nn] tag (older AIDA64 and
// EVEREST versions). Counting repeated lines 0, 1, 2 is right only when the
// tool printed every sub-leaf; old versions skip 0xD sub-leaf 1, so the
// content decides where it can:
//  - 0xD: sub-leaf 0 comes first; a line whose EAX/EBX are the size and
//    offset of an architectural state component is that component's
//    sub-leaf; a line of flags only (EAX < 0x20, not a component) is
//    sub-leaf 1; a supervisor component (ECX bit 0, offset 0) takes the next
//    IA32_XSS bit that sub-leaf 1 reports after the last one seen.
//  - 0xB and 0x1F: ECX[7:0] echoes the sub-leaf (the topology level).
//  - anything else: the next sub-leaf after the previous line of the leaf.
uint32_t untagged_subleaf(uint32_t leaf, uint32_t seen, const Regs& r, const std::map<uint32_t, uint32_t>& last_sub,
                          const CpuidDump& dump) {
  auto last = last_sub.find(leaf);
  const uint32_t next = last == last_sub.end() ? 0 : last->second + 1;
  if (seen == 0) return 0;
  if (leaf == 0xB || leaf == 0x1F) return r[Reg::ecx] & 0xFF;
  if (leaf != 0xD) return next;
  for (const XsaveComponent& c : kXsaveLayout)
    if (r[Reg::eax] == c.size && r[Reg::ebx] == c.offset && (r[Reg::ecx] & 1) == 0 && c.number >= next) return c.number;
  if (next <= 1 && r[Reg::eax] < 0x20) return 1;
  if ((r[Reg::ecx] & 1) && r[Reg::ebx] == 0 && r[Reg::eax] != 0 && dump.has(0xD, 1)) {
    const Regs one = dump.get(0xD, 1);
    const uint64_t xss = (static_cast<uint64_t>(one[Reg::edx]) << 32) | one[Reg::ecx];
    for (uint32_t bit = std::max<uint32_t>(next, 2); bit < 64; ++bit)
      if ((xss >> bit) & 1) return bit;
  }
  return std::max<uint32_t>(next, 2);
}

bool is_block_header(std::string_view line) {
  return line.find("Logical CPU #") != std::string_view::npos || line.find("CPU #") != std::string_view::npos ||
         starts_with_ci(trim(line), "CPU#");
}

ImportResult import_aida(const std::vector<Line>& lines, const std::string& file) {
  ImportResult res;
  res.format = DumpFormat::aida;
  struct Block {
    CpuidDump dump;
    std::map<uint32_t, uint32_t> repeats;   // untagged lines seen per leaf
    std::map<uint32_t, uint32_t> last_sub;  // the sub-leaf the last line of a leaf was given
    int first_line = 0;
    bool any = false;
  };
  std::vector<Block> blocks(1);
  for (const Line& l : lines) {
    if (is_block_header(l.text) && blocks.back().any) {
      blocks.emplace_back();
      continue;
    }
    std::string_view rest;
    auto leaf = aida_leaf(l.text, &rest);
    if (!leaf) continue;
    if (*leaf == 0 && blocks.back().dump.has(0)) blocks.emplace_back();
    Block& b = blocks.back();
    if (!b.any) b.first_line = l.number;
    b.any = true;
    // EAX-EBX-ECX-EDX
    auto words = split_ws(rest);
    Regs regs;
    bool ok = !words.empty() && words[0].size() == 35;
    for (int i = 0; ok && i < 4; ++i) {
      auto part = words[0].substr(static_cast<size_t>(i) * 9, 8);
      ok = is_hex8(part) && (i == 3 || words[0][static_cast<size_t>(i) * 9 + 8] == '-');
      if (ok) regs.r[static_cast<size_t>(i)] = *parse_hex32(part);
    }
    if (!ok)
      throw InputError(fmt::format("truncated or malformed register line for leaf {:08X}: expected "
                                   "EAX-EBX-ECX-EDX (four groups of 8 hex digits), got '{}'",
                                   *leaf, rest),
                       file, l.number, "registers");
    uint32_t sub;
    auto sl = rest.find("[SL ");
    if (sl != std::string_view::npos) {
      auto close = rest.find(']', sl);
      auto v = close == std::string_view::npos ? std::nullopt : parse_hex32(trim(rest.substr(sl + 4, close - sl - 4)));
      if (!v) throw InputError("malformed [SL nn] subleaf tag", file, l.number, "subleaf");
      sub = *v;
    } else {
      sub = untagged_subleaf(*leaf, b.repeats[*leaf]++, regs, b.last_sub, b.dump);
    }
    b.last_sub[*leaf] = sub;
    b.dump.set(*leaf, sub, regs);
  }
  for (Block& b : blocks) {
    if (!b.any) continue;
    if (!b.dump.has(1))
      throw InputError("this CPU block has no leaf 00000001 (the dump is truncated)", file, b.first_line, "leaf 1");
    res.cpus.push_back(std::move(b.dump));
  }
  return res;
}

// ---- cpuid -r ----

bool looks_cpuid_r(std::string_view line) {
  auto w = split_ws(line);
  return w.size() >= 2 && starts_with_ci(w[0], "0x") && w[0].size() == 10 && is_hex8(w[0].substr(2)) &&
         starts_with_ci(w[1], "0x") && w[1].back() == ':';
}

ImportResult import_cpuid_r(const std::vector<Line>& lines, const std::string& file) {
  ImportResult res;
  res.format = DumpFormat::cpuid_r;
  CpuidDump cur;
  int first_line = 0;
  auto flush = [&] {
    if (cur.empty()) return;
    if (!cur.has(1))
      throw InputError("this CPU has no leaf 0x00000001 (the dump is truncated)", file, first_line, "leaf 1");
    res.cpus.push_back(std::move(cur));
    cur = CpuidDump{};
  };
  for (const Line& l : lines) {
    auto t = trim(l.text);
    if (starts_with_ci(t, "CPU ") && !t.empty() && t.back() == ':') {
      flush();
      continue;
    }
    if (!looks_cpuid_r(t)) continue;
    auto w = split_ws(t);
    uint32_t leaf = *parse_hex32(w[0]);
    auto sub = parse_hex32(w[1].substr(0, w[1].size() - 1));
    if (!sub) throw InputError(fmt::format("malformed subleaf '{}'", w[1]), file, l.number, "subleaf");
    Regs regs;
    static constexpr std::string_view names[] = {"eax=", "ebx=", "ecx=", "edx="};
    if (w.size() != 6)
      throw InputError(fmt::format("truncated line: expected eax= ebx= ecx= edx= after leaf 0x{:08x}", leaf), file,
                       l.number, "registers");
    for (size_t i = 0; i < 4; ++i) {
      auto v = starts_with_ci(w[2 + i], names[i]) ? parse_hex32(w[2 + i].substr(4)) : std::nullopt;
      if (!v)
        throw InputError(fmt::format("expected {}0x<hex>, got '{}'", names[i], w[2 + i]), file, l.number,
                         std::string(names[i].substr(0, 3)));
      regs.r[i] = *v;
    }
    if (cur.empty()) first_line = l.number;
    // The same leaf twice in one CPU's dump is a damaged file (the catalog
    // refuses the same), not a value to overwrite.
    if (cur.has(leaf, *sub))
      throw InputError(fmt::format("leaf 0x{:08x} subleaf {} appears twice for this CPU", leaf, *sub), file, l.number,
                       "leaf");
    cur.set(leaf, *sub, regs);
  }
  flush();
  return res;
}

// ---- /proc/cpuinfo ----

// Linux shows the speculation controls as synthetic flags named alike on
// both vendors (ibrs, ibpb, stibp, ssbd); they stand for the vendor's own
// bits: Intel's CPUID.7.0:EDX, AMD's CPUID.80000008:EBX.
std::string_view linux_flag_bit(std::string_view flag, bool amd) {
  static constexpr std::pair<std::string_view, std::string_view> kIntel[] = {
      {"ibrs", "spec_ctrl"}, {"ibpb", "spec_ctrl"}, {"stibp", "intel_stibp"}, {"ssbd", "spec_ctrl_ssbd"}};
  static constexpr std::pair<std::string_view, std::string_view> kAmd[] = {
      {"ibrs", "amd_ibrs"}, {"ibpb", "amd_ibpb"}, {"stibp", "amd_stibp"}, {"ssbd", "amd_ssbd"}};
  for (const auto& [linux_name, bit] : amd ? std::span(kAmd) : std::span(kIntel))
    if (flag == linux_name) return bit;
  return flag;
}

ImportResult import_cpuinfo(const std::vector<Line>& lines, const std::string& file) {
  ImportResult res;
  res.format = DumpFormat::proc_cpuinfo;
  std::map<std::string, std::pair<std::string, int>> fields;  // first processor only
  int processors = 0;
  for (const Line& l : lines) {
    auto colon = l.text.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = to_lower(trim(l.text.substr(0, colon)));
    std::string value(trim(l.text.substr(colon + 1)));
    if (key == "processor") {
      if (++processors > 1) break;
      continue;
    }
    fields.emplace(key, std::make_pair(value, l.number));
  }
  auto flags = fields.find("flags");
  if (flags == fields.end())
    throw InputError("no 'flags' line for the first processor (is the file truncated?)", file,
                     lines.empty() ? 0 : lines.back().number, "flags");
  CpuidDump dump;
  if (auto v = fields.find("vendor_id"); v != fields.end()) {
    const std::string& vendor = v->second.first;
    if (vendor.size() != 12)
      throw InputError(fmt::format("'{}' is not a 12-character CPUID vendor", vendor), file, v->second.second,
                       "vendor_id");
    dump.set(0, 0, vendor_leaf(vendor));
  }
  auto number = [&](const char* key) -> uint32_t {
    auto it = fields.find(key);
    if (it == fields.end()) return 0;
    auto v = parse_uint(it->second.first);
    if (!v || *v > 0xFFF)
      throw InputError(fmt::format("'{}' is not a number", it->second.first), file, it->second.second, key);
    return static_cast<uint32_t>(*v);
  };
  uint32_t family = number("cpu family"), model = number("model"), stepping = number("stepping");
  Regs r1;
  r1[Reg::eax] = signature_eax(family, model, stepping);
  dump.set(1, 0, r1);
  FeatureSet s;
  std::vector<std::string> ignored;
  const bool amd = dump.has(0) && is_amd_like(dump.vendor());
  for (auto flag : split_ws(flags->second.first)) {
    if (auto id = find_feature(linux_flag_bit(flag, amd))) s.set(*id);
    else ignored.emplace_back(flag);
  }
  s |= xsave_components_of(s);
  encode(s, dump);
  if (!ignored.empty())
    res.notes.push_back(fmt::format("ignored {} Linux flag(s) that are not CPUID feature bits evcsim models: {}",
                                    ignored.size(), fmt::join(ignored, " ")));
  res.cpus.push_back(std::move(dump));
  return res;
}

// ---- VMware register lines ----

std::optional<RegisterRef> vmware_register(std::string_view token) {
  if (!starts_with_ci(token, "ID") || token.size() < 6) return std::nullopt;
  std::string_view leaf = token.substr(2, token.size() - 5), reg = token.substr(token.size() - 3);
  try {
    return parse_register(fmt::format("{}:{}", leaf, reg));
  } catch (const InputError&) {
    return std::nullopt;
  }
}

ImportResult import_vmware(const std::vector<Line>& lines, const std::string& file) {
  ImportResult res;
  res.format = DumpFormat::vmware;
  CpuidDump dump;
  for (const Line& l : lines) {
    std::string text(trim(l.text));
    if (text.empty() || text[0] == '#') continue;
    for (char& c : text)
      if (c == '=' || c == ':') c = ' ';
    auto w = split_ws(text);
    if (w.empty()) continue;  // only separators (fuzz: tests/fuzz/regressions/import-vmware-*)
    auto ref = vmware_register(w[0]);
    if (!ref)
      throw InputError(fmt::format("'{}' is not a register name such as ID1ECX or ID81EDX", w[0]), file, l.number,
                       "register");
    std::string digits;
    for (size_t i = 1; i < w.size(); ++i) digits += w[i];  // "0000 641d" style groups
    auto v = parse_hex32(digits);
    if (!v)
      throw InputError(fmt::format("value '{}' is not a 32-bit hex number", digits), file, l.number, std::string(w[0]));
    dump.set_register(*ref, *v);
  }
  res.cpus.push_back(std::move(dump));
  return res;
}

}  // namespace

std::string_view dump_format_name(DumpFormat f) {
  switch (f) {
    case DumpFormat::aida:
      return "AIDA64/EVEREST text dump";
    case DumpFormat::cpuid_r:
      return "cpuid -r output";
    case DumpFormat::proc_cpuinfo:
      return "/proc/cpuinfo";
    case DumpFormat::vmware:
      return "VMware register lines";
    case DumpFormat::libvirt_cpuid:
      return "libvirt CPUID XML";
    case DumpFormat::libvirt_capabilities:
      return "virsh capabilities";
    case DumpFormat::libvirt_domcapabilities:
      return "virsh domcapabilities";
  }
  return "?";
}

ImportResult import_dump(std::string_view text, const std::string& file) {
  if (auto libvirt = import_libvirt(text, file)) return *libvirt;
  auto lines = split_lines(text);
  bool any_text = false;
  for (const Line& l : lines) {
    std::string_view rest;
    if (aida_leaf(l.text, &rest)) return import_aida(lines, file);
    if (looks_cpuid_r(trim(l.text))) return import_cpuid_r(lines, file);
    any_text = any_text || !trim(l.text).empty();
  }
  for (const Line& l : lines) {
    auto t = trim(l.text);
    auto colon = t.find(':');
    if (colon == std::string_view::npos) continue;
    auto key = trim(t.substr(0, colon));
    if (key == "flags" || key == "vendor_id" || key == "processor") return import_cpuinfo(lines, file);
  }
  for (const Line& l : lines) {
    auto w = split_ws(l.text);
    if (w.empty() || w[0].front() == '#') continue;
    std::string first(w[0]);
    if (auto p = first.find_first_of("=:"); p != std::string::npos) first.resize(p);
    if (vmware_register(first)) return import_vmware(lines, file);
    break;
  }
  for (const Line& l : lines)
    if (!trim(l.text).empty())
      throw InputError(
          fmt::format("unrecognized format: '{}' starts no AIDA64/EVEREST 'CPUID xxxxxxxx:' dump, `cpuid -r` "
                      "output, /proc/cpuinfo or VMware 'ID1ECX 0x...' lines",
                      trim(l.text).substr(0, 60)),
          file, l.number);
  throw InputError(any_text ? "unrecognized format" : "the file is empty", file, 1);
}

ImportResult import_dump_file(const std::string& path) { return import_dump(read_file(path), path); }

Masking infer_masking(const CpuidDump& dump) {
  const std::string v = dump.vendor();
  uint32_t fam = dump.family(), model = dump.model();
  if (is_intel(v))
    return (fam == 6 && model >= 0x17) || (fam > 6 && fam != 0xF) ? Masking::flexmigration : Masking::none;
  if (is_amd_like(v)) {
    if (fam > 0xF) return Masking::extended_migration;
    if (fam == 0xF && ((dump.signature() >> 16) & 0xF) >= 2) return Masking::extended_migration;
  }
  return Masking::none;
}

CpuModel model_from_import(const ImportResult& imported, const std::string& path) {
  CpuModel m = make_cpu_model(std::filesystem::path(path).filename().string(), imported.cpus.front());
  m.masking = infer_masking(m.cpuid);
  m.family_name = m.cpuid.brand();
  m.source = fmt::format("{} ({})", path, dump_format_name(imported.format));
  return m;
}

// A catalog file: its first statement opens a `cpu {` or `baseline {` block.
bool is_catalog_entry(std::string_view text) {
  for (const Line& l : split_lines(text)) {
    auto t = trim(l.text);
    if (t.empty() || t.front() == '#') continue;
    for (std::string_view block : {"cpu", "baseline"})
      if (t.substr(0, block.size()) == block && trim(t.substr(block.size())).substr(0, 1) == "{") return true;
    return false;
  }
  return false;
}

CpuModel resolve_cpu(const Catalog& catalog, std::string_view arg) {
  if (const CpuModel* c = catalog.find_cpu(arg)) return *c;
  std::error_code ec;
  if (std::filesystem::is_regular_file(std::string(arg), ec)) {
    std::string path(arg);
    std::string text = read_file(path);
    if (is_catalog_entry(text)) {  // what `cpu import` prints
      Catalog own = Catalog::load({SourceFile{path, text}});
      if (own.cpus().empty()) throw InputError("the file holds no cpu { ... } entry", path);
      return own.cpus().front();
    }
    const ImportResult imported = import_dump(text, path);
    CpuModel m = model_from_import(imported, path);
    if (imported.format == DumpFormat::proc_cpuinfo) add_xsave_components_from_part(m, catalog);
    mark_state_from_part(m, catalog);
    return m;
  }
  if (auto gen = generation_of_brand(arg))
    throw InputError(
        fmt::format("'{}' is a part of generation '{}', of which the catalog holds no reference CPUID "
                    "yet: give the host's dump instead (cpuid -r, /proc/cpuinfo, libvirt's CPU data; "
                    "see `evcsim cpu import --help`)",
                    arg, *gen));
  throw InputError(
      fmt::format("unknown CPU '{}': not a catalog name, code name, SKU or brand string, and no such "
                  "file; nearest: {} (see `evcsim cpu list`)",
                  arg, fmt::join(catalog.nearest_cpus(arg), ", ")));
}

std::string format_catalog_entry(const CpuModel& m) {
  catalog::Cpu e;
  e.set_name(m.name);
  e.set_code_name(m.code_name);
  e.set_generation(m.generation);
  e.set_family_name(m.family_name);
  for (const auto& s : m.skus) e.add_sku(s);
  if (m.launch.valid()) e.set_launch(m.launch.str());
  if (m.end_of_sale.valid()) e.set_end_of_sale(m.end_of_sale.str());
  e.set_cores_per_socket(static_cast<uint32_t>(m.cores_per_socket));
  e.set_relative_speed(m.relative_speed);
  e.set_masking(m.masking == Masking::flexmigration        ? catalog::FLEXMIGRATION
                : m.masking == Masking::extended_migration ? catalog::EXTENDED_MIGRATION
                                                           : catalog::NONE);
  for (const auto& [key, regs] : m.cpuid.leaves())
    if (is_kept_leaf(key.leaf, key.subleaf)) e.add_cpuid(format_leaf_line(key, regs));
  e.set_source(m.source);
  std::string body;
  google::protobuf::TextFormat::Printer printer;
  printer.SetInitialIndentLevel(1);
  printer.PrintToString(e, &body);
  return "cpu {\n" + body + "}\n";
}

}  // namespace evcsim
