// What a host needs to present a baseline to its VMs, in three hypervisors'
// spellings: .vmx entries (vSphere: legacy cpuid.* masks, and the per-VM EVC
// featMask.vm.cpuid.* form of hardware version 14 and later), a portable
// libvirt <cpu mode='custom'> element and a QEMU -cpu string (both: the
// closest named model below the baseline plus the features it lacks, in the
// tool's own spelling; features the tool cannot name are left out and said
// so in a comment). The host must be able to join the baseline
// (check_admission), else InputError says why.
#pragma once

#include <string>

#include "catalog/baseline.hpp"
#include "catalog/catalog.hpp"
#include "cpu/cpu_model.hpp"

namespace evcsim {

// libvirt_features: the baseline's features one per line in libvirt's
// spelling, as `virsh cpu-baseline --features` lists a CPU (for comparing).
enum class ExportFormat { vmx, libvirt, qemu, libvirt_features };
ExportFormat parse_export_format(std::string_view s);  // throws InputError

std::string export_baseline(const CpuModel& host, const Baseline& baseline, ExportFormat format,
                            const Catalog& catalog);

// The host as it is, as a baseline ("host-model"): its migratable features,
// its vendor. Exported, it is what libvirt's host-model CPU gives: the
// closest named model (for a host whose TSX is off, its own generation's
// -noTSX model) plus and minus features.
Baseline host_model_baseline(const CpuModel& host);

}  // namespace evcsim
