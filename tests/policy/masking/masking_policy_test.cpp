#include "policy/masking/masking_policy.hpp"

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

const Catalog& cat() { return Catalog::builtin(); }
const CpuModel* cpu(const char* n) { return cat().find_cpu(n); }

struct Fixture {
  std::unique_ptr<MaskingPolicy> policy;
  VmMasks masks;
  HostView host(const char* name, const Baseline* b = nullptr, FeatureSet lcd = {}) const {
    return HostView{cpu(name), b, lcd};
  }
  // Powers a VM on `on` and returns its view.
  VmView boot(const HostView& on, const Baseline* own = nullptr) const {
    VmView vm{&masks, own, {}, on.cpu};
    BootView bv = policy->power_on(vm, on);
    EXPECT_TRUE(bv.ok) << bv.reason;
    vm.guest_view = bv.view;
    return vm;
  }
};

Fixture with(const char* name, PolicySpec spec = {}) {
  spec.name = name;
  return Fixture{make_masking_policy(spec), overlay_masks({}, spec.default_masks)};
}

TEST(Policies, TableHasEveryPolicyWithADescription) {
  std::vector<std::string> names;
  for (const auto& e : masking_policy_table()) {
    names.emplace_back(e.name);
    auto p = make_entry(e, PolicySpec{});
    EXPECT_EQ(p->name(), e.name);  // the name is written once, in the table
    EXPECT_FALSE(p->description().empty());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"legacy-exact", "modern-superset", "per-vm-mask", "cluster-baseline",
                                             "per-vm-baseline", "dynamic-lcd", "named-model", "passthrough",
                                             "unsafe-override"}));
  PolicySpec bad;
  bad.name = "magic";
  EXPECT_THROW(make_masking_policy(bad), InputError);
}

TEST(Policies, TheTableSaysWhatEachPolicyReadsAndChecksItsSettings) {
  const MaskingPolicyEntry* mask = find_named(masking_policy_table(), "per-vm-mask");
  ASSERT_NE(mask, nullptr);
  EXPECT_TRUE(mask->reads_setting("default_mask"));
  EXPECT_TRUE(mask->reads_setting("mask"));
  EXPECT_FALSE(mask->reads_setting("model"));
  EXPECT_FALSE(find_named(masking_policy_table(), "cluster-baseline")->reads_setting("mask"));
  PolicySpec named;
  named.name = "named-model";
  EXPECT_NE(validate_masking_policy(named).find("needs a model"), std::string::npos);
  EXPECT_THROW(make_masking_policy(named), InputError);
  named.model = Baseline{};
  named.model->name = "x86-64-v2";
  EXPECT_EQ(validate_masking_policy(named), "");
  EXPECT_EQ(make_masking_policy(named)->name(), "named-model");
}

TEST(Policies, LegacyExactNeedsEqualCheckedBitsBothWays) {
  auto f = with("legacy-exact");
  auto vm = f.boot(f.host("E5310"));
  EXPECT_TRUE(f.policy->check_migration(vm, f.host("E5310"), f.host("clovertown")).ok);
  Verdict up = f.policy->check_migration(vm, f.host("E5310"), f.host("E5420"));
  EXPECT_FALSE(up.ok);  // even towards a superset
  EXPECT_EQ(up.code, VerdictCode::exact_mismatch);
  EXPECT_TRUE(up.missing.test(feature_id("sse4_1")));
}

TEST(Policies, ModernSupersetAllowsNewerRefusesOlder) {
  auto f = with("modern-superset");
  EXPECT_TRUE(f.policy->check_migration(f.boot(f.host("E5310")), f.host("E5310"), f.host("E5420")).ok);
  Verdict down = f.policy->check_migration(f.boot(f.host("E5420")), f.host("E5420"), f.host("E5310"));
  EXPECT_FALSE(down.ok);
  EXPECT_EQ(down.code, VerdictCode::missing_features);
  EXPECT_EQ(down.missing, make_feature_set({"sse4_1"}));
  EXPECT_NE(down.reason.find("sse4_1"), std::string::npos);
}

