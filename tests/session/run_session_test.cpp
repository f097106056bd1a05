// A run session without the command line: the listeners are wired and the
// outputs written by the table of formats (one SimGrid engine per process:
// ctest runs each test in its own).
#include <filesystem>

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "session/run_session.hpp"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

const char* kScenario = R"(horizon_s: 3600
policy { name: "modern-superset" }
cluster { name: "c" hosts { cpu: "E5420" name: "a" ram_gib: 8 } hosts { cpu: "E5310" name: "old" ram_gib: 8 } }
vm { name: "v" host: "a" ram_mib: 2048 software { name: "app" uses: ["sse4_1"] } }
at { at_s: 100 migrate { vm: "v" host: "old" } }
expect { metric: "blocked_migrations" op: "==" value: 1 }
)";

TEST(RunSession, WritesTheAskedFormatsAndTheStoreAndChecksExpectations) {
  fs::path dir = fs::temp_directory_path() / "evcsim-run-session";
  fs::remove_all(dir);
  const Catalog& cat = Catalog::builtin();
  ScenarioSpec spec = parse_scenario(kScenario, "s.textproto", cat);
  RunRequest req;
  req.out = dir.string();
  req.formats = {"text", "json", "junit"};
  req.quiet = true;
  EXPECT_EQ(run_session(spec, cat, req), 0);
  EXPECT_TRUE(fs::exists(dir / "summary.txt"));
  EXPECT_TRUE(fs::exists(dir / "results.json"));
  EXPECT_TRUE(fs::exists(dir / "junit.xml"));
  EXPECT_TRUE(fs::exists(dir / "events.sqlite"));
  EXPECT_FALSE(fs::exists(dir / "report.html"));  // not asked for
  EXPECT_NE(test::read_text(dir / "summary.txt").find("sse4_1"), std::string::npos);
  fs::remove_all(dir);
}

TEST(RunSession, AFailedExpectationReturns3) {
  std::string text = kScenario;
  text.replace(text.find("value: 1"), 8, "value: 0");
  const Catalog& cat = Catalog::builtin();
  RunRequest req;
  req.quiet = true;
  EXPECT_EQ(run_session(parse_scenario(text, "s.textproto", cat), cat, req), 3);
}

}  // namespace
}  // namespace evcsim
