#include "reports/cpu_report.hpp"

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "catalog/host_state.hpp"
#include "catalog/hypervisor_support.hpp"
#include "cpu/cpu_compare.hpp"
#include "cpu/feature_registry.hpp"
#include "interop/hypervisor_names.hpp"

namespace evcsim {
namespace {

template <class Repeated>
void add_all(Repeated* field, const std::vector<std::string>& values) {
  for (const auto& v : values) field->Add(std::string(v));
}

template <class Msg>
void fill_join(Msg* out, const Admission& a) {
  out->set_joins(a.ok);
  out->set_how(std::string(join_how_name(a.how)));
  out->set_reason(a.reason);
  add_all(out->mutable_missing(), feature_names(a.missing));
}

std::string list_or_none(const google::protobuf::RepeatedPtrField<std::string>& v) {
  return v.empty() ? "none" : fmt::format("{}", fmt::join(v, ", "));
}

std::vector<std::string_view> switch_labels(const std::vector<const FirmwareSwitch*>& switches) {
  std::vector<std::string_view> out;
  for (const FirmwareSwitch* s : switches) out.push_back(s->label);
  return out;
}

std::vector<const CpuModel*> pointers(const std::vector<CpuModel>& cpus) {
  std::vector<const CpuModel*> out;
  for (const auto& c : cpus) out.push_back(&c);
  return out;
}

}  // namespace

report::CpuSummary summarize_cpu(const CpuModel& m) {
  report::CpuSummary s;
  s.set_name(m.name);
  s.set_code_name(m.code_name);
  s.set_vendor(m.vendor());
  s.set_family(m.cpuid.family());
  s.set_model(m.cpuid.model());
  s.set_stepping(m.cpuid.stepping());
  s.set_generation(m.generation);
  s.set_family_name(m.family_name);
  add_all(s.mutable_sku(), m.skus);
  if (m.launch.valid()) s.set_launch(m.launch.str());
  if (m.end_of_sale.valid()) s.set_end_of_sale(m.end_of_sale.str());
  s.set_cores_per_socket(static_cast<uint32_t>(m.cores_per_socket));
  s.set_relative_speed(m.relative_speed);
  s.set_masking(std::string(masking_name(m.masking)));
  s.set_source(m.source);
  if (m.features.test(feature_id("avx10")) && m.cpuid.has(0x24))
    s.set_avx10_version(m.cpuid.get(0x24)[Reg::ebx] & 0xFF);
  return s;
}

report::CpuList list_cpus(const Catalog& catalog) {
  report::CpuList r;
  for (const auto& c : catalog.cpus()) *r.add_cpus() = summarize_cpu(c);
  return r;
}

report::Mode describe_mode(const Baseline& b, const Catalog& catalog) {
  report::Mode r;
  r.set_name(b.name);
  r.set_kind(b.kind == BaselineKind::evc ? "evc" : b.kind == BaselineKind::level ? "level" : "model");
  r.set_vendor(b.vendor);
  r.set_label(b.label);
  r.set_extends(b.extends);
  if (!b.extends.empty()) {
    const Baseline& below = catalog.baseline(b.extends);
    add_all(r.mutable_adds(), feature_names(b.features - below.features));
    add_all(r.mutable_removes(), feature_names(below.features - b.features));
  }
  r.set_feature_count(static_cast<uint32_t>(b.features.count()));
  for (const auto& c : catalog.cpus())
    if (check_admission(c, b).ok) r.add_joinable(c.name);
  add_all(r.mutable_checked_against(), b.check_cpus);
  r.set_vcenter(b.vcenter);
  r.set_vcenter_source(b.vcenter_source);
  return r;
}

report::ModeList list_modes(const Catalog& catalog) {
  report::ModeList r;
  for (const Baseline& b : catalog.baselines()) *r.add_modes() = describe_mode(b, catalog);
  return r;
}

report::CpuShow show_cpu(const CpuModel& m, const Catalog& catalog) {
  report::CpuShow r;
  *r.mutable_cpu() = summarize_cpu(m);
  for (const auto& g : group_by_register(m.features)) {
    auto* f = r.add_features();
    f->set_register_(short_register(g.reg));
    f->set_description(describe_register(g.reg));
    add_all(f->mutable_features(), g.names);
  }
  add_all(r.mutable_not_migratable(), feature_names(m.features - migratable_features()));
  for (const Baseline& b : catalog.baselines()) {
    if (!b.vendor.empty() && b.vendor != m.vendor()) continue;
    auto* j = r.add_baselines();
    j->set_baseline(b.name);
    fill_join(j, check_admission(m, b));
  }
  const PartDifference d = difference_from_part(m, catalog);
  if (d.part && d.part->name != m.name) r.set_part(d.part->name);
  r.set_differs(d.describe());
  const HeldBack held = held_back({&m}, catalog);
  if (held.held()) r.set_part_mode(held.part_mode->name);
  const CpuModel& part = d.part ? *d.part : m;
  r.set_esxi(esxi_support_text(part));
  for (const char* release : {"6.7", "7.0", "8.0", "8.0u2", "9.0"}) {
    const SupportAnswer a = esxi_support(part, release);
    auto* e = r.add_esxi_releases();
    e->set_release(release);
    e->set_status(std::string(support_name(a.status)));
    e->set_why(a.why);
  }
  return r;
}

report::CompareResult compare_report(const CpuModel& a, const CpuModel& b) {
  Comparison c = compare_cpus(a, b);
  report::CompareResult r;
  r.set_a(a.name);
  r.set_b(b.name);
  r.set_result(std::string(relation_name(c.relation)));
  r.set_vendor_match(c.vendor_match);
  add_all(r.mutable_missing(), feature_names(c.missing));
  add_all(r.mutable_extra(), feature_names(c.extra));
  for (const RegisterRef& reg : feature_registers()) {
    FeatureSet in = features_in(reg);
    FeatureSet miss = c.missing & in, extra = c.extra & in;
    if (miss.empty() && extra.empty()) continue;
    auto* d = r.add_by_register();
    d->set_register_(short_register(reg));
    d->set_description(describe_register(reg));
    add_all(d->mutable_missing(), feature_names(miss));
    add_all(d->mutable_extra(), feature_names(extra));
  }
  r.set_reason(c.reason);
  return r;
}

report::BaselineResult baseline_report(const std::vector<CpuModel>& cpus, const Catalog& catalog) {
  report::BaselineResult r;
  auto ptrs = pointers(cpus);
  for (const auto& c : cpus) r.add_cpus(c.name);
  add_all(r.mutable_lcd(), feature_names(lowest_common_denominator(ptrs)));
  auto mode = best_baseline(ptrs, catalog.baselines(), BaselineKind::evc);
  auto level = best_baseline(ptrs, catalog.baselines(), BaselineKind::level);
  if (mode) r.set_best_mode(mode->name);
  if (level) r.set_best_level(level->name);
  for (const auto& c : cpus) {
    auto* h = r.add_hosts();
    h->set_cpu(c.name);
    if (mode) {
      fill_join(h, check_admission(c, *mode));
    } else {
      // No common mode: say how far this host alone would go, and why the set fails.
      auto own = best_baseline({&c}, catalog.baselines(), BaselineKind::evc);
      h->set_joins(false);
      h->set_how("refused");
      bool vendors_differ = false;
      for (const auto& o : cpus) vendors_differ = vendors_differ || o.vendor() != c.vendor();
      h->set_reason(fmt::format("no EVC mode is common to all hosts{}; alone, {} {}",
                                vendors_differ ? " (the hosts are of different vendors)" : "", c.name,
                                own ? "could join " + own->name : "joins no EVC mode"));
    }
    auto* l = r.add_hosts_at_level();
    l->set_cpu(c.name);
    if (level) fill_join(l, check_admission(c, *level));
    else l->set_reason("no x86-64 level is common to all hosts");
  }
  const HeldBack held = held_back(ptrs, catalog);
  if (held.held()) {
    auto* h = r.mutable_held_back();
    h->set_part_mode(held.part_mode->name);
    add_all(h->mutable_missing(), feature_names(held.missing));
    add_all(h->mutable_hosts(), held.hosts);
    for (const FirmwareSwitch* s : held.switches) h->add_switches(std::string(s->label));
    add_all(h->mutable_cost(), feature_names(held.cost));
    const std::string answer = mode ? mode->name : std::string("no EVC mode");
    h->set_advice(
        held.only_switches()
            ? fmt::format("{} of {} host(s) {} {} off; turned on (firmware setting, microcode or the host OS's "
                          "option), the hosts join {}; {} hides {} feature(s) their parts have",
                          held.hosts.size(), cpus.size(), held.hosts.size() == 1 ? "has" : "have",
                          fmt::join(switch_labels(held.switches), " and "), held.part_mode->name, answer,
                          held.cost.count())
            : fmt::format("{} of {} host(s) lack {} of {}, which their parts have; {} hides {} feature(s) their "
                          "parts have",
                          held.hosts.size(), cpus.size(), join_names(held.missing), held.part_mode->name, answer,
                          held.cost.count()));
    if (const Baseline* m =
            nearest_named_model(lowest_common_denominator(ptrs), cpus.front().vendor(), catalog, Hypervisor::libvirt))
      h->set_named_model(m->name);
  }
  return r;
}

report::MaskResult mask_report(const CpuModel& a, const CpuModel& b, const RegisterMask& default_mask,
                               std::optional<RegisterRef> reg) {
  report::MaskResult r;
  r.set_a(a.name);
  r.set_b(b.name);
  std::vector<RegisterRef> regs;
  if (reg) regs.push_back(*reg);
  else
    for (const RegisterRef& x : feature_registers())
      if (a.cpuid.get(x) != b.cpuid.get(x)) regs.push_back(x);
  for (const RegisterRef& x : regs) {
    uint32_t va = a.cpuid.get(x), vb = b.cpuid.get(x);
    auto* m = r.add_registers();
    m->set_register_(short_register(x));
    m->set_default_mask(default_mask.str());
    m->set_mask(synthesize_custom_mask(default_mask, va, vb).str());
    m->set_a_value("0x" + hex32(va));
    m->set_b_value("0x" + hex32(vb));
    for (const auto& v : default_mask.check(va, vb)) {
      std::string name;
      for (const auto& f : all_features())
        if (f.where() == x && f.bit == v.bit) name = fmt::format(" {}", f.name);
      m->add_fixed_bits(fmt::format("bit {}{} ('{}'): {} ({} has {}, {} has {})", v.bit, name, v.letter, v.why, a.name,
                                    v.a_bit, b.name, v.b_bit));
    }
  }
  return r;
}

report::ImportReport import_report(const ImportResult& imported, const std::string& path) {
  report::ImportReport r;
  CpuModel m = model_from_import(imported, path);
  r.set_file(path);
  r.set_format(std::string(dump_format_name(imported.format)));
  r.set_logical_cpus(static_cast<uint32_t>(imported.cpus.size()));
  r.set_textproto(format_catalog_entry(m));
  add_all(r.mutable_features(), feature_names(m.features));
  add_all(r.mutable_notes(), imported.notes);
  return r;
}

report::FeatureList feature_list() {
  report::FeatureList r;
  for (const auto& f : all_features()) {
    auto* o = r.add_features();
    o->set_name(std::string(f.name));
    o->set_register_(short_register(f.where()));
    o->set_bit(f.bit);
    o->set_user_visible(f.user_visible);
    o->set_migratable(f.migratable);
    for (auto a : split_ws(f.aliases)) o->add_aliases(std::string(a));
  }
  return r;
}

std::string render_text(const report::CpuList& r) {
  std::string out = fmt::format("{:<20} {:<13} {:<16} {:>4} {:>5} {:<7} {:<7} {:>5} {:<26} {}\n", "NAME", "VENDOR",
                                "CODE NAME", "FAM", "MODEL", "LAUNCH", "EOS", "CORES", "MASKING", "SKUS");
  for (const auto& c : r.cpus())
    out += fmt::format("{:<20} {:<13} {:<16} {:>4x} {:>5x} {:<7} {:<7} {:>5} {:<26} {}\n", c.name(), c.vendor(),
                       c.code_name(), c.family(), c.model(), c.launch(), c.end_of_sale(), c.cores_per_socket(),
                       c.masking(), fmt::join(c.sku(), ", "));
  out += fmt::format("{} CPU generations\n", r.cpus_size());
  return out;
}

std::string render_text(const report::Mode& r) {
  std::string out = fmt::format("{} -- {} ({}{}{}), {} features\n", r.name(), r.label(), r.kind(),
                                r.vendor().empty() ? "" : ", ", r.vendor(), r.feature_count());
  if (!r.extends().empty()) {
    out += fmt::format("  extends     {}\n", r.extends());
    out += fmt::format("  adds        {}\n", list_or_none(r.adds()));
    if (r.removes_size()) out += fmt::format("  removes     {}\n", fmt::join(r.removes(), " "));
  }
  if (r.checked_against_size()) out += fmt::format("  parts       {}\n", fmt::join(r.checked_against(), " "));
  if (r.kind() == "evc")
    out += r.vcenter().empty()
               ? "  vCenter     unknown (KB 1003212's table of modes by vCenter release was not in reach)\n"
               : fmt::format("  vCenter     {} ({})\n", r.vcenter(), r.vcenter_source());
  out += fmt::format("  joinable    {}\n", list_or_none(r.joinable()));
  return out;
}

std::string render_text(const report::ModeList& r) {
  std::string out;
  for (const auto& m : r.modes()) out += render_text(m);
  out += fmt::format("{} named baselines\n", r.modes_size());
  return out;
}

std::string render_text(const report::CpuShow& r) {
  const auto& c = r.cpu();
  std::string out = fmt::format("{} -- {} {}\n", c.name(), c.vendor(), c.code_name());
  out += fmt::format("  signature   family 0x{:x} model 0x{:x} stepping {}\n", c.family(), c.model(), c.stepping());
  if (!c.generation().empty()) out += fmt::format("  generation  {} ({})\n", c.generation(), c.family_name());
  if (c.sku_size()) out += fmt::format("  SKUs        {}\n", fmt::join(c.sku(), ", "));
  if (!c.launch().empty()) out += fmt::format("  on sale     {} to {}\n", c.launch(), c.end_of_sale());
  if (c.cores_per_socket())
    out +=
        fmt::format("  cores       {} per socket, relative speed {:.2f}\n", c.cores_per_socket(), c.relative_speed());
  out += fmt::format("  masking     {}\n", c.masking());
  if (c.avx10_version()) out += fmt::format("  AVX10       version {}\n", c.avx10_version());
  if (!c.source().empty()) out += fmt::format("  source      {}\n", c.source());
  out += "Features:\n";
  for (const auto& f : r.features()) out += fmt::format("  {}: {}\n", f.description(), fmt::join(f.features(), " "));
  out += fmt::format("  (not migratable, never compared: {})\n", list_or_none(r.not_migratable()));
  if (!r.part().empty() || !r.differs().empty())
    out += fmt::format("  part        {}{}\n", r.part().empty() ? c.name() : r.part(),
                       r.differs().empty() ? ": reports what its part does" : ": " + r.differs());
  if (!r.part_mode().empty())
    out += fmt::format("  held back   its part joins {}; this host does not (see the refusal below)\n", r.part_mode());
  if (!r.esxi().empty()) {
    out += fmt::format("  ESXi        {}\n", r.esxi());
    std::string releases;
    for (const auto& e : r.esxi_releases()) releases += fmt::format(" {} {},", e.release(), e.status());
    releases.pop_back();
    out += fmt::format("             {}\n", releases);
  }
  out += "Baselines:\n";
  for (const auto& b : r.baselines())
    out += fmt::format("  {:<24} {}\n", b.baseline(), b.joins() ? std::string(b.how()) : "refused: " + b.reason());
  if (!is_intel(c.vendor()) && !is_amd(c.vendor()))
    out += fmt::format(
        "  (EVC modes are Intel's or AMD's: vSphere has none for {}; the x86-64 levels apply to any vendor)\n",
        c.vendor());
  return out;
}

std::string render_text(const report::CompareResult& r) {
  std::string out = fmt::format("{} relative to {}: {}\n  {}\n", r.a(), r.b(), r.result(), r.reason());
  if (!r.vendor_match()) return out;
  auto section = [&](const char* title, bool missing) {
    bool any = false;
    for (const auto& d : r.by_register()) {
      const auto& names = missing ? d.missing() : d.extra();
      if (names.empty()) continue;
      if (!any) out += fmt::format("{}\n", title);
      any = true;
      out += fmt::format("  {}: {}\n", d.description(), fmt::join(names, ", "));
    }
  };
  section(fmt::format("{} lacks (present on {}):", r.a(), r.b()).c_str(), true);
  section(fmt::format("{} has beyond {}:", r.a(), r.b()).c_str(), false);
  return out;
}

std::string render_text(const report::BaselineResult& r) {
  std::string out = fmt::format("Hosts: {}\n", fmt::join(r.cpus(), ", "));
  out +=
      fmt::format("Best EVC mode:       {}{}\n", r.best_mode().empty() ? "none" : r.best_mode(),
                  r.has_held_back() ? fmt::format(" (held back from {}: see below)", r.held_back().part_mode()) : "");
  out += fmt::format("Best x86-64 level:   {}\n", r.best_level().empty() ? "none" : r.best_level());
  out += fmt::format("Lowest common denominator ({} features): {}\n", r.lcd_size(), list_or_none(r.lcd()));
  out += r.best_mode().empty() ? "Hosts:\n" : fmt::format("Hosts at {}:\n", r.best_mode());
  for (const auto& h : r.hosts()) out += fmt::format("  {:<20} {:<11} {}\n", h.cpu(), h.how(), h.reason());
  if (!r.best_level().empty()) {
    out += fmt::format("Hosts at {}:\n", r.best_level());
    for (const auto& h : r.hosts_at_level()) out += fmt::format("  {:<20} {:<11} {}\n", h.cpu(), h.how(), h.reason());
  }
  if (r.has_held_back()) {
    const auto& h = r.held_back();
    out += fmt::format("Held back: their parts join {}; {}.\n", h.part_mode(), h.advice());
    out += fmt::format("  lacking     {} (on {})\n", fmt::join(h.missing(), ", "), fmt::join(h.hosts(), ", "));
    out += fmt::format("  cost        {} hides: {}\n", r.best_mode().empty() ? "no mode" : r.best_mode(),
                       list_or_none(h.cost()));
    if (!h.named_model().empty())
      out += fmt::format("  QEMU/libvirt host-model: {} (`evcsim cpu export HOST --as qemu` without --baseline)\n",
                         h.named_model());
  }
  return out;
}

std::string render_text(const report::MaskResult& r) {
  std::string out;
  if (r.registers().empty())
    return fmt::format("{} and {} report the same feature registers: no mask needed\n", r.a(), r.b());
  for (const auto& m : r.registers()) {
    out += fmt::format("register {}: {} = {}, {} = {}\n", m.register_(), r.a(), m.a_value(), r.b(), m.b_value());
    out += fmt::format("  default mask  {}\n  custom mask   {}\n", m.default_mask(), m.mask());
    for (const auto& f : m.fixed_bits()) out += fmt::format("    {}\n", f);
    if (m.fixed_bits().empty()) out += "    (already compatible under the default mask)\n";
  }
  return out;
}

std::string render_text(const report::ImportReport& r) {
  std::string out =
      fmt::format("# {}: {}, {} logical CPU(s); the first is shown\n", r.file(), r.format(), r.logical_cpus());
  for (const auto& n : r.notes()) out += fmt::format("# note: {}\n", n);
  return out + r.textproto();
}

std::string render_text(const report::FeatureList& r) {
  std::string out = fmt::format("{:<22} {:<16} {:>3}  {:<12} {:<12} {}\n", "NAME", "REGISTER", "BIT", "VISIBILITY",
                                "MIGRATABLE", "ALIASES");
  for (const auto& f : r.features())
    out +=
        fmt::format("{:<22} {:<16} {:>3}  {:<12} {:<12} {}\n", f.name(), f.register_(), f.bit(),
                    f.user_visible() ? "user" : "kernel", f.migratable() ? "yes" : "no", fmt::join(f.aliases(), " "));
  out += fmt::format("{} features\n", r.features_size());
  return out;
}

}  // namespace evcsim
