#include "events/event_store.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <queue>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "events/event_log.hpp"
#include "events/row_sink.hpp"

namespace evcsim {
namespace {

namespace pb = google::protobuf;

constexpr uint64_t kRowsPerTransaction = 200'000;
// Events per batch handed to the writer thread, and batches that may wait
// for it before the run waits (bounds the memory: ~2 MB).
constexpr size_t kBatch = 4096, kMaxPending = 4;

// Each event type and the fields of events.proto it uses (after t and type),
// as events/event_log.cpp's Recorder fills them.
const std::vector<std::pair<std::string, std::vector<std::string>>>& schema() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> s = {
      {"host_joined", {"host", "cluster"}},
      {"host_join_refused", {"host", "cluster", "features", "reason"}},
      {"host_removed", {"host"}},
      {"baseline_changed", {"cluster", "from", "to"}},
      {"vm_powered_on", {"vm", "host", "features", "new_view"}},
      {"power_on_refused", {"vm", "host", "features", "reason"}},
      {"vm_powered_off", {"vm", "host", "reason"}},
      {"software_started", {"vm", "software", "features", "why"}},
      {"software_refused", {"vm", "software", "features", "reason"}},
      {"software_gave_up", {"vm", "software", "crashes"}},
      {"migration_started", {"vm", "src", "dst", "waited_s"}},
      {"migration_blocked", {"vm", "src", "dst", "code", "features", "reason"}},
      {"migration_aborted", {"vm", "src", "dst", "reason"}},
      {"migration_completed",
       {"vm", "src", "dst", "duration_s", "downtime_s", "rounds", "mib_sent", "throttled_s", "lost_guest_cpu_s",
        "over_downtime_target"}},
      {"crash", {"vm", "software", "kernel", "host", "features", "src", "dst", "cause"}},
      {"cold_migration", {"vm", "src", "dst", "outage_s"}},
      {"mask_changed", {"vm"}},
      {"vm_rebooted", {"vm", "host", "new_view", "why"}},
      {"operation_refused", {"operation", "reason"}},
      {"drs_pass", {"cluster", "imbalance", "left_by_compatibility", "moves", "blocked_by_code"}},
      {"maintenance_started", {"host", "why"}},
      {"maintenance_done", {"host"}},
      {"host_retired", {"host"}},
      {"maintenance_failed", {"host", "count", "features", "reason"}},
      {"host_failed", {"host", "count"}},
      {"host_repaired", {"host"}},
      {"ha_restart", {"vm", "src", "dst", "features", "lost"}},
      {"host_bought", {"host", "cluster", "cpu", "why"}},
      {"baseline_raised",
       {"cluster", "from", "to", "possible_since", "features", "count", "locks_out", "locks_out_missing"}},
      {"baseline_raise_seen", {"cluster", "to", "raised_at"}},
      {"vm_arrived", {"vm"}},
      {"arrival_without_slot", {"vm"}},
      {"vm_departed", {"vm"}},
      {"host_updated", {"host", "cluster", "operation", "features", "lost"}},
      {"host_update_refused", {"host", "cluster", "operation", "features", "lost", "reason"}},
      {"memory_pressure", {"host", "memory_state", "demand_mib", "configured_mib", "ram_mib"}},
      {"retirement_deferred", {"host", "cluster", "reason"}},
      {"patch_cycle_started", {"cluster", "count"}},
      {"patch_cycle_done", {"cluster", "count"}},
      {"patch_cycle_skipped", {"cluster", "count"}},
      {"vm_placed_in_fallback", {"vm", "from", "cluster", "reason"}},
      {"vm_replaced_at_end_of_support", {"vm", "from", "to"}},
      {"os_upgraded", {"vm", "from", "to", "guest_os"}},
      {"os_upgrade_refused", {"vm", "cluster", "from", "to", "guest_os", "features", "code", "reason"}},
  };
  return s;
}

const pb::Descriptor* record_descriptor() { return report::EventRecord::descriptor(); }

std::string sql_type(const pb::FieldDescriptor* fd) {
  if (fd->is_map() || fd->is_repeated()) return "TEXT";
  switch (fd->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return "REAL";
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return "TEXT";
    default:
      return "INTEGER";
  }
}

// A column: its field of events.proto and how that field is bound.
enum class Kind { text, words, codes, real, integer, boolean };
struct Column {
  int field = 0;
  Kind kind = Kind::text;
};

Kind column_kind(const pb::FieldDescriptor* fd) {
  if (fd->is_map()) return Kind::codes;
  if (fd->is_repeated()) return Kind::words;
  switch (fd->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return Kind::text;
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return Kind::real;
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return Kind::integer;
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return Kind::boolean;
    default:
      throw std::logic_error("event store: unsupported field type of " + fd->name());
  }
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

// Refused candidates by code, in code order: "code=n code=n".
std::string code_counts_text(const std::map<std::string, uint32_t>& counts) {
  std::string out;
  for (const auto& [k, v] : counts) out += fmt::format("{}{}={}", out.empty() ? "" : " ", k, v);
  return out;
}

}  // namespace

std::string blocked_by_code_text(const report::EventRecord& r) {
  return code_counts_text(std::map<std::string, uint32_t>(r.blocked_by_code().begin(), r.blocked_by_code().end()));
}

EventDetail parse_event_detail(const std::string& text) {
  if (text == "none") return EventDetail::none;
  if (text == "operations") return EventDetail::operations;
  if (text == "all") return EventDetail::all;
  throw InputError(fmt::format("'{}' is not none, operations or all", text), "", 0, "--events");
}

bool recorded(const Event& e, EventDetail detail) {
  if (detail == EventDetail::none || std::holds_alternative<Snapshot>(e)) return false;
  if (detail == EventDetail::all) return true;
  if (std::holds_alternative<SoftwareStarted>(e) || std::holds_alternative<DrsPass>(e)) return false;
  if (const auto* r = std::get_if<VmRebooted>(&e)) return r->power_cycle;
  return true;
}

const std::vector<std::string>& event_types() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> v;
    for (const auto& [type, fields] : schema()) v.push_back(type);
    return v;
  }();
  return types;
}

