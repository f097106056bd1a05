#include "models/year_month.hpp"

#include <fmt/format.h>

#include "models/error.hpp"
#include "models/text_util.hpp"

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

}  // namespace evcsim
