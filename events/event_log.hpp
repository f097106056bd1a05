// The event log of a run: one JSON object per line (events/events.proto),
// written as events happen.
#pragma once

#include "events/event_detail.hpp"

#include <ostream>

#include "events/events.pb.h"
#include "scenario/scenario.hpp"
#include "world/events.hpp"

namespace evcsim {

// The record of an event, with names resolved through the scenario.
report::EventRecord to_record(const Event& e, const ScenarioSpec& spec);

// The same fields into the event store's row (all but the date, which the
// store does not keep).
class RowSink;
void to_row(const Event& e, const ScenarioSpec& spec, RowSink& row);

// events.jsonl: the events `detail` keeps (events/event_store.hpp), one JSON
// object a line.
class EventLog final : public Listener {
 public:
  EventLog(const ScenarioSpec& spec, std::ostream& out, EventDetail detail) : spec_(spec), out_(out), detail_(detail) {}
  void on_event(const Event& e) override;

 private:
  const ScenarioSpec& spec_;
  std::ostream& out_;
  EventDetail detail_;
};

}  // namespace evcsim
