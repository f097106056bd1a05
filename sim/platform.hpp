// The SimGrid side of a scenario: its platform and the pre-copy transfer of
// one live migration. Shared by the engine and by bench/'s bare replay, so
// both move exactly the same bytes over exactly the same network.
#pragma once

#include <cstdint>
#include <vector>

#include <simgrid/s4u/Host.hpp>

#include "models/scenario.hpp"
#include "sim/services.hpp"

namespace evcsim {

struct Platform {
  std::vector<simgrid::s4u::Host*> hosts;  // by scenario host index
  simgrid::s4u::Host* control = nullptr;   // runs the controller actor
};

// Clusters are star zones behind a switch (one split-duplex NIC link per
// host), joined through one uplink per cluster. REQUIRES: an s4u::Engine.
Platform build_platform(const ScenarioSpec& spec);

// The SimGrid configuration evcsim runs with (quiet, CM02, no TCP window).
std::vector<std::string> simgrid_arguments();

// Pre-copy from the calling actor: all memory, then what was dirtied during
// the previous round (dirty rate x its duration, capped by the working set)
// until the rest would go within the maximum downtime at the bandwidth that
// round saw, or the round limit is hit; then stop-and-copy. `communications`
// counts the SimGrid transfers used.
MigrationOutcome precopy(simgrid::s4u::Host* src, simgrid::s4u::Host* dst, const MigrationJob& job,
                         uint64_t* communications);

}  // namespace evcsim
