// Reference facts written down with their sources (tests/fidelity/*.txt and
// the tables below), checked against evcsim's catalog and modes on every
// run. docs/fidelity.md gives the agreement table.
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "base/text_util.hpp"
#include "catalog/baseline.hpp"
#include "catalog/catalog.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

std::string data(const std::string& name) { return std::string(EVCSIM_SOURCE_DIR) + "/tests/fidelity/" + name; }

const Baseline& mode(const char* name) { return Catalog::builtin().baseline(name); }

// Every EVC mode is in each part of its generation: a part may have more
// features, never fewer (the catalog's declared adjustments are part of the
// entry).
TEST(Fidelity, EveryModeIsInItsGenerationsParts) {
  const Catalog& cat = Catalog::builtin();
  int checked = 0;
  for (const Baseline& b : cat.baselines()) {
    for (const std::string& name : b.check_cpus) {
      const CpuModel* c = cat.find_cpu(name);
      ASSERT_NE(c, nullptr) << name;
      EXPECT_EQ(join_names(b.features - c->migratable()), "") << b.name << " asks for features " << name << " lacks";
      ++checked;
    }
  }
  EXPECT_GE(checked, 25);
}

// Each mode is the mode below plus what VMware lists as added ("Compared to
// the ... EVC mode, this EVC mode exposes additional CPU features including
// ..."): the listed features are in the mode and not in the one below.
TEST(Fidelity, EachModeAddsWhatVmwareLists) {
  const std::map<std::string, std::string> added = {
      {"intel-penryn", "sse4_1"},
      {"intel-nehalem", "sse4_2 popcnt"},
      {"intel-westmere", "aes pclmulqdq"},
      {"intel-sandybridge", "avx xsave"},
      {"intel-ivybridge", "rdrand erms fsgsbase smep f16c"},
      {"intel-haswell", "bmi1 bmi2 abm avx2 movbe fma invpcid"},
      {"intel-broadwell", "hle rtm smap adx 3dnowprefetch rdseed"},
      {"intel-skylake", "avx512f avx512cd avx512bw avx512dq avx512vl clflushopt clwb pku xsavec xsaves"},
      {"intel-cascadelake", "avx512_vnni"},
      {"amd-rev-f", "cx16 rdtscp"},
      {"amd-greyhound", "sse4a misalignsse popcnt abm"},
      {"amd-bulldozer", "ssse3 sse4_1 sse4_2 aes pclmulqdq avx xop fma4 xsave"},
      {"amd-piledriver", "bmi1 f16c fma tbm"},
      {"amd-steamroller", "xsaveopt"},
  };
  const Catalog& cat = Catalog::builtin();
  for (const auto& [name, list] : added) {
    const Baseline& b = cat.baseline(name);
    ASSERT_FALSE(b.extends.empty()) << name;
    const Baseline& below = cat.baseline(b.extends);
    FeatureSet f = parse_feature_list(list);
    EXPECT_TRUE(b.features.contains(f)) << name << " lacks " << join_names(f - b.features);
    EXPECT_EQ(join_names(f & below.features), "") << name << ": already in " << below.name;
  }
}

// libvirt's Haswell-noTSX (a real E5-2609 v3 whose TSX microcode disabled)
// joins vSphere's Haswell mode: VMware lists TSX with Broadwell.
TEST(Fidelity, AHaswellWithoutTsxJoinsTheHaswellMode) {
  const Catalog& cat = Catalog::builtin();
  CpuModel notsx = *cat.find_cpu("haswell-ep");
  notsx.name = "haswell-ep-notsx";
  notsx.features = notsx.features - make_feature_set({"hle", "rtm"});
  EXPECT_TRUE(check_admission(notsx, mode("intel-haswell")).ok);
  EXPECT_FALSE(check_admission(notsx, mode("intel-broadwell")).ok);
  // A Broadwell with TSX off lacks only TSX for its own mode.
  CpuModel bdw = *cat.find_cpu("broadwell-ep");
  bdw.features = bdw.features - make_feature_set({"hle", "rtm"});
  Admission a = check_admission(bdw, mode("intel-broadwell"));
  EXPECT_FALSE(a.ok);
  EXPECT_EQ(join_names(a.missing, " "), "hle rtm");
  const CpuModel* skl = cat.find_cpu("skylake-sp");
  std::vector<const CpuModel*> pair = {&notsx, skl};
  EXPECT_EQ(best_baseline(pair, cat.baselines(), BaselineKind::evc)->name, "intel-haswell");  // was intel-ivybridge
}

