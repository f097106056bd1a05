#include "catalog/catalog.hpp"
#include "catalog/catalog_lists.hpp"

#include "cpu/brand_string.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "base/textproto.hpp"
#include "catalog/catalog.pb.h"
#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

using Locator = TextprotoFile;

std::string sku_key(std::string_view s) {
  std::string out;
  for (char c : s)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '+')
      out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  return out;
}

// "Xeon E5-2680 v2" also answers to "E5-2680 v2".
std::string without_brand(std::string_view sku) {
  auto sp = sku.find(' ');
  return sp == std::string_view::npos ? std::string() : sku_key(sku.substr(sp + 1));
}

Masking to_masking(catalog::Masking m) {
  switch (m) {
    case catalog::FLEXMIGRATION:
      return Masking::flexmigration;
    case catalog::EXTENDED_MIGRATION:
      return Masking::extended_migration;
    default:
      return Masking::none;
  }
}

CpuModel build_cpu(const catalog::Cpu& e, int idx, const Locator& loc,
                   const google::protobuf::TextFormat::ParseInfoTree* t, const google::protobuf::Message& root,
                   std::vector<std::string>& warnings) {
  int entry_line = loc.line(root, "cpu", idx);
  auto at = [&](std::string_view field, int i = -1) { return t ? loc.line(e, field, i, t) : entry_line; };
  if (e.name().empty()) loc.fail(entry_line, "cpu.name", "every cpu entry needs a name");
  if (e.name() != to_lower(e.name()) || e.name().find(' ') != std::string::npos)
    loc.fail(at("name"), "cpu.name", fmt::format("'{}' must be lower case without spaces", e.name()));
  CpuidDump dump;
  for (int i = 0; i < e.cpuid_size(); ++i) {
    try {
      auto [key, regs] = parse_leaf_line(e.cpuid(i));
      if (dump.has(key.leaf, key.subleaf))
        loc.fail(at("cpuid", i), "cpu.cpuid",
                 fmt::format("leaf {} appears twice", format_leaf_line(key, regs).substr(0, 11)));
      dump.set(key.leaf, key.subleaf, regs);
    } catch (const InputError& err) {
      if (!err.file().empty()) throw;
      loc.fail(at("cpuid", i), "cpu.cpuid", err.message());
    }
  }
  if (!dump.has(0) || !dump.has(1))
    loc.fail(entry_line, "cpu.cpuid", fmt::format("cpu '{}' needs leaves 00000000.00 and 00000001.00", e.name()));
  if (!is_intel(dump.vendor()) && !is_amd_like(dump.vendor()))
    loc.fail(at("cpuid", 0), "cpu.cpuid",
             fmt::format("cpu '{}': leaf 0 names vendor '{}', not GenuineIntel, AuthenticAMD or HygonGenuine", e.name(),
                         dump.vendor()));
  CpuModel m = make_cpu_model(e.name(), std::move(dump));
  m.code_name = e.code_name();
  m.generation = e.generation();
  m.family_name = e.family_name();
  m.skus.assign(e.sku().begin(), e.sku().end());
  // An entry as `cpu import` writes it has no dates, cores or speed: it gets
  // defaults, each said in a warning.
  auto warn = [&](std::string_view field, int line, std::string msg) {
    warnings.push_back(fmt::format("{}:{}: {}: warning: {}", loc.file(), line, field, msg));
  };
  if (e.launch().empty()) {
    m.launch = m.end_of_sale = YearMonth{};  // procurement never offers it
    warn("cpu.launch", entry_line, fmt::format("cpu '{}' has no launch date: it is never on the market", e.name()));
  } else {
    try {
      m.launch = parse_year_month(e.launch());
    } catch (const InputError& err) {
      loc.fail(at("launch"), "cpu.launch", err.message());
    }
    if (e.end_of_sale().empty()) {
      m.end_of_sale = YearMonth{m.launch.year + 3, m.launch.month};
      warn("cpu.end_of_sale", entry_line,
           fmt::format("cpu '{}' has no end of sale: three years after launch, {}", e.name(), m.end_of_sale.str()));
    } else {
      try {
        m.end_of_sale = parse_year_month(e.end_of_sale());
      } catch (const InputError& err) {
        loc.fail(at("end_of_sale"), "cpu.end_of_sale", err.message());
      }
    }
  }
  if (m.end_of_sale < m.launch)
    loc.fail(at("end_of_sale"), "cpu.end_of_sale",
             fmt::format("{} is before launch {}", m.end_of_sale.str(), m.launch.str()));
  if (e.cores_per_socket() == 0) {
    m.cores_per_socket = 8;
    warn("cpu.cores_per_socket", entry_line, fmt::format("cpu '{}' gives no cores per socket: 8", e.name()));
  } else if (e.cores_per_socket() > 1024) {
    loc.fail(at("cores_per_socket"), "cpu.cores_per_socket",
             fmt::format("{} is not between 1 and 1024", e.cores_per_socket()));
  } else {
    m.cores_per_socket = static_cast<int>(e.cores_per_socket());
  }
  if (e.relative_speed() == 0) {
    m.relative_speed = 1.0;
    warn("cpu.relative_speed", entry_line,
         fmt::format("cpu '{}' gives no relative speed: 1.0 (a Xeon 5300)", e.name()));
  } else if (!(e.relative_speed() > 0 && e.relative_speed() < 100)) {
    loc.fail(at("relative_speed"), "cpu.relative_speed", fmt::format("{} is not in (0, 100)", e.relative_speed()));
  } else {
    m.relative_speed = e.relative_speed();
  }
  if (e.masking() == catalog::MASKING_UNSPECIFIED)
    loc.fail(entry_line, "cpu.masking",
             fmt::format("cpu '{}' must say its masking (NONE, FLEXMIGRATION, EXTENDED_MIGRATION)", e.name()));
  m.masking = to_masking(e.masking());
  m.source = e.source();
  m.esxi_deprecated_in = e.esxi().deprecated_in();
  m.esxi_unsupported_in = e.esxi().unsupported_in();
  m.esxi_source = e.esxi().source();
  auto adjust = [&](const char* field, const auto& list, FeatureSet& into) {
    for (int i = 0; i < list.size(); ++i) {
      auto id = find_feature(list.Get(i));
      if (!id) loc.fail(at(field, i), std::string("cpu.") + field, fmt::format("unknown feature '{}'", list.Get(i)));
      into.set(*id);
    }
  };
  adjust("add_feature", e.add_feature(), m.added);
  adjust("remove_feature", e.remove_feature(), m.removed);
  if (!(m.added.empty() && m.removed.empty())) {
    if (e.adjust_reason().empty())
      loc.fail(entry_line, "cpu.adjust_reason",
               fmt::format("cpu '{}' adjusts features but gives no adjust_reason", e.name()));
    m.adjust_reason = e.adjust_reason();
    m.features = (m.features | m.added) - m.removed;
    encode(m.features, m.cpuid);
  }
  return m;
}

}  // namespace

