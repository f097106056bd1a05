// Times: the start date, seconds / dates / durations, report sampling.
#include "scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "catalog/hypervisor_support.hpp"
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

void Loader::load_hypervisor() {
  if (!msg_.has_hypervisor()) return;
  const auto& h = msg_.hypervisor();
  const Tree* t = file_.nested(msg_, "hypervisor", -1);
  for (auto [field, value] : {std::pair{"esxi", &h.esxi()}, std::pair{"upgrade_to", &h.upgrade_to()}}) {
    if (value->empty()) continue;
    try {
      (void)compare_esxi(*value, *value);
    } catch (const InputError& e) {
      fail(h, field, t, -1, e.message());
    }
  }
  spec_.hypervisor.esxi = h.esxi();
  spec_.hypervisor.upgrade_to = h.upgrade_to();
  if (!h.esxi().empty()) {
    std::map<std::string, int> refused;  // why -> hosts at the start the release refuses
    for (size_t k = 0; k < spec_.hosts.size(); ++k)
      if (spec_.host_present_at_start[k] && spec_.hosts[k].cpu) {
        const SupportAnswer a = esxi_support(*spec_.hosts[k].cpu, h.esxi());
        if (a.status == Support::unsupported) ++refused[a.why];
      }
    for (const auto& [why, n] : refused)
      warn(h, "esxi", t, fmt::format("{} host(s) at the start run a release that refuses them: {}", n, why));
  }
  auto at =
      time_of(h, t, "upgrade_at_s", h.upgrade_at_s(), "upgrade_date", h.upgrade_date(), "upgrade_at", h.upgrade_at());
  if (at.has_value() != !h.upgrade_to().empty())
    fail(
        h, at ? "upgrade_to" : "upgrade_date", t, -1,
        at ? "an upgrade time needs upgrade_to, the release" : "upgrade_to needs its time: upgrade_date or upgrade_at");
  if (at && (*at < 0 || *at > spec_.horizon_s))
    fail(h, "upgrade_date", t, -1, fmt::format("the upgrade at {} is outside the run", when(*at)));
  if (at && !h.esxi().empty() && compare_esxi(h.upgrade_to(), h.esxi()) <= 0)
    fail(h, "upgrade_to", t, -1, fmt::format("{} is not later than {}", h.upgrade_to(), h.esxi()));
  if (at) spec_.hypervisor.upgrade_at_s = *at;
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
