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

// An error quotes at most a few lines of what it found: a 10 MB value in a
// file must not come back as a 10 MB message.
static std::string bounded(std::string message) {
  constexpr size_t kMax = 4096, kHead = 2000, kTail = 400;
  if (message.size() <= kMax) return message;
  return message.substr(0, kHead) + "[... " + std::to_string(message.size() - kHead - kTail) + " characters cut ...]" +
         message.substr(message.size() - kTail);
}

InputError::InputError(std::string message, std::string file, int line, std::string field)
    : std::runtime_error(compose(bounded(message), bounded(file), line, bounded(field))),
      message_(bounded(std::move(message))),
      file_(bounded(std::move(file))),
      field_(bounded(std::move(field))),
      line_(line) {}

InputError InputError::located(const std::string& file, int line) const {
  return InputError(message_, file, line_ > 0 ? line_ : line, field_);
}

}  // namespace evcsim
