// The catalog: real CPU generations and named baselines, loaded from the
// project's textproto files (catalog/data/*.textproto, built into the
// binary) or from a directory given by the user, and validated on load.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/baseline.hpp"
#include "cpu/cpu_model.hpp"

namespace evcsim {

struct SourceFile {
  std::string name;  // shown in error messages
  std::string text;
};

class Catalog {
 public:
  // Parses and validates; throws InputError naming file, line and field for a
  // syntax error, a duplicate name, an unknown feature or CPU, a malformed
  // register line, a bad date or a missing value.
  // Entries of the first `replaceable` files give way to entries of the same
  // name in later files. Entries without launch, end of sale, cores or speed
  // (as `cpu import` writes them) get defaults, listed in warnings().
  static Catalog load(const std::vector<SourceFile>& files, size_t replaceable = 0);
  // The catalog compiled into evcsim.
  static const Catalog& builtin();
  // The built-in catalog extended by every *.textproto file of a directory,
  // in name order; an entry named like a built-in one replaces it.
  static Catalog load_directory(const std::string& dir);

  const std::vector<std::string>& warnings() const { return warnings_; }

  const std::vector<CpuModel>& cpus() const { return cpus_; }
  const std::vector<Baseline>& baselines() const { return baselines_; }

  // By catalog name, code name or SKU (case-insensitive; "E5310", "Xeon E5310",
  // "e5-2680 v2" and "EPYC 7742" all work). nullptr when nothing matches.
  // Also a brand string as hosts report it ("Intel(R) Xeon(R) Gold 6148 CPU @
  // 2.40GHz", "AMD EPYC 7502 32-Core Processor"), by SKU family
  // (cpu/brand_string.hpp).
  const CpuModel* find_cpu(std::string_view query) const;
  // Up to `n` catalog names and SKUs nearest to `query` (for error messages).
  std::vector<std::string> nearest_cpus(std::string_view query, size_t n = 3) const;
  const Baseline* find_baseline(std::string_view name) const;
  // The same, throwing InputError with the known names listed.
  const Baseline& baseline(std::string_view name) const;

 private:
  std::vector<CpuModel> cpus_;
  std::vector<Baseline> baselines_;
  std::vector<std::string> warnings_;
};

std::vector<SourceFile> builtin_catalog_files();  // generated at build time

}  // namespace evcsim
