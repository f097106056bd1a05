// What a run's listeners make of it, and the files they become: the summary,
// the results, the event store and log, progress on a terminal and the
// interrupt cleanup, wired the same for a whole run (run_session) and for
// the merge of a split run's parts (split_part), so both write the same bytes.
// Internal to session/.
#pragma once

#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include "events/event_log.hpp"
#include "events/event_store.hpp"
#include "reports/output_dir.hpp"
#include "reports/results.hpp"
#include "reports/run_summary.hpp"
#include "session/run_session.hpp"
#include "world/run_stats.hpp"

namespace evcsim {

class Progress;

class RunOutputs {
 public:
  // Opens `req.out` (a RunFolder in `dir`: replaced whole at commit, or left
  // as it was) and the listeners the formats need.
  RunOutputs(const ScenarioSpec& spec, const RunRequest& req, std::optional<RunFolder>& dir);
  ~RunOutputs();
  RunOutputs(const RunOutputs&) = delete;
  RunOutputs& operator=(const RunOutputs&) = delete;

  // Who hears the run's events, in canonical order (world/event_order.hpp).
  const std::vector<Listener*>& listeners() const { return listeners_; }
  // After the run's end: writes the files, prints the summary (or the
  // failing expectations when quiet); 0, or 3 when an expectation failed.
  int finish(const RunStats& stats);

 private:
  bool wants(const char* format) const;

  const RunRequest& req_;
  std::optional<RunFolder>& dir_;
  RunSummary summary_;
  ResultsCollector results_;
  std::unique_ptr<Progress> progress_;
  std::unique_ptr<EventStore> event_store_;
  std::unique_ptr<std::ofstream> log_;
  std::unique_ptr<EventLog> event_log_;
  std::vector<Listener*> listeners_;
};

}  // namespace evcsim
