#include "models/cpu_export.hpp"

#include <gtest/gtest.h>

#include "models/catalog.hpp"
#include "models/error.hpp"
#include "models/feature_registry.hpp"

namespace evcsim {
namespace {

const Catalog& cat() { return Catalog::builtin(); }

TEST(Export, VmxMasksHideWhatTheBaselineLacks) {
  std::string vmx = export_baseline(*cat().find_cpu("harpertown"), cat().baseline("intel-merom"), ExportFormat::vmx);
  // sse4_1 is CPUID.1:ECX bit 19: the 13th letter from the left.
  EXPECT_NE(vmx.find("cpuid.1.ecx = \"------------0-------------------\""), std::string::npos) << vmx;
}

TEST(Export, LibvirtAndQemuUseTheirSpellings) {
  const CpuModel& host = *cat().find_cpu("haswell-ep");
  const Baseline& b = cat().baseline("intel-sandybridge");
  std::string lv = export_baseline(host, b, ExportFormat::libvirt);
  EXPECT_NE(lv.find("<feature policy='disable' name='avx2'/>"), std::string::npos) << lv;
  EXPECT_NE(lv.find("<cpu mode='host-model'"), std::string::npos);
  std::string q = export_baseline(host, b, ExportFormat::qemu);
  EXPECT_EQ(q.rfind("-cpu host,migratable=on,", 0), 0u) << q;
  EXPECT_NE(q.find(",-avx2"), std::string::npos);
  EXPECT_NE(q.find(",-fma"), std::string::npos);
  EXPECT_EQ(q.find(",-sse4.2"), std::string::npos);  // the baseline keeps SSE4.2
}

TEST(Export, RefusesAHostThatCannotJoin) {
  EXPECT_THROW(export_baseline(*cat().find_cpu("sandybridge-ep"), cat().baseline("x86-64-v3"), ExportFormat::qemu),
               InputError);
  EXPECT_THROW(parse_export_format("xml"), InputError);
}

}  // namespace
}  // namespace evcsim
