// Stable codes that travel in verdicts and events and name metric families
// (`blocked_migrations.<code>`, `crashes.<cause>`): enums here, their
// spellings in one table each. English sentences are written in reports/.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace evcsim {

// Why a live migration was admitted or refused (a policy's verdict, or the
// engine's vendor rule).
enum class VerdictCode {
  admitted,
  missing_features,
  exact_mismatch,
  not_identical,
  mask_check,
  baseline_admission,
  cross_vendor
};
// Why software crashed after a move.
enum class CrashCause {
  probing_software,
  unsafe_override,
  cross_vendor,
  mask_changed_after_power_on,
  guest_view_not_checked
};

// How pre-copy ends when the guest dirties memory faster than it can be sent:
//  stop_and_copy (Xen): stop after max_rounds or once 3x the RAM was sent;
//  precopy (vMotion before SDPS, ESX 3.5 to 4.1): stop after max_rounds;
//  auto_converge (QEMU): throttle the guest from 20%, +10% per round that
//    does not converge, up to 99%;
//  sdps (vMotion's Stun During Page Send): slow the vCPUs so the guest
//    dirties at most half of what the link sends.
enum class Convergence { stop_and_copy, auto_converge, sdps, precopy };

std::string_view code_name(VerdictCode c);  // "missing-features"
std::string_view code_name(Convergence c);  // "auto-converge"
// Throws InputError listing the names when `name` is none of them.
Convergence parse_convergence(std::string_view name);
std::string_view code_name(CrashCause c);  // "probing-software"
std::span<const VerdictCode> all_verdict_codes();
std::span<const CrashCause> all_crash_causes();

}  // namespace evcsim
