// Guest operating systems (issue 25, item 4): each release's general
// availability, the end of its vendor support and its family, so that a VM
// whose OS reaches its end of support can be replaced by one running the
// family's current release. One record per OS (it will carry the OS's CPU
// floor too); each row carries its sources.
//
// End of support is the end of what a fleet runs on without a paid
// extension: Microsoft's end of extended support (not Extended Security
// Updates), Red Hat's end of Maintenance Support (not the ELS add-on),
// SUSE's end of general support (not LTSS). Dates are days, "YYYY-MM-DD".
//
// Leaves out: service packs, minor releases and R2s (Windows Server 2008 R2
// and 2012 R2 share their major's row and end of support; the row's GA is the
// first of the two), editions, and the paid extensions.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace evcsim {

struct GuestOs {
  std::string_view name;            // "windows-2003", as scenarios name it (`guest_os`)
  std::string_view family;          // "windows", "rhel", "sles"
  std::string_view ga;              // general availability, "YYYY-MM-DD"
  std::string_view end_of_support;  // "YYYY-MM-DD": the last day of support
  std::string_view source;
};

// Every known release, oldest first within a family.
std::span<const GuestOs> guest_os_table();

// The index of `name` in guest_os_table(), or -1.
int guest_os_index(std::string_view name);

// "windows-2003, windows-2008, ..." for error messages.
std::string guest_os_names();

// The newest release of `os`'s family generally available on `date`
// ("YYYY-MM-DD"): what an admin installs on a new VM that day. `os` itself
// when nothing newer is out. Returns an index into guest_os_table().
int current_release(int os, std::string_view date);

}  // namespace evcsim
