#include "session/run_session.hpp"

#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/io_error.hpp"
#include "engine/engine.hpp"
#include "events/event_log.hpp"
#include "events/event_store.hpp"
#include "reports/output_dir.hpp"
#include "reports/results.hpp"
#include "reports/run_summary.hpp"
#include "reports/vega_chart.hpp"
#include "reports/workbook.hpp"
#include "session/output_formats.hpp"
#include "session/run_outputs.hpp"

namespace evcsim {

// A progress line on a terminal from the start: what is being set up, then
// the simulated date, the VMs powered on and the migrations done, redrawn at
// each sample of the time series and at least every half second of wall
// time (a fleet of 400,000 VMs spends its first seconds powering them on).
class Progress final : public Listener {
 public:
  explicit Progress(const ScenarioSpec& spec) : spec_(spec), tty_(isatty(STDERR_FILENO)) {
    if (tty_) {
      size_t hosts = 0, vms = 0;
      for (size_t h = 0; h < spec_.hosts.size(); ++h) hosts += spec_.host_present_at_start[h];
      for (const auto& v : spec_.vms) vms += !v.arrival_slot;
      std::cerr << fmt::format("  setting up {}: {} hosts, {} VMs   ", spec_.name, hosts, vms) << std::flush;
    }
    last_ = std::chrono::steady_clock::now();
  }
  void on_event(const Event& e) override {
    if (!tty_) return;
    if (std::holds_alternative<VmPoweredOn>(e)) ++powered_on_;
    else if (std::holds_alternative<MigrationCompleted>(e)) ++migrations_;
    const bool sample = std::holds_alternative<Snapshot>(e);
    if (!sample && (++events_ & 1023) != 0) return;
    auto now = std::chrono::steady_clock::now();
    if (!sample && now - last_ < std::chrono::milliseconds(500)) return;
    last_ = now;
    double t = event_time(e);
    std::cerr << fmt::format("\r  simulating {}: {} ({:.0f}%), {} power-ons, {} migrations   ", spec_.name,
                             calendar_date(spec_.start_date, t), 100 * t / spec_.horizon_s, powered_on_, migrations_)
              << std::flush;
  }
  void on_end(double) override {
    if (tty_) std::cerr << "\r" << std::string(100, ' ') << "\r" << std::flush;
  }

 private:
  const ScenarioSpec& spec_;
  bool tty_;
  uint64_t events_ = 0, powered_on_ = 0, migrations_ = 0;
  std::chrono::steady_clock::time_point last_;
};

RunOutputs::RunOutputs(const ScenarioSpec& spec, const RunRequest& req, std::optional<RunFolder>& dir)
    : req_(req), dir_(dir), summary_(spec), results_(spec, summary_), progress_(std::make_unique<Progress>(spec)) {
  check_output_formats(req.formats, !req.out.empty(), "--format");
  if (!req.out.empty()) {
    dir.emplace(req.out);
    for (const auto& stale : dir->cleaned())
      std::cerr << fmt::format("evcsim: removed {}, the unfinished outputs of a run that was killed\n", stale);
    for (const auto& [name, text] : req.extra_files) dir->write(name, text);
  }
  listeners_ = {progress_.get(), &summary_, &results_};
  // The event store, and the same events as JSON lines on request.
  const bool store = dir && req.events != EventDetail::none;
  const bool jsonl = dir && wants("jsonl") && req.events != EventDetail::none;
  if (store) {
    event_store_ = std::make_unique<EventStore>(spec, dir->path("events.sqlite"), req.events);
    listeners_.push_back(event_store_.get());
  }
  if (jsonl) {
    errno = 0;
    log_ = std::make_unique<std::ofstream>(dir->path("events.jsonl"), std::ios::binary);
    if (!*log_) throw InputError(fmt::format("cannot write here: {}", io_error_text(errno)), dir->path("events.jsonl"));
    event_log_ = std::make_unique<EventLog>(spec, *log_, req.events);
    listeners_.push_back(event_log_.get());
  }
}

RunOutputs::~RunOutputs() = default;

bool RunOutputs::wants(const char* format) const {
  return std::find(req_.formats.begin(), req_.formats.end(), format) != req_.formats.end();
}

int RunOutputs::finish(const RunStats& stats) {
  std::string text = summary_.render_text(stats);
  if (dir_) {
    RunFolder& dir = *dir_;
    if (log_) {
      log_->flush();
      if (!*log_)
        throw InputError("writing the event log failed (disk full or a file size limit?)", req_.out + "/events.jsonl");
      log_.reset();
    }
    const report::RunResults& res = results_.results();
    if (wants("text")) dir.write("summary.txt", text);
    if (wants("json")) dir.write("results.json", results_json(res));
    if (wants("csv"))
      for (const auto& [family, csv] : results_csv(res)) dir.write(family + ".csv", csv);
    if (wants("csv") || wants("html"))  // report.html links each list's CSV
      for (const auto& [name, csv] : lists_csv(results_.lists())) dir.write(name + ".csv", csv);
    if (wants("html")) {
      VegaCharts charts;
      dir.write("report.html", results_html(res, &charts, &results_.lists()));
      write_chart_specs(dir.path("."), charts);
    }
    if (wants("dot"))
      for (const auto& [name, dot] : results_dot(res)) dir.write(name, dot);
    if (wants("junit")) dir.write("junit.xml", results_junit(res));
    if (wants("xlsx")) write_workbook(workbook_sheets(res, results_.lists()), dir.path("results.xlsx"));
    // The store's writer has been indexing since the run's end: waited for last.
    if (event_store_) event_store_->finish();
    dir.commit();
  }
  bool all_ok = true;
  for (const auto& r : summary_.evaluate()) all_ok = all_ok && r.ok;
  if (!req_.quiet) std::cout << text;
  else
    for (const auto& r : summary_.evaluate())
      if (!r.ok) std::cout << fmt::format("FAIL {} (measured {})\n", r.expectation.text(), r.measured_text());
  return all_ok ? 0 : 3;
}

namespace {

int run_and_write(const ScenarioSpec& spec, const Catalog& cat, const RunRequest& req, std::optional<RunFolder>& dir) {
  RunOutputs outputs(spec, req, dir);
  return outputs.finish(run_simulation(spec, outputs.listeners(), cat));
}

}  // namespace

int run_session(const ScenarioSpec& spec, const Catalog& cat, const RunRequest& req) {
  // The folder is replaced whole at the end, or left as it was (RunFolder).
  std::optional<RunFolder> dir;
  try {
    return run_and_write(spec, cat, req, dir);
  } catch (const InputError& e) {
    if (dir) throw dir->explain(e);
    throw;
  }
}

}  // namespace evcsim
