// vMotion's defaults by the release the hosts run (issue 25, item 6): the
// vMotion link of the era, how many vMotions vCenter runs at once per host,
// and how pre-copy is made to converge. A scenario's own settings win; these
// fill what it leaves unset. Each row carries its sources.
//
// Leaves out: multi-NIC vMotion (5.0+; a host's link is its vMotion
// bandwidth: two 10 GbE NICs are `host_link_gbps: 20`), vSphere 4.1's Quick
// Resume (a switch-over that pages from the source when pre-copy does not
// converge), and a run that crosses eras keeps the era it starts in.
#pragma once

#include <string_view>

#include "base/year_month.hpp"

namespace evcsim {

struct VmotionEra {
  std::string_view releases;  // "ESX 3.5, 4.0"
  double link_gbps;           // the vMotion NIC of the era
  int max_per_host_1gbe;      // concurrent vMotions per host on 1 GbE
  int max_per_host_10gbe;     // ... and on 10 GbE and faster
  // "pre-copy" (rounds until max_rounds, then stop-and-copy: no SDPS) or "sdps".
  std::string_view convergence;
  std::string_view source;
};

// The era of an ESXi release ("4.1", "5.0", "8.0u2"); throws InputError for
// a string that is no release (catalog/hypervisor_support.hpp's parser).
const VmotionEra& vmotion_era(std::string_view release);

// The newest release generally available at `date` ("3.5" before vSphere
// 4.0's GA, 2009-05); a fleet may run an older one.
std::string_view esxi_release_at(const YearMonth& date);

// Concurrent vMotions per host the era allows on a link of `link_gbps`.
int vmotion_max_per_host(const VmotionEra& era, double link_gbps);

}  // namespace evcsim
