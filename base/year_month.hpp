// A calendar month, the precision of launch and end-of-sale dates.
#pragma once

#include <compare>
#include <string>
#include <string_view>

namespace evcsim {

struct YearMonth {
  int year = 0;
  int month = 0;  // 1..12
  auto operator<=>(const YearMonth&) const = default;
  bool valid() const { return year > 0 && month >= 1 && month <= 12; }
  int index() const { return year * 12 + (month - 1); }
  std::string str() const;  // "2006-11"
};

// Parses "YYYY-MM"; throws InputError otherwise.
YearMonth parse_year_month(std::string_view text);

// Calendar days: `t` simulated seconds after the first day of `start`, as
// "YYYY-MM-DD" (the proleptic Gregorian calendar).
std::string calendar_date(const YearMonth& start, double t);
// The simulated second at which "YYYY-MM-DD" (or "YYYY-MM": its first day)
// begins, counted from the first day of `start` (negative before it);
// throws InputError for anything else.
double seconds_at(const YearMonth& start, std::string_view date);
// A duration as a number and a unit -- "5y", "18mo", "2w", "90d", "12h",
// "30min", "45s", "1.5y" (a year is 365.25 days, a month a twelfth of a year)
// -- or a bare number of seconds; throws InputError for anything else.
double parse_duration(std::string_view text);
// A duration in the largest unit it is a whole multiple of: "2y", "90d", "300 s".
std::string duration_text(double seconds);

}  // namespace evcsim