Catalog Catalog::load(const std::vector<SourceFile>& files, size_t replaceable) {
  Catalog cat;
  struct Parsed {
    catalog::Catalog msg;
    std::unique_ptr<Locator> loc;
  };
  std::vector<std::unique_ptr<Parsed>> parsed;
  for (const SourceFile& f : files) {
    auto p = std::make_unique<Parsed>();
    p->loc = std::make_unique<Locator>(f.name, f.text, &p->msg);
    parsed.push_back(std::move(p));
  }
  std::map<std::string, std::string> seen;  // key -> "file:line"
  auto claim = [&](const std::string& key, const std::string& what, const Locator& loc, int line, const char* field) {
    auto [it, fresh] = seen.emplace(key, fmt::format("{}:{}", loc.file(), line));
    if (!fresh) loc.fail(line, field, fmt::format("duplicate {} (first defined at {})", what, it->second));
  };
  // Names the files after the first `replaceable` ones define: they replace
  // the entries of the same name there (a user's catalog over the built-in).
  std::set<std::string> cpu_names, baseline_names;
  for (size_t f = replaceable; f < parsed.size(); ++f) {
    for (const auto& c : parsed[f]->msg.cpu()) cpu_names.insert(c.name());
    for (const auto& b : parsed[f]->msg.baseline()) baseline_names.insert(b.name());
  }
  for (size_t f = 0; f < parsed.size(); ++f) {
    auto& p = parsed[f];
    const Locator& loc = *p->loc;
    for (int i = 0; i < p->msg.cpu_size(); ++i) {
      if (f < replaceable && cpu_names.count(p->msg.cpu(i).name())) continue;
      const auto* t = loc.nested(p->msg, "cpu", i);
      CpuModel m = build_cpu(p->msg.cpu(i), i, loc, t, p->msg, cat.warnings_);
      int line = loc.line(p->msg, "cpu", i);
      claim(sku_key(m.name), fmt::format("cpu name '{}'", m.name), loc, line, "cpu.name");
      for (const auto& sku : m.skus) claim(sku_key(sku), fmt::format("SKU '{}'", sku), loc, line, "cpu.sku");
      cat.cpus_.push_back(std::move(m));
    }
  }
  for (size_t f = 0; f < parsed.size(); ++f) {
    auto& p = parsed[f];
    const Locator& loc = *p->loc;
    for (int i = 0; i < p->msg.baseline_size(); ++i) {
      const catalog::Baseline& e = p->msg.baseline(i);
      if (f < replaceable && baseline_names.count(e.name())) continue;
      const auto* t = loc.nested(p->msg, "baseline", i);
      int line = loc.line(p->msg, "baseline", i);
      auto at = [&](std::string_view field, int k = -1) { return t ? loc.line(e, field, k, t) : line; };
      if (e.name().empty()) loc.fail(line, "baseline.name", "every baseline needs a name");
      for (const Baseline& b : cat.baselines_)
        if (b.name == e.name()) loc.fail(at("name"), "baseline.name", fmt::format("duplicate baseline '{}'", e.name()));
      Baseline b;
      b.name = e.name();
      b.label = e.label();
      b.vcenter = e.vcenter();
      b.vcenter_source = e.vcenter_source();
      b.vendor = e.vendor();
      if (e.kind() == "evc") b.kind = BaselineKind::evc;
      else if (e.kind() == "level") b.kind = BaselineKind::level;
      else if (e.kind() == "model") b.kind = BaselineKind::model;
      else loc.fail(at("kind"), "baseline.kind", fmt::format("'{}' is not 'evc', 'level' or 'model'", e.kind()));
      if (!b.vendor.empty() && !is_intel(b.vendor) && !is_amd(b.vendor) && !is_hygon(b.vendor))
        loc.fail(at("vendor"), "baseline.vendor",
                 fmt::format("'{}' is not GenuineIntel, AuthenticAMD or HygonGenuine", b.vendor));
      if (b.kind == BaselineKind::evc && is_hygon(b.vendor))
        loc.fail(at("vendor"), "baseline.vendor", "EVC modes are Intel's or AMD's: vSphere has none for Hygon");
      if (e.from_cpu_size() == 0 && e.features_size() == 0 && e.extends().empty())
        loc.fail(line, "baseline", fmt::format("baseline '{}' needs extends, from_cpu or features", b.name));
      if (!e.extends().empty()) {
        const Baseline* below = nullptr;
        for (const Baseline& o : cat.baselines_)
          if (o.name == e.extends()) below = &o;
        if (!below)
          loc.fail(at("extends"), "baseline.extends",
                   fmt::format("'{}' is not a baseline defined before '{}'", e.extends(), b.name));
        if (below->vendor != b.vendor)
          loc.fail(at("extends"), "baseline.extends",
                   fmt::format("'{}' is of another vendor than '{}'", e.extends(), b.name));
        b.extends = below->name;
        b.features = below->features;
      }
      for (int k = 0; k < e.check_cpu_size(); ++k) {
        if (!cat.find_cpu(e.check_cpu(k)))
          loc.fail(at("check_cpu", k), "baseline.check_cpu", fmt::format("unknown CPU '{}'", e.check_cpu(k)));
        b.check_cpus.push_back(e.check_cpu(k));
      }
      bool first = e.extends().empty();
      for (int k = 0; k < e.from_cpu_size(); ++k) {
        const CpuModel* c = cat.find_cpu(e.from_cpu(k));
        if (!c) loc.fail(at("from_cpu", k), "baseline.from_cpu", fmt::format("unknown CPU '{}'", e.from_cpu(k)));
        b.features = first ? c->migratable() : (b.features & c->migratable());
        first = false;
      }
      auto names = [&](const char* field, auto&& list, auto&& apply) {
        for (int k = 0; k < list.size(); ++k) {
          auto id = find_feature(list.Get(k));
          if (!id)
            loc.fail(at(field, k), std::string("baseline.") + field, fmt::format("unknown feature '{}'", list.Get(k)));
          if (!feature_info(*id).migratable)
            loc.fail(at(field, k), std::string("baseline.") + field,
                     fmt::format("feature '{}' is not migratable and cannot be part of a baseline", list.Get(k)));
          apply(*id);
        }
      };
      names("features", e.features(), [&](FeatureId id) { b.features.set(id); });
      names("add", e.add(), [&](FeatureId id) { b.features.set(id); });
      names("remove", e.remove(), [&](FeatureId id) { b.features.reset(id); });
      cat.baselines_.push_back(std::move(b));
    }
  }
  return cat;
}

