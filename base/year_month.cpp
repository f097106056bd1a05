#include "base/year_month.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"

namespace evcsim {

std::string YearMonth::str() const { return fmt::format("{:04d}-{:02d}", year, month); }

YearMonth parse_year_month(std::string_view text) {
  auto t = trim(text);
  auto y = t.size() == 7 && t[4] == '-' ? parse_uint(t.substr(0, 4)) : std::nullopt;
  auto m = t.size() == 7 ? parse_uint(t.substr(5, 2)) : std::nullopt;
  YearMonth ym{y ? static_cast<int>(*y) : 0, m ? static_cast<int>(*m) : 0};
  if (!y || !m || !ym.valid()) throw InputError(fmt::format("'{}' is not a month as YYYY-MM", text));
  return ym;
}

namespace {

// Days since 1970-01-01 of a civil date, and back (the usual era arithmetic:
// 400-year cycles of 146097 days, years starting in March).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = yoe + era * 400 + (m <= 2);
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

std::string calendar_date(const YearMonth& start, double t) {
  int64_t days = days_from_civil(start.year, start.month, 1) + static_cast<int64_t>(std::floor(t / 86400.0));
  int64_t y = 0;
  int m = 0, d = 0;
  civil_from_days(days, y, m, d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

double seconds_at(const YearMonth& start, std::string_view date) {
  auto t = trim(date);
  int day = 1;
  YearMonth ym;
  try {
    if (t.size() == 10 && t[7] == '-') {
      auto d = parse_uint(t.substr(8, 2));
      if (!d) throw InputError("");
      day = static_cast<int>(*d);
      ym = parse_year_month(t.substr(0, 7));
    } else {
      ym = parse_year_month(t);
    }
  } catch (const InputError&) {
    throw InputError(fmt::format("'{}' is not a date as YYYY-MM-DD or YYYY-MM", date));
  }
  static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int last = month_days[ym.month - 1] + (ym.month == 2 && leap(ym.year));
  if (day < 1 || day > last) throw InputError(fmt::format("'{}' is not a date: {} has {} days", date, ym.str(), last));
  return 86400.0 *
         static_cast<double>(days_from_civil(ym.year, ym.month, day) - days_from_civil(start.year, start.month, 1));
}

namespace {

struct DurationUnit {
  std::string_view name;
  double seconds;
};
constexpr double kYear = 365.25 * 86400;
constexpr DurationUnit kUnits[] = {
    {"y", kYear}, {"mo", kYear / 12}, {"w", 7 * 86400.0}, {"d", 86400}, {"h", 3600}, {"min", 60}, {"s", 1}};

}  // namespace

double parse_duration(std::string_view text) {
  auto t = trim(text);
  size_t split = t.find_first_not_of("0123456789.");
  std::string number(t.substr(0, split));
  std::string_view unit = split == std::string_view::npos ? std::string_view("s") : trim(t.substr(split));
  double value = 0;
  bool ok = !number.empty() && number.find('.') == number.rfind('.');
  if (ok) {
    try {
      size_t used = 0;
      value = std::stod(number, &used);
      ok = used == number.size() && std::isfinite(value);
    } catch (const std::exception&) {
      ok = false;
    }
  }
  for (const auto& u : kUnits)
    if (ok && unit == u.name) return value * u.seconds;
  throw InputError(
      fmt::format("'{}' is not a duration: a number and a unit (y, mo, w, d, h, min, s), e.g. \"5y\" or "
                  "\"90d\"",
                  text));
}

std::string duration_text(double seconds) {
  for (const auto& u : kUnits) {
    double n = seconds / u.seconds;
    if (u.seconds > 1 && n >= 1 && std::abs(n - std::round(n)) < 1e-9)
      return fmt::format("{}{}", std::round(n), u.name);
  }
  return fmt::format("{} s", seconds);
}

}  // namespace evcsim
