// The chart scripts the HTML reports inline: Vega, Vega-Lite and vega-embed's
// prebuilt browser bundles (npm, pinned by third_party/vega/package-lock.json,
// installed by setup.sh), embedded in the binary at build time
// (cmake/embed_vega.cmake). About 850 kB: only reports/vega_chart.cpp includes this.
#pragma once

#include <string_view>

namespace evcsim {

// Three <script> elements, ready to paste into a page's <head>.
std::string_view vega_scripts();

}  // namespace evcsim
