// Lists with names: the VMs and hosts a planner acts on, where the summary
// only counts them. One mechanism for every list (report::NamedList: a name,
// columns, rows), filled from the run's events by ListCollector and written
// by generic writers: NAME.csv, a section of report.html (the first 200 rows
// and a link to the CSV) and a sheet of the workbook (reports/workbook.hpp).
//
// Adding a list: a row in kListDefs (named_lists.cpp: name, sheet, title,
// intro, columns) and its enum value, then the lines in
// ListCollector::on_event that call add(ListId::x, {cells}). The writers
// need no change.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "reports/results.pb.h"
#include "scenario/scenario.hpp"
#include "world/events.hpp"

namespace evcsim {

class ListCollector {
 public:
  explicit ListCollector(const ScenarioSpec& spec);
  void on_event(const Event& e);
  // Closes the rows still open at `t` (the run's end) and appends every list.
  void finish(double t, report::NamedLists* out);

 private:
  enum class ListId { power_cycle, cold_moves, waiting, os_blocked, hosts };
  // Appends a row (one cell per column) and returns its index.
  size_t add(ListId list, std::vector<std::string> cells);
  std::vector<std::string>& row(ListId list, size_t i) { return rows_[static_cast<size_t>(list)][i]; }
  // A time as its column shows it: the date with a calendar, else seconds.
  std::string when(double t) const;
  std::string cluster_name(int c) const;
  std::string host_cpu(int host) const;
  // A VM no longer waits for a raise (a new view, or off for good): `how`.
  void raise_seen(int vm, double t, const std::string& how);

  const ScenarioSpec& spec_;
  std::vector<std::vector<std::vector<std::string>>> rows_;  // per list
  std::vector<std::string> mode_;                            // cluster -> its EVC mode now ("none")
  std::vector<int> host_cluster_;                            // host -> its cluster now
  std::map<int, std::string> bought_cpu_;                    // bays filled: the part bought
  std::map<int, std::string> captured_;                      // VM -> the mode its running view came from
  std::map<int, std::vector<size_t>> below_;                 // VM -> its open power-cycle rows
  struct Wait {
    size_t row;
    double since;
  };
  std::map<int, Wait> waiting_;  // VM -> its open waiting row
  // The wait of `vm` ends at `t` (`ended`: the VM ran or left; else the run's end).
  void end_wait(int vm, double t, const char* outcome, bool ended = true);
  std::map<int, size_t> host_row_;              // host -> its row
  std::map<int, std::string> maintenance_why_;  // hosts in maintenance: why
};

// NAME.csv for every list: name -> text (header, then a line per row).
std::map<std::string, std::string> lists_csv(const report::NamedLists& lists);
// The report.html sections of the lists with rows (in_html): the first
// `max_rows` of each, with a link to its CSV.
std::string lists_html(const report::NamedLists& lists, size_t max_rows = 200);
// The list named `name`, or null.
const report::NamedList* find_list(const report::NamedLists& lists, const std::string& name);

}  // namespace evcsim
