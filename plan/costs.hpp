// What a fleet costs a year: hardware bought, hypervisor licensing and power,
// from the scenario's `costs` block (scenario.proto) over defaults with
// sources (costs.cpp, docs/plan.md). `evcsim plan` weighs them against
// features and reports them per year for the plan, the scenario as given
// and "do nothing" (the fleet as it is, no purchases).
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/year_month.hpp"
#include "cpu/cpu_model.hpp"

namespace evcsim::scenario {
class Costs;
}

namespace evcsim::plan {

struct CostModel {
  // Hardware: a bought two-socket host costs usd_per_host + cores x
  // usd_per_core + RAM GiB x usd_per_gib, times the part's new-generation
  // premium (relative_price: up to +60% in its first two years); a price
  // list or a part's own price replaces the sum.
  double usd_per_host = 6000, usd_per_core = 150, usd_per_gib = 4;
  std::map<std::string, double> part_price;  // catalog name -> USD per host
  std::map<std::string, double> part_tdp;    // catalog name -> W per socket
  // Licensing.
  // by_date (default): per CPU before 2024 (one license per CPU; from April
  // 2020 one per 32 cores of a CPU), per core from 2024 on (Broadcom's
  // subscriptions), the 72-core order minimum from April 2025.
  enum class Licensing { by_date, per_core, per_socket, none } licensing = Licensing::by_date;
  double usd_per_core_year = 350;
  int min_cores_per_cpu = 16, min_cores_per_order = 72;
  double usd_per_socket_year = 1500;
  int cores_per_socket_license = 32;
  // Power.
  double pue = 1.58, usd_per_kwh = 0.13, host_base_w = 150, cpu_load = 0.6, w_per_gib = 0.3;
  std::vector<std::string> assumptions;  // each figure in force and where it comes from

  // The scenario's `costs` block over the defaults; `scenario_file` locates a
  // price list. Throws InputError naming the file, line and field.
  static CostModel from(const scenario::Costs& msg, const std::string& scenario_file);

  double host_price(const CpuModel& part, int cores, double ram_gib, const YearMonth& when) const;
  // Cores licensed for one host: every CPU counted as at least min_cores_per_cpu.
  int licensed_cores(int sockets, int cores) const;
  // Licensing a year for a host (without the per-order minimum, which applies to the fleet).
  double licensing_usd_year(int sockets, int cores, const YearMonth& when) const;
  // The model in force on `when` (by_date resolved).
  Licensing licensing_on(const YearMonth& when) const;
  // TDP per socket: the part's own (scenario) or an estimate by launch year.
  double tdp_w(const CpuModel& part) const;
  double host_watts(const CpuModel& part, int sockets, int cores, double ram_gib) const;
  double power_usd_year(double watts) const;  // at the wall: x PUE
};

// A host in a fleet over time: present from quarter `from` to `to` (exclusive).
struct Stint {
  int cluster = 0;
  const CpuModel* part = nullptr;
  int sockets = 2, cores = 0;
  double ram_gib = 0;
  int from = 0, to = 0;
  double price = 0;  // paid at `from` (0: already owned)
};

struct CostYear {
  int year = 0;
  double hardware = 0, licensing = 0, power = 0;
  int hosts = 0, physical_cores = 0, licensed_cores = 0;  // at the year's first quarter of the horizon
  int quarters = 0;                                       // of the horizon in this year
};
struct FleetCost {
  std::vector<CostYear> years;
  double hardware = 0, licensing = 0, power = 0;  // averages per year over the horizon
  int hosts_start = 0, hosts_end = 0, cores_start = 0, cores_end = 0, licensed_start = 0, licensed_end = 0;
};

// Licensing and power a year of the hosts of `cluster` present at quarter q
// (without the per-order minimum, which is the fleet's).
std::pair<double, double> running_usd_year(const CostModel& m, const std::vector<Stint>& fleet, int cluster, int q,
                                           const YearMonth& when);

// The cost of `fleet` over quarters starting at `quarters` (the first month of each).
FleetCost fleet_cost(const CostModel& m, const std::vector<Stint>& fleet, const std::vector<YearMonth>& quarters);

}  // namespace evcsim::plan
