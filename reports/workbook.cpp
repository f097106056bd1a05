#include "reports/workbook.hpp"

#include <xlsxwriter.h>
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "base/error.hpp"
#include "reports/named_lists.hpp"

namespace evcsim {
namespace {

SheetCell text(std::string s) { return {SheetCell::Kind::text, std::move(s), 0}; }
SheetCell number(double v) { return {SheetCell::Kind::number, "", v}; }
SheetCell date(std::string d) { return {SheetCell::Kind::date, std::move(d), 0}; }

// A time of the run: its date with a calendar (`d`), else seconds.
SheetCell when(double t, const std::string& d) { return d.empty() ? number(t) : date(d); }

double value_of(const report::RunResults& r, const std::string& family, const std::string& key, bool last_label,
                std::string* label) {
  for (const auto& s : r.series())
    if (s.family() == family && s.key() == key && s.value_size() > 0) {
      if (label && s.label_size() > 0) *label = last_label ? s.label(s.label_size() - 1) : s.label(0);
      return s.value(s.value_size() - 1);
    }
  return 0;
}

Sheet summary(const report::RunResults& r) {
  const auto& id = r.scenario();
  Sheet s{"summary", {"item", "value"}, {}};
  auto row = [&](const char* k, SheetCell v) { s.rows.push_back({text(k), std::move(v)}); };
  row("scenario", text(id.name()));
  row("description", text(id.description()));
  row("file", text(id.file()));
  row("seed", number(static_cast<double>(id.seed())));
  row("policy", text(id.policy()));
  if (!id.start_date().empty()) {
    row("start", date(id.start_date() + "-01"));
    row("end", date(id.end_date()));
  }
  row("horizon_days", number(id.horizon_s() / 86400));
  row("hosts", number(id.hosts()));
  row("vms", number(id.vms()));
  std::map<std::string, double> totals(r.totals().begin(), r.totals().end());  // sorted by name
  for (const auto& [k, v] : totals) s.rows.push_back({text(k), number(v)});
  return s;
}

Sheet clusters(const report::RunResults& r) {
  Sheet s{"clusters",
          {"cluster", "baseline_at_start", "baseline_at_end", "baseline_features_at_end", "host_years",
           "outage_minutes", "vmotions", "vmotions_per_host_year"},
          {}};
  std::vector<std::string> names;
  for (const auto& x : r.series())
    if (x.family() == "baseline") names.push_back(x.key());
  for (const auto& y : r.cluster_years())
    if (std::find(names.begin(), names.end(), y.cluster()) == names.end()) names.push_back(y.cluster());
  for (const auto& c : names) {
    std::string first, last;
    value_of(r, "baseline", c, false, &first);
    const double features = value_of(r, "baseline", c, true, &last);
    double host_years = 0, outage = 0, vmotions = 0;
    for (const auto& y : r.cluster_years())
      if (y.cluster() == c)
        host_years += y.host_years(), outage += y.outage_minutes_total(), vmotions += y.vmotions_total();
    s.rows.push_back({text(c), text(first), text(last), number(features), number(host_years), number(outage),
                      number(vmotions), number(host_years > 0 ? vmotions / host_years : 0)});
  }
  return s;
}

Sheet cluster_years(const report::RunResults& r) {
  const std::vector<std::string> causes = {"ha_restart", "ha_waiting_for_capacity", "cold_migration", "maintenance",
                                           "power_cycle"};
  Sheet s{"cluster years", {"cluster", "year", "host_years", "outage_minutes"}, {}};
  for (const auto& c : causes) s.header.push_back("outage_minutes." + c);
  s.header.insert(s.header.end(), {"vmotions", "vmotions_per_host_year"});
  for (const auto& y : r.cluster_years()) {
    std::vector<SheetCell> row{text(y.cluster()), number(y.year()), number(y.host_years()),
                               number(y.outage_minutes_total())};
    for (const auto& c : causes) {
      auto it = y.outage_minutes().find(c);
      row.push_back(number(it == y.outage_minutes().end() ? 0 : it->second));
    }
    row.push_back(number(y.vmotions_total()));
    row.push_back(number(y.vmotions_per_host_year()));
    s.rows.push_back(std::move(row));
  }
  return s;
}

Sheet purchases(const report::RunResults& r) {
  const bool calendar = !r.scenario().start_date().empty();
  Sheet s{"purchases", {calendar ? "date" : "t_s", "cluster", "cpu", "hosts", "why"}, {}};
  for (const auto& p : r.purchases())
    s.rows.push_back({when(p.t(), p.date()), text(p.cluster()), text(p.cpu()), number(p.count()), text(p.why())});
  return s;
}

Sheet raises(const report::RunResults& r) {
  const bool calendar = !r.scenario().start_date().empty();
  const std::string suffix = calendar ? "" : "_s";
  Sheet s{"raises",
          {"cluster", "from", "to", "possible_since" + suffix, "raised_at" + suffix, "days_waited", "features_gained",
           "gained", "vms_below", "all_seen_at" + suffix, "cycles_that_picked_it_up", "locks_out"},
          {}};
  for (const auto& x : r.raises()) {
    std::string gained;
    for (const auto& g : x.gained()) gained += (gained.empty() ? "" : " ") + g;
    s.rows.push_back({text(x.cluster()), text(x.from()), text(x.to()),
                      when(x.possible_since_s(), x.possible_since_date()), when(x.raised_at_s(), x.raised_at_date()),
                      number((x.raised_at_s() - x.possible_since_s()) / 86400), number(x.gained_size()), text(gained),
                      number(x.vms_waiting()),
                      x.all_seen_at_s() >= 0 ? when(x.all_seen_at_s(), x.all_seen_at_date()) : text(""),
                      number(x.cycles_that_picked_it_up()), text(x.locks_out())});
  }
  return s;
}

Sheet list_sheet(const report::NamedList& l) {
  Sheet s{l.sheet().empty() ? l.name() : l.sheet(), {}, {}};
  for (const auto& c : l.columns()) s.header.push_back(c.name());
  for (const auto& row : l.rows()) {
    std::vector<SheetCell> cells;
    for (int c = 0; c < row.cells_size(); ++c) {
      const std::string& v = row.cells(c);
      const auto kind = c < l.columns_size() ? l.columns(c).kind() : report::ListColumn::TEXT;
      if (v.empty() || kind == report::ListColumn::TEXT) cells.push_back(text(v));
      else if (kind == report::ListColumn::NUMBER) cells.push_back(number(std::stod(v)));
      else cells.push_back(date(v));
    }
    s.rows.push_back(std::move(cells));
  }
  return s;
}

// Costs by year: a sheet once RunResults carries such figures (none yet).
// The hook: build a Sheet {"costs per year", {"year", ...}} from them here
// and it is written with the others; until then the workbook has no such sheet.
std::optional<Sheet> costs_per_year(const report::RunResults&) { return std::nullopt; }

// Width in characters of what the cell shows.
size_t shown_width(const SheetCell& c) {
  switch (c.kind) {
    case SheetCell::Kind::text:
      return c.text.size();
    case SheetCell::Kind::date:
      return 10;
    case SheetCell::Kind::number:
      return fmt::format("{}", c.number).size();
  }
  return 8;
}

}  // namespace

std::vector<Sheet> workbook_sheets(const report::RunResults& r, const report::NamedLists& lists) {
  std::vector<Sheet> sheets{summary(r), clusters(r), cluster_years(r)};
  if (const auto* hosts = find_list(lists, "hosts")) sheets.push_back(list_sheet(*hosts));
  sheets.push_back(purchases(r));
  sheets.push_back(raises(r));
  for (const auto& l : lists.lists())
    if (l.name() != "hosts") sheets.push_back(list_sheet(l));
  if (auto costs = costs_per_year(r)) sheets.push_back(std::move(*costs));
  return sheets;
}

void write_workbook(const std::vector<Sheet>& sheets, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) throw InputError("cannot create the workbook here", path);
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* day = workbook_add_format(wb);
  format_set_num_format(day, "yyyy-mm-dd");
  lxw_error err = LXW_NO_ERROR;
  auto check = [&](lxw_error e) {
    if (e != LXW_NO_ERROR && err == LXW_NO_ERROR) err = e;
  };
  for (const auto& s : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.c_str());
    if (!ws) {
      workbook_close(wb);
      std::remove(path.c_str());
      throw InputError(fmt::format("the workbook cannot take a sheet named '{}'", s.name), path);
    }
    std::vector<size_t> width(s.header.size(), 0);
    for (size_t c = 0; c < s.header.size(); ++c) {
      check(worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), s.header[c].c_str(), bold));
      width[c] = s.header[c].size();
    }
    for (size_t i = 0; i < s.rows.size(); ++i) {
      const auto row = static_cast<lxw_row_t>(i + 1);
      for (size_t c = 0; c < s.rows[i].size(); ++c) {
        const SheetCell& cell = s.rows[i][c];
        const auto col = static_cast<lxw_col_t>(c);
        if (c >= width.size()) width.resize(c + 1, 0);
        width[c] = std::max(width[c], shown_width(cell));
        switch (cell.kind) {
          case SheetCell::Kind::text:
            if (!cell.text.empty()) check(worksheet_write_string(ws, row, col, cell.text.c_str(), nullptr));
            break;
          case SheetCell::Kind::number:
            check(worksheet_write_number(ws, row, col, cell.number, nullptr));
            break;
          case SheetCell::Kind::date: {
            int y = 0, m = 0, d = 0;
            if (std::sscanf(cell.text.c_str(), "%d-%d-%d", &y, &m, &d) == 3) {
              lxw_datetime dt{y, m, d, 0, 0, 0};
              check(worksheet_write_datetime(ws, row, col, &dt, day));
            } else {
              check(worksheet_write_string(ws, row, col, cell.text.c_str(), nullptr));
            }
            break;
          }
        }
      }
    }
    worksheet_freeze_panes(ws, 1, 0);
    for (size_t c = 0; c < width.size(); ++c)
      check(worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                 static_cast<double>(std::min<size_t>(width[c], 60) + 2), nullptr));
  }
  check(workbook_close(wb));
  if (err != LXW_NO_ERROR) throw InputError(fmt::format("writing the workbook failed: {}", lxw_strerror(err)), path);
}

}  // namespace evcsim
