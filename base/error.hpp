// The one exception type for bad input: it carries where the input was wrong.
#pragma once

#include <stdexcept>
#include <string>

namespace evcsim {

// Bad input from a user (a file, a command-line value). what() reads
// "FILE:LINE: FIELD: MESSAGE" with the parts that are known.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::string message, std::string file = {}, int line = 0, std::string field = {});
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& field() const { return field_; }
  const std::string& message() const { return message_; }
  // The same error, placed in a file (and line, when the error had none).
  InputError located(const std::string& file, int line) const;

 private:
  std::string message_, file_, field_;
  int line_ = 0;
};

}  // namespace evcsim
