// Whether a CPU name is one the catalog lists, or only matches a generation.
#pragma once

#include <string_view>

#include "catalog/catalog.hpp"

namespace evcsim {

// Whether `query` names a catalog entry or one of its listed SKUs (also inside
// a brand string), rather than matching a generation only by the vendors'
// numbering ("Xeon Gold 6199": skylake-sp by Intel's numbering, no such SKU listed).
bool catalog_lists(const Catalog& catalog, std::string_view query);

}  // namespace evcsim
