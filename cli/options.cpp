#include <cmath>
#include <string>

#include "base/text_util.hpp"
#include "cli/commands.hpp"

namespace evcsim::cli {

const CLI::Validator& finite_number() {
  static const CLI::Validator v(
      [](std::string& s) -> std::string {
        try {
          size_t used = 0;
          const double x = std::stod(s, &used);
          if (used == s.size() && std::isfinite(x)) return "";
        } catch (const std::exception&) {
        }
        return "'" + s + "' is not a finite number";
      },
      "FINITE");
  return v;
}

const CLI::Validator& non_negative_integer() {
  static const CLI::Validator v(
      [](std::string& s) -> std::string {
        return parse_uint(s) ? std::string() : "'" + s + "' is not a whole number 0 or above";
      },
      "UINT");
  return v;
}

}  // namespace evcsim::cli
