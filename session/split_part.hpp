// One part of a split run (issue 26) and the merge of the parts.
//
// A part simulates the whole scenario with only its clusters active
// (scenario/partition.hpp) and records what the listeners would have heard,
// in the canonical order (world/event_order.hpp), into one part file. The
// merge reads every part's file, interleaves them by (time, cluster), and
// feeds the same listeners a whole run feeds: the summary, results, CSVs,
// HTML and event store come out as the whole run's, byte for byte.
#pragma once

#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "scenario/scenario.hpp"
#include "session/run_session.hpp"

namespace evcsim {

// Simulates the clusters `clusters` of `spec` and writes the part file
// `part_file` (through a temporary file and rename; nothing on failure).
// The file names the scenario (its text's hash), the seed and the clusters.
void run_part(const ScenarioSpec& spec, const Catalog& catalog, const std::vector<int>& clusters,
              const std::string& part_file);

// The merge: reads `part_files`, checks that they are parts of this
// scenario and seed and cover every cluster once (InputError naming the
// file otherwise), and writes the outputs `request` asks for, as
// run_session would for the whole run. Returns run_session's exit code.
int merge_parts(const ScenarioSpec& spec, const Catalog& catalog, const std::vector<std::string>& part_files,
                const RunRequest& request);

}  // namespace evcsim
