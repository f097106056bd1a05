#include "base/error.hpp"

namespace evcsim {

static std::string compose(const std::string& message, const std::string& file, int line, const std::string& field) {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) {
      out += ':';
      out += std::to_string(line);
    }
    out += ": ";
  } else if (line > 0) {
    out += "line ";
    out += std::to_string(line);
    out += ": ";
  }
  if (!field.empty()) {
    out += field;
    out += ": ";
  }
  out += message;
  return out;
}

InputError::InputError(std::string message, std::string file, int line, std::string field)
    : std::runtime_error(compose(message, file, line, field)),
      message_(std::move(message)),
      file_(std::move(file)),
      field_(std::move(field)),
      line_(line) {}

InputError InputError::located(const std::string& file, int line) const {
  return InputError(message_, file, line_ > 0 ? line_ : line, field_);
}

}  // namespace evcsim
