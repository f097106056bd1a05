// The event store of a run: events.sqlite, a SQLite database with one table
// per event type (crash, migration_completed, host_bought, ...) whose typed
// columns are that type's fields of events/events.proto, plus `seq` (the
// order the run emitted them in, which is time order), and a `run` table
// (scenario, seed, start date, detail level). Written with prepared
// statements in large transactions; indexed on (t) and, where a table has
// one, (vm), built once the rows are in. Any SQLite client reads it:
// pandas.read_sql("SELECT * FROM crash", sqlite3.connect("events.sqlite")).
// The rows are written by a thread of the store's own, from batches of
// events handed over in the run's order: each event's row is bound straight
// from the event (to_row, the same fields as to_record's message), so
// SQLite's work runs beside the simulation's. From the run's end the thread
// builds the indexes while the run writes its other outputs; finish() waits.
// `evcsim events` filters it and converts it to CSV or the JSON lines of
// events.jsonl, byte for byte.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/event_detail.hpp"
#include "events/events.pb.h"
#include "scenario/scenario.hpp"
#include "world/events.hpp"

struct sqlite3;

namespace evcsim {
class RowSink;
}

namespace evcsim {

EventDetail parse_event_detail(const std::string& text);  // throws InputError
bool recorded(const Event& e, EventDetail detail);

// A DRS pass's refused candidates by code as the store and CSV write them:
// "code=n code=n" in code order.
std::string blocked_by_code_text(const report::EventRecord& r);

// The event types the store has a table for, in events.proto's order of use.
const std::vector<std::string>& event_types();

class EventStore final : public Listener {
 public:
  // Creates (truncates) the database at `path`; throws InputError.
  EventStore(const ScenarioSpec& spec, const std::string& path, EventDetail detail);
  ~EventStore() override;
  void on_event(const Event& e) override;
  void on_end(double t) override;
  // Waits until the rows are in, indexed and the file closed (begun at
  // on_end, so the run writes its other outputs meanwhile); throws
  // InputError (naming the file) if any write failed, e.g. a full disk.
  // Call once, after the run.
  void finish();
  uint64_t events() const { return seq_; }  // after finish()

 private:
  struct Table;
  struct Writer;  // the writer thread and the batches handed to it
  void fail(const std::string& what);
  void hand_off();                   // the current batch to the writer thread
  void write(const RowSink& row);    // the writer thread's: one event's row
  bool add_indexes(const Table& t);  // false: failed (fail() says why)
  void close_file();                 // the writer thread's: index, run row, close
  void close_writer(bool write_rest);
  const ScenarioSpec& spec_;
  std::string path_;
  EventDetail detail_;
  sqlite3* db_ = nullptr;
  std::vector<std::unique_ptr<Table>> tables_;
  uint64_t seq_ = 0, in_transaction_ = 0;
  std::string error_;  // written by the writer thread; read after it stopped
  double end_t_ = 0;
  std::vector<Event> batch_;  // filled by on_event, handed over whole
  std::unique_ptr<Writer> writer_;
};

// Reading a store back: the events of the chosen types (all when empty),
// optionally of one VM and within [from_s, to_s), in the run's order.
struct EventQuery {
  std::vector<std::string> types;
  std::string vm;
  std::optional<double> from_s, to_s;
};
struct StoredRun {
  std::string scenario, start_date, detail;
  uint64_t seed = 0;
  double horizon_s = 0;
  bool calendar = false;  // the scenario gave its start_date: records carry dates
};
class EventReader {
 public:
  explicit EventReader(const std::string& path);  // throws InputError
  ~EventReader();
  const StoredRun& run() const { return run_; }
  // The types that have a table in this store.
  const std::vector<std::string>& types() const { return types_; }
  // Calls `each` for every matching event in the order the run emitted them.
  void read(const EventQuery& q, const std::function<void(const report::EventRecord&)>& each) const;
  // Events per type, in event_types() order (types without events left out).
  std::vector<std::pair<std::string, uint64_t>> counts() const;
  // The columns of a type's table (after seq and t).
  std::vector<std::string> columns(const std::string& type) const;

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  StoredRun run_;
  std::vector<std::string> types_;
};

}  // namespace evcsim
