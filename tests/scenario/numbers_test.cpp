// Every decimal of a scenario is a finite number in range, and a scenario
// cannot ask for a run that never ends: each case below used to abort inside
// SimGrid, spin forever, grow memory until std::bad_alloc or be accepted
// silently (the operation dropped, DRS quietly gone).
#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "scenario/scenario.hpp"

namespace evcsim {
namespace {

std::string error_of(const std::string& settings) {
  const std::string text = settings + R"(
cluster { name: "c" hosts { cpu: "E5420" name: "a" } }
vm { name: "v" host: "a" }
)";
  try {
    parse_scenario(text, "s.textproto", Catalog::builtin());
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ScenarioNumbers, NanAndInfinityAreRefusedWithFileLineAndField) {
  EXPECT_EQ(error_of("horizon_s: inf"), "s.textproto:1: horizon_s: must be a finite number, not inf");
  EXPECT_EQ(error_of("horizon_s: 100\nat { at_s: nan power_off { vm: \"v\" } }").substr(0, 55),
            "s.textproto:2: at_s: must be a finite number, not nan");
  for (const char* field : {"workload { diurnal_amplitude: nan }", "workload { growth_per_year: nan }",
                            "refresh { headroom: nan }", "refresh { max_share_retiring: nan }",
                            "report { graph_at_s: nan }", "at { at_s: inf power_off { vm: \"v\" } }"}) {
    const std::string e = error_of(std::string("horizon_s: 100\n") + field);
    EXPECT_NE(e.find("s.textproto:2: "), std::string::npos) << field << ": " << e;
    EXPECT_NE(e.find("must be a finite number"), std::string::npos) << field << ": " << e;
  }
}

TEST(ScenarioNumbers, ARunThatWouldNeverEndIsRefusedWithTheFigure) {
  EXPECT_EQ(error_of("horizon: \"99999999999y\""),
            "s.textproto:1: horizon: the run would last 1e+11 years; at most 200 years");
  EXPECT_NE(error_of("horizon_s: 1e18").find("at most 200 years"), std::string::npos);
  EXPECT_NE(error_of("horizon: \"1y\"\ndrs { balance: true interval_s: 1e-300 }")
                .find("s.textproto:2: interval_s: the run would need 3.16e+307 DRS passes per cluster; at most "
                      "10,000,000"),
            std::string::npos);
  EXPECT_NE(error_of("horizon: \"1y\"\ndrs { balance: true interval: \"0.000001s\" }").find("interval: the run would"),
            std::string::npos);
  EXPECT_NE(error_of("horizon: \"1y\"\nreport { sample_interval_s: 1e-300 }").find("samples of the time series"),
            std::string::npos);
  EXPECT_NE(error_of("horizon: \"1y\"\nfailures { mtbf_days: 1e-300 }").find("failures per host"), std::string::npos);
  // What a real scenario asks stays well inside the limits.
  EXPECT_EQ(error_of("horizon: \"10y\"\ndrs { balance: true interval_s: 300 }\nreport { sample_interval: \"1d\" }"),
            "no error");
}

}  // namespace
}  // namespace evcsim
