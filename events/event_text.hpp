// English for the codes events carry: the one place where a refusal, a
// power-off or a purchase becomes a sentence. Every report writes these.
#pragma once

#include <string>

#include "scenario/scenario.hpp"
#include "world/events.hpp"

namespace evcsim {

std::string text(const PlacementRefusal& r, const ScenarioSpec& spec);
std::string text(const Refusal& r, const ScenarioSpec& spec);
std::string power_on_refused_text(const PowerOnRefused& e, const ScenarioSpec& spec);
std::string power_off_text(const VmPoweredOff& e, const ScenarioSpec& spec);
std::string_view start_text(StartReason why);
std::string_view reboot_text(const VmRebooted& e);
std::string_view purchase_text(PurchaseReason why);
std::string retirement_deferred_text(const RetirementDeferred& e, const ScenarioSpec& spec);
std::string replaced_at_end_of_support_text(const VmReplacedAtEndOfSupport& e, const ScenarioSpec& spec);
std::string os_upgraded_text(const OsUpgraded& e, const ScenarioSpec& spec);
std::string os_upgrade_refused_text(const OsUpgradeRefused& e, const ScenarioSpec& spec);
std::string maintenance_started_text(const MaintenanceStarted& e);
std::string maintenance_failed_text(const MaintenanceFailed& e, const ScenarioSpec& spec);
std::string join_refused_text(const HostJoinRefused& e);
std::string aborted_text(const MigrationAborted& e);

}  // namespace evcsim
