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
    EXPECT_THROW(out.write("summary.txt", big), InputError);
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

}  // namespace
}  // namespace evcsim