const Catalog& Catalog::builtin() {
  static const Catalog cat = load(builtin_catalog_files());
  return cat;
}

Catalog Catalog::load_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError("not a directory", dir);
  std::vector<fs::path> paths;
  for (const auto& ent : fs::directory_iterator(dir))
    if (ent.path().extension() == ".textproto") paths.push_back(ent.path());
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) throw InputError("no *.textproto files in the catalog directory", dir);
  std::vector<SourceFile> files = builtin_catalog_files();
  const size_t builtin = files.size();
  for (const auto& p : paths) files.push_back({p.string(), read_file(p.string())});
  return load(files, builtin);
}

const CpuModel* Catalog::find_cpu(std::string_view query) const {
  std::string key = sku_key(query);
  if (key.empty()) return nullptr;
  for (const CpuModel& c : cpus_)
    if (sku_key(c.name) == key || sku_key(c.code_name) == key) return &c;
  for (const CpuModel& c : cpus_)
    for (const auto& sku : c.skus)
      if (sku_key(sku) == key || without_brand(sku) == key) return &c;
  if (auto gen = generation_of_brand(query))  // "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"
    for (const CpuModel& c : cpus_)
      if (c.name == *gen) return &c;
  return nullptr;
}

bool catalog_lists(const Catalog& catalog, std::string_view query) {
  const std::vector<CpuModel>& cpus_ = catalog.cpus();
  std::string key = sku_key(query);
  if (key.empty()) return false;
  for (const CpuModel& c : cpus_) {
    if (sku_key(c.name) == key || sku_key(c.code_name) == key) return true;
    for (const auto& sku : c.skus)
      if (sku_key(sku) == key || without_brand(sku) == key) return true;
  }
  // A brand string of a listed SKU ("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz" lists "Xeon Gold 6148").
  std::string brand = to_lower(query);
  if (auto at = brand.find('@'); at != std::string::npos) brand.resize(at);
  for (std::string_view mark : {"(r)", "(tm)", " cpu", " processor"})
    for (size_t at; (at = brand.find(mark)) != std::string::npos;) brand.erase(at, mark.size());
  const std::string brand_key = sku_key(brand);
  for (const CpuModel& c : cpus_)
    for (const auto& sku : c.skus)
      if (brand_key.find(without_brand(sku)) != std::string::npos && !without_brand(sku).empty()) {
        // the SKU's number must end the brand's model, not be a prefix of a longer one ("6148" in "61480")
        const size_t at = brand_key.find(without_brand(sku)) + without_brand(sku).size();
        if (at == brand_key.size() || !std::isalnum(static_cast<unsigned char>(brand_key[at]))) return true;
      }
  return false;
}

