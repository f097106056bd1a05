// `evcsim events FILE`: a run's event store (events.sqlite) filtered by type,
// VM and dates, as CSV or as the JSON lines of events.jsonl.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/io_error.hpp"
#include "base/text_util.hpp"
#include "base/year_month.hpp"
#include "cli/commands.hpp"
#include "events/event_export.hpp"
#include "events/event_store.hpp"

namespace evcsim::cli {
namespace {

// A bound: "YYYY-MM-DD", "YYYY-MM" or simulated seconds.
double bound(const std::string& text, const StoredRun& run, const char* option) {
  if (auto s = parse_uint(text)) return static_cast<double>(*s);
  try {
    return seconds_at(parse_year_month(run.start_date), text);
  } catch (const InputError& e) {
    throw InputError(e.message() + " (or simulated seconds)", "", 0, option);
  }
}

}  // namespace

void add_events_command(CLI::App& app, Runner* runner) {
  struct Args {
    std::string file, vm, from, to, format = "csv", out;
    std::vector<std::string> types;
    bool counts = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd =
      app.add_subcommand("events", "Filter and convert a run's event store (events.sqlite) to CSV or JSON lines");
  cmd->add_option("FILE", a->file, "the event store a run wrote (DIR/events.sqlite)")->required();
  cmd->add_option("--type", a->types, "event types, comma-separated (crash, migration_blocked, host_bought, ...)")
      ->delimiter(',');
  cmd->add_option("--vm", a->vm, "only this VM's events");
  cmd->add_option("--from", a->from, "from this date on (YYYY-MM-DD, YYYY-MM, or simulated seconds)");
  cmd->add_option("--to", a->to, "before this date (YYYY-MM-DD, YYYY-MM, or simulated seconds)");
  cmd->add_option("--format", a->format, "csv (t, date, type and the types' columns) or jsonl (as events.jsonl)")
      ->check(CLI::IsMember({"csv", "jsonl"}))
      ->capture_default_str();
  cmd->add_option("--out,-o", a->out, "write to this file instead of standard output");
  cmd->add_flag("--counts", a->counts, "print how many events of each type the store holds, and stop");
  cmd->footer(
      "The store is SQLite: any client reads it, e.g. pandas.read_sql(\"SELECT * FROM crash\", "
      "sqlite3.connect(\"events.sqlite\")).");
  cmd->callback([=] {
    *runner = [=] {
      EventReader reader(a->file);
      const StoredRun& run = reader.run();
      if (a->counts) {
        std::cout << fmt::format("{} (seed {}, from {}, events: {})\n", run.scenario, run.seed, run.start_date,
                                 run.detail);
        for (const auto& [type, n] : reader.counts()) std::cout << fmt::format("{:>12} {}\n", n, type);
        return 0;
      }
      EventQuery q;
      for (const auto& t : a->types) {
        const auto& known = event_types();
        if (std::find(known.begin(), known.end(), t) == known.end())
          throw InputError(
              fmt::format("unknown event type '{}'; nearest: {}", t, fmt::join(nearest_names(t, known), ", ")), "", 0,
              "--type");
        q.types.push_back(t);
      }
      q.vm = a->vm;
      if (!a->from.empty()) q.from_s = bound(a->from, run, "--from");
      if (!a->to.empty()) q.to_s = bound(a->to, run, "--to");
      // An empty window matches nothing: say so rather than print nothing and succeed.
      if (!a->from.empty() && !a->to.empty() && *q.from_s >= *q.to_s) {
        auto as_read = [&](const std::string& text, double s) {
          if (!parse_uint(text)) return fmt::format("{} = {:.0f} simulated seconds", text, s);
          // A bare number is seconds; "2028" meant as a year is written 2028-01.
          return text.size() == 4 && run.calendar
                     ? fmt::format("{} simulated seconds; the year is written {}-01", text, text)
                     : fmt::format("{} simulated seconds", text);
        };
        throw InputError(fmt::format("--from {} is not before --to {} ({} against {}): no event can match; "
                                     "--from is the first date included, --to the first date left out",
                                     a->from, a->to, as_read(a->from, *q.from_s), as_read(a->to, *q.to_s)),
                         "", 0, "--from/--to");
      }

      std::unique_ptr<std::ofstream> file;
      std::string tmp;
      if (!a->out.empty()) {
        std::error_code ec;
        if (std::filesystem::equivalent(a->out, a->file, ec))
          throw InputError("is the event store being read; write the export to another file", a->out, 0, "--out");
        tmp = a->out + ".tmp";
        errno = 0;
        file = std::make_unique<std::ofstream>(tmp, std::ios::binary);
        if (!*file) throw InputError(fmt::format("cannot write here: {}", io_error_text(errno)), tmp, 0, "--out");
      }
      std::ostream& out = file ? *file : std::cout;
      const uint64_t n = export_events(reader, q, a->format == "csv" ? EventFormat::csv : EventFormat::jsonl, out);
      errno = 0;
      out.flush();
      if (!out)
        throw InputError(fmt::format("writing failed: {}", io_error_text(errno)),
                         a->out.empty() ? "standard output" : tmp);
      if (file) {
        file.reset();
        std::filesystem::rename(tmp, a->out);
        std::cerr << fmt::format("wrote {} events to {}\n", n, a->out);
      }
      return 0;
    };
  });
}

}  // namespace evcsim::cli
