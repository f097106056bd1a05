// CpuModel: one processor as evcsim reasons about it -- a catalog generation
// or an imported host -- with its raw CPUID leaves and decoded features.
//
// Units: relative_speed is per-core throughput with Xeon 5300 Clovertown =
// 1.0; dates have month precision. Left out: clock speed, caches, sockets.
#pragma once

#include <string>
#include <vector>

#include "base/year_month.hpp"
#include "cpu/cpuid.hpp"
#include "cpu/feature_set.hpp"

namespace evcsim {

enum class Masking { none, flexmigration, extended_migration };
std::string_view masking_name(Masking m);  // "none", "FlexMigration", ...

struct CpuModel {
  std::string name;  // catalog id or the imported file's name
  std::string code_name;
  std::string generation;
  std::string family_name;
  std::vector<std::string> skus;
  YearMonth launch, end_of_sale;
  int cores_per_socket = 0;
  double relative_speed = 0;
  Masking masking = Masking::none;
  CpuidDump cpuid;
  FeatureSet features;  // decode(cpuid): every registered bit the part reports
  std::string source;
  // Catalog corrections to the sampled part (already applied to cpuid/features).
  FeatureSet added, removed;
  std::string adjust_reason;
  // A host's state (issue 22): features of its part that its firmware,
  // microcode or OS turned off (TSX, AES-NI), as a scenario declares them or
  // as a dump shows against its catalog part; and what that is, in words.
  FeatureSet turned_off;
  std::string state;
  // Features compared for this host although the registry does not compare
  // them (kernel-only speculation controls an update made part of the
  // contract between hosts: update_hosts' `add`, KB 52085).
  FeatureSet compared;
  // ESXi releases that warn about ("7.0") and refuse ("8.0") the part; "" unknown.
  std::string esxi_deprecated_in, esxi_unsupported_in, esxi_source;

  // From leaf 0, read once by make_cpu_model (hot in migration checks).
  const std::string& vendor() const { return vendor_id; }
  std::string vendor_id;
  // The features that take part in compatibility decisions.
  FeatureSet migratable() const;
  bool can_mask() const { return masking != Masking::none; }
  // "Clovertown (Xeon 5300, family 6 model 15 stepping 7)"
  std::string describe() const;
};

// Sets or clears a feature in a model: its CPUID bit and its decoded set.
void set_feature(CpuModel& m, FeatureId id, bool on);

// Builds a model from raw leaves: decodes features; masking is none unless set.
CpuModel make_cpu_model(std::string name, CpuidDump dump);

bool is_intel(const std::string& vendor);
bool is_amd(const std::string& vendor);
// Hygon (HygonGenuine): AMD Zen-derived parts (Dhyana). CPUID reads as AMD's
// (the extended leaves, AMD-V masking), but EVC modes are Intel's or AMD's
// only: vSphere has none for Hygon.
bool is_hygon(const std::string& vendor);
bool is_amd_like(const std::string& vendor);  // AMD or Hygon

}  // namespace evcsim
