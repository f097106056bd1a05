// The results of the `evcsim cpu` tools as protobuf messages
// (reports/cpu_report.proto), and their two renderings: text for people,
// JSON (protobuf's JSON mapping) for programs. The CLI only parses arguments.
#pragma once

#include "base/json.hpp"  // to_json for --format json

#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.hpp"
#include "cpu/cpuid.hpp"
#include "cpu/register_mask.hpp"
#include "interop/importers.hpp"
#include "reports/cpu_report.pb.h"

namespace evcsim {

report::CpuSummary summarize_cpu(const CpuModel& m);
report::CpuList list_cpus(const Catalog& catalog);
report::CpuShow show_cpu(const CpuModel& m, const Catalog& catalog);
report::CompareResult compare_report(const CpuModel& a, const CpuModel& b);
report::BaselineResult baseline_report(const std::vector<CpuModel>& cpus, const Catalog& catalog);
// REQUIRES: default_mask has no '-'. With no register, every register that differs.
report::MaskResult mask_report(const CpuModel& a, const CpuModel& b, const RegisterMask& default_mask,
                               std::optional<RegisterRef> reg);
report::ImportReport import_report(const ImportResult& imported, const std::string& path);
report::FeatureList feature_list();
report::Mode describe_mode(const Baseline& b, const Catalog& catalog);
report::ModeList list_modes(const Catalog& catalog);

std::string render_text(const report::CpuList& r);
std::string render_text(const report::CpuShow& r);
std::string render_text(const report::CompareResult& r);
std::string render_text(const report::BaselineResult& r);
std::string render_text(const report::MaskResult& r);
std::string render_text(const report::ImportReport& r);
std::string render_text(const report::FeatureList& r);
std::string render_text(const report::Mode& r);
std::string render_text(const report::ModeList& r);

}  // namespace evcsim
