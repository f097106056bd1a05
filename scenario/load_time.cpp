// Times: the start date, seconds / dates / durations, report sampling.
#include "scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "cpu/feature_registry.hpp"
#include "interop/importers.hpp"
#include "policy/baseline/baseline_policy.hpp"
#include "policy/codes.hpp"
#include "policy/masking/masking_policy.hpp"
#include "policy/named_table.hpp"
#include "policy/placement/placement_policy.hpp"
#include "policy/procurement/procurement_policy.hpp"
#include "scenario/metrics.hpp"

namespace evcsim::loading {

std::string Loader::when(double t) const { return spec_.calendar ? spec_.date(t) : fmt::format("{} s", t); }

void Loader::load_start_date() {
  if (msg_.start_date().empty()) return;
  try {
    spec_.start_date = parse_year_month(msg_.start_date());
  } catch (const InputError& e) {
    fail(msg_, "start_date", nullptr, -1, e.message());
  }
  spec_.calendar = true;
}

std::optional<double> Loader::time_of(const google::protobuf::Message& m, const Tree* t, std::string_view seconds_field,
                                      double seconds, std::string_view date_field, const std::string& date,
                                      std::string_view duration_field, const std::string& duration) const {
  bool has_seconds = seconds != 0 || file_.line(m, seconds_field, -1, t) > 0;
  int given = has_seconds + !date.empty() + !duration.empty();
  if (given > 1) {
    std::vector<std::string_view> fields = {seconds_field};
    for (auto f : {date_field, duration_field})
      if (!f.empty()) fields.push_back(f);
    std::string names(fields[0]);
    for (size_t i = 1; i < fields.size(); ++i)
      names += fmt::format("{}{}", i + 1 == fields.size() ? " or " : ", ", fields[i]);
    fail(m, !date.empty() && has_seconds ? date_field : duration_field, t, -1,
         fmt::format("give one of {}, not {}", names, given == 3 ? "all three" : "two"));
  }
  try {
    if (!date.empty()) {
      if (!spec_.calendar)
        fail(m, date_field, t, -1,
             fmt::format("a date needs the scenario's start_date (\"YYYY-MM\", the day the run starts)"));
      return seconds_at(spec_.start_date, date);
    }
    if (!duration.empty()) return parse_duration(duration);
  } catch (const InputError& e) {
    fail(m, date.empty() ? duration_field : date_field, t, -1, e.message());
  }
  if (has_seconds) return seconds;
  return std::nullopt;
}

void Loader::load_report_settings() {
  const auto& r = msg_.report();
  const Tree* t = file_.nested(msg_, "report", -1);
  auto interval =
      time_of(r, t, "sample_interval_s", r.sample_interval_s(), "", "", "sample_interval", r.sample_interval());
  if (interval) {
    positive(r, r.sample_interval().empty() ? "sample_interval_s" : "sample_interval", t, *interval, false);
    at_most(r, r.sample_interval().empty() ? "sample_interval_s" : "sample_interval", t, spec_.horizon_s / *interval,
            1e6, "samples of the time series");
  }
  spec_.sample_interval_s = interval ? *interval : std::max(1.0, spec_.horizon_s / 100);
  auto graph_at = [&](double at, const char* field, int i) {
    if (at < 0 || at > spec_.horizon_s)
      fail(r, field, t, i, fmt::format("{} is outside the run ({} to {})", when(at), when(0), when(spec_.horizon_s)));
    spec_.graph_at_s.push_back(at);
  };
  for (int i = 0; i < r.graph_at_s_size(); ++i) graph_at(r.graph_at_s(i), "graph_at_s", i);
  for (int i = 0; i < r.graph_at_date_size(); ++i) {
    if (!spec_.calendar)
      fail(r, "graph_at_date", t, i, "a date needs the scenario's start_date (\"YYYY-MM\", the day the run starts)");
    try {
      graph_at(seconds_at(spec_.start_date, r.graph_at_date(i)), "graph_at_date", i);
    } catch (const InputError& e) {
      fail(r, "graph_at_date", t, i, e.message());
    }
  }
  if (spec_.graph_at_s.empty()) spec_.graph_at_s = {0, spec_.horizon_s};
  std::sort(spec_.graph_at_s.begin(), spec_.graph_at_s.end());
}

}  // namespace evcsim::loading
