// A run's outage, vMotions and hosts in service taken apart by cluster and
// year (results.json's cluster_years): the run summary feeds it what it
// counts in its totals, with when and where.
//
// A year is a calendar year when the scenario has a start_date (the first
// second of YYYY-01-01 as calendar_date counts days), else the run's year
// counted from 1 (365.25 days each). An outage or a host's time in service
// that crosses a New Year is split at it, so each year holds what happened
// in it. Units: VM-minutes of outage, vMotions started, host-years.
//
// Leaves out: clusters and years with no host in service and nothing
// counted; VMs HA never restarted (lost VM-hours, not an outage that ended).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenario/scenario.hpp"

namespace evcsim {

struct ClusterYear {
  std::map<std::string, double> outage_minutes;  // cause -> VM-minutes (every outage cause, 0 included)
  std::map<std::string, double> vmotions;        // cause -> vMotions started (every cause, 0 included)
  double host_years = 0;                         // hosts in service x time
  double outage_total() const;
  double vmotions_total() const;
};

class ClusterYears {
 public:
  explicit ClusterYears(const ScenarioSpec& spec);
  // The year `t` falls in (calendar, or the run's from 1).
  int year_of(double t) const;
  // `s` VM-seconds of outage of `cause` (an outage_minutes. suffix) from `from_t` on.
  // REQUIRES: cause is a known outage cause; throws std::logic_error otherwise.
  void add_outage(int cluster, std::string_view cause, double from_t, double s);
  // REQUIRES: cause is a known vmotions. suffix; throws std::logic_error otherwise.
  void add_vmotion(int cluster, std::string_view cause, double t);
  // `hosts` hosts of `cluster` in service from `from_t` to `to_t`.
  void add_hosts(int cluster, int hosts, double from_t, double to_t);
  // (cluster index, year) -> what it holds, in cluster then year order.
  const std::map<std::pair<int, int>, ClusterYear>& rows() const { return rows_; }

 private:
  ClusterYear& row(int cluster, int year);
  double year_end(int year) const;  // the first second of the next year
  const ScenarioSpec& spec_;
  int first_year_ = 1;
  std::vector<double> next_starts_;  // next_starts_[i]: where year first_year_ + i ends
  std::vector<std::string> outage_causes_, vmotion_causes_;
  std::map<std::pair<int, int>, ClusterYear> rows_;
};

}  // namespace evcsim
