// The plan's costs (licensing with its per-CPU minimum, hardware, power) and
// what it keeps in every cluster (HA admission, minimum size), on small
// parts and on the shipped RVTools example.
#include <cmath>
#include <filesystem>
#include <map>
#include <string>

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include "base/error.hpp"
#include "base/json.hpp"
#include "catalog/catalog.hpp"
#include "plan/costs.hpp"
#include "plan/planner.hpp"
#include "reports/plan_report.pb.h"
#include "scenario/scenario.pb.h"
#include "tests/test_util.hpp"

namespace evcsim {
namespace {

namespace fs = std::filesystem;

scenario::Costs costs_of(const std::string& text) {
  scenario::Costs c;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &c)) << text;
  return c;
}

// Every CPU is licensed as at least 16 cores: a host of two 8-core CPUs
// pays for 32, one of two 14-core CPUs for 32, one of two 32-core CPUs for 64.
TEST(PlanCost, LicensingCountsSixteenCoresPerCpuAtLeast) {
  const plan::CostModel m = plan::CostModel::from({}, "s.textproto");
  EXPECT_EQ(m.licensed_cores(2, 16), 32);
  EXPECT_EQ(m.licensed_cores(2, 28), 32);
  EXPECT_EQ(m.licensed_cores(1, 4), 16);
  EXPECT_EQ(m.licensed_cores(2, 64), 64);
  EXPECT_DOUBLE_EQ(m.licensing_usd_year(2, 16, {2026, 1}), 32 * 350.0);
  // By date (the default): per CPU before 2024, one license per 32 cores of a CPU from April 2020.
  EXPECT_DOUBLE_EQ(m.licensing_usd_year(2, 16, {2010, 1}), 2 * 1500.0);
  EXPECT_DOUBLE_EQ(m.licensing_usd_year(2, 80, {2019, 1}), 2 * 1500.0);
  EXPECT_DOUBLE_EQ(m.licensing_usd_year(2, 80, {2021, 1}), 4 * 1500.0);
  // A fleet of two small hosts (two 4-core CPUs each, a Harpertown): 64 licensed cores
  // for 16 physical, and the per-order minimum makes it 72.
  const CpuModel* small = Catalog::builtin().find_cpu("E5420");
  ASSERT_NE(small, nullptr);
  std::vector<plan::Stint> fleet{{0, small, 2, 8, 32, 0, 4, 0}, {0, small, 2, 8, 32, 0, 4, 0}};
  const plan::FleetCost f = plan::fleet_cost(m, fleet, {{2026, 1}, {2026, 4}, {2026, 7}, {2026, 10}});
  EXPECT_EQ(f.cores_start, 16);
  EXPECT_EQ(f.licensed_start, 72);
  EXPECT_NEAR(f.licensing, 72 * 350.0, 1e-6);
  EXPECT_GT(f.power, 0);
  EXPECT_EQ(f.hardware, 0);
  // The scenario's figures replace the defaults; the legacy per-CPU model
  // counts one license per 32 cores of a CPU.
  const plan::CostModel cheap =
      plan::CostModel::from(costs_of("licensing { usd_per_core_year: 200 min_cores_per_cpu: 8 }"), "s.textproto");
  EXPECT_EQ(cheap.licensed_cores(2, 8), 16);
  EXPECT_DOUBLE_EQ(cheap.licensing_usd_year(2, 8, {2026, 1}), 16 * 200.0);
  const plan::CostModel socket =
      plan::CostModel::from(costs_of("licensing { model: \"per-socket\" usd_per_socket_year: 1000 }"), "s.textproto");
  EXPECT_DOUBLE_EQ(socket.licensing_usd_year(2, 80, {2026, 1}), 4 * 1000.0);  // 40 cores a CPU: two licenses each
  EXPECT_DOUBLE_EQ(socket.licensing_usd_year(2, 16, {2026, 1}), 2 * 1000.0);
}

