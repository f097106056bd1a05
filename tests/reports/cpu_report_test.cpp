// The reports of the `evcsim cpu` tools (reports/cpu_report.hpp), built and
// rendered in-process: what compare, baseline, mask, show, modes, features
// and import say about catalog parts (the CLI tests check the wiring).
#include "reports/cpu_report.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "cpu/feature_registry.hpp"
#include "interop/importers.hpp"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

const Catalog& cat() { return Catalog::builtin(); }
CpuModel cpu(const char* name) { return resolve_cpu(cat(), name); }

template <class Repeated>
bool contains(const Repeated& list, const std::string& x) {
  return std::find(list.begin(), list.end(), x) != list.end();
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Penryn (E5420) against Clovertown (E5310): the Penryn is a superset, SSE4.1
// in CPUID 1:ECX being what the Clovertown lacks.
TEST(CpuReport, CompareSaysWhichSideHasMoreAndWhereByRegister) {
  const CpuModel penryn = cpu("E5420"), clovertown = cpu("E5310");
  report::CompareResult up = compare_report(penryn, clovertown);
  EXPECT_EQ(up.a(), penryn.name);
  EXPECT_EQ(up.b(), clovertown.name);
  EXPECT_EQ(up.result(), "superset");
  EXPECT_TRUE(up.vendor_match());
  EXPECT_TRUE(up.missing().empty());
  EXPECT_TRUE(contains(up.extra(), "sse4_1"));
  const report::CompareResult::RegisterDiff* ecx1 = nullptr;
  for (const auto& d : up.by_register())
    if (d.register_() == "1:ecx") ecx1 = &d;
  ASSERT_NE(ecx1, nullptr);
  EXPECT_TRUE(contains(ecx1->extra(), "sse4_1"));
  EXPECT_EQ(ecx1->description(), "CPUID level 0x1 register 'ecx'");
  const std::string text = render_text(up);
  EXPECT_EQ(text.rfind(penryn.name + " relative to " + clovertown.name + ": superset\n", 0), 0u) << text;
  EXPECT_TRUE(has(text, penryn.name + " has beyond " + clovertown.name + ":")) << text;
  EXPECT_FALSE(has(text, "lacks (present on")) << text;

  report::CompareResult down = compare_report(clovertown, penryn);
  EXPECT_EQ(down.result(), "subset");
  EXPECT_TRUE(contains(down.missing(), "sse4_1"));
  EXPECT_TRUE(down.extra().empty());
  EXPECT_TRUE(has(render_text(down), clovertown.name + " lacks (present on " + penryn.name + "):"));

  EXPECT_EQ(compare_report(penryn, penryn).result(), "identical");
  // Across vendors only the verdict and its reason are written.
  report::CompareResult across = compare_report(penryn, cpu("naples"));
  EXPECT_FALSE(across.vendor_match());
  const std::string across_text = render_text(across);
  EXPECT_EQ(std::count(across_text.begin(), across_text.end(), '\n'), 2) << across_text;
}

TEST(CpuReport, BaselineFindsTheBestCommonModeOrSaysWhyThereIsNone) {
  const CpuModel penryn = cpu("E5420"), clovertown = cpu("E5310");
  report::BaselineResult both = baseline_report({penryn, clovertown}, cat());
  EXPECT_EQ(both.best_mode(), "intel-merom");
  ASSERT_EQ(both.hosts_size(), 2);
  for (const auto& h : both.hosts()) EXPECT_TRUE(h.joins()) << h.cpu() << ": " << h.reason();
  EXPECT_TRUE(contains(both.lcd(), "ssse3"));
  EXPECT_FALSE(contains(both.lcd(), "sse4_1"));
  EXPECT_TRUE(has(render_text(both), "Best EVC mode:       intel-merom\n"));

  report::BaselineResult alone = baseline_report({penryn}, cat());
  EXPECT_EQ(alone.best_mode(), "intel-penryn");

  report::BaselineResult mixed = baseline_report({penryn, cpu("naples")}, cat());
  EXPECT_EQ(mixed.best_mode(), "");
  ASSERT_EQ(mixed.hosts_size(), 2);
  EXPECT_FALSE(mixed.hosts(0).joins());
  EXPECT_EQ(mixed.hosts(0).how(), "refused");
  EXPECT_TRUE(has(mixed.hosts(0).reason(), "(the hosts are of different vendors)")) << mixed.hosts(0).reason();
  EXPECT_TRUE(has(mixed.hosts(0).reason(), "alone, " + penryn.name + " could join intel-penryn"))
      << mixed.hosts(0).reason();
  EXPECT_TRUE(has(render_text(mixed), "Best EVC mode:       none\n"));
}

TEST(CpuReport, MaskSetsExactlyTheBitsThatDifferToZero) {
  const CpuModel penryn = cpu("E5420"), clovertown = cpu("E5310");
  // Every bit must be equal on both hosts ('H'): the custom mask hides each
  // bit in which the two registers differ, and nothing else.
  const RegisterMask all_equal = RegisterMask::parse("HHHH HHHH HHHH HHHH HHHH HHHH HHHH HHHH");
  report::MaskResult r = mask_report(penryn, clovertown, all_equal, RegisterRef{1, 0, Reg::ecx});
  ASSERT_EQ(r.registers_size(), 1);
  const auto& m = r.registers(0);
  EXPECT_EQ(m.register_(), "1:ecx");
  const uint32_t a = static_cast<uint32_t>(std::stoul(m.a_value(), nullptr, 16));
  const uint32_t b = static_cast<uint32_t>(std::stoul(m.b_value(), nullptr, 16));
  ASSERT_NE(a, b);
  EXPECT_NE(a & (1u << 19), 0u);  // SSE4.1 on the Penryn
  EXPECT_EQ(b & (1u << 19), 0u);
  const RegisterMask custom = RegisterMask::parse(m.mask());
  for (int bit = 0; bit < 32; ++bit) EXPECT_EQ(custom.at(bit), ((a ^ b) >> bit) & 1 ? '0' : '-') << "bit " << bit;
  EXPECT_EQ(m.fixed_bits_size(), __builtin_popcount(a ^ b));
  bool named = false;
  for (const auto& f : m.fixed_bits()) named |= f.rfind("bit 19 sse4_1 ('H')", 0) == 0;
  EXPECT_TRUE(named) << render_text(r);

  // Without a register: every register that differs; none for one part.
  report::MaskResult every = mask_report(penryn, clovertown, all_equal, std::nullopt);
  bool lists_ecx1 = false;
  for (const auto& x : every.registers()) lists_ecx1 |= x.register_() == "1:ecx";
  EXPECT_TRUE(lists_ecx1);
  report::MaskResult same = mask_report(penryn, penryn, all_equal, std::nullopt);
  EXPECT_EQ(same.registers_size(), 0);
  EXPECT_EQ(render_text(same),
            penryn.name + " and " + penryn.name + " report the same feature registers: no mask needed\n");
}

TEST(CpuReport, ShowModesAndFeaturesDescribeTheCatalog) {
  const CpuModel penryn = cpu("E5420");
  report::CpuShow show = show_cpu(penryn, cat());
  EXPECT_EQ(show.cpu().name(), penryn.name);
  EXPECT_TRUE(contains(show.cpu().sku(), "Xeon E5420"));
  bool penryn_mode = false, nehalem_refused = false;
  for (const auto& b : show.baselines()) {
    EXPECT_NE(b.baseline().rfind("amd-", 0), 0u) << "an Intel part is not offered AMD modes: " << b.baseline();
    if (b.baseline() == "intel-penryn") penryn_mode = b.joins();
    if (b.baseline() == "intel-nehalem") nehalem_refused = !b.joins() && !b.missing().empty();
  }
  EXPECT_TRUE(penryn_mode);
  EXPECT_TRUE(nehalem_refused);
  const std::string text = render_text(show);
  EXPECT_TRUE(has(text, "Baselines:\n")) << text;
  EXPECT_TRUE(has(text, "CPUID level 0x1 register 'ecx': ")) << text;

  report::Mode mode = describe_mode(cat().baseline("intel-penryn"), cat());
  EXPECT_EQ(mode.kind(), "evc");
  EXPECT_EQ(mode.extends(), "intel-merom");
  EXPECT_TRUE(contains(mode.adds(), "sse4_1"));
  EXPECT_TRUE(contains(mode.joinable(), penryn.name));
  EXPECT_FALSE(contains(mode.joinable(), cpu("E5310").name));
  EXPECT_TRUE(has(render_text(mode), "  extends     intel-merom\n"));
  report::ModeList modes = list_modes(cat());
  EXPECT_EQ(static_cast<size_t>(modes.modes_size()), cat().baselines().size());

  report::FeatureList features = feature_list();
  const report::FeatureList::Feature* sse41 = nullptr;
  for (const auto& f : features.features())
    if (f.name() == "sse4_1") sse41 = &f;
  ASSERT_NE(sse41, nullptr);
  EXPECT_EQ(sse41->register_(), "1:ecx");
  EXPECT_EQ(sse41->bit(), 19u);
  EXPECT_TRUE(sse41->user_visible());
  EXPECT_TRUE(sse41->migratable());

  report::CpuList list = list_cpus(cat());
  EXPECT_EQ(static_cast<size_t>(list.cpus_size()), cat().cpus().size());
  const std::string listed = render_text(list);
  EXPECT_TRUE(has(listed, "\n" + std::to_string(list.cpus_size()) + " CPU generations\n")) << listed.substr(0, 200);
}

TEST(CpuReport, ImportReportNamesTheFormatAndTheFeatures) {
  const std::string path = test::fixture("cpuid_r.txt");
  report::ImportReport r = import_report(import_dump_file(path), path);
  EXPECT_EQ(r.file(), path);
  EXPECT_EQ(r.format(), std::string(dump_format_name(DumpFormat::cpuid_r)));
  EXPECT_GE(r.logical_cpus(), 1u);
  EXPECT_TRUE(contains(r.features(), "sse4_1"));
  EXPECT_TRUE(has(r.textproto(), "cpuid: \"00000001.00 000206D7")) << r.textproto().substr(0, 300);
  EXPECT_EQ(render_text(r).rfind("# " + path + ": " + r.format() + ", ", 0), 0u);
}

}  // namespace
}  // namespace evcsim
