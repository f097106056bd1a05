#include "interop/importers.hpp"

#include <filesystem>

#include "base/textproto.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/baseline.hpp"
#include "cpu/feature_registry.hpp"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

using test::fixture;

std::string error_of(const std::string& name) {
  try {
    import_dump_file(fixture(name));
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(Importers, Aida64WithSubleafTagsAndTwoCpus) {
  ImportResult r = import_dump_file(fixture("aida64_two_cpus.txt"));
  EXPECT_EQ(r.format, DumpFormat::aida);
  ASSERT_EQ(r.cpus.size(), 2u);
  const CpuidDump& d = r.cpus[0];
  EXPECT_EQ(d.vendor(), "GenuineIntel");
  EXPECT_EQ(d.model(), 0x3Fu);
  FeatureSet f = decode(d);
  EXPECT_TRUE(f.contains(make_feature_set({"avx2", "bmi1", "bmi2", "fma", "movbe", "sse4_2", "lm", "abm"})));
  EXPECT_TRUE(f.test(feature_id("xstate_avx")));  // leaf 0xD subleaf 0 from [SL 00]
  EXPECT_FALSE(f.test(feature_id("avx512f")));
  EXPECT_EQ(d.get(4, 1)[Reg::eax], 0x1C004122u);              // [SL 01]
  EXPECT_NE(r.cpus[1].get(1)[Reg::ebx], d.get(1)[Reg::ebx]);  // APIC ids differ
  EXPECT_EQ(infer_masking(d), Masking::flexmigration);
}

TEST(Importers, EverestWithoutSubleafTagsCountsRepeats) {
  ImportResult r = import_dump_file(fixture("everest_no_sl.txt"));
  EXPECT_EQ(r.format, DumpFormat::aida);
  ASSERT_EQ(r.cpus.size(), 2u);
  const CpuidDump& d = r.cpus[0];
  EXPECT_EQ(d.vendor(), "AuthenticAMD");
  EXPECT_EQ(d.family(), 0x10u);
  EXPECT_EQ(d.get(7, 0)[Reg::ebx], 0x28u);  // first leaf-7 line is subleaf 0
  EXPECT_TRUE(d.has(7, 1));                 // the second is subleaf 1
  EXPECT_TRUE(d.has(0xD, 1));
  FeatureSet f = decode(d);
  EXPECT_TRUE(f.contains(make_feature_set({"3dnow", "3dnowext", "sse4a", "abm", "svm", "avx2"})));
  EXPECT_EQ(infer_masking(d), Masking::extended_migration);
}

// Old AIDA64 versions print no [SL nn] tags and skip 0xD sub-leaf 1: the
// second 0xD line is the AVX component (size 256 at offset 576), sub-leaf 2.
// Counting repeats read it as sub-leaf 1, whose EAX bit 8 then looked like a
// flag and whose bit 0 (xsaveopt) was clear.
TEST(Importers, UntaggedLinesTakeTheirSubleafFromTheirContent) {
  const CpuidDump d = import_dump_file(fixture("aida64_old_no_xd1.txt")).cpus.at(0);
  ASSERT_TRUE(d.has(0xD, 2));
  EXPECT_FALSE(d.has(0xD, 1));
  EXPECT_EQ(d.get(0xD, 2)[Reg::eax], 256u);
  EXPECT_EQ(d.get(0xD, 2)[Reg::ebx], 576u);
  EXPECT_TRUE(d.has(0xB, 1));  // topology levels from ECX[7:0]
  EXPECT_EQ(d.get(0xB, 1)[Reg::ebx], 0x10u);

  // Sub-leaf 1 present, then Processor Trace (supervisor) and PKRU: 1, 8
  // and 9, not 1, 2 and 3.
  const CpuidDump e = import_dump(
                          "CPUID 00000000: 0000000D-756E6547-6C65746E-49656E69\n"
                          "CPUID 00000001: 00050654-00000000-7FFEFBFF-BFEBFBFF\n"
                          "CPUID 0000000D: 000002FF-00000A80-00000A88-00000000\n"
                          "CPUID 0000000D: 0000000F-00000A80-00000100-00000000\n"
                          "CPUID 0000000D: 00000100-00000000-00000001-00000000\n"
                          "CPUID 0000000D: 00000008-00000A80-00000000-00000000\n",
                          "x")
                          .cpus.at(0);
  EXPECT_TRUE(e.has(0xD, 1));
  EXPECT_TRUE(decode(e).test(feature_id("xsaveopt")));
  EXPECT_EQ(e.get(0xD, 1)[Reg::ecx], 0x100u);
  EXPECT_TRUE(e.has(0xD, 8));  // a supervisor component: the IA32_XSS bit of sub-leaf 1 (PT, bit 8)
  EXPECT_TRUE(e.has(0xD, 9));
  EXPECT_EQ(e.get(0xD, 9)[Reg::eax], 8u);
  EXPECT_FALSE(e.has(0xD, 2));
}

// A Linux guest on a Zen 4 host (written for the tests: the flags a 6.1
// kernel shows in a KVM guest whose hypervisor hides MTRR). Linux shows no
// flags for the XSAVE state components, and ibrs/ibpb/stibp/ssbd are its own
// names for either vendor's bits.
TEST(Importers, ProcCpuinfoOfAZen4GuestReachesItsLevelAndMode) {
  const Catalog& cat = Catalog::builtin();
  CpuModel m = resolve_cpu(cat, fixture("proc_cpuinfo_zen4_guest.txt"));
  EXPECT_TRUE(m.features.contains(make_feature_set({"xstate_x87", "xstate_sse", "xstate_avx", "xstate_opmask",
                                                    "xstate_zmm_hi256", "xstate_hi16_zmm", "xstate_pkru"})));
  EXPECT_TRUE(m.features.contains(make_feature_set({"amd_ibrs", "amd_ibpb", "amd_stibp", "amd_ssbd"})));
  EXPECT_FALSE(m.features.test(feature_id("spec_ctrl")));  // an Intel bit
  EXPECT_FALSE(m.features.test(feature_id("intel_stibp")));
  std::vector<const CpuModel*> one = {&m};
  EXPECT_EQ(best_baseline(one, cat.baselines(), BaselineKind::level)->name, "x86-64-v4");
  // The Zen 2 and later modes ask for rdpru (Zen 3 also for invlpgb and
  // shstk), which KVM does not pass to guests; the hidden MTRR bit keeps it
  // out of no mode (hypervisors emulate MTRRs whatever the host).
  auto mode = best_baseline(one, cat.baselines(), BaselineKind::evc);
  ASSERT_TRUE(mode.has_value());
  EXPECT_EQ(mode->name, "amd-zen");

  // On Intel the same Linux names are Intel's CPUID.7.0:EDX bits.
  CpuModel i = resolve_cpu(cat, fixture("proc_cpuinfo.txt"));
  EXPECT_TRUE(i.features.test(feature_id("xstate_avx")));
  EXPECT_FALSE(i.features.test(feature_id("amd_ibrs")));
  EXPECT_TRUE(i.features.test(feature_id("spec_ctrl")));
}

// libvirt's CPUID XML of a Haswell-EP whose microcode disabled TSX
// (libvirt's Haswell-noTSX): it joins vSphere's Haswell mode.
TEST(Importers, LibvirtCpuidXml) {
  const Catalog& cat = Catalog::builtin();
  ImportResult r = import_dump_file(fixture("libvirt_cpuid_haswell_notsx.xml"));
  EXPECT_EQ(r.format, DumpFormat::libvirt_cpuid);
  CpuModel m = resolve_cpu(cat, fixture("libvirt_cpuid_haswell_notsx.xml"));
  EXPECT_EQ(m.cpuid.model(), 0x3Fu);
  EXPECT_FALSE(m.features.test(feature_id("rtm")));
  EXPECT_TRUE(m.features.contains(make_feature_set({"avx2", "aes", "xsaveopt", "arat"})));
  std::vector<const CpuModel*> with_skylake = {&m, cat.find_cpu("skylake-sp")};
  EXPECT_EQ(best_baseline(with_skylake, cat.baselines(), BaselineKind::evc)->name, "intel-haswell");
  EXPECT_EQ(error_of("libvirt_cpuid_haswell_notsx.xml"), "no error");
  try {
    import_dump("<cpudata arch='x86'>\n<cpuid eax_in='0x00000000' ecx_in='0x00' eax='0x0000000d'/>\n</cpudata>\n",
                "t.xml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("t.xml:2: ebx: <cpuid> lacks ebx=", 0), 0u) << e.what();
  }
}

// `virsh capabilities`: a named model (libvirt's own definition of it) plus
// the features beyond it, and the signature.
TEST(Importers, VirshCapabilitiesHostCpu) {
  const Catalog& cat = Catalog::builtin();
  ImportResult r = import_dump_file(fixture("virsh_capabilities.xml"));
  EXPECT_EQ(r.format, DumpFormat::libvirt_capabilities);
  CpuModel m = resolve_cpu(cat, fixture("virsh_capabilities.xml"));
  EXPECT_EQ(m.cpuid.family(), 6u);
  EXPECT_EQ(m.cpuid.model(), 0x55u);
  EXPECT_TRUE(m.features.contains(make_feature_set(
      {"avx512f", "hle", "rtm", "pku", "xsaves", "clflushopt", "xstate_zmm_hi256", "spec_ctrl", "pdpe1gb"})));
  std::vector<const CpuModel*> one = {&m};
  EXPECT_EQ(best_baseline(one, cat.baselines(), BaselineKind::evc)->name, "intel-skylake");
  EXPECT_EQ(infer_masking(m.cpuid), Masking::flexmigration);
}

// `virsh domcapabilities`: the host-model CPU, with required and disabled
// features; without a signature the nearest catalog CPU's is used.
TEST(Importers, VirshDomcapabilitiesHostModel) {
  const Catalog& cat = Catalog::builtin();
  ImportResult r = import_dump_file(fixture("virsh_domcapabilities.xml"));
  EXPECT_EQ(r.format, DumpFormat::libvirt_domcapabilities);
  ASSERT_GE(r.notes.size(), 2u);
  EXPECT_NE(r.notes[0].find("no <signature>: family and model of the nearest catalog CPU, "), std::string::npos)
      << r.notes[0];
  EXPECT_TRUE(is_amd(r.cpus[0].vendor()));
  EXPECT_NE(r.notes[1].find("rdctl-no"), std::string::npos) << r.notes[1];
  CpuModel m = resolve_cpu(cat, fixture("virsh_domcapabilities.xml"));
  EXPECT_FALSE(m.features.test(feature_id("clwb")));  // disabled
  EXPECT_TRUE(m.features.contains(make_feature_set({"xsaves", "amd_ibrs", "amd_ssbd", "tsc_adjust", "sha_ni"})));
  std::vector<const CpuModel*> one = {&m};
  // libvirt 9.0 has no name for rdpru, which the Zen 2 mode asks for.
  EXPECT_EQ(best_baseline(one, cat.baselines(), BaselineKind::evc)->name, "amd-zen");
  try {
    import_dump(
        "<capabilities><host><cpu><model>Skylake-Client</model><vendor>Intel</vendor></cpu></host></capabilities>",
        "c.xml");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("c.xml:1: model: unknown CPU model 'Skylake-Client'"), std::string::npos)
        << e.what();
  }
}

TEST(Importers, CpuidDashR) {
  ImportResult r = import_dump_file(fixture("cpuid_r.txt"));
  EXPECT_EQ(r.format, DumpFormat::cpuid_r);
  ASSERT_EQ(r.cpus.size(), 2u);
  FeatureSet f = decode(r.cpus[0]);
  EXPECT_TRUE(f.contains(make_feature_set({"avx", "aes", "sse4_2", "xsaveopt", "lahf_lm"})));
  EXPECT_FALSE(f.test(feature_id("avx2")));
  EXPECT_EQ(r.cpus[0].model(), 0x2Du);
}

// A leaf written twice for one CPU is a damaged dump: refused with its line
// (it kept the last value, where the catalog refuses the same).
TEST(Importers, CpuidDashRWithALeafTwiceIsRefused) {
  const std::string text =
      "CPU 0:\n"
      "   0x00000000 0x00: eax=0x0000000d ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n"
      "   0x00000001 0x00: eax=0x000206d7 ebx=0x00200800 ecx=0x1e982203 edx=0xbfebfbff\n"
      "   0x00000001 0x00: eax=0x000206d7 ebx=0x00200800 ecx=0x00000000 edx=0xbfebfbff\n";
  try {
    import_dump(text, "twice.txt");
    ADD_FAILURE() << "a leaf twice was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "twice.txt:4: leaf: leaf 0x00000001 subleaf 0 appears twice for this CPU");
  }
}

TEST(Importers, ProcCpuinfoFlags) {
  ImportResult r = import_dump_file(fixture("proc_cpuinfo.txt"));
  EXPECT_EQ(r.format, DumpFormat::proc_cpuinfo);
  ASSERT_EQ(r.cpus.size(), 1u);
  const CpuidDump& d = r.cpus[0];
  EXPECT_EQ(d.vendor(), "GenuineIntel");
  EXPECT_EQ(d.family(), 6u);
  EXPECT_EQ(d.model(), 63u);
  EXPECT_EQ(d.stepping(), 2u);
  FeatureSet f = decode(d);
  EXPECT_TRUE(f.contains(make_feature_set({"sse3", "avx2", "fma", "lahf_lm", "abm", "xsaveopt", "hypervisor"})));
  EXPECT_FALSE(f.test(feature_id("avx512f")));
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("rep_good"), std::string::npos);
}

TEST(Importers, VmwareRegisterLines) {
  ImportResult r = import_dump_file(fixture("vmware_regs.txt"));
  EXPECT_EQ(r.format, DumpFormat::vmware);
  const CpuidDump& d = r.cpus[0];
  EXPECT_EQ(d.get(1)[Reg::ecx], 0x0008e3fdu);
  EXPECT_EQ(d.get(0x80000001)[Reg::edx], 0x20100800u);
  EXPECT_EQ(d.vendor(), "GenuineIntel");
  FeatureSet f = decode(d);
  EXPECT_TRUE(f.test(feature_id("sse4_1")));
  EXPECT_TRUE(f.test(feature_id("lm")));
  EXPECT_FALSE(f.test(feature_id("sse4_2")));
}

TEST(Importers, TruncatedAndMalformedInputsNameTheLine) {
  EXPECT_NE(error_of("aida64_truncated.txt").find("aida64_truncated.txt:33: registers: truncated or malformed"),
            std::string::npos)
      << error_of("aida64_truncated.txt");
  EXPECT_NE(error_of("cpuid_r_truncated.txt").find("cpuid_r_truncated.txt:4: registers: truncated line"),
            std::string::npos)
      << error_of("cpuid_r_truncated.txt");
  EXPECT_NE(error_of("proc_cpuinfo_truncated.txt").find("flags: no 'flags' line"), std::string::npos)
      << error_of("proc_cpuinfo_truncated.txt");
  EXPECT_NE(error_of("vmware_bad_value.txt").find("vmware_bad_value.txt:2: ID1EDX: value '0xbfebfbfg'"),
            std::string::npos)
      << error_of("vmware_bad_value.txt");
  EXPECT_NE(error_of("unknown_format.txt").find("unknown_format.txt:1: unrecognized format"), std::string::npos);
  EXPECT_NE(error_of("no-such-file.txt").find("no-such-file.txt: no such file"), std::string::npos)
      << error_of("no-such-file.txt");
  EXPECT_NE(error_of("").find("fixtures/: is a folder, not a file"), std::string::npos) << error_of("");
}

TEST(Importers, InMemoryEdgeCases) {
  EXPECT_THROW(import_dump("", "empty"), InputError);
  EXPECT_THROW(import_dump("\n\n   \n", "blank"), InputError);
  // A block with leaf 0 but no leaf 1 is truncated.
  EXPECT_THROW(import_dump("CPUID 00000000: 0000000D-756E6547-6C65746E-49656E69\n", "x"), InputError);
  // A bad [SL] tag.
  EXPECT_THROW(import_dump("CPUID 00000001: 000306F2-00000000-00000000-00000000 [SL zz]\n", "x"), InputError);
  // Header lines that merely start with "CPUID" are not register lines.
  ImportResult r =
      import_dump("CPUID Manufacturer : GenuineIntel\nCPUID 00000001: 000306F2-00000000-00000001-00000000\n", "x");
  EXPECT_TRUE(decode(r.cpus[0]).test(feature_id("sse3")));
}

TEST(Importers, ResolveCpuTakesCatalogNamesOrFiles) {
  const Catalog& cat = Catalog::builtin();
  EXPECT_EQ(resolve_cpu(cat, "E5420").name, "harpertown");
  CpuModel m = resolve_cpu(cat, fixture("vmware_regs.txt"));
  EXPECT_EQ(m.name, "vmware_regs.txt");
  EXPECT_EQ(m.masking, Masking::flexmigration);  // 0x10676: Penryn
  EXPECT_THROW(resolve_cpu(cat, "Xeon Q9999"), InputError);
}

TEST(Importers, CatalogEntryRoundTrips) {
  ImportResult r = import_dump_file(fixture("aida64_two_cpus.txt"));
  CpuModel m = model_from_import(r, "fixture.txt");
  m.launch = {2014, 9};
  m.end_of_sale = {2016, 1};
  m.cores_per_socket = 12;
  m.relative_speed = 2.0;
  std::string text = format_catalog_entry(m);
  Catalog c = Catalog::load({{"round.textproto", text}});
  ASSERT_EQ(c.cpus().size(), 1u);
  EXPECT_EQ(c.cpus()[0].features, m.features);
  EXPECT_EQ(c.cpus()[0].masking, m.masking);
}

}  // namespace
}  // namespace evcsim

namespace evcsim {
namespace {

// Inputs the fuzzers found crashing, kept as regression tests: each must end
// in a result or an InputError, never a crash.
TEST(Importers, FuzzRegressionsNeverCrash) {
  int n = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(EVCSIM_SOURCE_DIR) + "/tests/fuzz/regressions")) {
    std::string text = read_file(e.path().string());
    try {
      ImportResult r = import_dump(text, e.path().string());
      for (const auto& c : r.cpus) (void)decode(c);
    } catch (const InputError&) {
    }
    ++n;
  }
  EXPECT_GE(n, 1);
}

}  // namespace
}  // namespace evcsim
