#include "catalog/vmotion_era.hpp"

#include "catalog/hypervisor_support.hpp"

namespace evcsim {
namespace {

constexpr VmotionEra kEsx35To40{
    "ESX 3.5, 4.0",
    1,
    2,
    2,
    "pre-copy",
    "1 GbE: vMotion is supported on links of at least 1000 Mbps (vSphere API fault VMotionLinkCapacityLow, since "
    "API 2.0); one vMotion moved ~1.0 Gb/s on ESX 3.5, ~2.6 Gb/s on 4.0 (secondary: vmwarethiru.blogspot.com "
    "2011-04, from VMware's 4.1 vMotion material). 2 vMotions at once per host: secondary only, no VMware "
    "document found; vSphere 4.1 introduced its 4 and 8 as an increase (frankdenneman.nl 2010-08-27). No SDPS "
    "before 5.0 (yellow-bricks.com 2011-07-20): pre-copy runs until max_rounds, then stops the VM for the rest"};
constexpr VmotionEra kEsx41{
    "ESX 4.1",
    10,
    4,
    8,
    "pre-copy",
    "8 vMotions at once per host on 10 GbE, 4 on 1 GbE, new in 4.1 (Frank Denneman, VMware, frankdenneman.nl "
    "2010-08-27 'DRS 4.1 adaptive MaxMovesPerHost'; secondary); hosts moving from 1 GbE links to one or two "
    "10 GbE (lonesysadmin.net 2010-07-13, vSphere 4.1 what's new; secondary). No SDPS: 4.1 had Quick Resume, "
    "which SDPS replaced in 5.0 (Duncan Epping, yellow-bricks.com 2011-07-20); Quick Resume is not modelled"};
constexpr VmotionEra kEsxi50On{
    "ESXi 5.0 and later",
    10,
    4,
    8,
    "sdps",
    "network limits 4 on 1GigE, 8 on 10GigE for ESXi 5.0 to 6.7 (VMware, vCenter Server and Host Management 6.5 "
    "and 6.7, 'Limits on Simultaneous Migrations'); Stun During Page Send and multi-NIC vMotion new in 5.0 "
    "(Duncan Epping, yellow-bricks.com 2011-07-20 'vSphere 5.0 vMotion Enhancements'; secondary)"};

}  // namespace

const VmotionEra& vmotion_era(std::string_view release) {
  if (compare_esxi(release, "4.1") < 0) return kEsx35To40;
  if (compare_esxi(release, "5.0") < 0) return kEsx41;
  return kEsxi50On;
}

std::string_view esxi_release_at(const YearMonth& date) {
  // General availability (secondary: Wikipedia, 'VMware ESXi', version
  // history): vSphere 4.0 2009-05-21, 4.1 2010-07-13, 5.0 2011-08-24; a
  // release counts from the first month it was out for the whole month.
  if (date < YearMonth{2009, 6}) return "3.5";
  if (date < YearMonth{2010, 8}) return "4.0";
  if (date < YearMonth{2011, 9}) return "4.1";
  return "5.0";
}

int vmotion_max_per_host(const VmotionEra& era, double link_gbps) {
  return link_gbps >= 10 ? era.max_per_host_10gbe : era.max_per_host_1gbe;
}

}  // namespace evcsim
