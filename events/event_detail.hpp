// How much of a run the event log keeps (`evcsim run --events`).
//  - operations (the default): migrations, crashes, blocks, refusals,
//    power-ons, power-offs and power cycles, maintenance, failures, HA
//    restarts, purchases, raises, arrivals and departures;
//  - all: also every software start, plain guest reboot and DRS pass (in
//    refresh-10y 97% of the events; the DRS passes are summed up in the
//    results' time series either way);
//  - none: no log.
#pragma once

namespace evcsim {

enum class EventDetail { none, operations, all };

}  // namespace evcsim
