#include "cpu/cpuid.hpp"

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"

namespace evcsim {

std::string_view reg_name(Reg r) {
  static constexpr std::string_view names[] = {"eax", "ebx", "ecx", "edx"};
  return names[static_cast<size_t>(r)];
}

std::string describe_register(const RegisterRef& r) {
  if (r.subleaf != 0)
    return fmt::format("CPUID level 0x{:x} subleaf {} register '{}'", r.leaf, r.subleaf, reg_name(r.reg));
  return fmt::format("CPUID level 0x{:x} register '{}'", r.leaf, reg_name(r.reg));
}

std::string short_register(const RegisterRef& r) {
  bool has_sub = r.leaf == 0x7 || r.leaf == 0xD || r.subleaf != 0;
  if (has_sub) return fmt::format("{:x}.{}:{}", r.leaf, r.subleaf, reg_name(r.reg));
  return fmt::format("{:x}:{}", r.leaf, reg_name(r.reg));
}

RegisterRef parse_register(std::string_view text) {
  std::string_view t = trim(text);
  auto colon = t.find(':');
  if (colon == std::string_view::npos)
    throw InputError(
        fmt::format("register '{}' is not LEAF[.SUBLEAF]:REG (for example 1:ecx, 7.0:ebx, 80000001:edx)", text));
  std::string_view leaf_part = t.substr(0, colon), reg_part = t.substr(colon + 1);
  RegisterRef out;
  std::string_view sub_part;
  if (auto dot = leaf_part.find('.'); dot != std::string_view::npos) {
    sub_part = leaf_part.substr(dot + 1);
    leaf_part = leaf_part.substr(0, dot);
  }
  auto leaf = parse_hex32(leaf_part);
  if (!leaf) throw InputError(fmt::format("register '{}': leaf '{}' is not hexadecimal", text, leaf_part));
  // VMware abbreviates 0x80000001 as 81.
  if (*leaf >= 0x80 && *leaf <= 0x8F && leaf_part.size() <= 2 + (starts_with_ci(leaf_part, "0x") ? 2 : 0))
    *leaf = 0x80000000u | (*leaf & 0xF);
  out.leaf = *leaf;
  if (!sub_part.empty()) {
    auto sub = parse_hex32(sub_part);
    if (!sub) throw InputError(fmt::format("register '{}': subleaf '{}' is not a number", text, sub_part));
    out.subleaf = *sub;
  }
  std::string r = to_lower(trim(reg_part));
  if (r == "eax") out.reg = Reg::eax;
  else if (r == "ebx") out.reg = Reg::ebx;
  else if (r == "ecx") out.reg = Reg::ecx;
  else if (r == "edx") out.reg = Reg::edx;
  else throw InputError(fmt::format("register '{}': '{}' is not one of eax, ebx, ecx, edx", text, reg_part));
  return out;
}

Regs CpuidDump::get(uint32_t leaf, uint32_t subleaf) const {
  auto it = leaves_.find({leaf, subleaf});
  return it == leaves_.end() ? Regs{} : it->second;
}

void CpuidDump::set_register(const RegisterRef& r, uint32_t value) { leaves_[{r.leaf, r.subleaf}][r.reg] = value; }

std::string CpuidDump::vendor() const {
  if (!has(0)) return {};
  Regs r = get(0);
  std::string v;
  for (uint32_t w : {r[Reg::ebx], r[Reg::edx], r[Reg::ecx]})
    for (int i = 0; i < 4; ++i) v.push_back(static_cast<char>((w >> (8 * i)) & 0xFF));
  return v;
}

uint32_t CpuidDump::family() const {
  uint32_t eax = signature();
  uint32_t base = (eax >> 8) & 0xF;
  return base == 0xF ? base + ((eax >> 20) & 0xFF) : base;
}

uint32_t CpuidDump::model() const {
  uint32_t eax = signature();
  uint32_t base = (eax >> 4) & 0xF;
  uint32_t fam = (eax >> 8) & 0xF;
  return (fam == 0x6 || fam == 0xF) ? base | (((eax >> 16) & 0xF) << 4) : base;
}

uint32_t CpuidDump::stepping() const { return signature() & 0xF; }

std::string CpuidDump::brand() const {
  std::string s;
  for (uint32_t leaf = 0x80000002; leaf <= 0x80000004; ++leaf) {
    if (!has(leaf)) return std::string(trim(s));
    Regs r = get(leaf);
    for (uint32_t w : r.r)
      for (int i = 0; i < 4; ++i) {
        char c = static_cast<char>((w >> (8 * i)) & 0xFF);
        if (c == 0) return std::string(trim(s));
        s.push_back(c);
      }
  }
  return std::string(trim(s));
}

bool is_kept_leaf(uint32_t leaf, uint32_t subleaf) {
  switch (leaf) {
    case 0x0:
    case 0x1:
    case 0x80000000:
    case 0x80000001:
    case 0x80000007:
    case 0x80000008:
    case 0x80000002:  // the brand string, with the next two
    case 0x80000003:
    case 0x80000004:
    case 0x6:
    case 0x24:
    case 0x80000021:
      return subleaf == 0;
    case 0x7:
      return subleaf <= 2;
    case 0xD:
      return subleaf <= 1;
    default:
      return false;
  }
}

std::string format_leaf_line(const CpuidKey& key, const Regs& regs) {
  return fmt::format("{:08X}.{:02X} {:08X}-{:08X}-{:08X}-{:08X}", key.leaf, key.subleaf, regs.r[0], regs.r[1],
                     regs.r[2], regs.r[3]);
}

std::pair<CpuidKey, Regs> parse_leaf_line(std::string_view text) {
  auto words = split_ws(text);
  if (words.size() != 2)
    throw InputError(fmt::format("'{}' is not 'LEAF.SUBLEAF EAX-EBX-ECX-EDX' (8 hex digits each)", text));
  std::string_view key = words[0], regs = words[1];
  auto dot = key.find('.');
  if (dot == std::string_view::npos)
    throw InputError(fmt::format("'{}': leaf '{}' needs a subleaf, as in 00000007.00", text, key));
  auto leaf = parse_hex32(key.substr(0, dot));
  auto sub = parse_hex32(key.substr(dot + 1));
  if (!leaf || !sub || key.substr(0, dot).size() != 8)
    throw InputError(fmt::format("'{}': leaf '{}' is not 8 hex digits, a dot and a subleaf", text, key));
  Regs out;
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    std::string_view part = regs.substr(pos, 8);
    auto v = part.size() == 8 ? parse_hex32(part) : std::nullopt;
    bool sep_ok = (i == 3) ? regs.size() == pos + 8 : (regs.size() > pos + 8 && regs[pos + 8] == '-');
    if (!v || !sep_ok)
      throw InputError(fmt::format("'{}': register {} of '{}' is not 8 hex digits{}", text,
                                   reg_name(static_cast<Reg>(i)), regs, i < 3 ? " followed by '-'" : ""));
    out.r[static_cast<size_t>(i)] = *v;
    pos += 9;
  }
  return {CpuidKey{*leaf, *sub}, out};
}

Regs vendor_leaf(std::string_view vendor, uint32_t max_leaf) {
  Regs r;
  r[Reg::eax] = max_leaf;
  auto word = [&](size_t at) {
    uint32_t w = 0;
    for (size_t i = 0; i < 4 && at + i < vendor.size(); ++i)
      w |= static_cast<uint32_t>(static_cast<unsigned char>(vendor[at + i])) << (8 * i);
    return w;
  };
  r[Reg::ebx] = word(0);
  r[Reg::edx] = word(4);
  r[Reg::ecx] = word(8);
  return r;
}

uint32_t signature_eax(uint32_t family, uint32_t model, uint32_t stepping) {
  uint32_t eax = (stepping & 0xF) | ((model & 0xF) << 4);
  if (family >= 0xF) eax |= (0xFu << 8) | (((family - 0xF) & 0xFF) << 20);
  else eax |= (family & 0xF) << 8;
  if (family == 0x6 || family >= 0xF) eax |= ((model >> 4) & 0xF) << 16;
  return eax;
}

}  // namespace evcsim
