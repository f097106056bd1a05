// The summary of a run: totals a person reads in ten seconds (migrations,
// blocked migrations by reason, crashes by cause, with the first few of each
// spelled out), the metrics expectations are checked against, and their
// evaluation.
#pragma once

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "reports/cluster_years.hpp"
#include "scenario/scenario.hpp"
#include "world/events.hpp"
#include "world/run_stats.hpp"

namespace evcsim {

struct ExpectationResult {
  ExpectationSpec expectation;
  double measured = 0;
  std::string measured_name;  // for named results
  bool ok = false;
  std::string measured_text() const;
};

class RunSummary final : public Listener {
 public:
  explicit RunSummary(const ScenarioSpec& spec) : spec_(spec), cluster_years_(spec) {}
  void on_event(const Event& e) override;
  void on_end(double t) override;

  // Every metric by name ("crashes", "crashes.probing-software", ...).
  std::map<std::string, double> metrics() const;
  // Named results: baseline_at_year.N -> the first cluster's baseline then.
  std::map<std::string, std::string> names() const;
  std::vector<ExpectationResult> evaluate() const;
  // Outage, vMotions and host-years by cluster and year (complete after on_end).
  const ClusterYears& cluster_years() const { return cluster_years_; }
  std::string render_text(const RunStats& stats, size_t examples = 3) const;

 private:
  // When an event happened: its date with the scenario's calendar, else "t=  1234.5 s".
  std::string stamp(double t, bool padded = true) const {
    if (spec_.calendar) return spec_.date(t);
    return padded ? fmt::format("t={:9.1f} s", t) : fmt::format("t={:.0f} s", t);
  }
  void example(std::vector<std::string>& list, std::string text) {
    ++listed_[&list];
    if (list.size() < 50) list.push_back(std::move(text));
  }
  // "    ... and N more (see WHERE)" when a list shows fewer than it saw.
  std::string more(const std::vector<std::string>& list, size_t shown, std::string_view where) const;
  std::string host_state_text(size_t examples) const;
  std::string outage_by_year_text() const;
  // The hypervisor upgrade (spec_.hypervisor): the hosts in service when it
  // comes that the new release refuses or deprecates.
  void check_upgrade();
  std::string hypervisor_text(size_t examples) const;

  const ScenarioSpec& spec_;
  double end_s_ = 0;
  std::map<std::string, double> counts_;
  double migration_s_ = 0, migration_max_s_ = 0, downtime_s_ = 0, downtime_max_s_ = 0, outage_s_ = 0;
  std::vector<std::string> blocked_, crashes_, refused_, raises_, update_refusals_;
  std::map<std::string, std::pair<int, int>> updates_;        // update_hosts name -> hosts updated, refused
  std::map<const std::vector<std::string>*, size_t> listed_;  // examples offered per list
  double left_sum_ = 0, wait_max_s_ = 0;
  double score_sum_ = 0, score_min_ = 100;  // vSphere 7's DRS passes: cluster scores, the lowest VM score
  long long score_passes_ = 0;
  std::vector<std::tuple<double, int, std::string>> baseline_log_;
  std::map<std::string, double> features_of_;                   // baselines the run set, by name: their feature counts
  std::map<int, std::pair<double, int>> down_since_;            // VMs whose host failed: since, its cluster
  std::map<int, double> overdue_since_;                         // hosts whose retirement failed, until retired
  std::map<int, bool> retiring_;                                // hosts whose current maintenance is a retirement
  std::map<int, MaintenanceKind> maintenance_kind_;             // hosts in maintenance: why
  double host_seconds_ = 0, last_t_ = 0;                        // hosts in service x time
  double first_demand_ = -1, last_demand_ = 0;                  // the samples' CPU demand (with growth)
  std::map<int, std::pair<MemoryState, double>> memory_state_;  // hosts under memory pressure: state, since
  void end_memory_state(int host, double t);
  // VM-seconds of outage by cause, where and when: the totals and the cluster-years.
  void add_outage(const char* cause, int cluster, double from_t, double s);
  void ha_outage(int vm, double up_t, bool booted);
  int cluster_of(int host) const;
  void count_outage(const char* cause, double s);                 // the totals only
  void set_in_service(int host, int cluster, bool in, double t);  // keeps hosts_in_cluster_
  void book_host_time(double t);                                  // hosts_in_cluster_ up to t
  ClusterYears cluster_years_;
  std::map<int, int> host_cluster_;      // hosts that joined: their cluster
  std::map<int, int> hosts_in_cluster_;  // cluster -> hosts in service, since hosts_since_
  double hosts_since_ = 0;
  // Power-ons by the cluster that waited for room (PowerOnRefused that
  // waits), from their first refusal until the VM runs, departs or the run ends.
  struct Waiting {
    double since;
    std::string why;  // its last refusal
  };
  std::map<int, Waiting> waiting_;                             // VM -> its wait
  std::vector<double> wait_days_;                              // the waits that ended in a power-on
  std::map<int, int> waits_by_cluster_;                        // home cluster -> power-ons that waited
  std::vector<std::pair<double, std::string>> still_waiting_;  // at the end: since, "VM (cluster): why"
  std::vector<std::string> fallbacks_;                         // VMs placed in a fallback cluster, the first few
  std::map<std::pair<int, int>, int> replaced_by_os_;          // (guest OS, its successor) -> VMs replaced
  // Power-ons refused for the guest OS's CPU floor: (OS, missing features) -> the VMs, each once.
  std::map<std::pair<int, std::string>, std::vector<int>> floor_refused_;
  std::set<int> floor_refused_vms_;
  std::map<std::pair<int, int>, int> upgraded_by_os_;  // (from, to) -> in-place upgrades
  // VMs whose last OS upgrade was refused: VM -> "from -> to lacks ..." (an upgrade taken later clears it).
  std::map<int, std::string> upgrade_blocked_;
  std::string guest_os_text(size_t examples) const;
  std::string waiting_text(size_t examples) const;
  std::set<int> in_service_;  // hosts in a cluster now (for the hypervisor upgrade)
  std::map<int, std::string> bought_cpu_;
  bool upgrade_checked_ = false, in_service_known_ = false;
  std::map<std::string, std::vector<std::string>> upgrade_refused_, upgrade_deprecated_;  // why -> hosts
  double baseline_features_of(const std::string& name) const;
};

}  // namespace evcsim
