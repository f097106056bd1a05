#include "cpu/feature_registry.hpp"

#include <random>
#include <set>

#include <gtest/gtest.h>

#include "base/error.hpp"

namespace evcsim {
namespace {

TEST(FeatureRegistry, HasAtLeast150UniqueFeatures) {
  auto all = all_features();
  EXPECT_GE(all.size(), 150u);
  EXPECT_LE(all.size(), FeatureSet::kCapacity);
  std::set<std::string> names;
  std::set<std::tuple<uint32_t, uint32_t, Reg, uint8_t>> bits;
  for (const auto& f : all) {
    EXPECT_TRUE(names.insert(std::string(f.name)).second) << "duplicate name " << f.name;
    EXPECT_TRUE(bits.insert({f.leaf, f.subleaf, f.reg, f.bit}).second) << "two features at the bit of " << f.name;
    EXPECT_LT(f.bit, 32);
  }
}

TEST(FeatureRegistry, AliasesNeverNameTwoFeatures) {
  std::map<std::string, std::string> owner;
  for (const auto& f : all_features()) {
    auto id = find_feature(f.name);
    ASSERT_TRUE(id);
    EXPECT_EQ(feature_info(*id).name, f.name);
  }
}

struct Expected {
  const char* name;
  uint32_t leaf, subleaf;
  Reg reg;
  int bit;
};

// Bit positions from the Intel SDM (CPUID instruction) and the AMD APM vol. 3.
TEST(FeatureRegistry, BitPositionsMatchTheVendorManuals) {
  const Expected cases[] = {
      {"fpu", 1, 0, Reg::edx, 0},
      {"cx8", 1, 0, Reg::edx, 8},
      {"cmov", 1, 0, Reg::edx, 15},
      {"clflush", 1, 0, Reg::edx, 19},
      {"mmx", 1, 0, Reg::edx, 23},
      {"sse", 1, 0, Reg::edx, 25},
      {"sse2", 1, 0, Reg::edx, 26},
      {"ht", 1, 0, Reg::edx, 28},
      {"sse3", 1, 0, Reg::ecx, 0},
      {"pclmulqdq", 1, 0, Reg::ecx, 1},
      {"vmx", 1, 0, Reg::ecx, 5},
      {"ssse3", 1, 0, Reg::ecx, 9},
      {"fma", 1, 0, Reg::ecx, 12},
      {"cx16", 1, 0, Reg::ecx, 13},
      {"pcid", 1, 0, Reg::ecx, 17},
      {"sse4_1", 1, 0, Reg::ecx, 19},
      {"sse4_2", 1, 0, Reg::ecx, 20},
      {"movbe", 1, 0, Reg::ecx, 22},
      {"popcnt", 1, 0, Reg::ecx, 23},
      {"aes", 1, 0, Reg::ecx, 25},
      {"xsave", 1, 0, Reg::ecx, 26},
      {"osxsave", 1, 0, Reg::ecx, 27},
      {"avx", 1, 0, Reg::ecx, 28},
      {"f16c", 1, 0, Reg::ecx, 29},
      {"rdrand", 1, 0, Reg::ecx, 30},
      {"hypervisor", 1, 0, Reg::ecx, 31},
      {"fsgsbase", 7, 0, Reg::ebx, 0},
      {"bmi1", 7, 0, Reg::ebx, 3},
      {"hle", 7, 0, Reg::ebx, 4},
      {"avx2", 7, 0, Reg::ebx, 5},
      {"smep", 7, 0, Reg::ebx, 7},
      {"bmi2", 7, 0, Reg::ebx, 8},
      {"invpcid", 7, 0, Reg::ebx, 10},
      {"rtm", 7, 0, Reg::ebx, 11},
      {"mpx", 7, 0, Reg::ebx, 14},
      {"avx512f", 7, 0, Reg::ebx, 16},
      {"rdseed", 7, 0, Reg::ebx, 18},
      {"adx", 7, 0, Reg::ebx, 19},
      {"smap", 7, 0, Reg::ebx, 20},
      {"clwb", 7, 0, Reg::ebx, 24},
      {"sha_ni", 7, 0, Reg::ebx, 29},
      {"avx512vl", 7, 0, Reg::ebx, 31},
      {"avx512vbmi", 7, 0, Reg::ecx, 1},
      {"pku", 7, 0, Reg::ecx, 3},
      {"gfni", 7, 0, Reg::ecx, 8},
      {"vaes", 7, 0, Reg::ecx, 9},
      {"avx512_vnni", 7, 0, Reg::ecx, 11},
      {"la57", 7, 0, Reg::ecx, 16},
      {"rdpid", 7, 0, Reg::ecx, 22},
      {"movdiri", 7, 0, Reg::ecx, 27},
      {"movdir64b", 7, 0, Reg::ecx, 28},
      {"fsrm", 7, 0, Reg::edx, 4},
      {"serialize", 7, 0, Reg::edx, 14},
      {"amx_bf16", 7, 0, Reg::edx, 22},
      {"avx512_fp16", 7, 0, Reg::edx, 23},
      {"amx_tile", 7, 0, Reg::edx, 24},
      {"amx_int8", 7, 0, Reg::edx, 25},
      {"avx_vnni", 7, 1, Reg::eax, 4},
      {"avx512_bf16", 7, 1, Reg::eax, 5},
      {"amx_fp16", 7, 1, Reg::eax, 21},
      {"avx_vnni_int8", 7, 1, Reg::edx, 4},
      {"avx10", 7, 1, Reg::edx, 19},
      {"xsaveopt", 0xD, 1, Reg::eax, 0},
      {"xsaves", 0xD, 1, Reg::eax, 3},
      {"xstate_avx", 0xD, 0, Reg::eax, 2},
      {"xstate_opmask", 0xD, 0, Reg::eax, 5},
      {"xstate_xtiledata", 0xD, 0, Reg::eax, 18},
      {"syscall", 0x80000001, 0, Reg::edx, 11},
      {"nx", 0x80000001, 0, Reg::edx, 20},
      {"mmxext", 0x80000001, 0, Reg::edx, 22},
      {"pdpe1gb", 0x80000001, 0, Reg::edx, 26},
      {"rdtscp", 0x80000001, 0, Reg::edx, 27},
      {"lm", 0x80000001, 0, Reg::edx, 29},
      {"3dnowext", 0x80000001, 0, Reg::edx, 30},
      {"3dnow", 0x80000001, 0, Reg::edx, 31},
      {"lahf_lm", 0x80000001, 0, Reg::ecx, 0},
      {"svm", 0x80000001, 0, Reg::ecx, 2},
      {"abm", 0x80000001, 0, Reg::ecx, 5},
      {"sse4a", 0x80000001, 0, Reg::ecx, 6},
      {"3dnowprefetch", 0x80000001, 0, Reg::ecx, 8},
      {"xop", 0x80000001, 0, Reg::ecx, 11},
      {"fma4", 0x80000001, 0, Reg::ecx, 16},
      {"tbm", 0x80000001, 0, Reg::ecx, 21},
      {"invtsc", 0x80000007, 0, Reg::edx, 8},
      {"clzero", 0x80000008, 0, Reg::ebx, 0},
      {"wbnoinvd", 0x80000008, 0, Reg::ebx, 9},
  };
  for (const auto& c : cases) {
    const FeatureInfo& f = feature_info(feature_id(c.name));
    EXPECT_EQ(f.leaf, c.leaf) << c.name;
    EXPECT_EQ(f.subleaf, c.subleaf) << c.name;
    EXPECT_EQ(f.reg, c.reg) << c.name;
    EXPECT_EQ(f.bit, c.bit) << c.name;
  }
}

TEST(FeatureRegistry, LibvirtAndQemuSpellingsResolve) {
  EXPECT_EQ(feature_info(feature_id("pni")).name, "sse3");
  EXPECT_EQ(feature_info(feature_id("pclmuldq")).name, "pclmulqdq");
  EXPECT_EQ(feature_info(feature_id("lahf-lm")).name, "lahf_lm");
  EXPECT_EQ(feature_info(feature_id("sse4.1")).name, "sse4_1");
  EXPECT_EQ(feature_info(feature_id("SSE4_2")).name, "sse4_2");
  EXPECT_EQ(feature_info(feature_id("lzcnt")).name, "abm");
  EXPECT_EQ(feature_info(feature_id("tsc-deadline")).name, "tsc_deadline_timer");
  EXPECT_FALSE(find_feature("sse5"));
  EXPECT_THROW(feature_id("sse5"), InputError);
}

TEST(FeatureRegistry, VisibilityAndMigratability) {
  auto info = [](const char* n) { return feature_info(feature_id(n)); };
  EXPECT_TRUE(info("avx2").user_visible);
  EXPECT_TRUE(info("avx2").migratable);
  EXPECT_FALSE(info("nx").user_visible);
  EXPECT_TRUE(info("nx").migratable);
  EXPECT_FALSE(info("smep").user_visible);
  EXPECT_FALSE(info("pcid").user_visible);
  EXPECT_FALSE(info("invtsc").migratable);
  EXPECT_FALSE(info("hypervisor").migratable);
  EXPECT_FALSE(info("osxsave").migratable);
  EXPECT_FALSE(info("vmx").migratable);
  EXPECT_TRUE(migratable_features().test(feature_id("sse4_1")));
  EXPECT_FALSE(migratable_features().test(feature_id("ht")));
}

TEST(FeatureRegistry, DecodeEncodeRoundTripsEveryKnownBit) {
  std::mt19937 gen(7);
  for (int round = 0; round < 50; ++round) {
    CpuidDump raw;
    for (const RegisterRef& r : feature_registers()) raw.set_register(r, static_cast<uint32_t>(gen()));
    FeatureSet s = decode(raw);
    CpuidDump rebuilt;
    encode(s, rebuilt);
    for (const RegisterRef& r : feature_registers()) {
      uint32_t known = encode_register(features_in(r), r);
      EXPECT_EQ(rebuilt.get(r), raw.get(r) & known) << short_register(r);
    }
    EXPECT_EQ(decode(rebuilt), s);
    // Encoding into the original keeps the bits the registry does not name.
    CpuidDump copy = raw;
    encode(s, copy);
    EXPECT_EQ(copy, raw);
  }
}

TEST(FeatureRegistry, GroupsByRegisterInVcenterWording) {
  auto groups = group_by_register(make_feature_set({"sse4_1", "sse4_2", "avx2"}));
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(describe_register(groups[0].reg), "CPUID level 0x1 register 'ecx'");
  EXPECT_EQ(groups[0].names, (std::vector<std::string>{"sse4_1", "sse4_2"}));
  EXPECT_EQ(describe_register(groups[1].reg), "CPUID level 0x7 register 'ebx'");
}

TEST(Cpuid, RegisterSpellingsParse) {
  EXPECT_EQ(parse_register("1:ecx"), (RegisterRef{1, 0, Reg::ecx}));
  EXPECT_EQ(parse_register("81:edx"), (RegisterRef{0x80000001, 0, Reg::edx}));
  EXPECT_EQ(parse_register("80000001:EDX"), (RegisterRef{0x80000001, 0, Reg::edx}));
  EXPECT_EQ(parse_register("7.1:eax"), (RegisterRef{7, 1, Reg::eax}));
  EXPECT_EQ(parse_register("0xd.1:eax"), (RegisterRef{0xD, 1, Reg::eax}));
  EXPECT_THROW(parse_register("1:exx"), InputError);
  EXPECT_THROW(parse_register("ecx"), InputError);
  EXPECT_THROW(parse_register("zz:ecx"), InputError);
}

TEST(Cpuid, SignatureAndVendorDecode) {
  CpuidDump d;
  d.set(0, 0, Regs{{0xD, 0x756E6547, 0x6C65746E, 0x49656E69}});
  d.set(1, 0, Regs{{0x000306F2, 0, 0, 0}});
  EXPECT_EQ(d.vendor(), "GenuineIntel");
  EXPECT_EQ(d.family(), 6u);
  EXPECT_EQ(d.model(), 0x3Fu);
  EXPECT_EQ(d.stepping(), 2u);
  d.set(1, 0, Regs{{0x00A00F11, 0, 0, 0}});
  EXPECT_EQ(d.family(), 0x19u);
  EXPECT_EQ(d.model(), 0x01u);
}

TEST(Cpuid, LeafLinesParseAndRejectMalformedOnes) {
  auto [key, regs] = parse_leaf_line("00000007.01 00001C30-00000000-00000000-00000017");
  EXPECT_EQ(key.leaf, 7u);
  EXPECT_EQ(key.subleaf, 1u);
  EXPECT_EQ(regs[Reg::eax], 0x1C30u);
  EXPECT_EQ(regs[Reg::edx], 0x17u);
  EXPECT_EQ(format_leaf_line(key, regs), "00000007.01 00001C30-00000000-00000000-00000017");
  EXPECT_THROW(parse_leaf_line("00000007.01 00001C30-00000000-00000000"), InputError);
  EXPECT_THROW(parse_leaf_line("00000007 00001C30-00000000-00000000-00000017"), InputError);
  EXPECT_THROW(parse_leaf_line("00000007.01 00001C3G-00000000-00000000-00000017"), InputError);
  EXPECT_THROW(parse_leaf_line("7.01 00001C30-00000000-00000000-00000017"), InputError);
}

}  // namespace
}  // namespace evcsim
