// The fleet one has, as a runnable scenario: RVTools' CSV exports of vCenter
// (tabvHost, tabvInfo) or a plain hosts CSV for fleets not on vSphere
// (`evcsim inventory`). Columns are found by their header, in any order;
// extra columns are ignored; a bad row is an InputError naming file, line
// and column.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/year_month.hpp"

namespace evcsim {

class Catalog;

// A CSV file read whole: RFC 4180 quoting; the delimiter (',', ';' or tab,
// as locales export) found from the header line; a UTF-8 byte-order mark
// and CR line ends accepted.
class CsvTable {
 public:
  static CsvTable load(const std::string& path);  // throws InputError
  static CsvTable parse(const std::string& text, const std::string& file);

  // The index of the column named `name`, or nullopt. Case, blanks,
  // underscores, dashes, dots and parentheses are ignored ("Cluster rule(s)"
  // is "cluster rules"; RVTools versions spell their columns differently).
  std::optional<size_t> column(std::string_view name) const;
  // The first of `names` (one column's spellings) the header has.
  std::optional<size_t> column(std::initializer_list<std::string_view> names) const;
  // The same, throwing InputError naming the file's header line and the
  // columns it does have.
  size_t required(std::string_view name) const;

  struct Row {
    int line = 0;  // in the file, for error messages
    std::vector<std::string> cells;
  };
  const std::vector<Row>& rows() const { return rows_; }
  const std::vector<std::string>& header() const { return header_; }
  const std::string& file() const { return file_; }

  // A cell (empty when the row is short), trimmed.
  std::string cell(const Row& row, size_t column) const;
  // A cell as a number: digits with an optional decimal point, thousands
  // separators (',' or ' ') allowed; InputError naming file, line and column
  // otherwise (or when empty and `required`).
  std::optional<double> number(const Row& row, size_t column, bool required) const;

 private:
  std::string file_;
  std::vector<std::string> header_;
  std::vector<Row> rows_;
};

struct InventoryOptions {
  std::string name = "fleet";
  YearMonth start;  // the scenario's start_date
  std::string horizon = "5y";
  std::string policy = "cluster-baseline";
  double lifetime_years = 5;  // refresh: retire hosts this old (0: never)
  double backlog_years = 3;   // hosts past lifetime_years at the start retire spread over this many years
  std::string baseline_policy = "auto-raise";
};

struct InventorySources {
  std::string vhost, vinfo;  // RVTools exports
  std::string hosts_csv;     // or the plain CSV: host,cluster,cpu,sockets,ram_gib and optionally
                             // purchased (YYYY-MM), cores_per_socket, baseline
};

struct InventoryResult {
  std::string scenario;  // protobuf text format, with comments
  int clusters = 0, hosts = 0, vms = 0;
  std::vector<std::string> left_out;  // what could not be resolved, one line each
  // What the import estimated or could not read, said loudly: written as the
  // scenario's `notes` (the run's summary prints them) and on stderr.
  std::vector<std::string> notes;
  int estimated_vms = 0;  // VMs estimated from the hosts' usage (no vInfo)
};

// A guest OS string as RVTools gives it ("Microsoft Windows Server 2019
// (64-bit)", "Red Hat Enterprise Linux 9 (64-bit)", "Ubuntu 22.04.3 LTS")
// as evcsim's catalog names its release ("windows-2019", "rhel-9",
// "ubuntu-22.04"): lowercase family-version. Empty when the string names no
// one release ("Ubuntu Linux (64-bit)", "Other 4.x or later Linux"). The
// name is not checked against the catalog: the caller looks it up, so a
// release the catalog gains later maps with no change here.
std::string guest_os_name_of(std::string_view rvtools);

// Reads the sources and writes the scenario of the current fleet: clusters
// at their current EVC mode, hosts by the catalog part their CPU model
// string resolves to, VMs on their hosts with their size, power state, guest
// OS, HA restart priority, rules and the EVC mode their running view was
// captured under. Without vInfo, VMs are estimated from the hosts' memory
// usage and '# VMs' (an InputError naming the file when the export has
// neither). Purchase dates: a `purchased` column, else a plausible BIOS
// date, else spread from the part's launch to the start; hosts already past
// lifetime_years get retire dates spread over the first years.
// Hosts whose CPU does not resolve are left out (their VMs power on
// elsewhere in the cluster), with a comment in the scenario and a line in
// left_out. Throws InputError for a missing column or a bad value.
InventoryResult import_inventory(const InventorySources& sources, const Catalog& catalog,
                                 const InventoryOptions& options);

}  // namespace evcsim