namespace {
// The vendor and the product family a CPU name speaks of ("Intel(R) Atom(TM) C3958": GenuineIntel, atom),
// "" where it names none.
struct NameKind {
  std::string vendor, family;
};
NameKind kind_of_name(std::string_view text) {
  std::string s = to_lower(text);
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = ' ';
  std::istringstream words(s);
  NameKind k;
  for (std::string w; words >> w;) {
    if (w == "intel" || w == "genuineintel") k.vendor = "GenuineIntel";
    else if (w == "amd" || w == "authenticamd") k.vendor = "AuthenticAMD";
    else if (w == "hygon" || w == "hygongenuine") k.vendor = "HygonGenuine";
    else if (w == "xeon" || w == "atom" || w == "pentium" || w == "celeron" || w == "core")
      k.vendor = k.vendor.empty() ? "GenuineIntel" : k.vendor, k.family = k.family.empty() ? w : k.family;
    else if (w == "opteron" || w == "epyc" || w == "athlon" || w == "ryzen")
      k.vendor = k.vendor.empty() ? "AuthenticAMD" : k.vendor, k.family = k.family.empty() ? w : k.family;
  }
  return k;
}
// A brand string without trademarks, vendor, "CPU" and clock ("Intel(R) Atom(TM) CPU C3958 @ 2.00GHz" ->
// "atom c3958"), to compare with SKUs.
std::string sku_words(std::string_view text) {
  std::string s = to_lower(text);
  if (auto at = s.find('@'); at != std::string::npos) s.resize(at);
  for (std::string_view mark : {"(r)", "(tm)"})
    for (size_t at; (at = s.find(mark)) != std::string::npos;) s.replace(at, mark.size(), " ");
  std::istringstream words(s);
  std::string out;
  for (std::string w; words >> w;)
    if (w != "intel" && w != "amd" && w != "cpu" && w != "processor") out += (out.empty() ? "" : " ") + w;
  return out;
}
}  // namespace

