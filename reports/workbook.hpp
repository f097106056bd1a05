// The run as one Excel workbook (`evcsim run --format xlsx` writes
// results.xlsx), written with libxlsxwriter: a summary (the scenario and
// every total), the clusters, their years, the hosts, the purchases, the
// raises, and one sheet per list (reports/named_lists.hpp). Numbers are
// numbers and dates are dates (with a calendar; else times are seconds);
// each header row is bold and frozen; column widths follow the content.
#pragma once

#include <string>
#include <vector>

#include "reports/results.pb.h"

namespace evcsim {

// One cell: text, a number or a date ("YYYY-MM-DD"); empty text is a blank cell.
struct SheetCell {
  enum class Kind { text, number, date } kind = Kind::text;
  std::string text;  // text, and the date
  double number = 0;
};

struct Sheet {
  std::string name;  // at most 31 characters, none of []:*?/\ (Excel's rule)
  std::vector<std::string> header;
  std::vector<std::vector<SheetCell>> rows;
};

// The sheets of the workbook, in order (what write_workbook writes; a test
// or another writer can read them).
std::vector<Sheet> workbook_sheets(const report::RunResults& r, const report::NamedLists& lists);

// Writes the sheets to `path` (the run folder's staging path: the folder's
// commit puts it in place). Throws InputError naming the path when
// libxlsxwriter cannot write it.
void write_workbook(const std::vector<Sheet>& sheets, const std::string& path);

}  // namespace evcsim
