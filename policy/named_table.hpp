// The four policy families (masking, placement, procurement, baseline) are
// each one explicit name -> factory table of NamedEntry, keyed by the names
// scenario files use. An entry gives the policy's name once (a policy's
// name() is its entry's, set by make_named), the scenario settings it reads
// (scenario loading warns about a setting no chosen policy reads) and a
// check of them, so scenario loading asks the table instead of naming
// policies. No self-registration: a table is a plain array in its family's
// <family>_policy.cpp.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "base/error.hpp"

namespace evcsim {

// What every policy of a family shares: its name, from its table entry.
class NamedPolicy {
 public:
  std::string_view name() const { return name_; }
  // Called by make_named with the entry's name; nothing else names a policy.
  void name_from_table(std::string_view name) { name_ = name; }

 protected:
  NamedPolicy() = default;
  ~NamedPolicy() = default;

 private:
  std::string_view name_;
};

template <class Base, class... Args>
struct NamedEntry {
  std::string_view name;                   // as scenario files write it
  std::unique_ptr<Base> (*make)(Args...);  // the factory, in the policy's own file
  // The scenario settings this policy reads beyond its name, as field names
  // separated by spaces ("default_mask mask"); "" for none.
  std::string_view reads = {};
  // Why the settings do not suit the policy, or "" when they do; nullptr: any do.
  std::string (*validate)(Args...) = nullptr;

  bool reads_setting(std::string_view field) const {
    for (size_t at = 0; at < reads.size();) {
      size_t end = reads.find(' ', at);
      if (end == std::string_view::npos) end = reads.size();
      if (reads.substr(at, end - at) == field) return true;
      at = end + 1;
    }
    return false;
  }
};

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

// The policy `entry` makes from `args`, named after its entry.
template <class Entry, class... Args>
auto make_entry(const Entry& entry, Args&&... args) {
  auto policy = entry.make(std::forward<Args>(args)...);
  policy->name_from_table(entry.name);
  return policy;
}

// The entry's policy made with `args`; InputError listing the known names
// ("'x' is not a, b or c") when there is none.
template <class Entry, class... Args>
auto make_named(std::span<const Entry> table, std::string_view name, Args&&... args) {
  if (const Entry* e = find_named(table, name)) return make_entry(*e, std::forward<Args>(args)...);
  throw InputError(fmt::format("'{}' is not {}", name, names_of(table)));
}

// What the entry named `name` says of `args` ("" when it accepts them or
// has no check); "" for an unknown name (make_named reports those).
template <class Entry, class... Args>
std::string validate_named(std::span<const Entry> table, std::string_view name, Args&&... args) {
  const Entry* e = find_named(table, name);
  return e && e->validate ? e->validate(std::forward<Args>(args)...) : std::string();
}

}  // namespace evcsim