std::vector<std::string> Catalog::nearest_cpus(std::string_view query, size_t n) const {
  // Within the query's vendor first, then within its product family (Xeon, Atom, Opteron, EPYC), then by
  // edit distance: an Atom is nearer any Xeon than any Opteron.
  const NameKind want = kind_of_name(query);
  const std::string q = sku_words(query);
  constexpr size_t kTier = 1000000;
  std::vector<std::pair<size_t, std::string>> scored;
  for (const CpuModel& c : cpus_) {
    const std::string family = kind_of_name(c.family_name.empty() ? c.name : c.family_name).family;
    size_t tier = 0;
    if (!want.vendor.empty() && c.vendor() != want.vendor) tier = 2;
    else if (!want.family.empty() && family != want.family) tier = 1;
    scored.emplace_back(tier * kTier + edit_distance(q, to_lower(c.name)), c.name);
    for (const auto& sku : c.skus) scored.emplace_back(tier * kTier + edit_distance(q, to_lower(sku)), sku);
  }
  return best_scored(std::move(scored), n);
}

const Baseline* Catalog::find_baseline(std::string_view name) const {
  for (const Baseline& b : baselines_)
    if (iequals(b.name, trim(name))) return &b;
  return nullptr;
}

const Baseline& Catalog::baseline(std::string_view name) const {
  if (const Baseline* b = find_baseline(name)) return *b;
  std::vector<std::string> names;
  for (const Baseline& b : baselines_) names.push_back(b.name);
  throw InputError(fmt::format("unknown baseline '{}'; nearest: {} (`evcsim cpu modes` lists them all)", name,
                               fmt::join(nearest_names(name, names, 3), ", ")));
}

}  // namespace evcsim
