#include "models/textproto.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <google/protobuf/io/tokenizer.h>

#include "models/error.hpp"

namespace evcsim {
namespace {

namespace pb = google::protobuf;

class CollectFirstError : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (message_.empty()) {
      line_ = line + 1;
      message_ = fmt::format("column {}: {}", column + 1, message);
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

const pb::TextFormat::ParseInfoTree* TextprotoFile::nested(const pb::Message& parent, std::string_view field,
                                                           int index, const pb::TextFormat::ParseInfoTree* tree) const {
  const auto* fd = parent.GetDescriptor()->FindFieldByName(std::string(field));
  if (!fd || (!tree && !tree_)) return nullptr;
  return (tree ? tree : tree_.get())->GetTreeForNested(fd, fd->is_repeated() ? index : -1);
}

void TextprotoFile::fail(int line, std::string field, std::string message) const {
  throw InputError(std::move(message), file_, line, std::move(field));
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open file", path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw InputError("read error", path);
  return ss.str();
}

}  // namespace evcsim
