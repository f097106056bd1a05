// Importers of CPUID data from other tools. The format is detected:
//  - AIDA64 / EVEREST / InstLatx64 text dumps ("CPUID 00000001: EAX-EBX-ECX-EDX
//    [SL nn]"), one block per logical CPU; without [SL] tags the sub-leaf of a
//    repeated line is worked out from its content where CPUID defines one
//    (0xD: XSAVE component size and offset; 0xB/0x1F: the level in ECX),
//    else repeated lines are sub-leaves 0, 1, 2, ...
//  - `cpuid -r` ("0x00000001 0x00: eax=0x... ebx=0x... ecx=0x... edx=0x...")
//  - /proc/cpuinfo (vendor_id, cpu family, model, stepping, flags); the XSAVE
//    state components follow from the features (Linux shows no flags for
//    them), the synthetic ibrs/ibpb/stibp/ssbd flags become the vendor's own
//    bits, and other Linux-only flags are listed as ignored
//  - VMware-style register lines ("ID1ECX 0x0000641d", "ID81EDX 0x20000000")
//  - libvirt's CPUID XML, `virsh capabilities` and `virsh domcapabilities`
//    (interop/importers_libvirt.hpp)
// Errors (no format matched, a truncated or malformed line, a block without
// leaf 1) throw InputError with the file and line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"
#include "cpu/cpu_model.hpp"

namespace evcsim {

enum class DumpFormat {
  aida,
  cpuid_r,
  proc_cpuinfo,
  vmware,
  libvirt_cpuid,
  libvirt_capabilities,
  libvirt_domcapabilities
};
std::string_view dump_format_name(DumpFormat f);

struct ImportResult {
  DumpFormat format = DumpFormat::aida;
  std::vector<CpuidDump> cpus;     // one per logical CPU found (at least one)
  std::vector<std::string> notes;  // ignored flags, differing logical CPUs, ...
};

ImportResult import_dump(std::string_view text, const std::string& file);
ImportResult import_dump_file(const std::string& path);

// Masking capability from the signature: Intel family 6 from model 0x17
// (45 nm Penryn) and later families; AMD family 0xF from rev E (extended
// model 2) and every later family.
Masking infer_masking(const CpuidDump& dump);

// A model for an imported host: logical CPU 0, named after the file.
CpuModel model_from_import(const ImportResult& imported, const std::string& path);

// A CPU argument of the CLI: a catalog name / code name / SKU, or a file: a
// dump, or a catalog entry as `cpu import` prints it.
CpuModel resolve_cpu(const Catalog& catalog, std::string_view arg);

// The model as a catalog `cpu { ... }` entry (text format).
std::string format_catalog_entry(const CpuModel& m);

}  // namespace evcsim