// The writer thread takes whole batches in the order they were handed over,
// binds each event's row (to_row) and writes it; `failed` lets the run stop
// handing over once a write failed (a full disk). Once the run ended it also
// builds the indexes and closes the file, while the run writes its other
// outputs (finish() waits for it).
// Bought hosts get new names as the run goes (ScenarioSpec::host_name): the
// writer names hosts from its own copy of the scenario, updated in event order
// from the names the run gave (taken with each purchase as it happened), so
// it never reads what the run changes meanwhile.
struct EventStore::Writer {
  explicit Writer(const ScenarioSpec& run_spec) : spec(run_spec) { spec.clear_bought_hosts(); }
  struct Bought {
    std::string name;
    std::shared_ptr<const CpuModel> part;
  };
  struct Batch {
    std::vector<Event> events;
    std::vector<Bought> bought;  // one per HostBought in events, in order
  };
  std::mutex mu;
  std::condition_variable changed;
  std::deque<Batch> pending;
  bool closing = false;
  bool close_file = false;  // closing after the run's end: index and close
  std::atomic<bool> failed{false};
  std::thread thread;
  ScenarioSpec spec;                 // the writer thread's
  std::vector<Bought> batch_bought;  // the run thread's, beside batch_
  RowSink row;                       // the writer thread's
};

struct EventStore::Table {
  std::string name;
  std::vector<Column> columns;  // after seq and t, in schema() order
  sqlite3_stmt* insert = nullptr;
  uint64_t rows = 0;
};