TEST(PlanCost, HardwareAndPowerFromTheScenario) {
  const CpuModel* part = Catalog::builtin().find_cpu("E5420");
  ASSERT_NE(part, nullptr);
  const plan::CostModel m = plan::CostModel::from(
      costs_of("usd_per_host: 1000 usd_per_core: 100 usd_per_gib: 2 pue: 1.5 usd_per_kwh: 0.2 host_base_w: 100 "
               "cpu_load: 0.5 w_per_gib: 0.5 part { cpu: \"E5420\" tdp_w: 80 }"),
      "s.textproto");
  // Long after launch: no new-generation premium.
  EXPECT_DOUBLE_EQ(m.host_price(*part, 8, 32, {2015, 1}), 1000 + 8 * 100 + 32 * 2);
  EXPECT_DOUBLE_EQ(m.host_watts(*part, 2, 8, 32), 100 + 0.5 * 2 * 80 + 0.5 * 32);
  // Half the part's cores a CPU: TDP x sqrt(1/2).
  EXPECT_NEAR(m.host_watts(*part, 2, 4, 32), 100 + 0.5 * 2 * 80 * std::sqrt(0.5) + 0.5 * 32, 1e-9);
  EXPECT_NEAR(m.power_usd_year(180), 0.18 * 365.25 * 24 * 1.5 * 0.2, 1e-9);
  // A price list replaces the sum; bad lines name the file and line.
  test::TempDir dir;
  dir.write("prices.csv", "part,price\nE5420,4321\n");
  scenario::Costs c = costs_of("price_list: \"prices.csv\"");
  const plan::CostModel listed = plan::CostModel::from(c, (dir.path / "s.textproto").string());
  EXPECT_DOUBLE_EQ(listed.host_price(*part, 8, 32, {2015, 1}), 4321);
  dir.write("bad.csv", "part,price\nE5420,cheap\n");
  c.set_price_list("bad.csv");
  try {
    plan::CostModel::from(c, (dir.path / "s.textproto").string());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:2: price: 'cheap' is not a price in USD"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(plan::CostModel::from(costs_of("pue: 0.5"), "s.textproto"), InputError);
  EXPECT_THROW(plan::CostModel::from(costs_of("licensing { model: \"per-vm\" }"), "s.textproto"), InputError);
}

// Four overdue hosts that could be replaced by one: the plan keeps three
// (the minimum), spreads the replacements, and with N+1 the rest of the
// cluster holds the demand when its largest host is down.
TEST(PlanCost, TheProgramKeepsTheMinimumAndTheHaReserve) {
  const std::string text = R"(start_date: "2024-01"
horizon: "3y"
refresh { lifetime_years: 5 headroom: 0.1 }
cluster { name: "c" baseline: "intel-broadwell"
  hosts { cpu: "E5-2680 v4" name: "old" count: 2 ram_gib: 256 purchased: "2017-01" }
  hosts { cpu: "E5-2680 v4" name: "older" count: 2 ram_gib: 256 purchased: "2016-06" } }
vm { name: "v" count: 40 cluster: "c" ram_mib: 8192 vcpus: 2 cpu_demand: 0.5 }
)";
  scenario::Scenario msg;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &msg));
  const ScenarioSpec spec = parse_scenario(text, "s.textproto", Catalog::builtin());
  plan::Options o;
  o.replace_over = "1y";
  const plan::Plan p = plan::solve(spec, msg, Catalog::builtin(), o);
  EXPECT_TRUE(p.shortfalls.empty());
  const auto states = plan::quarter_states(spec, p);
  for (size_t q = 0; q < p.quarters.size(); ++q) {
    const auto& s = states[0][q];
    EXPECT_GE(s.hosts, 3) << p.quarters[q].str();
    EXPECT_GE(s.ram_gib - s.largest_ram_gib, s.demand_ram_gib - 1e-6) << p.quarters[q].str();
    EXPECT_GE(s.capacity - s.largest_capacity, s.demand_capacity - 1e-6) << p.quarters[q].str();
  }
  // Not all four in one quarter: at most ceil(4 / 4 quarters) = 2 (the largest group) a quarter.
  std::map<int, int> retired;
  for (const auto& r : p.retirements) retired[r.quarter] += p.groups[static_cast<size_t>(r.group)].count;
  for (const auto& [q, n] : retired) EXPECT_LE(n, 2) << q;
  // Without the rules (and buying money-blind) one big host would do.
  plan::Options loose = o;
  loose.ha = "none";
  loose.min_hosts = 1;
  const plan::Plan l = plan::solve(spec, msg, Catalog::builtin(), loose);
  const auto ls = plan::quarter_states(spec, l);
  EXPECT_LT(ls[0].back().hosts, states[0].back().hosts);
  EXPECT_THROW(
      {
        plan::Options bad;
        bad.ha = "n+one";
        plan::solve(spec, msg, Catalog::builtin(), bad);
      },
      InputError);
}

