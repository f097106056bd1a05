#include "sweep/experiment.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "scenario/scenario.pb.h"
#include "sweep/merge.hpp"
#include "tests/test_util.hpp"

namespace evcsim::sweep {
namespace {

namespace fs = std::filesystem;

const std::string kScenario = std::string(EVCSIM_SOURCE_DIR) + "/scenarios/refresh-2y.textproto";

std::string experiment_text(const std::string& body) { return "name: \"t\"\nscenario: \"" + kScenario + "\"\n" + body; }

Experiment parse(const std::string& body) {
  return Experiment::parse(experiment_text(body), "exp.textproto", Catalog::builtin());
}

std::string error_of(const std::string& body) {
  try {
    parse(body);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SetByPath, SetsNestedSelectedAndShorthandFields) {
  scenario::Scenario s;
  s.add_cluster()->set_name("a");
  s.add_cluster()->set_name("b");
  s.add_vm()->set_ram_mib(1024);
  set_by_path(s, "refresh.lifetime_years", "4.5");
  set_by_path(s, "cluster[name=b].baseline", "intel-penryn");
  set_by_path(s, "cluster[0].baseline", "intel-merom");
  set_by_path(s, "vm[0].ram_mib", "2048");
  set_by_path(s, "policy", "per-vm-mask");
  set_by_path(s, "refresh.cold_evacuation", "true");
  EXPECT_EQ(s.refresh().lifetime_years(), 4.5);
  EXPECT_EQ(s.cluster(0).baseline(), "intel-merom");
  EXPECT_EQ(s.cluster(1).baseline(), "intel-penryn");
  EXPECT_EQ(s.vm(0).ram_mib(), 2048u);
  EXPECT_EQ(s.policy().name(), "per-vm-mask");
  EXPECT_TRUE(s.refresh().cold_evacuation());
}

TEST(SetByPath, SaysWhatIsWrong) {
  scenario::Scenario s;
  s.add_cluster()->set_name("a");
  auto what = [&](const std::string& path, const std::string& value) -> std::string {
    try {
      set_by_path(s, path, value);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "(no error)";
  };
  EXPECT_EQ(what("refresh.lifetime_yrs", "3"), "Refresh has no field 'lifetime_yrs'; did you mean 'lifetime_years'?");
  EXPECT_EQ(what("cluster[name=zz].baseline", "x"), "no cluster with name 'zz' in the scenario (it has: a)");
  EXPECT_EQ(what("cluster.baseline", "x"), "'cluster' is repeated: pick one element, cluster[0] or cluster[name=...]");
  EXPECT_EQ(what("cluster[3].baseline", "x"), "cluster[3]: the scenario has 1 cluster");
  EXPECT_EQ(what("refresh.lifetime_years", "four"), "'four' is not a number (lifetime_years is a double)");
  EXPECT_EQ(what("migration.max_rounds", "2.5"),
            "'2.5' is not a valid uint32 (max_rounds is a whole number of 0 or more)");
  EXPECT_EQ(what("refresh.cold_evacuation", "yes"), "'yes' is not true or false (cold_evacuation is a bool)");
  EXPECT_NE(what("refresh", "x").find("'refresh' is a message: name one of its fields"), std::string::npos);
  EXPECT_NE(what("horizon_s.x", "1").find("'horizon_s' is a value"), std::string::npos);
  EXPECT_NE(what("refresh..x", "1").find("empty field name"), std::string::npos);
}

TEST(Experiment, FullFactorialOrderLabelsSeedsAndTasks) {
  Experiment e = parse(R"(factor { path: "refresh.lifetime_years" value: ["3", "4"] }
factor { path: "refresh.baseline_policy" value: ["fixed", "auto-raise", "auto-raise-ahead"] name: "baseline" }
seeds: 2
metric: ["crashes", "hosts_bought"])");
  ASSERT_EQ(e.points().size(), 6u);
  EXPECT_EQ(e.task_count(), 12u);
  // The last factor varies fastest.
  EXPECT_EQ(e.points()[0].values, (std::vector<std::string>{"3", "fixed"}));
  EXPECT_EQ(e.points()[1].values, (std::vector<std::string>{"3", "auto-raise"}));
  EXPECT_EQ(e.points()[3].values, (std::vector<std::string>{"4", "fixed"}));
  EXPECT_EQ(e.points()[5].label, "4_auto-raise-ahead");
  EXPECT_EQ(e.factors()[1].name, "baseline");
  // Seeds from the scenario's (refresh-2y: 7).
  EXPECT_EQ(e.seeds(), (std::vector<uint64_t>{7, 8}));
  Task t = e.task(7);
  EXPECT_EQ(t.point, 3u);
  EXPECT_EQ(t.seed, 8u);
  EXPECT_EQ(t.dir, "runs/4_fixed-seed8");
  ScenarioSpec spec = e.scenario(t, Catalog::builtin());
  EXPECT_EQ(spec.seed, 8u);
  EXPECT_EQ(spec.refresh.lifetime_years, 4);
  EXPECT_NE(e.scenario_text(t).find("lifetime_years: 4"), std::string::npos);
  EXPECT_EQ(e.metrics(), (std::vector<std::string>{"crashes", "hosts_bought"}));
  EXPECT_THROW(e.task(12), InputError);
}

TEST(Experiment, RangesAreEvenlySpacedLevels) {
  Experiment e = parse(R"(factor { path: "workload.power_cycle_every_days" min: 30 max: 180 levels: 4 }
seeds: 1)");
  ASSERT_EQ(e.factors().size(), 1u);
  EXPECT_EQ(e.factors()[0].levels, (std::vector<std::string>{"30", "80", "130", "180"}));
  EXPECT_EQ(e.task_count(), 4u);
}

// Billions of levels or points are refused before anything is built (they
// took 10 s and 1 GiB to end in std::bad_alloc).
TEST(Experiment, BillionsOfLevelsOrPointsAreRefusedAtOnce) {
  EXPECT_NE(error_of(R"(factor { path: "workload.power_cycle_every_days" min: 30 max: 180 levels: 4000000000 })")
                .find("levels: 4000000000 levels; at most 1000000 design points in all"),
            std::string::npos);
  EXPECT_NE(error_of(R"(factor { path: "refresh.lifetime_years" min: 3 max: 7 }
design { kind: "latin-hypercube" points: 4000000000 })")
                .find("4000000000 points; at most 1000000 design points"),
            std::string::npos);
}

TEST(Experiment, LatinHypercubeHasOnePointPerStratumOfEachFactor) {
  const std::string body = R"(factor { path: "refresh.lifetime_years" min: 3 max: 7 }
factor { path: "refresh.baseline_policy" value: ["fixed", "auto-raise"] }
design { kind: "latin-hypercube" points: 8 seed: 5 }
seeds: 1)";
  Experiment e = parse(body);
  ASSERT_EQ(e.points().size(), 8u);
  std::set<int> strata;
  int fixed = 0;
  for (const auto& p : e.points()) {
    double v = std::stod(p.values[0]);
    ASSERT_GE(v, 3);
    ASSERT_LT(v, 7);
    strata.insert(static_cast<int>((v - 3) / 0.5));  // 8 strata of 0.5 years
    fixed += p.values[1] == "fixed";
  }
  EXPECT_EQ(strata.size(), 8u);  // every stratum once
  EXPECT_EQ(fixed, 4);           // each level in half the strata
  // The same seed draws the same design; another seed another one.
  Experiment again = parse(body);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(again.points()[i].values, e.points()[i].values);
  Experiment other = parse(R"(factor { path: "refresh.lifetime_years" min: 3 max: 7 }
design { kind: "latin-hypercube" points: 8 seed: 6 }
seeds: 1)");
  bool differs = false;
  for (size_t i = 0; i < 8; ++i) differs = differs || other.points()[i].values[0] != e.points()[i].values[0];
  EXPECT_TRUE(differs);
}

TEST(Experiment, ErrorsNameFileLineAndField) {
  // The experiment's lines: 1 name, 2 scenario, 3.. the body.
  EXPECT_EQ(error_of("factor { path: \"refresh.lifetime_yrs\" value: [\"3\"] }"),
            "exp.textproto:3: factor[0].path: Refresh has no field 'lifetime_yrs'; did you mean 'lifetime_years'?");
  EXPECT_EQ(error_of("factor { path: \"migration.max_rounds\"\n value: [\"30\", \"-3\"] }"),
            "exp.textproto:4: factor[0].value[1]: '-3' is not a valid uint32 (max_rounds is a whole number of 0 or "
            "more)");
  EXPECT_EQ(
      error_of("\n\nmetric: \"crashes.probing-sofware\""),
      "exp.textproto:5: metric[0]: unknown metric 'crashes.probing-sofware'; nearest known: "
      "crashes.probing-software, crashes.cross-vendor, crashes.unsafe-override (`evcsim metrics` lists them all)");
  EXPECT_NE(error_of("design { kind: \"lhs\" }").find("exp.textproto:3: design.kind: unknown design 'lhs'"),
            std::string::npos);
  EXPECT_NE(error_of("factor { path: \"policy\" value: [\"a\", \"a\"] }").find("'a' is listed twice"),
            std::string::npos);
  EXPECT_NE(error_of("factor { path: \"policy\" }").find("a factor needs values or a min..max range"),
            std::string::npos);
  // A value that only the whole scenario rejects: named-model without a model.
  std::string e = error_of("factor { path: \"policy\" value: [\"cluster-baseline\", \"named-model\"] }");
  EXPECT_NE(e.find("exp.textproto:3: factor: design point 1 (policy=named-model) makes a scenario evcsim rejects: "
                   "policy named-model needs a model"),
            std::string::npos)
      << e;
  try {
    Experiment::parse("name: \"t\"\nscenario: \"nowhere.textproto\"\n", "/tmp/exp.textproto", Catalog::builtin());
    ADD_FAILURE() << "no error";
  } catch (const InputError& err) {
    EXPECT_STREQ(err.what(), "/tmp/exp.textproto:2: scenario: no scenario file /tmp/nowhere.textproto");
  }
}

report::RunResults run_with(double crashes, double bought, bool expectation_ok = true) {
  report::RunResults r;
  (*r.mutable_totals())["crashes"] = crashes;
  (*r.mutable_totals())["hosts_bought"] = bought;
  r.add_expectations()->set_ok(expectation_ok);
  return r;
}

TEST(Merge, StatisticsPerPointAndMainEffectsAndWhatIsMissing) {
  Experiment e = parse(R"(factor { path: "refresh.lifetime_years" value: ["3", "4"] }
factor { path: "refresh.baseline_policy" value: ["fixed", "auto-raise"] }
seeds: 2
metric: ["crashes", "hosts_bought"])");
  ASSERT_EQ(e.task_count(), 8u);
  std::vector<std::optional<report::RunResults>> runs(8);
  // point 0 (3, fixed): crashes 1 and 3; point 1 (3, auto-raise): 2 and 2;
  // point 2 (4, fixed): 5 and -; point 3 (4, auto-raise): 0 and 4.
  runs[0] = run_with(1, 10);
  runs[1] = run_with(3, 12, false);
  runs[2] = run_with(2, 20);
  runs[3] = run_with(2, 20);
  runs[4] = run_with(5, 30);
  runs[6] = run_with(0, 40);
  runs[7] = run_with(4, 40);
  experiment::SweepResults r = merge(e, runs);
  EXPECT_EQ(r.tasks(), 8u);
  ASSERT_EQ(r.missing_task_size(), 1);
  EXPECT_EQ(r.missing_task(0), 5u);
  const auto& p0 = r.point(0).metric(0);
  EXPECT_EQ(p0.metric(), "crashes");
  EXPECT_EQ(p0.n(), 2u);
  EXPECT_DOUBLE_EQ(p0.mean(), 2);
  EXPECT_NEAR(p0.sd(), 1.41421356237, 1e-9);
  EXPECT_NEAR(p0.ci95_high() - p0.mean(), 12.706 * 1.41421356237 / std::sqrt(2.0), 1e-6);
  EXPECT_EQ(r.point(0).expectations_failed(), 1u);
  EXPECT_EQ(r.point(2).metric(0).n(), 1u);  // the missing seed is not counted
  EXPECT_EQ(r.point(2).metric(0).sd(), 0);
  // Main effect of lifetime 4: runs 4, 6, 7 -> crashes 5, 0, 4.
  const experiment::MainEffect* four = nullptr;
  for (const auto& me : r.main_effect())
    if (me.factor() == "refresh.lifetime_years" && me.level() == "4") four = &me;
  ASSERT_NE(four, nullptr);
  EXPECT_EQ(four->metric(0).n(), 3u);
  EXPECT_DOUBLE_EQ(four->metric(0).mean(), 3);
  std::string csv = sweep_csv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "point,refresh.lifetime_years,refresh.baseline_policy,metric,n,mean,sd,ci95_low,ci95_high");
  EXPECT_NE(csv.find("\n1,3,auto-raise,crashes,2,2,0,2,2\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\n3,4,auto-raise,hosts_bought,2,40,0,40,40\n"), std::string::npos) << csv;
  std::string text = sweep_text(r);
  EXPECT_NE(text.find("7 of 8 runs merged"), std::string::npos) << text;
  EXPECT_NE(text.find("partial: 1 of 8 runs have no results (tasks 5); finish them with --resume"), std::string::npos)
      << text;
  VegaCharts charts;
  std::string html = sweep_html(r, &charts);
  EXPECT_NE(html.find("<h2>Main effects</h2>"), std::string::npos);
  EXPECT_NE(html.find("id=\"missing\""), std::string::npos);
  // One main-effect chart per factor and metric, one error bar per level.
  size_t drawn = 0;
  for (size_t at = html.find("<figure class=\"chart\" id=\"effect-"); at != std::string::npos;
       at = html.find("<figure class=\"chart\" id=\"effect-", at + 1))
    ++drawn;
  EXPECT_EQ(drawn, 4u);
  EXPECT_EQ(charts.size(), 4u);
  EXPECT_NE(html.find(R"({"c":"4","mean":3,)"), std::string::npos);
  // Two seeds a point, one where a run is missing: the page warns that the intervals are rough.
  EXPECT_NE(html.find("id=\"few-seeds\""), std::string::npos);
  EXPECT_NE(sweep_seeds_warning(r).find("only 1 seed(s) behind some design point's interval"), std::string::npos);
}

}  // namespace
}  // namespace evcsim::sweep
