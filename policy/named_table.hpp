// Lookups in the explicit name -> factory tables of the policy families
// (masking, placement, procurement, baseline): entries have a `name`.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "base/error.hpp"

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

// The entry's factory called with `args`; InputError listing the known names
// ("'x' is not a, b or c") when there is none.
template <class Entry, class... Args>
auto make_named(std::span<const Entry> table, std::string_view name, Args&&... args) {
  if (const Entry* e = find_named(table, name)) return e->make(std::forward<Args>(args)...);
  throw InputError(fmt::format("'{}' is not {}", name, names_of(table)));
}

}  // namespace evcsim
