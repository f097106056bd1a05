#include "policy/codes.hpp"

#include <array>

#include <fmt/format.h>

#include "base/error.hpp"

namespace evcsim {

namespace {
constexpr std::array<VerdictCode, 7> kVerdicts = {
    VerdictCode::admitted,   VerdictCode::missing_features,   VerdictCode::exact_mismatch, VerdictCode::not_identical,
    VerdictCode::mask_check, VerdictCode::baseline_admission, VerdictCode::cross_vendor};
constexpr std::array<CrashCause, 5> kCauses = {CrashCause::probing_software, CrashCause::unsafe_override,
                                               CrashCause::cross_vendor, CrashCause::mask_changed_after_power_on,
                                               CrashCause::guest_view_not_checked};
}  // namespace

std::string_view code_name(VerdictCode c) {
  switch (c) {
    case VerdictCode::admitted:
      return "admitted";
    case VerdictCode::missing_features:
      return "missing-features";
    case VerdictCode::exact_mismatch:
      return "exact-mismatch";
    case VerdictCode::not_identical:
      return "not-identical";
    case VerdictCode::mask_check:
      return "mask-check";
    case VerdictCode::baseline_admission:
      return "baseline-admission";
    case VerdictCode::cross_vendor:
      return "cross-vendor";
  }
  return "?";
}

std::string_view code_name(CrashCause c) {
  switch (c) {
    case CrashCause::probing_software:
      return "probing-software";
    case CrashCause::unsafe_override:
      return "unsafe-override";
    case CrashCause::cross_vendor:
      return "cross-vendor";
    case CrashCause::mask_changed_after_power_on:
      return "mask-changed-after-power-on";
    case CrashCause::guest_view_not_checked:
      return "guest-view-not-checked";
  }
  return "?";
}

std::string_view code_name(Convergence c) {
  switch (c) {
    case Convergence::stop_and_copy:
      return "stop-and-copy";
    case Convergence::auto_converge:
      return "auto-converge";
    case Convergence::sdps:
      return "sdps";
    case Convergence::precopy:
      return "pre-copy";
  }
  return "?";
}

Convergence parse_convergence(std::string_view name) {
  for (Convergence c :
       {Convergence::stop_and_copy, Convergence::auto_converge, Convergence::sdps, Convergence::precopy})
    if (code_name(c) == name) return c;
  throw InputError(fmt::format("'{}' is not stop-and-copy, auto-converge, sdps or pre-copy", name));
}

std::span<const VerdictCode> all_verdict_codes() { return kVerdicts; }
std::span<const CrashCause> all_crash_causes() { return kCauses; }

}  // namespace evcsim
