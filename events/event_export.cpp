#include "events/event_export.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/json.hpp"
#include "base/text_util.hpp"

namespace evcsim {
namespace {

namespace pb = google::protobuf;

// A column's value in a row; empty where the row's type has no such column.
std::string csv_value(const report::EventRecord& r, const pb::FieldDescriptor* fd, bool applies) {
  if (!applies) return "";
  const auto* refl = r.GetReflection();
  if (fd->is_map()) return csv_field(blocked_by_code_text(r));
  if (fd->is_repeated()) {
    std::string out;
    for (int i = 0; i < refl->FieldSize(r, fd); ++i) out += (i ? " " : "") + refl->GetRepeatedString(r, fd, i);
    return csv_field(out);
  }
  switch (fd->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return csv_field(refl->GetString(r, fd));
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return fmt::format("{}", refl->GetDouble(r, fd));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return fmt::format("{}", refl->GetUInt32(r, fd));
    case pb::FieldDescriptor::CPPTYPE_BOOL:
      return refl->GetBool(r, fd) ? "1" : "0";
    default:
      return "";
  }
}

}  // namespace

uint64_t export_events(const EventReader& reader, const EventQuery& q, EventFormat format, std::ostream& out) {
  const StoredRun& run = reader.run();
  // CSV columns: the union of the chosen types' columns, in events.proto's order.
  std::vector<const pb::FieldDescriptor*> columns;
  if (format == EventFormat::csv) {
    std::set<std::string> used;
    for (const auto& t : q.types.empty() ? reader.types() : q.types)
      for (const auto& c : reader.columns(t)) used.insert(c);
    const auto* d = report::EventRecord::descriptor();
    for (int i = 0; i < d->field_count(); ++i)
      if (used.count(d->field(i)->name())) columns.push_back(d->field(i));
    out << (run.calendar ? "t,date,type" : "t,type");
    for (const auto* fd : columns) out << ',' << fd->name();
    out << '\n';
  }
  uint64_t n = 0;
  std::map<std::string, std::vector<bool>> applies;  // type -> which columns it has
  reader.read(q, [&](const report::EventRecord& r) {
    ++n;
    if (format == EventFormat::jsonl) {
      out << to_json_line(r) << '\n';
      return;
    }
    out << fmt::format("{},{}{}", r.t(), run.calendar ? r.date() + "," : "", r.type());
    auto& has = applies[r.type()];
    if (has.empty()) {
      const auto own = reader.columns(r.type());
      for (const auto* fd : columns) has.push_back(std::find(own.begin(), own.end(), fd->name()) != own.end());
    }
    for (size_t k = 0; k < columns.size(); ++k) out << ',' << csv_value(r, columns[k], has[k]);
    out << '\n';
  });
  return n;
}

}  // namespace evcsim
