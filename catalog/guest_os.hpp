// Guest operating systems (issue 25, item 4): each release's general
// availability, the end of its vendor support and its family, so that a VM
// whose OS reaches its end of support can be replaced by one running the
// family's current release. One record per OS, with its CPU floor: the
// features its kernel needs in the guest view to boot (a VM whose view lacks
// them does not power on, and cannot upgrade to it); each row carries its
// sources.
//
// Floors are written as an x86-64 level of the feature catalog
// (catalog/data/baselines.textproto: "x86-64-v1", "x86-64-v2", ...) plus
// feature names on top ("x86-64-v1 nx popcnt sse4_2"): guest_os_floor()
// resolves them. A floor holds what the OS checks through CPUID; what it
// checks by executing an instruction (Windows 8.1's PrefetchW: Intel CPUs
// before Broadwell run it without the CPUID bit) is left out.
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
#include <vector>

#include "catalog/catalog.hpp"
#include "cpu/feature_set.hpp"

namespace evcsim {

struct GuestOs {
  std::string_view name;            // "windows-2003", as scenarios name it (`guest_os`)
  std::string_view family;          // "windows", "rhel", "sles"
  std::string_view ga;              // general availability, "YYYY-MM-DD"
  std::string_view end_of_support;  // "YYYY-MM-DD": the last day of support
  std::string_view source;
  std::string_view floor;      // "x86-64-v2", "x86-64-v1 nx popcnt sse4_2": a level plus features
  std::string_view detection;  // how it finds its floor missing (English, for reports and docs)
  std::string_view floor_source;
  // A second build of a release for older CPUs (alma-10-v2): never the
  // family's current release (an upgrade policy takes the main build).
  bool alternative = false;
};

// Every known release, oldest first within a family.
std::span<const GuestOs> guest_os_table();

// The index of `name` in guest_os_table(), or -1.
int guest_os_index(std::string_view name);

// "windows-2003, windows-2008, ..." for error messages.
std::string guest_os_names();

// Up to `n` known names nearest to `query` (edit distance), best first.
std::vector<std::string> nearest_guest_os(std::string_view query, size_t n = 3);
// "unknown guest OS 'x'; nearest known: a, b, c (known: ...)".
std::string unknown_guest_os(std::string_view query);

// The features `os`'s kernel needs in the guest view, from the catalog's
// x86-64 levels. Throws InputError for an unknown level or feature (the
// test cross-checks every row).
FeatureSet guest_os_floor(int os, const Catalog& catalog);

// The newest release of `os`'s family generally available on `date`
// ("YYYY-MM-DD"): what an admin installs on a new VM that day. `os` itself
// when nothing newer is out; alternative builds are never chosen. Returns an index into guest_os_table().
int current_release(int os, std::string_view date);

}  // namespace evcsim
