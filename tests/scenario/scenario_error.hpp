// The error a scenario text gives when loaded as s.textproto, or "no error".
#pragma once

#include <string>

#include "base/error.hpp"
#include "catalog/catalog.hpp"
#include "scenario/scenario.hpp"

namespace evcsim::test {

inline std::string scenario_error(const std::string& text) {
  try {
    parse_scenario(text, "s.textproto", Catalog::builtin());
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace evcsim::test