// The psABI levels ask for the psABI's features (x86-64-ABI, "Micro-
// architecture levels"); a hypervisor that hides MTRR does not keep a guest
// out of x86-64-v1.
TEST(Fidelity, LevelsAskWhatThePsAbiAsks) {
  const std::map<std::string, std::string> psabi = {
      {"x86-64-v1", "cmov cx8 fpu fxsr mmx sse sse2"},
      {"x86-64-v2", "cx16 lahf_lm popcnt sse3 sse4_1 sse4_2 ssse3"},
      {"x86-64-v3", "avx avx2 bmi1 bmi2 f16c fma abm movbe xsave"},
      {"x86-64-v4", "avx512f avx512bw avx512cd avx512dq avx512vl"},
  };
  for (const auto& [name, list] : psabi)
    EXPECT_TRUE(mode(name.c_str()).features.contains(parse_feature_list(list))) << name;
  EXPECT_FALSE(mode("x86-64-v1").features.test(feature_id("mtrr")));
  EXPECT_EQ(mode("x86-64-v2").extends, "x86-64-v1");
  CpuModel h = *Catalog::builtin().find_cpu("milan");
  h.features.reset(feature_id("mtrr"));
  EXPECT_TRUE(check_admission(h, mode("x86-64-v1")).ok);
  EXPECT_TRUE(check_admission(h, mode("x86-64-v3")).ok);
}

// QEMU's named models, as the installed QEMU expands them
// (tests/fidelity/qemu_models.sh wrote qemu-models.txt): every migratable
// feature of a model is in the evcsim mode of its generation, and what the
// mode has beyond it is exactly what qemu-differences.txt lists with reasons.
TEST(Fidelity, QemuModelsAgreeWithTheModes) {
  std::map<std::string, std::pair<std::string, std::string>> expected;  // model -> (mode, extra)
  std::ifstream diffs(data("qemu-differences.txt"));
  ASSERT_TRUE(diffs) << data("qemu-differences.txt");
  for (std::string line; std::getline(diffs, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':'), bar = line.find('|');
    ASSERT_NE(bar, std::string::npos) << line;
    const std::string before = line.substr(0, colon);
    auto head = split_ws(before);
    ASSERT_EQ(head.size(), 2u) << line;
    expected[std::string(head[0])] = {std::string(head[1]), std::string(trim(line.substr(colon + 1, bar - colon - 1)))};
  }
  // Names QEMU shows that are no CPUID feature bits of the leaves evcsim
  // models: IA32_ARCH_CAPABILITIES and IA32_CORE_CAPABILITIES MSR bits, and SVM's leaf 0x8000000A.
  const std::string not_cpuid =
      " ibrs-all mds-no rdctl-no skip-l1dfl-vmentry pschange-mc-no taa-no npt nrip-save svme-addr-chk core-capability "
      "split-lock-detect ";
  std::ifstream models(data("qemu-models.txt"));
  ASSERT_TRUE(models);
  int compared = 0;
  for (std::string line; std::getline(models, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':');
    std::string model = line.substr(0, colon);
    ASSERT_TRUE(expected.count(model)) << model << " has no line in qemu-differences.txt";
    const bool no_mode = expected[model].first == "-";
    const Baseline& b = mode(no_mode ? model.c_str() : expected[model].first.c_str());
    FeatureSet q;
    const std::string flags = line.substr(colon + 1);
    for (auto w : split_ws(flags)) {
      auto id = find_feature(w);
      if (!id) {
        EXPECT_NE(not_cpuid.find(" " + std::string(w) + " "), std::string::npos) << model << ": unknown flag " << w;
        continue;
      }
      if (feature_info(*id).migratable) q.set(*id);
    }
    EXPECT_EQ(join_names(q - b.features, " "), "") << model << " has features " << b.name << " lacks";
    EXPECT_EQ(join_names(b.features - q, " "), expected[model].second) << model << " vs " << b.name;
    if (no_mode) {
      EXPECT_EQ(b.kind, BaselineKind::model) << model;
    }
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(expected.size()));
}

}  // namespace
}  // namespace evcsim
