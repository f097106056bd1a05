// Reading protobuf text-format files with errors that name file, line and
// field: a syntax error reports the parser's line and column; a semantic
// error found after parsing reports the line of the offending field.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>
#include <google/protobuf/text_format.h>

namespace evcsim {

class TextprotoFile {
 public:
  // Parses `text` into `msg`; throws InputError("file:line: column c: ...").
  TextprotoFile(std::string file, const std::string& text, google::protobuf::Message* msg);

  const std::string& file() const { return file_; }
  // 1-based line of `field` (element `index` if repeated) of `msg`, a message
  // reached through `tree` (nullptr: the top-level message).
  int line(const google::protobuf::Message& msg, std::string_view field, int index = -1,
           const google::protobuf::TextFormat::ParseInfoTree* tree = nullptr) const;
  // The location tree of element `index` of message field `field` of `parent`.
  const google::protobuf::TextFormat::ParseInfoTree* nested(
      const google::protobuf::Message& parent, std::string_view field, int index,
      const google::protobuf::TextFormat::ParseInfoTree* tree = nullptr) const;
  [[noreturn]] void fail(int line, std::string field, std::string message) const;

 private:
  // Fails naming line and field at the first nan or infinite decimal.
  void check_finite(const google::protobuf::Message& msg,
                    const google::protobuf::TextFormat::ParseInfoTree* tree) const;
  std::string file_;
  std::unique_ptr<google::protobuf::TextFormat::ParseInfoTree> tree_;
};

// Reads a whole file; throws InputError naming it when it cannot be read.
std::string read_file(const std::string& path);

}  // namespace evcsim
