#include "plan/costs.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "base/textproto.hpp"
#include "catalog/catalog.hpp"
#include "policy/procurement/procurement_policy.hpp"
#include "scenario/scenario.pb.h"

namespace evcsim::plan {

namespace {

constexpr double kHoursPerYear = 365.25 * 24;

// A number of the `costs` block: positive (or zero where `zero_ok`) and finite.
void check(double v, const std::string& field, const std::string& file, bool zero_ok = true) {
  if (!std::isfinite(v) || v < 0 || (!zero_ok && v == 0))
    throw InputError(fmt::format("{} must be a finite number {} 0", v, zero_ok ? ">=" : ">"), file, 0, field);
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\"");
  const auto e = s.find_last_not_of(" \t\r\"");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

CostModel CostModel::from(const scenario::Costs& c, const std::string& scenario_file) {
  CostModel m;
  const std::string& f = scenario_file;
  if (c.usd_per_host() > 0) check(c.usd_per_host(), "costs.usd_per_host", f), m.usd_per_host = c.usd_per_host();
  if (c.usd_per_core() > 0) check(c.usd_per_core(), "costs.usd_per_core", f), m.usd_per_core = c.usd_per_core();
  if (c.usd_per_gib() > 0) check(c.usd_per_gib(), "costs.usd_per_gib", f), m.usd_per_gib = c.usd_per_gib();
  check(c.usd_per_host(), "costs.usd_per_host", f);
  check(c.usd_per_core(), "costs.usd_per_core", f);
  check(c.usd_per_gib(), "costs.usd_per_gib", f);
  check(c.pue(), "costs.pue", f);
  if (c.pue() > 0 && c.pue() < 1)
    throw InputError("a PUE is at least 1 (facility power / IT power)", f, 0, "costs.pue");
  if (c.pue() > 0) m.pue = c.pue();
  check(c.usd_per_kwh(), "costs.usd_per_kwh", f);
  if (c.usd_per_kwh() > 0) m.usd_per_kwh = c.usd_per_kwh();
  check(c.host_base_w(), "costs.host_base_w", f);
  if (c.host_base_w() > 0) m.host_base_w = c.host_base_w();
  check(c.cpu_load(), "costs.cpu_load", f);
  if (c.cpu_load() > 1) throw InputError("cpu_load is a share of TDP: 0..1", f, 0, "costs.cpu_load");
  if (c.cpu_load() > 0) m.cpu_load = c.cpu_load();
  check(c.w_per_gib(), "costs.w_per_gib", f);
  if (c.w_per_gib() > 0) m.w_per_gib = c.w_per_gib();
  const Catalog& cat = Catalog::builtin();
  auto part_name = [&](const std::string& q, const std::string& file, int line, const std::string& field) {
    const CpuModel* p = cat.find_cpu(q);
    if (!p) throw InputError(fmt::format("unknown CPU '{}' (`evcsim cpus` lists the catalog)", q), file, line, field);
    return p->name;
  };
  if (!c.price_list().empty()) {
    namespace fs = std::filesystem;
    fs::path path = c.price_list();
    if (path.is_relative()) path = fs::path(scenario_file).parent_path() / path;
    std::string text;
    try {
      text = read_file(path.string());
    } catch (const InputError& e) {
      throw InputError(e.message(), f, 0, "costs.price_list");
    }
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (trim(line).empty() || trim(line)[0] == '#') continue;
      const auto comma = line.rfind(',');
      if (comma == std::string::npos)
        throw InputError("expected 'part,price' (USD per two-socket host)", path.string(), n, "price");
      const std::string part = trim(line.substr(0, comma)), price = trim(line.substr(comma + 1));
      double v = 0;
      try {
        size_t used = 0;
        v = std::stod(price, &used);
        if (used != price.size()) throw std::invalid_argument(price);
      } catch (const std::exception&) {
        if (n == 1) continue;  // a header
        throw InputError(fmt::format("'{}' is not a price in USD", price), path.string(), n, "price");
      }
      if (!std::isfinite(v) || v <= 0) throw InputError("a price is > 0", path.string(), n, "price");
      m.part_price[part_name(part, path.string(), n, "part")] = v;
    }
  }
  for (const auto& p : c.part()) {
    const std::string name = part_name(p.cpu(), f, 0, "costs.part.cpu");
    check(p.price_usd(), "costs.part.price_usd", f);
    check(p.tdp_w(), "costs.part.tdp_w", f);
    if (p.price_usd() > 0) m.part_price[name] = p.price_usd();
    if (p.tdp_w() > 0) m.part_tdp[name] = p.tdp_w();
  }
  const auto& l = c.licensing();
  if (l.model() == "per-socket") m.licensing = Licensing::per_socket;
  else if (l.model() == "none") m.licensing = Licensing::none;
  else if (l.model() == "per-core") m.licensing = Licensing::per_core;
  else if (!l.model().empty() && l.model() != "by-date")
    throw InputError(fmt::format("unknown licensing model '{}': by-date, per-core, per-socket or none", l.model()), f,
                     0, "costs.licensing.model");
  check(l.usd_per_core_year(), "costs.licensing.usd_per_core_year", f);
  check(l.usd_per_socket_year(), "costs.licensing.usd_per_socket_year", f);
  if (l.usd_per_core_year() > 0) m.usd_per_core_year = l.usd_per_core_year();
  if (l.usd_per_socket_year() > 0) m.usd_per_socket_year = l.usd_per_socket_year();
  if (l.min_cores_per_cpu() > 0) m.min_cores_per_cpu = static_cast<int>(l.min_cores_per_cpu());
  if (l.min_cores_per_order() > 0) m.min_cores_per_order = static_cast<int>(l.min_cores_per_order());
  if (l.cores_per_socket_license() > 0) m.cores_per_socket_license = static_cast<int>(l.cores_per_socket_license());

