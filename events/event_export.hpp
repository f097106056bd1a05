// A run's stored events written out for other tools: CSV (t, date when the
// run has a calendar, type, then the union of the chosen types' columns in
// events.proto's order; empty where a type has no such column) or JSON
// lines (byte for byte the events.jsonl the run would have written).
#pragma once

#include <cstdint>
#include <ostream>

#include "events/event_store.hpp"

namespace evcsim {

enum class EventFormat { csv, jsonl };

// Writes the events `q` selects from `reader` to `out`; returns how many.
uint64_t export_events(const EventReader& reader, const EventQuery& q, EventFormat format, std::ostream& out);

}  // namespace evcsim
