#include "cli/output_dir.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include "models/error.hpp"

namespace evcsim::cli {

namespace fs = std::filesystem;

OutputDir::OutputDir(std::string dir) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (!fs::is_directory(dir_, ec)) throw InputError("cannot create the output folder", dir_, 0, "--out");
}

OutputDir::~OutputDir() {
  std::error_code ec;
  for (const auto& t : temps_) fs::remove(t, ec);
}

std::string OutputDir::temp_path(const std::string& name) {
  std::string p = (fs::path(dir_) / fmt::format(".{}.tmp-{}", name, getpid())).string();
  if (std::find(temps_.begin(), temps_.end(), p) == temps_.end()) temps_.push_back(p);
  return p;
}

void OutputDir::write(const std::string& name, const std::string& text) {
  std::string tmp = temp_path(name);
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    out.flush();
    if (!out) throw InputError("writing failed (disk full?)", tmp);
  }
  commit(name);
}

void OutputDir::commit(const std::string& name) {
  std::string tmp = temp_path(name);
  std::error_code ec;
  fs::rename(tmp, fs::path(dir_) / name, ec);
  if (ec) throw InputError(fmt::format("cannot rename into place: {}", ec.message()), tmp);
  temps_.erase(std::find(temps_.begin(), temps_.end(), tmp));
}

}  // namespace evcsim::cli
