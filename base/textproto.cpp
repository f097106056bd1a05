#include "base/textproto.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/tokenizer.h>

#include "base/error.hpp"
#include "base/text_util.hpp"

namespace evcsim {
namespace {

namespace pb = google::protobuf;

// The parser says `Message type "pkg.Type" has no field named "x".`; this
// adds the nearest field of that type ("did you mean 'ram_mib'?") when one
// is close, or the type's fields when none is.
std::string with_suggestion(const std::string& message) {
  static const std::string type_at = "Message type \"", field_at = "\" has no field named \"";
  size_t t = message.find(type_at), f = message.find(field_at);
  if (t == std::string::npos || f == std::string::npos || f < t) return message;
  std::string type = message.substr(t + type_at.size(), f - t - type_at.size());
  size_t name_start = f + field_at.size(), name_end = message.find('"', name_start);
  if (name_end == std::string::npos) return message;
  std::string name = message.substr(name_start, name_end - name_start);
  const pb::Descriptor* d = pb::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
  if (!d) return message;
  std::vector<std::string> fields;
  for (int i = 0; i < d->field_count(); ++i) fields.push_back(d->field(i)->name());
  auto near = nearest_names(name, fields, 1);
  std::string out = fmt::format("{} has no field '{}'", d->name(), name);
  if (!near.empty() && edit_distance(to_lower(near[0]), to_lower(name)) <= std::max<size_t>(2, name.size() / 3))
    return out + fmt::format("; did you mean '{}'?", near[0]);
  return out + fmt::format(" (its fields: {})", fmt::join(fields, ", "));
}

class CollectFirstError : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (message_.empty()) {
      line_ = line + 1;
      message_ = fmt::format("column {}: {}", column + 1, with_suggestion(message));
    }
  }
  int line_ = 0;
  std::string message_;
};

}  // namespace

TextprotoFile::TextprotoFile(std::string file, const std::string& text, pb::Message* msg)
    : file_(std::move(file)), tree_(std::make_unique<pb::TextFormat::ParseInfoTree>()) {
  pb::TextFormat::Parser parser;
  CollectFirstError errors;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(tree_.get());
  if (!parser.ParseFromString(text, msg))
    throw InputError(errors.message_.empty() ? "not a valid text-format file" : errors.message_, file_, errors.line_);
  check_finite(*msg, tree_.get());
}

// Every decimal field of every text-format file evcsim reads (scenarios,
// experiments, catalogs) is a finite number: nan and inf are written
// `nan`, `inf` or `1e999` and would reach timers, dates and sizes.
void TextprotoFile::check_finite(const pb::Message& msg, const pb::TextFormat::ParseInfoTree* tree) const {
  const pb::Reflection* r = msg.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(msg, &fields);
  for (const pb::FieldDescriptor* fd : fields) {
    const int n = fd->is_repeated() ? r->FieldSize(msg, fd) : 1;
    for (int i = 0; i < n; ++i) {
      const int index = fd->is_repeated() ? i : -1;
      if (fd->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
        if (fd->is_map()) continue;
        const pb::Message& sub = fd->is_repeated() ? r->GetRepeatedMessage(msg, fd, i) : r->GetMessage(msg, fd);
        check_finite(sub, tree ? tree->GetTreeForNested(fd, index) : nullptr);
        continue;
      }
      if (fd->type() == pb::FieldDescriptor::TYPE_STRING) {
        // Names travel into JSON, CSV, HTML and DOT: invalid UTF-8 was
        // accepted here and silently dropped from results.json.
        const std::string s = fd->is_repeated() ? r->GetRepeatedString(msg, fd, i) : r->GetString(msg, fd);
        if (!valid_utf8(s)) {
          int line = 0;
          if (tree) line = tree->GetLocation(fd, index).line + 1;
          fail(line, fd->name(), "is not valid UTF-8 text");
        }
        continue;
      }
      double v = 0;
      if (fd->cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE)
        v = fd->is_repeated() ? r->GetRepeatedDouble(msg, fd, i) : r->GetDouble(msg, fd);
      else if (fd->cpp_type() == pb::FieldDescriptor::CPPTYPE_FLOAT)
        v = fd->is_repeated() ? r->GetRepeatedFloat(msg, fd, i) : r->GetFloat(msg, fd);
      else continue;
      if (std::isfinite(v)) continue;
      int line = 0;
      if (tree) {
        auto loc = tree->GetLocation(fd, index);
        line = loc.line + 1;
      }
      fail(line, fd->name(), fmt::format("must be a finite number, not {}", v));
    }
  }
}

int TextprotoFile::line(const pb::Message& msg, std::string_view field, int index,
                        const pb::TextFormat::ParseInfoTree* tree) const {
  const auto* fd = msg.GetDescriptor()->FindFieldByName(std::string(field));
  if (!fd) return 0;
  if (!tree) tree = tree_.get();
  auto loc = tree->GetLocation(fd, fd->is_repeated() ? (index < 0 ? 0 : index) : -1);
  // A list written `[a, b]` may record only its first element: its line.
  if (loc.line < 0 && fd->is_repeated() && index > 0) loc = tree->GetLocation(fd, 0);
  return loc.line + 1;
}

const pb::TextFormat::ParseInfoTree* TextprotoFile::nested(const pb::Message& parent, std::string_view field, int index,
                                                           const pb::TextFormat::ParseInfoTree* tree) const {
  const auto* fd = parent.GetDescriptor()->FindFieldByName(std::string(field));
  if (!fd || (!tree && !tree_)) return nullptr;
  return (tree ? tree : tree_.get())->GetTreeForNested(fd, fd->is_repeated() ? index : -1);
}

void TextprotoFile::fail(int line, std::string field, std::string message) const {
  throw InputError(std::move(message), file_, line, std::move(field));
}

std::string read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError("is a folder, not a file", path);
  if (!std::filesystem::exists(path, ec)) throw InputError("no such file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open file (permissions?)", path);
  // Files evcsim reads (scenarios, dumps, inventories, catalogs) are far
  // smaller; a device such as /dev/zero never ends.
  constexpr size_t kMaxBytes = size_t{256} << 20;
  std::string out;
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    out.append(buf, static_cast<size_t>(in.gcount()));
    if (out.size() > kMaxBytes) throw InputError("larger than 256 MiB: not a file evcsim reads (a device?)", path);
  }
  if (in.bad()) throw InputError("read error", path);
  return out;
}

}  // namespace evcsim
