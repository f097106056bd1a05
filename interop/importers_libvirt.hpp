// libvirt's own descriptions of a CPU, each detected by its content:
//  - CPUID XML (`<cpudata arch='x86'><cpuid eax_in=... ecx_in=... eax=...
//    ebx=... ecx=... edx=.../>`), as libvirt's test data and tooling write it;
//  - `virsh capabilities`: the host CPU (<host><cpu>: model, vendor,
//    signature, features beyond the model);
//  - `virsh domcapabilities`: the host-model CPU (<mode name='host-model'>:
//    model, vendor, features required and disabled).
// A named model becomes its features through the catalog's QEMU/libvirt
// models (interop/hypervisor_names.hpp); libvirt's -IBRS/-IBPB variants and
// the TSX-carrying names (Haswell, Skylake-Server, ...) are their base model
// plus those bits. Without a signature, the one of the built-in catalog CPU
// whose features are nearest is used, and a note says so.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "interop/importers.hpp"

namespace evcsim {

// nullopt when the text is none of the three; InputError (file, line,
// field) when it is one but malformed or names an unknown model.
std::optional<ImportResult> import_libvirt(std::string_view text, const std::string& file);

}  // namespace evcsim
