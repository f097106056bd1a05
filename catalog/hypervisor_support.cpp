#include "catalog/hypervisor_support.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "catalog/vmotion_era.hpp"
#include "cpu/feature_registry.hpp"

namespace evcsim {
namespace {

// major, minor, update: "8.0u2" -> {8, 0, 2}.
std::array<int, 3> esxi_parts(std::string_view v) {
  std::string s;
  for (char c : v)
    if (!std::isspace(static_cast<unsigned char>(c)))
      s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::array<int, 3> out{0, 0, 0};
  size_t i = 0;
  auto number = [&](int& n) {
    const size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 3) n = n * 10 + (s[i++] - '0');
    return i > start;
  };
  bool ok = number(out[0]);
  if (ok && i < s.size() && s[i] == '.') ++i, ok = number(out[1]);
  if (ok && i < s.size() && (s[i] == 'u' || s.substr(i, 6) == "update")) {
    i += s[i] == 'u' && s.substr(i, 6) != "update" ? 1 : 6;
    ok = number(out[2]);
  }
  if (!ok || i != s.size()) throw InputError(fmt::format("'{}' is not an ESXi release (like 7.0, 8.0u2 or 9.0)", v));
  return out;
}

// General availability of the major releases, for VMware's 18-month window:
// "hardware technology launched after the 18-month window will normally not
// be supported by that release" (VMware Enterprise Infrastructure lifecycle
// policy, vmware.com/support/policies/enterprise-infrastructure.html).
struct Ga {
  const char* release;
  YearMonth ga;
};
constexpr Ga kGa[] = {
    {"6.5", {2016, 11}}, {"6.7", {2018, 4}}, {"7.0", {2020, 4}}, {"8.0", {2022, 10}}, {"9.0", {2025, 6}}};

constexpr const char* kXsaveSource =
    "ESXi 8.0 U2 requires XSAVE even with allowLegacyCPU=true (William Lam, VMware, williamlam.com 2023-10; "
    "secondary: no release note found)";

}  // namespace

int compare_esxi(std::string_view a, std::string_view b) {
  const auto x = esxi_parts(a), y = esxi_parts(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

std::string_view newest_esxi_at(const YearMonth& date) {
  std::string_view out = esxi_release_at(date);
  for (const Ga& g : kGa)
    if (g.ga < date) out = g.release;
  return out;
}

std::string_view support_name(Support s) {
  switch (s) {
    case Support::supported:
      return "supported";
    case Support::deprecated:
      return "deprecated";
    case Support::unsupported:
      return "unsupported";
    case Support::unknown:
      return "unknown";
  }
  return "unknown";
}

SupportAnswer esxi_support(const CpuModel& part, std::string_view release) {
  const auto r = esxi_parts(release);  // a bad release throws here
  if (!part.esxi_unsupported_in.empty() && compare_esxi(release, part.esxi_unsupported_in) >= 0)
    return {Support::unsupported,
            fmt::format("ESXi {} and later refuse {} ({})", part.esxi_unsupported_in, part.name, part.esxi_source)};
  if (compare_esxi(release, "8.0u2") >= 0 && !part.features.test(feature_id("xsave")))
    return {Support::unsupported, fmt::format("{} has no XSAVE: {}", part.name, kXsaveSource)};
  if (!part.esxi_deprecated_in.empty() && compare_esxi(release, part.esxi_deprecated_in) >= 0)
    return {Support::deprecated, fmt::format("ESXi {} and later warn that {} is deprecated ({})",
                                             part.esxi_deprecated_in, part.name, part.esxi_source)};
  if (part.launch.valid())
    for (const Ga& g : kGa)
      if (const auto m = esxi_parts(g.release); m[0] == r[0] && m[1] == r[1] && part.launch.index() > g.ga.index() + 18)
        return {Support::unknown,
                fmt::format("{} launched {}, more than 18 months after ESXi {} (GA {}): normally not supported by "
                            "that release (VMware's lifecycle policy); a later update may add it",
                            part.name, part.launch.str(), g.release, g.ga.str())};
  if (!part.esxi_unsupported_in.empty() || !part.esxi_deprecated_in.empty())
    return {Support::supported,
            fmt::format("before the releases that warn about or refuse {} ({})", part.name, part.esxi_source)};
  return {Support::unknown, fmt::format("no source found on ESXi {} and {}", release, part.name)};
}

std::string esxi_support_text(const CpuModel& part) {
  std::string out;
  if (!part.esxi_deprecated_in.empty()) out += fmt::format("deprecated from {}", part.esxi_deprecated_in);
  if (!part.esxi_unsupported_in.empty())
    out += fmt::format("{}refused from {}", out.empty() ? "" : ", ", part.esxi_unsupported_in);
  if (!out.empty()) out += fmt::format(" ({})", part.esxi_source);
  if (!part.features.test(feature_id("xsave")))
    out += fmt::format("{}no XSAVE: refused from 8.0u2 ({})", out.empty() ? "" : "; ", kXsaveSource);
  return out.empty() ? "no deprecation known (no source found)" : out;
}

}  // namespace evcsim