EventStore::EventStore(const ScenarioSpec& spec, const std::string& path, EventDetail detail)
    : spec_(spec), path_(path), detail_(detail) {
  std::remove(path.c_str());
  // One thread at a time uses the connection (this one, then the writer's):
  // no mutex around each call. Without SQLite's count of its memory, which
  // takes a global mutex per allocation (possible only before SQLite's first
  // use in the process; later it stays on).
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError("cannot create the event store: " + why, path);
  }
  auto exec = [&](const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string why = err ? err : "?";
      sqlite3_free(err);
      throw InputError(fmt::format("cannot create the event store ({}): {}", sql.substr(0, 40), why), path);
    }
  };
  // A new file renamed into place when complete: no journal needed.
  exec(
      "PRAGMA page_size=65536; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA locking_mode=EXCLUSIVE; PRAGMA "
      "cache_size=-65536");
  exec(
      "CREATE TABLE run (scenario TEXT, seed INTEGER, start_date TEXT, horizon_s REAL, detail TEXT, "
      "events INTEGER, end_s REAL, calendar INTEGER)");
  for (const auto& [type, names] : schema()) {
    auto t = std::make_unique<Table>();
    t->name = type;
    std::string cols = "seq INTEGER PRIMARY KEY, t REAL NOT NULL", params = "?, ?";
    for (const auto& n : names) {
      const auto* fd = record_descriptor()->FindFieldByName(n);
      if (!fd) throw std::logic_error("event store schema: no field " + n);
      t->columns.push_back({fd->number(), column_kind(fd)});
      cols += ", " + quoted(n) + " " + sql_type(fd);
      params += ", ?";
    }
    exec(fmt::format("CREATE TABLE {} ({})", quoted(type), cols));
    std::string sql = fmt::format("INSERT INTO {} VALUES ({})", quoted(type), params);
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &t->insert, nullptr) != SQLITE_OK)
      throw InputError(std::string("cannot create the event store: ") + sqlite3_errmsg(db_), path);
    tables_.push_back(std::move(t));
  }
  exec("BEGIN");
  batch_.reserve(kBatch);
  writer_ = std::make_unique<Writer>(spec_);
  writer_->thread = std::thread([this] {
    Writer& w = *writer_;
    for (;;) {
      Writer::Batch batch;
      {
        std::unique_lock<std::mutex> lock(w.mu);
        w.changed.wait(lock, [&] { return w.closing || !w.pending.empty(); });
        if (w.pending.empty()) break;  // closing, and everything written
        batch = std::move(w.pending.front());
        w.pending.pop_front();
      }
      w.changed.notify_all();  // room for the run's next batch
      size_t bought = 0;
      for (const Event& e : batch.events) {
        if (!error_.empty()) break;
        if (const auto* b = std::get_if<HostBought>(&e)) {
          Writer::Bought& n = batch.bought[bought++];
          w.spec.name_bought_host(b->host, std::move(n.name), std::move(n.part));
          if (!recorded(e, detail_)) continue;  // handed over for its name only
        }
        to_row(e, w.spec, w.row);
        write(w.row);
      }
      if (!error_.empty()) w.failed = true;
    }
    if (w.close_file) close_file();
  });
}

EventStore::~EventStore() {
  if (writer_ && writer_->thread.joinable()) {
    close_writer(false);
    writer_->thread.join();
  }
  for (auto& t : tables_) sqlite3_finalize(t->insert);
  if (db_) sqlite3_close(db_);
}

void EventStore::fail(const std::string& what) {
  if (error_.empty()) error_ = what;
}

void EventStore::on_event(const Event& e) {
  if (writer_->failed) return;
  if (const auto* b = std::get_if<HostBought>(&e)) {  // the name and part the run gave it, now
    const CpuModel* part = spec_.host_part(b->host);
    writer_->batch_bought.push_back(
        {spec_.host_name(b->host), part ? std::make_shared<const CpuModel>(*part) : nullptr});
  } else if (!recorded(e, detail_)) {
    return;
  }
  batch_.push_back(e);
  if (batch_.size() >= kBatch) hand_off();
}

void EventStore::hand_off() {
  Writer& w = *writer_;
  {
    std::unique_lock<std::mutex> lock(w.mu);
    w.changed.wait(lock, [&] { return w.pending.size() < kMaxPending; });
    w.pending.push_back({std::move(batch_), std::move(w.batch_bought)});
  }
  w.changed.notify_all();
  batch_ = {};
  batch_.reserve(kBatch);
  w.batch_bought = {};
}

// Tells the thread to stop: after writing what is handed over and batched,
// then indexing and closing the file (the run's end), or (a run that ended
// in an error: its folder is not kept) at once.
void EventStore::close_writer(bool write_rest) {
  Writer& w = *writer_;
  if (w.closing) return;
  if (write_rest && !batch_.empty()) hand_off();
  {
    std::lock_guard<std::mutex> lock(w.mu);
    w.closing = true;
    w.close_file = write_rest;
    if (!write_rest) w.pending.clear();
  }
  w.changed.notify_all();
}

