#include <cmath>
// Expectations evaluated against a run's metrics (no simulation needed).
#include "reports/run_summary.hpp"

#include <gtest/gtest.h>

#include "catalog/catalog.hpp"
#include "reports/compare_report.hpp"

namespace evcsim {
namespace {

ScenarioSpec spec_with(const std::string& expects) {
  return parse_scenario(R"(horizon_s: 100
cluster { name: "c" hosts { cpu: "E5420" name: "a" } }
vm { name: "v" software { name: "s" } }
)" + expects,
                        "e.textproto", Catalog::builtin());
}

TEST(Expectations, EveryOperatorAndReasonMetric) {
  auto spec = spec_with(R"(expect { metric: "crashes" op: "==" value: 2 }
expect { metric: "crashes.probing-software" op: ">=" value: 1 }
expect { metric: "crashes.unsafe-override" op: "==" value: 0 }
expect { metric: "blocked_migrations" op: "<" value: 1 }
expect { metric: "blocked_migrations.cross-vendor" op: "!=" value: 0 }
expect { metric: "app_crashes" op: "<=" value: 1 }
expect { metric: "vm_crashes" op: ">" value: 0 }
)");
  RunSummary s(spec);
  s.on_event(Crash{10, 0, 0, false, 0, {}, -1, -1, CrashCause::probing_software});
  s.on_event(Crash{20, 0, 0, true, 0, {}, -1, -1, CrashCause::guest_view_not_checked});
  s.on_event(MigrationBlocked{30, 0, 0, 0, VerdictCode::cross_vendor, {}, "x"});
  auto r = s.evaluate();
  ASSERT_EQ(r.size(), 7u);
  std::vector<bool> ok;
  for (const auto& x : r) ok.push_back(x.ok);
  EXPECT_EQ(ok, (std::vector<bool>{true, true, true, false, true, true, true}));
  EXPECT_EQ(r[3].measured, 1);
  EXPECT_NE(s.render_text(RunStats{}).find("FAIL blocked_migrations < 1 (measured 1)"), std::string::npos);
}

TEST(Summary, ACutListSaysHowManyMoreAndWhere) {
  auto spec = spec_with("");
  RunSummary s(spec);
  for (int i = 0; i < 5; ++i) s.on_event(Crash{10.0 + i, 0, 0, false, 0, {}, -1, -1, CrashCause::probing_software});
  s.on_event(MigrationBlocked{30, 0, 0, 0, VerdictCode::cross_vendor, {}, "x"});
  std::string text = s.render_text(RunStats{});
  EXPECT_NE(text.find("    ... and 2 more (see crashes.csv with --format csv, or the crash table of events.sqlite)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("... and 0 more"), std::string::npos);
  EXPECT_EQ(text.find("more (see blocked.csv"), std::string::npos);  // one blocked migration: all shown
}

TEST(Compare, MeanAndConfidenceInterval) {
  SampleStats one = sample_stats({5});
  EXPECT_EQ(one.n, 1u);
  EXPECT_EQ(one.mean, 5);
  EXPECT_EQ(one.ci95, 0);
  SampleStats s = sample_stats({1, 2, 3, 4});
  EXPECT_EQ(s.n, 4u);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  EXPECT_NEAR(s.sd, 1.29099444874, 1e-9);
  // sd = 1.2910, t(3) = 3.182: 3.182 * 1.2910 / 2
  EXPECT_NEAR(s.ci95, 3.182 * 1.29099444874 / 2, 1e-6);
  // 40 values: past the t table, the normal quantile.
  std::vector<double> many;
  for (int i = 0; i < 40; ++i) many.push_back(i % 2);
  SampleStats big = sample_stats(many);
  EXPECT_NEAR(big.ci95, 1.960 * big.sd / std::sqrt(40.0), 1e-12);
}

}  // namespace
}  // namespace evcsim
