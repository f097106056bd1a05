// What the engine reports of a run besides its events: how far it got and
// how much work it did. Filled by engine/engine.cpp, read by reports/.
//
// Leaves out: wall time and memory (bench/ measures them).
#pragma once

#include <cstdint>

namespace evcsim {

struct RunStats {
  double end_s = 0;                // simulated time reached
  uint64_t timers = 0;             // world timers fired
  uint64_t migrations = 0;         // live migrations carried out on the network
  uint64_t communications = 0;     // SimGrid communications they needed
  uint64_t migration_workers = 0;  // actors of the migration pool (the most migrations at once)
};

}  // namespace evcsim
