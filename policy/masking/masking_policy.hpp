// Masking and compatibility policies: what CPUID shows a VM at
// power-on (its guest view) and whether a live migration is admitted.
//
// Each policy is one file under policy/masking/ behind this interface and is
// chosen by name from one explicit table (masking_policy_table(), in
// masking_policy.cpp: adding a policy is its file and its line there). Policies are pure:
// they read views and return verdicts with reasons; they never change state.
// Cross-vendor refusal is applied by the engine before any policy is asked.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "catalog/baseline.hpp"
#include "cpu/cpu_model.hpp"
#include "policy/codes.hpp"
#include "policy/masking/masks.hpp"
#include "policy/named_table.hpp"

namespace evcsim {

// What a policy may look at of a host.
struct HostView {
  const CpuModel* cpu = nullptr;
  const Baseline* cluster_baseline = nullptr;  // the host's cluster's EVC mode, if any
  FeatureSet cluster_lcd;                      // LCD of the hosts now in its cluster
};

// What a policy may look at of a VM.
struct VmView {
  const VmMasks* masks = nullptr;          // configured masks (custom over default)
  const Baseline* own_baseline = nullptr;  // per-VM baseline, if any
  FeatureSet guest_view;                   // captured at power-on
  const CpuModel* boot_cpu = nullptr;      // the host it powered on
  int guest_os = -1;                       // catalog/guest_os.hpp's index of the OS it runs; -1: not said
};

// What a policy compared when it admitted a move: the guest view (the safe
// check), the VM's configured masks (which may differ from what the guest
// saw at power-on), the host CPUs alone, or nothing (an override).
enum class CheckBasis { guest_view, configured_masks, host_cpus, skipped };

struct Verdict {
  bool ok = false;
  VerdictCode code = VerdictCode::admitted;  // code_name(): "missing-features", "exact-mismatch", ...
  FeatureSet missing;                        // features that made the decision
  std::string reason;
  CheckBasis basis = CheckBasis::guest_view;
  FeatureSet checked = {};  // configured_masks: the view the masks showed at the check
};

struct BootView {
  bool ok = false;
  FeatureSet view;
  FeatureSet missing;
  std::string reason;
  bool guest_os_floor = false;  // refused because the view lacks the guest OS's floor (`missing`)
};

class MaskingPolicy : public NamedPolicy {
 public:
  virtual ~MaskingPolicy() = default;
  virtual std::string_view description() const = 0;
  // The guest view of a VM powered on at `host`, or why it cannot power on there.
  virtual BootView power_on(const VmView& vm, const HostView& host) const = 0;
  // May a VM (with its captured guest view) live-migrate from src to dst?
  virtual Verdict check_migration(const VmView& vm, const HostView& src, const HostView& dst) const = 0;
  // How its hypervisor makes pre-copy converge: "sdps" (vSphere), "auto-converge"
  // (QEMU/libvirt), "stop-and-copy" (Xen, Hyper-V's fixed rounds).
  virtual std::string_view default_convergence() const { return "sdps"; }
};

// name, factory, the settings it reads (policy `default_mask` and `model`,
// VM `mask` and `baseline`) and the check of a PolicySpec.
using MaskingPolicyEntry = NamedEntry<MaskingPolicy, const PolicySpec&>;

// The explicit name -> factory table, in documentation order.
std::span<const MaskingPolicyEntry> masking_policy_table();
// Throws InputError listing the known names when `spec.name` is unknown, and
// the policy's own complaint when its settings do not suit it.
std::unique_ptr<MaskingPolicy> make_masking_policy(const PolicySpec& spec);
// Why `spec` does not suit its policy ("" when it does, or the name is unknown).
std::string validate_masking_policy(const PolicySpec& spec);

// The one admission rule for a live migration: the vendor rule (a move
// between vendors is refused unless `allow_cross_vendor`), then the policy's
// check. Shared by the simulation's Migrations and the compatibility graph.
Verdict admit_migration(const MaskingPolicy& policy, const VmView& vm, const HostView& src, const HostView& dst,
                        bool allow_cross_vendor);

// Shared verdict helpers for policy files.
Verdict admit(std::string reason, CheckBasis basis = CheckBasis::guest_view);
Verdict refuse_missing(VerdictCode code, const FeatureSet& missing, std::string what);
// The common check: `provided` must cover the guest view ("missing-features" otherwise).
Verdict require_guest_view(const FeatureSet& provided, const FeatureSet& guest_view, std::string_view on_missing);
// No masking: the VM sees its host's migratable features.
BootView host_features(const HostView& host);

}  // namespace evcsim
