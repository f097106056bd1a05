// The event log of a run: one JSON object per line (reports/events.proto),
// written as events happen.
#pragma once

#include <ostream>

#include "models/scenario.hpp"
#include "reports/events.pb.h"
#include "sim/events.hpp"

namespace evcsim {

// The record of an event, with names resolved through the scenario.
report::EventRecord to_record(const Event& e, const ScenarioSpec& spec);

class EventLog final : public Listener {
 public:
  EventLog(const ScenarioSpec& spec, std::ostream& out) : spec_(spec), out_(out) {}
  void on_event(const Event& e) override;

 private:
  const ScenarioSpec& spec_;
  std::ostream& out_;
};

}  // namespace evcsim