TEST(Policies, PerVmMaskHidesAndChecksTheConfiguredMasks) {
  PolicySpec spec;
  spec.default_masks[parse_register("1:ecx")] = RegisterMask::parse("XXXX XXXX HXXH HXXX XXHX XXHX XXXX XXHH");
  auto f = with("per-vm-mask", spec);
  Verdict plain = f.policy->check_migration(f.boot(f.host("E5420")), f.host("E5420"), f.host("E5310"));
  EXPECT_FALSE(plain.ok);
  EXPECT_EQ(plain.code, VerdictCode::mask_check);
  EXPECT_TRUE(plain.missing.test(feature_id("sse4_1")));
  // A custom mask hiding SSE4.1 (bit 19) makes the two hosts compatible.
  VmMasks custom;
  custom[parse_register("1:ecx")] = RegisterMask::parse("---- ---- ---- 0--- ---- ---- ---- ----");
  f.masks = overlay_masks(custom, spec.default_masks);
  auto vm = f.boot(f.host("E5420"));
  EXPECT_FALSE(vm.guest_view.test(feature_id("sse4_1")));
  EXPECT_TRUE(f.policy->check_migration(vm, f.host("E5420"), f.host("E5310")).ok);
}

TEST(Policies, ClusterBaselinePresentsTheMode) {
  auto f = with("cluster-baseline");
  const Baseline& merom = cat().baseline("intel-merom");
  auto vm = f.boot(f.host("E5420", &merom));
  EXPECT_EQ(vm.guest_view, merom.features);
  EXPECT_TRUE(f.policy->check_migration(vm, f.host("E5420", &merom), f.host("E5310", &merom)).ok);
  auto unmasked = f.boot(f.host("E5420"));
  EXPECT_FALSE(f.policy->check_migration(unmasked, f.host("E5420"), f.host("E5310", &merom)).ok);
}

TEST(Policies, PerVmBaselineFollowsTheVmNotTheCluster) {
  auto f = with("per-vm-baseline");
  const Baseline& merom = cat().baseline("intel-merom");
  const Baseline& nehalem = cat().baseline("intel-nehalem");
  auto vm = f.boot(f.host("X5570"), &merom);
  EXPECT_EQ(vm.guest_view, merom.features);
  EXPECT_TRUE(f.policy->check_migration(vm, f.host("X5570"), f.host("E5310")).ok);
  auto high = f.boot(f.host("X5570"), &nehalem);
  Verdict v = f.policy->check_migration(high, f.host("X5570"), f.host("E5420"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.code, VerdictCode::baseline_admission);
  VmView refused{&f.masks, &nehalem, {}, nullptr};
  EXPECT_FALSE(f.policy->power_on(refused, f.host("E5420")).ok);
}

TEST(Policies, DynamicLcdSeesTheClusterLcdAtPowerOn) {
  auto f = with("dynamic-lcd");
  FeatureSet lcd = lowest_common_denominator({cpu("E5420"), cpu("E5310")});
  auto vm = f.boot(f.host("E5420", nullptr, lcd));
  EXPECT_FALSE(vm.guest_view.test(feature_id("sse4_1")));
  EXPECT_TRUE(f.policy->check_migration(vm, f.host("E5420"), f.host("E5310")).ok);
}

TEST(Policies, NamedModelNeedsTheModelEverywhere) {
  PolicySpec spec;
  spec.model = cat().baseline("x86-64-v2");
  auto f = with("named-model", spec);
  VmView fresh{&f.masks, nullptr, {}, nullptr};
  BootView no = f.policy->power_on(fresh, f.host("E5420"));
  EXPECT_FALSE(no.ok);
  EXPECT_TRUE(no.missing.test(feature_id("popcnt")));
  auto vm = f.boot(f.host("X5570"));
  EXPECT_EQ(vm.guest_view, spec.model->features);
  EXPECT_TRUE(f.policy->check_migration(vm, f.host("X5570"), f.host("rome")).ok);  // vendor is the engine's check
  EXPECT_FALSE(f.policy->check_migration(vm, f.host("X5570"), f.host("E5420")).ok);
}

TEST(Policies, PassthroughMovesOnlyBetweenIdenticalCpus) {
  auto f = with("passthrough");
  auto vm = f.boot(f.host("E5420"));
  EXPECT_TRUE(vm.guest_view.test(feature_id("est")));  // non-migratable bits pass through
  EXPECT_TRUE(f.policy->check_migration(vm, f.host("E5420"), f.host("E5440")).ok);
  Verdict v = f.policy->check_migration(vm, f.host("E5420"), f.host("X5570"));
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.code, VerdictCode::not_identical);
}

TEST(Policies, UnsafeOverrideAdmitsEverything) {
  auto f = with("unsafe-override");
  Verdict v = f.policy->check_migration(f.boot(f.host("haswell-ep")), f.host("haswell-ep"), f.host("E5310"));
  EXPECT_TRUE(v.ok);
  EXPECT_NE(v.reason.find("skipped"), std::string::npos);
}

}  // namespace
}  // namespace evcsim
