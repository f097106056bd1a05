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
enum class VerdictCode { admitted, missing_features, exact_mismatch, not_identical, mask_check, baseline_admission,
                         cross_vendor };
// Why software crashed after a move (DESIGN §5).
enum class CrashCause { probing_software, unsafe_override, cross_vendor, mask_changed_after_power_on,
                        guest_view_not_checked };

std::string_view code_name(VerdictCode c);   // "missing-features"
std::string_view code_name(CrashCause c);    // "probing-software"
std::span<const VerdictCode> all_verdict_codes();
std::span<const CrashCause> all_crash_causes();

}  // namespace evcsim
