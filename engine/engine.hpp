// Runs a scenario on SimGrid 3.32 (S4U): the platform (clusters of hosts
// behind switches, split-duplex links so bandwidth is exact), one controller
// actor that fires the world's timers in time order, and one short-lived
// actor per live migration that moves the memory as SimGrid communications
// (pre-copy rounds, then stop-and-copy), so concurrent migrations share links.
//
// One simulation per process: SimGrid allows one engine per process.
#pragma once

#include <cstdint>
#include <vector>

#include "scenario/scenario.hpp"
#include "world/event_order.hpp"
#include "world/events.hpp"
#include "world/run_stats.hpp"

namespace evcsim {

// Throws std::logic_error when an invariant breaks; errors inside actors are
// carried out and rethrown here.
// `catalog`: what the scenario was resolved against (markets and baselines come from it).
// The listeners hear the run in the canonical order, with Snapshots
// (world/event_order.hpp).
RunStats run_simulation(const ScenarioSpec& spec, const std::vector<Listener*>& listeners,
                        const Catalog& catalog = Catalog::builtin());
// The same, the world's events as they happen: `order` is what orders them
// (a part of a split run records the clusters' samples through it).
RunStats run_simulation_ordered_by(const ScenarioSpec& spec, CanonicalOrder& order, const Catalog& catalog);

}  // namespace evcsim
