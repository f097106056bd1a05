#include "interop/cpu_export.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

const Catalog& cat() { return Catalog::builtin(); }

TEST(Export, VmxMasksHideWhatTheBaselineLacks) {
  std::string vmx =
      export_baseline(*cat().find_cpu("harpertown"), cat().baseline("intel-merom"), ExportFormat::vmx, cat());
  // sse4_1 is CPUID.1:ECX bit 19: the 13th letter from the left.
  EXPECT_NE(vmx.find("cpuid.1.ecx = \"------------0-------------------\""), std::string::npos) << vmx;
}

TEST(Export, VmxAlsoWritesThePerVmEvcForm) {
  std::string vmx =
      export_baseline(*cat().find_cpu("haswell-ep"), cat().baseline("intel-sandybridge"), ExportFormat::vmx, cat());
  EXPECT_NE(vmx.find("featMask.vm.cpuid.AVX2 = \"Max:0\""), std::string::npos) << vmx;
  EXPECT_EQ(vmx.find("featMask.vm.cpuid.SSE42"), std::string::npos);  // the baseline keeps SSE4.2
}

// A portable custom model: the closest named model below the baseline plus
// what it lacks, in each tool's spelling; nothing a tool does not know.
TEST(Export, LibvirtAndQemuStartFromTheClosestNamedModel) {
  const CpuModel& host = *cat().find_cpu("skylake-sp");
  const Baseline& b = cat().baseline("intel-haswell");
  std::string lv = export_baseline(host, b, ExportFormat::libvirt, cat());
  EXPECT_NE(lv.find("<cpu mode='custom' match='exact' check='partial'>"), std::string::npos) << lv;
  EXPECT_NE(lv.find("<model fallback='forbid'>Haswell-noTSX</model>"), std::string::npos) << lv;
  EXPECT_NE(lv.find("<feature policy='require' name='pdpe1gb'/>"), std::string::npos) << lv;
  EXPECT_NE(lv.find("<feature policy='require' name='tsc_adjust'/>"), std::string::npos) << lv;
  EXPECT_EQ(lv.find("name='xstate"), std::string::npos) << lv;
  EXPECT_NE(lv.find("<!-- libvirt has no flag for xstate_x87, xstate_sse, xstate_avx"), std::string::npos) << lv;
  std::string q = export_baseline(host, b, ExportFormat::qemu, cat());
  EXPECT_NE(q.find("-cpu Haswell-noTSX,"), std::string::npos) << q;
  EXPECT_NE(q.find(",+tsc-adjust"), std::string::npos) << q;
  EXPECT_NE(q.find(",enforce\n"), std::string::npos) << q;
  EXPECT_EQ(q.find(",+xstate"), std::string::npos) << q;
  EXPECT_EQ(q.find("avx512"), std::string::npos) << q;

  // A new part at an old AMD mode: names QEMU 7.2 lacks are left out and said.
  std::string z = export_baseline(*cat().find_cpu("genoa"), cat().baseline("amd-zen3"), ExportFormat::qemu, cat());
  EXPECT_NE(z.find("-cpu EPYC-Milan,"), std::string::npos) << z;
  EXPECT_NE(z.find("# QEMU has no flag for"), std::string::npos) << z;
  EXPECT_EQ(z.find("+invlpgb"), std::string::npos) << z;
  EXPECT_EQ(z.find("+rdpru"), std::string::npos) << z;
}

TEST(Export, RefusesAHostThatCannotJoin) {
  EXPECT_THROW(
      export_baseline(*cat().find_cpu("sandybridge-ep"), cat().baseline("x86-64-v3"), ExportFormat::qemu, cat()),
      InputError);
  EXPECT_THROW(parse_export_format("xml"), InputError);
}

}  // namespace
}  // namespace evcsim
