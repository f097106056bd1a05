// Placement policies: which of the hosts that can take a VM (room, rules and
// the masking policy already checked) it powers on at. One file per policy
// under policy/placement/, chosen by the name scenarios use (`drs {
// placement: ... }`) from one explicit table. O(1) per candidate.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "policy/named_table.hpp"

namespace evcsim {

struct PlacementCandidate {
  int64_t free_mib = 0;  // RAM left before the VM lands
  double load = 0;       // max(CPU, RAM) load now, 0..
};

class PlacementPolicy : public NamedPolicy {
 public:
  virtual ~PlacementPolicy() = default;
  virtual std::string_view description() const = 0;
  // Lower is better; ties go to the earlier candidate.
  virtual double score(const PlacementCandidate& c) const = 0;
};

using PlacementPolicyEntry = NamedEntry<PlacementPolicy>;

std::span<const PlacementPolicyEntry> placement_policy_table();
// Throws InputError listing the known names.
std::unique_ptr<PlacementPolicy> make_placement_policy(std::string_view name);

}  // namespace evcsim
