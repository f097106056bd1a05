// Placement at power-on (DRS initial placement, HA restarts, cold
// evacuations): a usable host with room that the rules and the masking
// policy accept, the best by the scenario's placement policy. The masking
// policy is asked once per candidate; the chosen host's boot view is
// returned with it, so a power-on never asks twice. The placement policy
// (models/placement_policy.hpp) scores the hosts that can take the VM.
//
// Cost: O(candidates) policy checks per call.
#pragma once

#include <memory>
#include <vector>

#include "models/placement_policy.hpp"

#include "sim/guest_model.hpp"
#include "sim/inventory.hpp"

namespace evcsim {

struct Placed {
  int host = -1;       // -1: none fits
  BootView view;       // what the VM sees there
  PlacementRefusal why;  // the first candidate's reason for refusing, when none fits
  FeatureSet missing;  // the first features a policy refusal named
};

class Placement {
 public:
  Placement(Env& env, Inventory& inv, GuestModel& guests, const Policy& policy);

  Placed choose(int vm, const std::vector<int>& candidates) const;
  // Powers a VM on at `preferred` (or anywhere in its cluster when -1), or
  // reports why it cannot.
  void power_on(int vm, int preferred);

 private:
  Env& env_;
  const ScenarioSpec& spec_;
  Inventory& inv_;
  GuestModel& guests_;
  const Policy& policy_;
  std::unique_ptr<PlacementPolicy> placement_;
};

}  // namespace evcsim
