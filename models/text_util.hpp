// Small string helpers shared by the parsers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evcsim {

std::string_view trim(std::string_view s);
std::string to_lower(std::string_view s);
bool iequals(std::string_view a, std::string_view b);
bool starts_with_ci(std::string_view s, std::string_view prefix);
std::vector<std::string_view> split_ws(std::string_view s);
// Parses hex digits (an optional 0x prefix allowed); nullopt unless the whole
// text is 1..8 hex digits.
std::optional<uint32_t> parse_hex32(std::string_view s);
// Parses a non-negative decimal integer; nullopt unless the whole text is digits.
std::optional<uint64_t> parse_uint(std::string_view s);
std::string hex32(uint32_t v);  // "0000641D"

}  // namespace evcsim