// A cluster is never emptied unless the scenario says it is to be
// decommissioned: overdue hosts of an idle cluster are replaced by the
// minimum; with `decommission: true` they retire and nothing is bought.
TEST(PlanCost, OnlyADecommissionedClusterIsEmptied) {
  const std::string text = R"(start_date: "2024-01"
horizon: "2y"
refresh { lifetime_years: 5 }
cluster { name: "idle" baseline: "intel-broadwell"
  hosts { cpu: "E5-2680 v4" name: "old" count: 4 ram_gib: 256 purchased: "2017-01" } }
)";
  for (const bool decommission : {false, true}) {
    std::string t = text;
    if (decommission) t.replace(t.find("baseline:"), 0, "decommission: true ");
    scenario::Scenario msg;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(t, &msg));
    const ScenarioSpec spec = parse_scenario(t, "s.textproto", Catalog::builtin());
    const plan::Plan p = plan::solve(spec, msg, Catalog::builtin(), plan::Options{});
    const auto states = plan::quarter_states(spec, p);
    EXPECT_EQ(states[0].back().hosts, decommission ? 0 : 3) << t;
    EXPECT_EQ(p.purchases.empty(), decommission) << t;
    EXPECT_EQ(p.rules[0].min_hosts, decommission ? 0 : 3);
  }
}

// The acceptance on the shipped RVTools export: no cluster of the plan has
// fewer hosts than its minimum or less than its HA spare capacity at any
// quarter, and plan.json and plan.html give costs per year for the plan, the
// scenario as given and do-nothing.
TEST(PlanCost, TheShippedRvtoolsExportPlansWithinItsRulesAndCosts) {
  test::TempDir dir;
  const std::string src = EVCSIM_SOURCE_DIR;
  const std::string fleet = (dir.path / "fleet.textproto").string();
  auto inv = test::run_evcsim("inventory --vhost " + src + "/examples/rvtools/RVTools_tabvHost.csv --vinfo " + src +
                              "/examples/rvtools/RVTools_tabvInfo.csv --start 2026-12 -o " + fleet);
  ASSERT_EQ(inv.exit_code, 0) << inv.out;
  auto r = test::run_evcsim("plan " + fleet + " --out " + (dir.path / "p").string());
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("cost per year (USD)"), std::string::npos) << r.out;
  plan_report::PlanReport rep;
  read_json_file((dir.path / "p" / "plan.json").string(), &rep);
  ASSERT_EQ(rep.clusters_size(), 3);
  for (const auto& c : rep.clusters()) {
    EXPECT_GE(c.min_hosts(), 3u) << c.cluster();
    ASSERT_GT(c.quarters_size(), 0);
    for (const auto& q : c.quarters()) {
      EXPECT_GE(q.hosts(), c.min_hosts()) << c.cluster() << " " << q.date();
      // N+1: with the largest host down, the rest holds the peak demand.
      EXPECT_GE(q.ram_after_failure_gib(), q.demand_ram_gib() - 1e-6) << c.cluster() << " " << q.date();
      EXPECT_GE(q.capacity_after_failure(), q.demand_capacity() - 1e-6) << c.cluster() << " " << q.date();
      EXPECT_LT(q.ram_after_failure_gib(), q.ram_gib()) << c.cluster() << " " << q.date();
      EXPECT_TRUE(q.ok()) << c.cluster() << " " << q.date();
    }
  }
  for (const auto* f : {&rep.plan_cost(), &rep.baseline_cost(), &rep.do_nothing_cost()}) {
    EXPECT_GT(f->licensing_usd_per_year(), 0) << f->fleet();
    EXPECT_GT(f->power_usd_per_year(), 0) << f->fleet();
    EXPECT_GT(f->total_usd_per_year(), f->licensing_usd_per_year()) << f->fleet();
    EXPECT_GE(f->years_size(), 5) << f->fleet();
    EXPECT_GE(f->licensed_cores_start(), f->physical_cores_start()) << f->fleet();
  }
  EXPECT_EQ(rep.do_nothing_cost().hardware_usd_per_year(), 0);
  EXPECT_GT(rep.plan_cost().hardware_usd_per_year(), 0);
  EXPECT_EQ(rep.do_nothing_cost().hosts_start(), 23u);
  const std::string html = test::read_text(dir.path / "p" / "plan.html");
  EXPECT_NE(html.find("id=\"plan-costs\""), std::string::npos);
  EXPECT_NE(html.find("licensing per year"), std::string::npos);
  EXPECT_NE(html.find("the scenario as given"), std::string::npos);
  EXPECT_NE(html.find("id=\"plan-clusters\""), std::string::npos);
}

}  // namespace
}  // namespace evcsim
