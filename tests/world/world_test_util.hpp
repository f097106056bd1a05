// Helpers shared by the tests of the world's parts (tests/world/*_test.cpp).
#pragma once

#include <map>
#include <string>

#include "reports/run_summary.hpp"
#include "scenario/scenario.hpp"
#include "tests/world/fake_sim.hpp"
#include "world/events.hpp"

namespace evcsim::test {

// The run's metrics, as the summary computes them at `end_s`.
inline std::map<std::string, double> metrics_of(const FakeRun& run, double end_s) {
  RunSummary summary(run.spec);
  for (const Event& e : run.rec.events) summary.on_event(e);
  summary.on_end(end_s);
  return summary.metrics();
}

// The index of the host named `n` in the scenario, -1 when there is none.
inline int host_named(const ScenarioSpec& s, const std::string& n) {
  for (size_t i = 0; i < s.hosts.size(); ++i)
    if (s.hosts[i].name == n) return static_cast<int>(i);
  return -1;
}

}  // namespace evcsim::test
