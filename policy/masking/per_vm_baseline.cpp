// per-vm-baseline: vSphere 6.7 per-VM EVC. A VM carries its own baseline
// (falling back to its cluster's); it powers on only where the host can join
// that baseline, sees exactly the baseline, and may move to any host that can
// join it, in any cluster.
#include <fmt/format.h>

#include "cpu/feature_registry.hpp"
#include "policy/masking/masking_policy.hpp"

namespace evcsim {
namespace {

const Baseline* baseline_of(const VmView& vm, const HostView& h) {
  return vm.own_baseline ? vm.own_baseline : h.cluster_baseline;
}

class PerVmBaselinePolicy final : public MaskingPolicy {
 public:
  std::string_view description() const override {
    return "per-VM EVC: each VM sees its own baseline and moves to any host that can join it";
  }
  BootView power_on(const VmView& vm, const HostView& host) const override {
    const Baseline* b = baseline_of(vm, host);
    if (!b) return {true, host.cpu->migratable(), {}, "no baseline: host features"};
    Admission a = check_admission(*host.cpu, *b);
    if (!a.ok) return {false, {}, a.missing, a.reason};
    return {true, b->features, {}, fmt::format("per-VM baseline {}", b->name)};
  }
  Verdict check_migration(const VmView& vm, const HostView&, const HostView& dst) const override {
    if (const Baseline* b = baseline_of(vm, dst)) {
      Admission a = check_admission(*dst.cpu, *b);
      if (!a.ok) return Verdict{false, VerdictCode::baseline_admission, a.missing, a.reason};
      Verdict v = require_guest_view(b->features, vm.guest_view, "the VM's baseline lacks features of its guest view");
      if (v.ok) v.reason = fmt::format("destination joins {}", b->name);
      return v;
    }
    return require_guest_view(dst.cpu->migratable(), vm.guest_view, "destination lacks features of the guest view");
  }
};

}  // namespace

std::unique_ptr<MaskingPolicy> make_per_vm_baseline_policy(const PolicySpec&) {
  return std::make_unique<PerVmBaselinePolicy>();
}

}  // namespace evcsim
