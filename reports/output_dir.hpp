// An output folder that loses nothing: files are written under temporary
// names and renamed into place only when complete; a failed or interrupted
// run (SIGINT, SIGTERM, a full disk) removes its temporary files and leaves
// what was there before.
#pragma once

#include <string>
#include <vector>

namespace evcsim {

class OutputDir {
 public:
  explicit OutputDir(std::string dir);  // creates the folder if needed; throws InputError
  ~OutputDir();                         // removes temporary files not committed
  std::string temp_path(const std::string& name);
  // Writes `text` to a temporary file and renames it to `name`.
  void write(const std::string& name, const std::string& text);
  // Renames the temporary file of `name` into place.
  void commit(const std::string& name);

 private:
  std::string dir_;
  std::vector<std::string> temps_;
};

// SIGINT and SIGTERM remove every temporary file of every OutputDir, then
// end the process with 128 + the signal.
void install_interrupt_cleanup();

}  // namespace evcsim
