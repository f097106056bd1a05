// Scenario loading, internal to scenario/: one Loader reads a parsed
// scenario message into a ScenarioSpec. Its work is split by concern into
// files: loader.cpp (the order of loading, errors and warnings with file,
// line and field, shared readers of masks and baselines), load_time.cpp
// (start date, horizon and times written as seconds, dates or durations;
// report sampling), load_fleet.cpp (policy, network and migration settings,
// clusters, hosts, VMs, rules), load_operations.cpp (DRS, workload, failures,
// refresh; the timed operations) and validate.cpp (sizes, settings no
// chosen policy reads, expectations). A Loader lives for one load().
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/text_format.h>

#include "base/textproto.hpp"
#include "catalog/catalog.hpp"
#include "scenario/scenario.hpp"
#include "scenario/scenario.pb.h"

namespace evcsim::loading {

namespace sc = ::evcsim::scenario;
using Tree = google::protobuf::TextFormat::ParseInfoTree;

inline constexpr uint32_t kVsphereMaxHosts = 96;  // hosts per cluster (vSphere 7 and 8 configuration maximums)

class Loader {
 public:
  Loader(const std::string& text, const std::string& file, const Catalog& catalog)
      : file_(file, text, &msg_), catalog_(catalog), dir_(std::filesystem::path(file).parent_path().string()) {}
  ScenarioSpec load();

 private:
  [[noreturn]] void fail(const google::protobuf::Message& m, std::string_view field, const Tree* t, int index,
                         std::string message) const;

  std::optional<Baseline> baseline(const std::string& name, const google::protobuf::Message& m, std::string_view field,
                                   const Tree* t) const;

  VmMasks masks(const google::protobuf::RepeatedPtrField<sc::RegisterMask>& list,
                const google::protobuf::Message& parent, std::string_view field, const Tree* t, bool allow_dash) const;

  void load_policy();

  // A simulated time as the user wrote it: a date with the calendar, else seconds.
  std::string when(double t) const;

  // Fails when the work a setting asks for (`count` of `what` over the run)
  // is above `limit`: a scenario must not ask for a run that never ends.
  void at_most(const google::protobuf::Message& m, std::string_view field, const Tree* t, double count, double limit,
               std::string_view what);

  void positive(const google::protobuf::Message& m, std::string_view field, const Tree* t, double v, bool allow_zero);

  // A field written as 0 where 0 means nothing sensible (a group of no hosts,
  // a VM of no RAM): an error, not the default it would silently become.
  void not_zero(const google::protobuf::Message& m, std::string_view field, const Tree* t, double v);

  void load_settings();

  void load_start_date();

  // A time written in one of three fields beside each other: seconds, a
  // calendar date (from start_date) or a duration from the start. nullopt
  // when none is written; an error when two are.
  std::optional<double> time_of(const google::protobuf::Message& m, const Tree* t, std::string_view seconds_field,
                                double seconds, std::string_view date_field, const std::string& date,
                                std::string_view duration_field, const std::string& duration) const;

  void load_operations_settings();

  // Empty bays per cluster for the hosts procurement will buy.
  void add_bays();

  void load_rule(int i);

  std::vector<int> add_hosts(const sc::HostGroup& g, const Tree* t, int cluster, bool present);

  void load_cluster(int i);

  int cluster_index(const std::string& name, const google::protobuf::Message& m, std::string_view field,
                    const Tree* t) const;

  int host_index(const std::string& name, const google::protobuf::Message& m, std::string_view field,
                 const Tree* t) const;

  std::vector<int> vm_indices(const std::string& name, const google::protobuf::Message& m, const Tree* t) const;

  void load_vm_group(int i);

  void load_operation(int i);

  // A VM that fits no host of its cluster can never run: an error, not a run
  // full of refused power-ons.
  void check_sizes();

  void warn(const google::protobuf::Message& m, std::string_view field, const Tree* t, std::string message);

  // Parameters that have no effect under the chosen settings.
  void warn_ineffective();

  void load_report_settings();
  void load_hypervisor();
  // vMotion's link, concurrency and convergence of the hosts' release
  // (hypervisor.esxi, else the one out at start_date), where unset.
  void apply_vmotion_era();

  void load_expectation(int i);

  sc::Scenario msg_;
  TextprotoFile file_;
  const Catalog& catalog_;
  std::string dir_;
  ScenarioSpec spec_;
  std::map<std::string, std::shared_ptr<const CpuModel>> cpus_;
  std::set<std::string> names_, vm_names_;
  uint32_t max_hosts_per_cluster_ = 0;
};

}  // namespace evcsim::loading
