// Small string helpers shared by the parsers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// Levenshtein distance (insertions, deletions, substitutions).
size_t edit_distance(std::string_view a, std::string_view b);
// The `n` names with the lowest scores, best first (ties keep their order).
std::vector<std::string> best_scored(std::vector<std::pair<size_t, std::string>> scored, size_t n);
// Up to `n` of `names` nearest to `query` by edit distance, case-insensitive.
std::vector<std::string> nearest_names(std::string_view query, const std::vector<std::string>& names, size_t n = 3);

// A number for people: fixed notation with thousands separators, with
// `decimals` digits after the point ("12,345.6"); -0 prints as 0.
std::string grouped(double v, int decimals);
// The decimals a value deserves in a table: 0 from 100 up, 1 from 10, 2 from
// 1, 3 below (so 5180 -> "5,180", 0.1432 -> "0.143").
int table_decimals(double v);

// The inside of a double-quoted string as protobuf's text format and
// Graphviz's DOT read it: a quote or a backslash escaped, a newline as \n.
std::string backslash_escaped(std::string_view s);
// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code
// points past U+10FFFF).
bool valid_utf8(std::string_view s);
// A CSV field, quoted when it holds a comma, a quote or a newline (RFC 4180).
std::string csv_field(const std::string& s);

}  // namespace evcsim
