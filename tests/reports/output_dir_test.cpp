#include "reports/output_dir.hpp"

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

TEST(OutputDir, AFullDiskKeepsWhatWasThere) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  fs::path d = fs::temp_directory_path() / ("evcsim-full-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  std::ofstream(d / "summary.txt") << "old\n";
  {
    OutputDir out(d.string());
    // The temporary file lands on a device that is always full.
    fs::create_symlink("/dev/full", out.temp_path("summary.txt"));
    std::string big(1 << 20, 'x');
    try {
      out.write("summary.txt", big);
      ADD_FAILURE() << "writing to a full device succeeded";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("no space left on device (disk full)"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(test::read_text(d / "summary.txt"), "old\n");
  int temps = 0;
  for (const auto& e : fs::directory_iterator(d)) temps += e.path().filename().string().rfind('.', 0) == 0;
  EXPECT_EQ(temps, 0);
  fs::remove_all(d);
}

TEST(OutputDir, WritesAreRenamedIntoPlace) {
  fs::path d = fs::temp_directory_path() / ("evcsim-out-" + std::to_string(getpid()));
  fs::remove_all(d);
  {
    OutputDir out((d / "nested").string());
    out.write("a.txt", "new\n");
  }
  EXPECT_EQ(test::read_text(d / "nested" / "a.txt"), "new\n");
  fs::remove_all(d);
  EXPECT_THROW(OutputDir("/proc/evcsim-cannot-create"), InputError);
}

// A folder one may not write to says so, from errno, and names the path: not
// "disk full?" (issue 24: `inventory -o` into a read-only folder said that).
TEST(OutputDir, AFolderOneMayNotWriteToSaysPermissionDenied) {
  // sysfs refuses new files to root as well; elsewhere a folder without write permission does.
  fs::path d = "/sys/kernel";
  fs::path made;
  if (geteuid() != 0) {
    made = fs::temp_directory_path() / ("evcsim-ro-" + std::to_string(getpid()));
    fs::create_directories(made);
    fs::permissions(made, fs::perms::owner_read | fs::perms::owner_exec);
    d = made;
  }
  if (!fs::is_directory(d)) GTEST_SKIP() << "no " << d;
  try {
    OutputDir out(d.string());
    out.write("fleet.textproto", "x\n");
    ADD_FAILURE() << "writing into " << d << " succeeded";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("permission denied"), std::string::npos) << what;
    EXPECT_NE(what.find(d.string()), std::string::npos) << what;
    EXPECT_EQ(what.find("disk full"), std::string::npos) << what;
  }
  if (!made.empty()) fs::permissions(made, fs::perms::owner_all), fs::remove_all(made);
}

// The file in the way is a folder: the message says that, not a guess.
TEST(OutputDir, AFolderInTheWayOfTheFileSaysSo) {
  fs::path d = fs::temp_directory_path() / ("evcsim-isdir-" + std::to_string(getpid()));
  fs::remove_all(d);
  {
    OutputDir out(d.string());
    fs::create_directories(out.temp_path("a.txt"));
    try {
      out.write("a.txt", "x\n");
      ADD_FAILURE() << "writing over a folder succeeded";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("is a folder"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("disk full"), std::string::npos) << e.what();
    }
    fs::remove_all(out.temp_path("a.txt"));
  }
  fs::remove_all(d);
}

// A run's folder is replaced whole, or not at all.
TEST(RunFolder, CommitReplacesTheWholeFolderAndAFailureLeavesItAsItWas) {
  fs::path d = fs::temp_directory_path() / ("evcsim-runfolder-" + std::to_string(getpid())) / "out";
  fs::remove_all(d.parent_path());
  {
    RunFolder f(d.string());
    f.write("summary.txt", "first\n");
    f.write("old.csv", "a\n");
    EXPECT_FALSE(fs::exists(d));  // nothing shows before the commit
    f.commit();
  }
  EXPECT_EQ(test::read_text(d / "summary.txt"), "first\n");
  {
    RunFolder f(d.string());
    f.write("summary.txt", "second\n");
    // Not committed (an error, an interrupt): the folder keeps the first run.
  }
  EXPECT_EQ(test::read_text(d / "summary.txt"), "first\n");
  EXPECT_TRUE(fs::exists(d / "old.csv"));
  {
    RunFolder f(d.string());
    f.write("summary.txt", "third\n");
    f.commit();
  }
  EXPECT_EQ(test::read_text(d / "summary.txt"), "third\n");
  EXPECT_FALSE(fs::exists(d / "old.csv"));  // whole: no file of the earlier run stays beside the new ones
  size_t beside = 0;
  for (const auto& e : fs::directory_iterator(d.parent_path())) beside += e.path() != d;
  EXPECT_EQ(beside, 0u);  // no staging folder left
  fs::remove_all(d.parent_path());
}

TEST(RunFolder, AFolderOfOtherFilesIsNotReplaced) {
  fs::path d = fs::temp_directory_path() / ("evcsim-runfolder-other-" + std::to_string(getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  std::ofstream(d / "thesis.tex") << "mine\n";
  try {
    RunFolder f(d.string());
    ADD_FAILURE() << "a folder of other files was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("not an evcsim run's outputs"), std::string::npos) << e.message();
  }
  EXPECT_THROW(RunFolder("."), InputError);
  EXPECT_EQ(test::read_text(d / "thesis.tex"), "mine\n");
  fs::remove_all(d);
}

TEST(RunFolder, AStagingFolderOfAKilledRunIsRemovedAndNamed) {
  fs::path d = fs::temp_directory_path() / ("evcsim-runfolder-stale-" + std::to_string(getpid())) / "out";
  fs::remove_all(d.parent_path());
  fs::create_directories(d.parent_path());
  // A pid that cannot be running: above the kernel's pid_max.
  fs::path stale = d.parent_path() / ".out.partial-999999999";
  fs::create_directories(stale);
  std::ofstream(stale / "events.sqlite") << "half\n";
  RunFolder f(d.string());
  ASSERT_EQ(f.cleaned().size(), 1u);
  EXPECT_EQ(f.cleaned()[0], stale.string());
  EXPECT_FALSE(fs::exists(stale));
  fs::remove_all(d.parent_path());
}

TEST(RunFolder, AFailedWriteIsExplainedInTheFolderNotTheStagingFolder) {
  fs::path d = fs::temp_directory_path() / ("evcsim-runfolder-explain-" + std::to_string(getpid()));
  fs::remove_all(d);
  RunFolder f(d.string());
  InputError e = f.explain(InputError("disk I/O error", f.path("events.sqlite")));
  EXPECT_EQ(e.file(), (d / "events.sqlite").string());
  EXPECT_NE(e.message().find("file size limit"), std::string::npos);
  EXPECT_NE(e.message().find("the folder is as it was"), std::string::npos);
}

}  // namespace
}  // namespace evcsim
