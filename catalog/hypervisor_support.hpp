// Which ESXi releases run a part (issue 22): the catalog's per-part
// `esxi { deprecated_in unsupported_in source }`, ESXi 8.0 U2's XSAVE
// requirement, and VMware's 18-month hardware window for parts newer than a
// release. Unknown stays unknown.
#pragma once

#include <string>
#include <string_view>

#include "base/year_month.hpp"
#include "cpu/cpu_model.hpp"

namespace evcsim {

// ESXi releases in order: "6.5" < "6.7" < "7.0" < "8.0" < "8.0u2" < "9.0";
// throws InputError for a string that is no release ("8", "8.0 U2" and
// "8.0u2" are the same).
int compare_esxi(std::string_view a, std::string_view b);

// The newest release generally available at `date`: from 6.5 on by the GA
// months below (hypervisor_support.cpp), counted from the month after GA as
// vmotion_era.hpp's esxi_release_at counts; before 6.5, esxi_release_at's
// answer ("3.5" .. "5.0": 5.5 and 6.0 are not listed, nothing here tells
// them from 5.0).
std::string_view newest_esxi_at(const YearMonth& date);

enum class Support { supported, deprecated, unsupported, unknown };
std::string_view support_name(Support s);  // "supported", "deprecated", ...

struct SupportAnswer {
  Support status = Support::unknown;
  std::string why;  // with the source
};
SupportAnswer esxi_support(const CpuModel& part, std::string_view release);

// One line per fact for `evcsim cpu show`.
std::string esxi_support_text(const CpuModel& part);

}  // namespace evcsim
