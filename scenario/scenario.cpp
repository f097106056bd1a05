#include "scenario/scenario.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace evcsim {

std::string_view detection_name(Detection d) {
  switch (d) {
    case Detection::cpuid:
      return "cpuid";
    case Detection::probe:
      return "probe";
    case Detection::fixed:
      return "fixed";
  }
  return "cpuid";
}

std::string_view op_kind_name(OpKind k) {
  switch (k) {
    case OpKind::migrate:
      return "migrate";
    case OpKind::cold_migrate:
      return "cold_migrate";
    case OpKind::power_on:
      return "power_on";
    case OpKind::power_off:
      return "power_off";
    case OpKind::reboot:
      return "reboot";
    case OpKind::power_cycle:
      return "power_cycle";
    case OpKind::set_mask:
      return "set_mask";
    case OpKind::add_host:
      return "add_host";
    case OpKind::remove_host:
      return "remove_host";
    case OpKind::set_baseline:
      return "set_baseline";
    case OpKind::maintenance:
      return "maintenance";
    case OpKind::exit_maintenance:
      return "exit_maintenance";
    case OpKind::fail_host:
      return "fail_host";
    case OpKind::update_hosts:
      return "update_hosts";
    case OpKind::upgrade_os:
      return "upgrade_os";
  }
  return "?";
}

YearMonth date_at(const YearMonth& start, double t) {
  int months = static_cast<int>(std::floor(t / (86400.0 * 365.25 / 12)));
  int idx = start.index() + std::max(0, months);
  return YearMonth{idx / 12, idx % 12 + 1};
}

std::string ScenarioSpec::date(double t) const { return calendar ? calendar_date(start_date, t) : std::string(); }

const std::string& ScenarioSpec::host_name(int h) const {
  const auto i = static_cast<size_t>(h);
  return i < bought_.size() && !bought_[i].name.empty() ? bought_[i].name : hosts[i].name;
}

const CpuModel* ScenarioSpec::host_part(int h) const {
  const auto i = static_cast<size_t>(h);
  return i < bought_.size() && bought_[i].part ? bought_[i].part.get() : hosts[i].cpu.get();
}

void ScenarioSpec::name_bought_host(int h, std::string name, std::shared_ptr<const CpuModel> part) const {
  if (bought_.size() < hosts.size()) bought_.resize(hosts.size());
  bought_[static_cast<size_t>(h)] = {std::move(name), std::move(part)};
}

void ScenarioSpec::clear_bought_hosts() const { bought_.clear(); }

std::string ExpectationSpec::text() const {
  return expected_name.empty() ? fmt::format("{} {} {}", metric, op, value)
                               : fmt::format("{} {} \"{}\"", metric, op, expected_name);
}

}  // namespace evcsim