void EventStore::on_end(double t) {
  end_t_ = t;
  close_writer(true);  // indexes are built while the run writes its other outputs
}

void EventStore::write(const RowSink& row) {
  static const std::unordered_map<std::string, size_t> index = [] {
    std::unordered_map<std::string, size_t> m;
    for (size_t i = 0; i < schema().size(); ++i) m.emplace(schema()[i].first, i);
    return m;
  }();
  auto it = index.find(row.type());
  if (it == index.end()) throw std::logic_error("event store: no table for event type '" + row.type() + "'");
  Table& t = *tables_[it->second];
  // Every field a row of this type sets has a column: the round-trip tests
  // (tests/events/event_store_test.cpp) read every type back equal to
  // to_record's. Strings stay in `row` until the step: bound static.
  sqlite3_stmt* s = t.insert;
  sqlite3_bind_int64(s, 1, static_cast<int64_t>(++seq_));
  sqlite3_bind_double(s, 2, row.t());
  std::string codes;
  for (size_t k = 0; k < t.columns.size(); ++k) {
    const Column& c = t.columns[k];
    const RowSink::Slot& v = row.slot(c.field);
    const int col = static_cast<int>(k) + 3;
    switch (c.kind) {
      case Kind::codes:
        codes = code_counts_text(row.codes());
        codes.empty() ? sqlite3_bind_null(s, col)
                      : sqlite3_bind_text(s, col, codes.data(), static_cast<int>(codes.size()), SQLITE_STATIC);
        break;
      case Kind::text:
      case Kind::words:
        v.text.empty() ? sqlite3_bind_null(s, col)
                       : sqlite3_bind_text(s, col, v.text.data(), static_cast<int>(v.text.size()), SQLITE_STATIC);
        break;
      case Kind::real:
        sqlite3_bind_double(s, col, v.number);
        break;
      case Kind::integer:
        sqlite3_bind_int64(s, col, static_cast<int64_t>(v.number));
        break;
      case Kind::boolean:
        sqlite3_bind_int(s, col, v.number != 0 ? 1 : 0);
        break;
    }
  }
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) {
    fail(fmt::format("writing the event store failed{}: {}", rc == SQLITE_FULL ? " (disk full)" : "",
                     sqlite3_errstr(rc)));
    return;
  }
  ++t.rows;
  if (++in_transaction_ >= kRowsPerTransaction) {
    in_transaction_ = 0;
    if (sqlite3_exec(db_, "COMMIT; BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK)
      fail(std::string("writing the event store failed: ") + sqlite3_errmsg(db_));
  }
}

bool EventStore::add_indexes(const Table& t) {
  std::vector<std::string> sql{fmt::format("CREATE INDEX {} ON {} (t)", quoted(t.name + "_t"), quoted(t.name))};
  for (const Column& c : t.columns)
    if (c.field == report::EventRecord::kVmFieldNumber)
      sql.push_back(fmt::format("CREATE INDEX {} ON {} (\"vm\")", quoted(t.name + "_vm"), quoted(t.name)));
  for (const auto& q : sql)
    if (sqlite3_exec(db_, q.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      fail(std::string("writing the event store failed: ") + sqlite3_errmsg(db_));
      return false;
    }
  return true;
}

// The writer thread's last step after the run's end.
void EventStore::close_file() {
  auto exec = [&](const std::string& sql) {
    if (!error_.empty()) return;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
      fail(std::string("writing the event store failed: ") + sqlite3_errmsg(db_));
  };
  // A table's indexes (t, and vm where it has one) are built once its rows
  // are in: sorting them at the end costs about half of keeping the vm
  // index up row by row, which was the largest cost of a split run's merge.
  // Sorted with a small cache the (vm) index builds about a quarter faster
  // (refresh-10y's 1.65 M migrations: 0.97 -> 0.73 s in the sqlite3 shell).
  exec("PRAGMA cache_size=-4096");
  for (const auto& t : tables_)
    if (t->rows > 0 && error_.empty()) add_indexes(*t);
  exec("COMMIT");
  exec("BEGIN");
  {
    sqlite3_stmt* s = nullptr;
    if (error_.empty() &&
        sqlite3_prepare_v2(db_, "INSERT INTO run VALUES (?, ?, ?, ?, ?, ?, ?, ?)", -1, &s, nullptr) == SQLITE_OK) {
      const char* detail = detail_ == EventDetail::all          ? "all"
                           : detail_ == EventDetail::operations ? "operations"
                                                                : "none";
      std::string start = spec_.start_date.str();
      sqlite3_bind_text(s, 1, spec_.name.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(s, 2, static_cast<int64_t>(spec_.seed));
      sqlite3_bind_text(s, 3, start.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(s, 4, spec_.horizon_s);
      sqlite3_bind_text(s, 5, detail, -1, SQLITE_STATIC);
      sqlite3_bind_int64(s, 6, static_cast<int64_t>(seq_));
      sqlite3_bind_double(s, 7, end_t_);
      sqlite3_bind_int(s, 8, spec_.calendar ? 1 : 0);
      if (sqlite3_step(s) != SQLITE_DONE) fail(std::string("writing the event store failed: ") + sqlite3_errmsg(db_));
    }
    sqlite3_finalize(s);
  }
  exec("COMMIT");
  for (auto& t : tables_) sqlite3_finalize(t->insert), t->insert = nullptr;
  if (sqlite3_close(db_) != SQLITE_OK && error_.empty()) fail("closing the event store failed");
  db_ = nullptr;
}

void EventStore::finish() {
  close_writer(true);
  if (writer_->thread.joinable()) writer_->thread.join();
  if (!error_.empty()) throw InputError(error_, path_);
}

// ---- reading ----

EventReader::EventReader(const std::string& path) : path_(path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError("cannot open the event store: " + why, path);
  }
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT scenario, seed, start_date, horizon_s, detail, calendar FROM run", -1, &s,
                         nullptr) != SQLITE_OK) {
    std::string why = sqlite3_errmsg(db_);
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError("not an evcsim event store (" + why + ")", path);
  }
  if (sqlite3_step(s) == SQLITE_ROW) {
    auto text = [&](int c) {
      const unsigned char* v = sqlite3_column_text(s, c);
      return v ? std::string(reinterpret_cast<const char*>(v)) : std::string();
    };
    run_.scenario = text(0);
    run_.seed = static_cast<uint64_t>(sqlite3_column_int64(s, 1));
    run_.start_date = text(2);
    run_.horizon_s = sqlite3_column_double(s, 3);
    run_.detail = text(4);
    run_.calendar = sqlite3_column_int(s, 5) != 0;
  }
  sqlite3_finalize(s);
  if (run_.start_date.empty()) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError("not a complete evcsim event store (no run row: the run did not finish?)", path);
  }
  for (const auto& type : event_types()) {
    std::string sql = fmt::format("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '{}'", type);
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      types_.push_back(type);
    sqlite3_finalize(s);
  }
}

