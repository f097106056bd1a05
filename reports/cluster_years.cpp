#include "reports/cluster_years.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "base/year_month.hpp"
#include "scenario/metrics.hpp"

namespace evcsim {

namespace {
constexpr double kYear = 365.25 * 86400;
}

double ClusterYear::outage_total() const {
  double sum = 0;
  for (const auto& [cause, minutes] : outage_minutes) sum += minutes;
  return sum;
}

double ClusterYear::vmotions_total() const {
  double sum = 0;
  for (const auto& [cause, n] : vmotions) sum += n;
  return sum;
}

ClusterYears::ClusterYears(const ScenarioSpec& spec)
    : spec_(spec),
      first_year_(spec.calendar ? spec.start_date.year : 1),
      outage_causes_(family_suffixes("outage_minutes.")),
      vmotion_causes_(family_suffixes("vmotions.")) {
  // Year ends up to the first past the horizon.
  do next_starts_.push_back(year_end(first_year_ + static_cast<int>(next_starts_.size())));
  while (next_starts_.back() <= spec_.horizon_s);
}

double ClusterYears::year_end(int year) const {
  const size_t i = static_cast<size_t>(year - first_year_);
  if (year >= first_year_ && i < next_starts_.size()) return next_starts_[i];
  if (!spec_.calendar) return (year - first_year_ + 1) * kYear;
  return seconds_at(spec_.start_date, fmt::format("{:04d}-01", year + 1));
}

int ClusterYears::year_of(double t) const {
  // The run's last instant closes its last year: a run to 2018-01-01 has
  // no 2018 (the retirements due that instant are 2017's).
  if (t == spec_.horizon_s && t > 0) t = std::nextafter(t, 0.0);
  if (t < next_starts_.back())
    return first_year_ +
           static_cast<int>(std::upper_bound(next_starts_.begin(), next_starts_.end(), t) - next_starts_.begin());
  int year = first_year_ + static_cast<int>(next_starts_.size());  // past the table (after the horizon)
  while (t >= year_end(year)) ++year;
  return year;
}

ClusterYear& ClusterYears::row(int cluster, int year) {
  auto [it, fresh] = rows_.try_emplace({cluster, year});
  if (fresh) {
    for (const auto& c : outage_causes_) it->second.outage_minutes[c] = 0;
    for (const auto& c : vmotion_causes_) it->second.vmotions[c] = 0;
  }
  return it->second;
}

void ClusterYears::add_outage(int cluster, std::string_view cause, double from_t, double s) {
  if (std::find(outage_causes_.begin(), outage_causes_.end(), cause) == outage_causes_.end())
    throw std::logic_error(fmt::format("'{}' is not an outage cause (outage_minutes.<cause>)", cause));
  const std::string key(cause);
  for (double t = from_t, left = s; left > 0;) {
    const int year = year_of(t);
    const double part = std::min(left, year_end(year) - t);
    row(cluster, year).outage_minutes[key] += part / 60;
    t += part;
    left -= part;
  }
}

void ClusterYears::add_vmotion(int cluster, std::string_view cause, double t) {
  if (std::find(vmotion_causes_.begin(), vmotion_causes_.end(), cause) == vmotion_causes_.end())
    throw std::logic_error(fmt::format("'{}' is not a vMotion cause (vmotions.<cause>)", cause));
  row(cluster, year_of(t)).vmotions[std::string(cause)] += 1;
}

void ClusterYears::add_hosts(int cluster, int hosts, double from_t, double to_t) {
  if (hosts <= 0) return;
  for (double t = from_t; t < to_t;) {
    const int year = year_of(t);
    const double end = std::min(to_t, year_end(year));
    row(cluster, year).host_years += hosts * (end - t) / kYear;
    t = end;
  }
}

}  // namespace evcsim
