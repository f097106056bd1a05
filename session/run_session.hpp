// A run session: one scenario simulated with its listeners wired (the
// summary, results, the event store and event log, progress on a terminal,
// interrupt cleanup) and its outputs written by the table of formats
// (session/output_formats.hpp) into an output folder. `run`, `sweep-task` and
// `plan` (through `run` processes) all go through it; a test calls it
// without the command line.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "catalog/catalog.hpp"
#include "events/event_detail.hpp"
#include "scenario/scenario.hpp"

namespace evcsim {

struct RunRequest {
  std::string out;                           // the output folder; "" for none
  std::vector<std::string> formats{"text"};  // names of output_formats()
  bool quiet = false;                        // print only failing expectations
  EventDetail events = EventDetail::operations;
  // More files for the folder, written with the outputs (sweep-task: the
  // run's scenario.textproto).
  std::vector<std::pair<std::string, std::string>> extra_files;
};

// Simulates `spec`, prints its summary (or only failing expectations when
// quiet) and writes the `formats` files into `out` (none when empty), with
// the event store events.sqlite at the `events` detail (and events.jsonl
// when the formats ask for jsonl). Returns 0, or 3 when an expectation failed.
// Throws InputError for formats that are unknown or need a folder.
int run_session(const ScenarioSpec& spec, const Catalog& catalog, const RunRequest& request);

}  // namespace evcsim
