// What a host needs to present a baseline to its VMs, in three hypervisors'
// spellings: per-VM .vmx masks (vSphere), a libvirt <cpu> element and a QEMU
// -cpu string. Only migratable features are hidden; the host must be able to
// join the baseline (check_admission), else InputError says why.
#pragma once

#include <string>

#include "models/baseline.hpp"
#include "models/cpu_model.hpp"

namespace evcsim {

enum class ExportFormat { vmx, libvirt, qemu };
ExportFormat parse_export_format(std::string_view s);  // throws InputError

std::string export_baseline(const CpuModel& host, const Baseline& baseline, ExportFormat format);

}  // namespace evcsim
