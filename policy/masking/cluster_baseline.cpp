// cluster-baseline: EVC. Each host presents its features limited to its
// cluster's baseline (hardware masking; admission is checked when a host
// joins). A VM may move where the presented features cover its guest view:
// always within one EVC cluster, across clusters when the destination's mode
// is at least as high. Without a baseline a cluster presents host features.
#include "policy/masking/masking_policy.hpp"

namespace evcsim {
namespace {

FeatureSet presented(const HostView& h) {
  FeatureSet f = h.cpu->migratable();
  return h.cluster_baseline ? f & h.cluster_baseline->features : f;
}

class ClusterBaselinePolicy final : public MaskingPolicy {
 public:
  std::string_view description() const override {
    return "EVC: hosts present their cluster's baseline; the destination must present the guest view";
  }
  BootView power_on(const VmView&, const HostView& host) const override {
    return {true, presented(host), {}, host.cluster_baseline ? "the cluster baseline" : "no baseline: host features"};
  }
  Verdict check_migration(const VmView& vm, const HostView&, const HostView& dst) const override {
    return require_guest_view(presented(dst), vm.guest_view, "destination does not present features of the guest view");
  }
};

}  // namespace

std::unique_ptr<MaskingPolicy> make_cluster_baseline_policy(const PolicySpec&) {
  return std::make_unique<ClusterBaselinePolicy>();
}

}  // namespace evcsim
