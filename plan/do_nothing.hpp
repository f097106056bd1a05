// "What breaks if we do nothing" (issue 23, item 3): for the fleet as it is
// (no purchases, no retirements, no raises) and for a plan, when each host
// leaves its vendor's hardware support and when the ESXi releases that run
// it end their general support, the quarter each cluster's growing demand no
// longer fits with one host kept spare (N+1), the VMs on an old view (they
// need a power cycle) and the VMs whose guest OS reaches its end of support;
// then, per cluster, a recommendation in words built from the plan's actions
// and these findings. Costs are not here (the plan's cost model has them).
//
// Leaves out: the ESXi release each host runs (the scenario's `hypervisor {
// esxi }` is fleet-wide and optional: the report takes the last release known
// to run each part, i.e. a fleet that upgrades on time), vendor- and
// contract-specific support terms (a typical contract and the longest
// extension, the same for every vendor), and whether a VM's view meets the
// next OS release's CPU floor (os_floor_met: the guest OS catalog's
// floors). Dates are months ("YYYY-MM") or days ("YYYY-MM-DD").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/catalog.hpp"
#include "plan/planner.hpp"
#include "reports/plan_report.pb.h"
#include "scenario/scenario.hpp"

namespace evcsim::plan {

// Hardware support from the purchase: a typical contract, and the longest
// extension vendors sell (do_nothing.cpp has the sources).
constexpr int kVendorSupportYears = 5, kVendorSupportMaxYears = 7;

// The end of general support of the ESXi release `release` belongs to
// ("8.0u2" -> 8.0's), "YYYY-MM-DD"; nullopt when none is published.
struct EsxiLifecycle {
  std::string_view release, end_of_general_support, source;
};
std::optional<EsxiLifecycle> esxi_lifecycle(std::string_view release);

// Whether a VM whose CPU view is `view` can run guest OS `os` (an index into
// guest_os_table()): its floor (catalog/guest_os.cpp) against the view;
// unknown for an OS without a floor.
enum class FloorCheck { met, not_met, unknown };
struct FloorAnswer {
  FloorCheck status = FloorCheck::unknown;
  std::string why;
};
FloorAnswer os_floor_met(int os, const FeatureSet& view);

// VM name -> the mode it captured at its last power-on, from the scenario's
// `vm { captured_baseline }` (`text` is the scenario file `file`, as loaded into
// `spec`); throws InputError naming file, line and field for a mode the
// catalog does not have.
using CapturedViews = std::map<std::string, const Baseline*>;
CapturedViews captured_views(const std::string& text, const std::string& file, const ScenarioSpec& spec,
                             const Catalog& catalog);

// The outlook for the fleet as it is (`plan` null) or for `plan`.
plan_report::Outlook outlook(const ScenarioSpec& spec, const Catalog& catalog, const Plan* plan,
                             const CapturedViews& views = {});

// Per cluster, what to do in words: EVC to enable or raise, hosts to retire
// and parts to buy (the plan's), and what breaks otherwise (the outlooks).
void add_recommendations(const ScenarioSpec& spec, const Catalog& catalog, const Plan& plan,
                         plan_report::PlanReport* rep);

// plan.html's section and the lines `evcsim plan` prints.
std::string do_nothing_html(const plan_report::PlanReport& rep);
std::string do_nothing_text(const plan_report::PlanReport& rep);

}  // namespace evcsim::plan