  // What is in force, with sources: the plan's reports print these.
  auto& a = m.assumptions;
  a.push_back(m.part_price.empty()
                  ? fmt::format("hardware: a bought two-socket host costs ${} + ${} per core + ${} per GiB of RAM, "
                                "x up to 1.6 for a part in its first two years (an estimate, no public price list; "
                                "give costs {{ price_list }} or costs {{ part {{ cpu price_usd }} }})",
                                grouped(m.usd_per_host, 0), grouped(m.usd_per_core, 0), grouped(m.usd_per_gib, 0))
                  : fmt::format("hardware: {} part(s) priced by the scenario; others ${} + ${} per core + ${} per "
                                "GiB (estimate)",
                                m.part_price.size(), grouped(m.usd_per_host, 0), grouped(m.usd_per_core, 0),
                                grouped(m.usd_per_gib, 0)));
  if (m.licensing == Licensing::by_date)
    a.push_back(fmt::format(
        "licensing by date: before 2024 per CPU, ${} per CPU-year (an estimate of a perpetual license's "
        "support and subscription), one license per CPU, from April 2020 one per {} cores of a CPU (VMware's "
        "per-CPU rule of 2020); from 2024 per physical core, subscription, ${} per core-year, every CPU counted as at "
        "least {} cores (Broadcom's VCF/VVF subscriptions), {} cores at least per order from April 2025 (list price "
        "and order minimum from public licensing guides, 2026: secondary sources)",
        grouped(m.usd_per_socket_year, 0), m.cores_per_socket_license, grouped(m.usd_per_core_year, 0),
        m.min_cores_per_cpu, m.min_cores_per_order));
  else if (m.licensing == Licensing::per_core)
    a.push_back(fmt::format(
        "licensing: per physical core, subscription, ${} per core-year, every CPU counted as at least {} cores, "
        "{} cores at least per order (VMware by Broadcom VCF/VVF rules since April 2025; list price from public "
        "licensing guides, 2026: secondary sources)",
        grouped(m.usd_per_core_year, 0), m.min_cores_per_cpu, m.min_cores_per_order));
  else if (m.licensing == Licensing::per_socket)
    a.push_back(
        fmt::format("licensing: per CPU (legacy), ${} per CPU-year, one license per {} cores of a CPU "
                    "(the 2020 per-CPU rule; the price an estimate)",
                    grouped(m.usd_per_socket_year, 0), m.cores_per_socket_license));
  else a.emplace_back("licensing: none");
  a.push_back(fmt::format(
      "power: a host draws {} W + CPUs at {}% of TDP + {} W per GiB (estimates), x PUE {} (Uptime Institute "
      "global average, 2023), at ${} per kWh (US commercial average, EIA Electric Power Monthly, 2024); TDP per "
      "socket is the scenario's or an estimate by launch year ({}), scaled by the square root of a CPU's share of "
      "the part's cores",
      grouped(m.host_base_w, 0), grouped(m.cpu_load * 100, 0), m.w_per_gib, m.pue, m.usd_per_kwh,
      "before 2012 95 W, 2012-2016 120 W, 2017-2020 165 W, 2021-2022 250 W, 2023 on 320 W: typical two-socket "
      "virtualization SKUs, not the catalog's"));
  return m;
}

double CostModel::host_price(const CpuModel& part, int cores, double ram_gib, const YearMonth& when) const {
  if (auto it = part_price.find(part.name); it != part_price.end()) return it->second;
  return (usd_per_host + usd_per_core * cores + usd_per_gib * ram_gib) * relative_price(part, when);
}

int CostModel::licensed_cores(int sockets, int cores) const {
  sockets = std::max(1, sockets);
  const int per_cpu = (cores + sockets - 1) / sockets;
  return sockets * std::max(per_cpu, min_cores_per_cpu);
}

CostModel::Licensing CostModel::licensing_on(const YearMonth& when) const {
  if (licensing != Licensing::by_date) return licensing;
  return when < YearMonth{2024, 1} ? Licensing::per_socket : Licensing::per_core;
}

double CostModel::licensing_usd_year(int sockets, int cores, const YearMonth& when) const {
  switch (licensing_on(when)) {
    case Licensing::per_core:
      return licensed_cores(sockets, cores) * usd_per_core_year;
    case Licensing::per_socket: {
      sockets = std::max(1, sockets);
      const int per_cpu = (cores + sockets - 1) / sockets;
      // By date: the 32-core rule from April 2020 (before it one license covered a CPU).
      const bool core_rule = licensing == Licensing::per_socket || !(when < YearMonth{2020, 4});
      const int per = core_rule ? std::max(1, (per_cpu + cores_per_socket_license - 1) / cores_per_socket_license) : 1;
      return sockets * per * usd_per_socket_year;
    }
    case Licensing::by_date:
    case Licensing::none:
      return 0;
  }
  return 0;
}

double CostModel::tdp_w(const CpuModel& part) const {
  if (auto it = part_tdp.find(part.name); it != part_tdp.end()) return it->second;
  // An estimate by launch year (typical two-socket virtualization SKUs of
  // the era; the catalog has no TDP): said so in the assumptions.
  const int y = part.launch.year;
  return y < 2012 ? 95 : y < 2017 ? 120 : y < 2021 ? 165 : y < 2023 ? 250 : 320;
}

double CostModel::host_watts(const CpuModel& part, int sockets, int cores, double ram_gib) const {
  // A CPU with fewer cores than the part's typical SKU draws less: its TDP
  // scaled by the square root of its share of the cores (an estimate).
  sockets = std::max(1, sockets);
  const double share =
      part.cores_per_socket > 0 ? std::min(1.0, static_cast<double>(cores) / sockets / part.cores_per_socket) : 1.0;
  return host_base_w + cpu_load * sockets * tdp_w(part) * std::sqrt(share) + w_per_gib * ram_gib;
}

double CostModel::power_usd_year(double watts) const { return watts / 1000 * kHoursPerYear * pue * usd_per_kwh; }

std::pair<double, double> running_usd_year(const CostModel& m, const std::vector<Stint>& fleet, int cluster, int q,
                                           const YearMonth& when) {
  double licensing = 0, power = 0;
  for (const Stint& s : fleet)
    if (s.cluster == cluster && s.part && s.from <= q && q < s.to) {
      licensing += m.licensing_usd_year(s.sockets, s.cores, when);
      power += m.power_usd_year(m.host_watts(*s.part, s.sockets, s.cores, s.ram_gib));
    }
  return {licensing, power};
}

FleetCost fleet_cost(const CostModel& m, const std::vector<Stint>& fleet, const std::vector<YearMonth>& quarters) {
  FleetCost out;
  const int Q = static_cast<int>(quarters.size());
  auto year_of = [&](int q) -> CostYear& {
    const int y = quarters[static_cast<size_t>(q)].year;
    if (out.years.empty() || out.years.back().year != y) out.years.push_back({y, 0, 0, 0, 0, 0, 0, 0});
    return out.years.back();
  };
  for (int q = 0; q < Q; ++q) {
    CostYear& cy = year_of(q);
    ++cy.quarters;
    int hosts = 0, cores = 0, licensed = 0;
    double licensing = 0, watts = 0;
    for (const Stint& s : fleet) {
      if (s.from == q) cy.hardware += s.price;
      if (s.from > q || q >= s.to || !s.part) continue;
      ++hosts;
      cores += s.cores;
      licensed += m.licensed_cores(s.sockets, s.cores);
      licensing += m.licensing_usd_year(s.sockets, s.cores, quarters[static_cast<size_t>(q)]);
      watts += m.host_watts(*s.part, s.sockets, s.cores, s.ram_gib);
    }
    const YearMonth& when = quarters[static_cast<size_t>(q)];
    const bool order_minimum = m.licensing == CostModel::Licensing::per_core ||
                               (m.licensing == CostModel::Licensing::by_date && !(when < YearMonth{2025, 4}));
    if (order_minimum && hosts > 0 && licensed < m.min_cores_per_order) {
      licensing += (m.min_cores_per_order - licensed) * m.usd_per_core_year;
      licensed = m.min_cores_per_order;
    }
    cy.licensing += licensing / 4;
    cy.power += m.power_usd_year(watts) / 4;
    if (cy.hosts == 0 && cy.physical_cores == 0)
      cy.hosts = hosts, cy.physical_cores = cores, cy.licensed_cores = licensed;
    if (q == 0) out.hosts_start = hosts, out.cores_start = cores, out.licensed_start = licensed;
    if (q == Q - 1) out.hosts_end = hosts, out.cores_end = cores, out.licensed_end = licensed;
  }
  const double years = std::max(0.25, Q / 4.0);
  for (const auto& y : out.years) out.hardware += y.hardware, out.licensing += y.licensing, out.power += y.power;
  out.hardware /= years;
  out.licensing /= years;
  out.power /= years;
  return out;
}

}  // namespace evcsim::plan
