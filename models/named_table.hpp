// Lookups in the explicit name -> factory tables of the policy families
// (masking, placement, procurement, baseline): entries have a `name`.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace evcsim {

template <class Entry>
const Entry* find_named(std::span<const Entry> table, std::string_view name) {
  for (const Entry& e : table)
    if (e.name == name) return &e;
  return nullptr;
}

// "a, b or c"
template <class Entry>
std::string names_of(std::span<const Entry> table) {
  std::string out;
  for (size_t i = 0; i < table.size(); ++i)
    out += (i == 0 ? "" : i + 1 == table.size() ? " or " : ", ") + std::string(table[i].name);
  return out;
}

}  // namespace evcsim
