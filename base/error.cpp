#include "base/error.hpp"
#include "base/io_error.hpp"

#include <cerrno>
#include <cstring>

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

std::string io_error_text(int err) {
  switch (err) {
    case 0:
      return "an unknown error";
    case ENOSPC:
      return "no space left on device (disk full)";
    case EDQUOT:
      return "disk quota exceeded";
    case EFBIG:
      return "file too large (a file size limit)";
    case EACCES:
    case EPERM:
      return "permission denied";
    case EROFS:
      return "read-only file system";
    case ENOENT:
      return "no such file or folder";
    case ENOTDIR:
      return "a part of the path is not a folder";
    case EISDIR:
      return "is a folder";
    default:
      return std::strerror(err);  // NOLINT(concurrency-mt-unsafe): messages of a single-threaded command
  }
}

}  // namespace evcsim
