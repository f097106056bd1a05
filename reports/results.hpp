// Collects a run's results (reports/results.proto) from its events, and
// writes them in the formats of `evcsim run --format`: json, csv, html, dot,
// junit (text is RunSummary's). One data path: every writer reads RunResults.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/text_util.hpp"
#include "reports/named_lists.hpp"
#include "reports/results.pb.h"
#include "reports/run_summary.hpp"
#include "scenario/scenario.hpp"
#include "world/events.hpp"

namespace evcsim {

class ResultsCollector final : public Listener {
 public:
  ResultsCollector(const ScenarioSpec& spec, const RunSummary& summary);
  void on_event(const Event& e) override;
  void on_end(double t) override;
  const report::RunResults& results() const { return results_; }
  // The lists with names (complete after on_end): CSV, HTML and workbook; not in results.json.
  const report::NamedLists& lists() const { return lists_out_; }

 private:
  report::Series& series(const std::string& family, const std::string& key);
  void bucket(const std::string& family, const std::string& key, double t);

  const ScenarioSpec& spec_;
  const RunSummary& summary_;
  report::RunResults results_;
  ListCollector lists_;  // the per-VM and per-host lists (reports/named_lists.hpp)
  report::NamedLists lists_out_;
  std::map<std::pair<std::string, std::string>, int> index_;
  std::map<std::pair<std::string, std::string>, std::map<double, double>> buckets_;
  std::vector<double> snapshot_times_;
  std::map<int, int> latest_raise_;         // cluster -> index in results_.raises()
  std::map<int, std::string> bought_cpu_;   // host -> the part bought (bays have no CPU in the scenario)
  std::map<int, int> open_maintenance_;     // host -> index in results_.maintenances()
  std::map<int, int> in_fallback_;          // VMs placed in a fallback cluster -> that cluster
  std::map<std::string, int> crash_group_;  // software|route|missing|cause -> index in crash_groups()
  std::vector<std::set<int>> crash_group_vms_;
  std::string cpu_name(int host) const;
};

// Escapes & < > " for XML and HTML text and attributes.
std::string xml_escape(const std::string& s);

std::string results_json(const report::RunResults& r);
// family -> CSV text ("t,key,value" or "t,key,value,label"), plus the event
// tables "crashes", "blocked", "refused", "migrations" (the lists' files:
// lists_csv).
std::map<std::string, std::string> results_csv(const report::RunResults& r);
std::string results_junit(const report::RunResults& r);
// One Graphviz file per graph; name -> text ("compat-t3600.dot").
std::map<std::string, std::string> results_dot(const report::RunResults& r);
// `charts`: when given, receives each chart's Vega-Lite spec (for charts/*.vl.json).
// With `lists`, their sections (lists_html) before the expectations.
struct VegaChart;  // reports/vega_chart.hpp
std::string results_html(const report::RunResults& r, std::vector<VegaChart>* charts = nullptr,
                         const report::NamedLists* lists = nullptr);

}  // namespace evcsim
