// An output folder that loses nothing: files are written under temporary
// names and renamed into place only when complete; a failed or interrupted
// run (SIGINT, SIGTERM, a full disk) removes its temporary files and leaves
// what was there before.
#pragma once

#include <string>
#include <vector>

#include "base/error.hpp"

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

// A run's output folder as a transaction: every output is written into a
// fresh staging folder beside it (PARENT/.NAME.partial-PID), and commit()
// puts the staging folder in the folder's place in one rename (an atomic
// exchange where the file system has one, renameat2 RENAME_EXCHANGE), then
// removes the old outputs. Until then the folder is as it was; a run that
// fails, is interrupted (SIGINT, SIGTERM) or meets a full disk or a file
// size limit removes its staging folder, and a staging folder left by a
// killed run (kill -9) is removed, and named, by the next run into the same
// folder. The folder is replaced whole: it must be new, empty or an earlier
// run's (marked by its .evcsim-run manifest), so `--out .` cannot replace a
// folder of other files.
class RunFolder {
 public:
  explicit RunFolder(std::string dir);  // throws InputError naming the folder
  ~RunFolder();                         // not committed: the staging folder goes
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;
  // Where output `name` is written (inside the staging folder).
  std::string path(const std::string& name) const;
  void write(const std::string& name, const std::string& text);
  // Replaces the folder by the outputs written; throws InputError when it cannot.
  void commit();
  // `e` as a user should read it: paths in the staging folder named in the
  // folder, and a failed write explained (a full disk or a file size limit),
  // with the promise that the folder is as it was.
  InputError explain(const InputError& e) const;
  // Stale staging folders of killed runs that the constructor removed.
  const std::vector<std::string>& cleaned() const { return cleaned_; }

 private:
  std::string dir_, staging_;
  bool committed_ = false;
  std::vector<std::string> cleaned_;
};

// SIGINT and SIGTERM remove every temporary file of every OutputDir and the
// staging folder of every RunFolder, then end the process with 128 + the
// signal. SIGXFSZ (a file past `ulimit -f`) is ignored, so the write fails
// with an error the run reports instead of the process dying silently.
void install_interrupt_cleanup();

}  // namespace evcsim