EventReader::~EventReader() {
  if (db_) sqlite3_close(db_);
}

std::vector<std::pair<std::string, uint64_t>> EventReader::counts() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  for (const auto& type : types_) {
    sqlite3_stmt* s = nullptr;
    std::string sql = fmt::format("SELECT count(*) FROM {}", quoted(type));
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
      auto n = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
      if (n > 0) out.emplace_back(type, n);
    }
    sqlite3_finalize(s);
  }
  return out;
}

std::vector<std::string> EventReader::columns(const std::string& type) const {
  for (const auto& [t, fields] : schema())
    if (t == type) return fields;
  return {};
}

void EventReader::read(const EventQuery& q, const std::function<void(const report::EventRecord&)>& each) const {
  struct Cursor {
    sqlite3_stmt* stmt = nullptr;
    std::string type;
    std::vector<const pb::FieldDescriptor*> fields;
    int64_t seq = 0;
  };
  std::vector<Cursor> cursors;
  const YearMonth start = parse_year_month(run_.start_date);
  auto cleanup = [&] {
    for (auto& c : cursors) sqlite3_finalize(c.stmt);
  };
  for (const auto& type : q.types.empty() ? types_ : q.types) {
    if (std::find(types_.begin(), types_.end(), type) == types_.end()) continue;
    auto names = columns(type);
    bool has_vm = std::find(names.begin(), names.end(), "vm") != names.end();
    if (!q.vm.empty() && !has_vm) continue;
    std::string sql = fmt::format("SELECT * FROM {} WHERE 1", quoted(type));
    if (!q.vm.empty()) sql += " AND vm = ?1";
    if (q.from_s) sql += " AND t >= ?2";
    if (q.to_s) sql += " AND t < ?3";
    sql += " ORDER BY seq";
    Cursor c;
    c.type = type;
    for (const auto& n : names) c.fields.push_back(record_descriptor()->FindFieldByName(n));
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &c.stmt, nullptr) != SQLITE_OK) {
      cleanup();
      throw InputError(fmt::format("cannot read table {}: {}", type, sqlite3_errmsg(db_)), path_);
    }
    if (!q.vm.empty()) sqlite3_bind_text(c.stmt, 1, q.vm.c_str(), -1, SQLITE_TRANSIENT);
    if (q.from_s) sqlite3_bind_double(c.stmt, 2, *q.from_s);
    if (q.to_s) sqlite3_bind_double(c.stmt, 3, *q.to_s);
    cursors.push_back(std::move(c));
  }
  // A k-way merge of the tables by seq: the order the run emitted them in.
  auto greater = [&](size_t a, size_t b) { return cursors[a].seq > cursors[b].seq; };
  std::priority_queue<size_t, std::vector<size_t>, decltype(greater)> heap(greater);
  auto advance = [&](size_t i) {
    int rc = sqlite3_step(cursors[i].stmt);
    if (rc == SQLITE_ROW) {
      cursors[i].seq = sqlite3_column_int64(cursors[i].stmt, 0);
      heap.push(i);
    } else if (rc != SQLITE_DONE) {
      throw InputError(fmt::format("reading table {} failed: {}", cursors[i].type, sqlite3_errmsg(db_)), path_);
    }
  };
  try {
    for (size_t i = 0; i < cursors.size(); ++i) advance(i);
    report::EventRecord r;
    while (!heap.empty()) {
      size_t i = heap.top();
      heap.pop();
      Cursor& c = cursors[i];
      r.Clear();
      r.set_t(sqlite3_column_double(c.stmt, 1));
      r.set_type(c.type);
      if (run_.calendar) r.set_date(calendar_date(start, r.t()));
      const auto* refl = r.GetReflection();
      for (size_t k = 0; k < c.fields.size(); ++k) {
        const int col = static_cast<int>(k) + 2;
        if (sqlite3_column_type(c.stmt, col) == SQLITE_NULL) continue;
        const auto* fd = c.fields[k];
        auto text = [&] {
          const unsigned char* v = sqlite3_column_text(c.stmt, col);
          return std::string(reinterpret_cast<const char*>(v), static_cast<size_t>(sqlite3_column_bytes(c.stmt, col)));
        };
        if (fd->is_map()) {
          std::string all = text();
          for (std::string_view item : split_ws(all)) {
            auto eq = item.find('=');
            if (eq == std::string_view::npos) continue;
            auto n = parse_uint(item.substr(eq + 1));
            (*r.mutable_blocked_by_code())[std::string(item.substr(0, eq))] = static_cast<uint32_t>(n ? *n : 0);
          }
        } else if (fd->is_repeated()) {
          std::string all = text();
          for (std::string_view item : split_ws(all)) refl->AddString(&r, fd, std::string(item));
        } else {
          switch (fd->cpp_type()) {
            case pb::FieldDescriptor::CPPTYPE_STRING:
              refl->SetString(&r, fd, text());
              break;
            case pb::FieldDescriptor::CPPTYPE_DOUBLE:
              refl->SetDouble(&r, fd, sqlite3_column_double(c.stmt, col));
              break;
            case pb::FieldDescriptor::CPPTYPE_UINT32:
              refl->SetUInt32(&r, fd, static_cast<uint32_t>(sqlite3_column_int64(c.stmt, col)));
              break;
            case pb::FieldDescriptor::CPPTYPE_BOOL:
              refl->SetBool(&r, fd, sqlite3_column_int(c.stmt, col) != 0);
              break;
            default:
              break;
          }
        }
      }
      each(r);
      advance(i);
    }
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
}

}  // namespace evcsim
