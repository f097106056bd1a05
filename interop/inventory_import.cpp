#include "interop/inventory_import.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "catalog/catalog.hpp"
#include "catalog/guest_os.hpp"
#include "catalog/hypervisor_support.hpp"

namespace evcsim {

// ---- CSV ----

CsvTable CsvTable::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read this file (no such file?)", path);
  std::stringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

CsvTable CsvTable::parse(const std::string& input, const std::string& file) {
  CsvTable t;
  t.file_ = file;
  std::string_view text = input;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // The delimiter: the most frequent of , ; and tab outside quotes on the header line.
  const std::string_view first = text.substr(0, text.find('\n'));
  char delimiter = ',';
  size_t best = 0;
  for (char d : {',', ';', '\t'}) {
    size_t n = static_cast<size_t>(std::count(first.begin(), first.end(), d));
    if (n > best) best = n, delimiter = d;
  }
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false, any = false;
  int line = 1, row_line = 1;
  auto end_row = [&] {
    cells.push_back(std::move(cell));
    cell.clear();
    bool blank = cells.size() == 1 && trim(cells[0]).empty();
    if (!blank) {
      if (t.header_.empty()) {
        for (auto& c : cells) t.header_.emplace_back(trim(c));
      } else {
        t.rows_.push_back(Row{row_line, std::move(cells)});
      }
    }
    cells.clear();
    any = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!any) row_line = line, any = true;
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      cells.push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n') {
      end_row();
      ++line;
    } else if (c != '\r') {
      cell += c;
    }
  }
  if (quoted)
    throw InputError(fmt::format("a quoted field opened on line {} is never closed", row_line), file, row_line);
  if (any) end_row();
  if (t.header_.empty()) throw InputError("the file is empty: a header line of column names is needed", file, 1);
  return t;
}

namespace {
// A column name as compared: lowercase, without blanks, '_', '-', '.', '(' and ')'.
std::string column_key(std::string_view name) {
  std::string out;
  for (char c : name)
    if (!std::isspace(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.' && c != '(' && c != ')')
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::optional<size_t> CsvTable::column(std::string_view name) const {
  const std::string key = column_key(name);
  for (size_t i = 0; i < header_.size(); ++i)
    if (column_key(header_[i]) == key) return i;
  return std::nullopt;
}

std::optional<size_t> CsvTable::column(std::initializer_list<std::string_view> names) const {
  for (std::string_view n : names)
    if (auto c = column(n)) return c;
  return std::nullopt;
}

size_t CsvTable::required(std::string_view name) const {
  if (auto c = column(name)) return *c;
  throw InputError(fmt::format("no column '{}' (the header has: {})", name, fmt::join(header_, ", ")), file_, 1,
                   std::string(name));
}

std::string CsvTable::cell(const Row& row, size_t column) const {
  return column < row.cells.size() ? std::string(trim(row.cells[column])) : std::string();
}

std::optional<double> CsvTable::number(const Row& row, size_t column, bool required) const {
  std::string text = cell(row, column);
  if (text.empty()) {
    if (required) throw InputError("a number is needed here, the cell is empty", file_, row.line, header_[column]);
    return std::nullopt;
  }
  std::string digits;
  for (char c : text)
    if (c != ',' && c != ' ') digits += c;
  bool ok = !digits.empty() && digits.find_first_not_of("0123456789.") == std::string::npos &&
            std::count(digits.begin(), digits.end(), '.') <= 1 && digits != ".";
  if (!ok) throw InputError(fmt::format("'{}' is not a number (zero or more)", text), file_, row.line, header_[column]);
  double v = std::strtod(digits.c_str(), nullptr);  // no exception: std::stod threw out_of_range past 1e308
  if (!std::isfinite(v))
    throw InputError(fmt::format("'{}' is too large to be a number", text), file_, row.line, header_[column]);
  return v;
}

// ---- guest OS names ----

namespace {

// The first run of digits (with dots) after `from` in `s`, or "".
std::string number_after(const std::string& s, size_t from) {
  size_t b = s.find_first_of("0123456789", from);
  if (b == std::string::npos) return "";
  size_t e = s.find_first_not_of("0123456789.", b);
  std::string n = s.substr(b, e == std::string::npos ? std::string::npos : e - b);
  while (!n.empty() && n.back() == '.') n.pop_back();
  return n;
}

// "9.2" -> "9"; "22.04.3" -> "22.04" when `keep_minor`.
std::string major_of(const std::string& n, bool keep_minor) {
  size_t dot = n.find('.');
  if (dot == std::string::npos) return n;
  if (!keep_minor) return n.substr(0, dot);
  size_t dot2 = n.find('.', dot + 1);
  return dot2 == std::string::npos ? n : n.substr(0, dot2);
}

}  // namespace

std::string guest_os_name_of(std::string_view rvtools) {
  const std::string s = to_lower(trim(rvtools));
  if (s.empty() || s.find("or later") != std::string::npos) return "";  // "Windows Server 2016 or later": which?
  auto has = [&](std::string_view w) { return s.find(w) != std::string::npos; };
  if (has("windows")) {
    if (has("server")) {
      for (const char* year : {"2003", "2008", "2012", "2016", "2019", "2022", "2025"})
        if (has(year)) return std::string("windows-") + year;
      return "";
    }
    for (const char* v : {"11", "10", "8", "7", "xp", "vista"}) {
      const std::string word = std::string("windows ") + v;
      size_t at = s.find(word);
      if (at != std::string::npos &&
          (at + word.size() == s.size() || !std::isalnum(static_cast<unsigned char>(s[at + word.size()]))))
        return std::string("windows-") + v;
    }
    return "";
  }
  // Linux distributions: family prefix and the number after its name.
  struct Family {
    const char* text;
    const char* name;
    bool keep_minor;  // Ubuntu's 22.04: the release is year.month
  };
  static const Family kFamilies[] = {
      {"red hat enterprise linux", "rhel", false},
      {"rhel", "rhel", false},
      {"centos", "centos", false},
      {"rocky", "rocky", false},
      {"almalinux", "alma", false},
      {"alma linux", "alma", false},
      {"oracle linux", "oracle", false},
      {"ubuntu", "ubuntu", true},
      {"debian", "debian", false},
      {"suse linux enterprise", "sles", false},
      {"sles", "sles", false},
  };
  for (const Family& f : kFamilies) {
    size_t at = s.find(f.text);
    if (at == std::string::npos) continue;
    std::string n = number_after(s, at + std::strlen(f.text));
    // "(64-bit)" is no version.
    if (n.empty() || s.find(n + "-bit") != std::string::npos) return "";
    n = major_of(n, f.keep_minor);
    if (f.keep_minor && n.find('.') == std::string::npos) return "";  // "Ubuntu 22": which release?
    return std::string(f.name) + "-" + n;
  }
  return "";
}

// ---- the fleet ----

namespace {

struct HostRow {
  std::string name, cluster, cpu_text;
  const CpuModel* cpu = nullptr;
  int sockets = 0, cores = 0;
  double ram_gib = 0;
  std::optional<YearMonth> purchased, bios;
  std::string current_evc, max_evc;
  std::optional<double> cpu_usage, memory_usage;  // percent
  std::optional<int> vm_count;                    // '# VMs'
  std::string esx_version, vendor, model;
  std::string file;
  int line = 0;
  std::string source() const { return fmt::format("{}:{}", file, line); }
};

struct VmRow {
  std::string name, host, cluster, power, min_evc, hw_version;
  std::string os_config, os_tools, power_on, ha_priority, rules, rule_types;
  int vcpus = 0;
  double ram_mib = 0;
  std::optional<double> cpu_usage, memory_usage, active_mib;  // percent, percent, MiB
  int line = 0;
};

// A string in protobuf text format.
std::string quoted(const std::string& s) { return "\"" + backslash_escaped(s) + "\""; }

// A comment: one line, whatever the input held.
std::string comment(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

// Upper bounds of the inventory's sizes, far above what vSphere 8 allows
// (configuration maximums: 768 vCPUs and 24 TB per VM, 24 TB per host) so
// that only a broken export meets them; a value past one is named at its
// CSV line rather than overflowing into the generated scenario.
struct Bound {
  double max;
  const char* what;  // "sockets", "MB of memory", ...
};
constexpr Bound kSockets{64, "sockets"}, kCoresPerSocket{1024, "cores per socket"}, kVcpus{4096, "vCPUs"},
    kVmMemoryMb{64.0 * 1024 * 1024, "MB (64 TiB)"}, kHostMemoryMb{64.0 * 1024 * 1024, "MB (64 TiB)"},
    kHostMemoryGib{64.0 * 1024, "GiB (64 TiB)"};

// A whole number in 1..bound.max, or an error naming the cell.
int positive_whole(const CsvTable& t, const CsvTable::Row& r, size_t column, Bound bound) {
  const double v = *t.number(r, column, true);
  if (v != std::floor(v))
    throw InputError(fmt::format("'{}' is not a whole number", t.cell(r, column)), t.file(), r.line,
                     t.header()[column]);
  if (v <= 0) throw InputError("must be positive, not 0", t.file(), r.line, t.header()[column]);
  if (v > bound.max)
    throw InputError(
        fmt::format("'{}' is more than {} {}: not a real machine", t.cell(r, column), bound.max, bound.what), t.file(),
        r.line, t.header()[column]);
  return static_cast<int>(v);
}

// A percentage cell ("57", "57 %", "57.5"): 0..100, or nullopt when empty.
std::optional<double> percent(const CsvTable& t, const CsvTable::Row& r, std::optional<size_t> column) {
  if (!column) return std::nullopt;
  std::string text = t.cell(r, *column);
  while (!text.empty() && (text.back() == '%' || text.back() == ' ')) text.pop_back();
  if (text.empty()) return std::nullopt;
  CsvTable::Row one{r.line, {text}};
  std::optional<double> v;
  try {
    v = t.number(one, 0, false);
  } catch (const InputError&) {
    throw InputError(fmt::format("'{}' is not a percentage", t.cell(r, *column)), t.file(), r.line,
                     t.header()[*column]);
  }
  if (v && *v > 100) throw InputError(fmt::format("{}% is more than 100%", *v), t.file(), r.line, t.header()[*column]);
  return v;
}

// A date cell as RVTools writes it ("2017/03/01", "2025/10/04 02:13:11",
// "2017-03-01", "2017-03") as "YYYY-MM-DD" (day 01 when not given), or ""
// when the cell is empty; an error naming the cell when it is no date.
std::string date_cell(const CsvTable& t, const CsvTable::Row& r, std::optional<size_t> column) {
  if (!column) return "";
  const std::string text = t.cell(r, *column);
  if (text.empty()) return "";
  int y = 0, m = 0, d = 1;
  char s1 = 0, s2 = 0;
  std::istringstream in(text);
  in >> y >> s1 >> m;
  if (in && in.peek() == s1) in >> s2 >> d;
  const bool ok = in && (s1 == '/' || s1 == '-') && y >= 1980 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
  if (!ok)
    throw InputError(fmt::format("'{}' is not a date (YYYY/MM/DD or YYYY-MM-DD)", text), t.file(), r.line,
                     t.header()[*column]);
  return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

// "a, b; c" as its items, trimmed.
std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text + ",") {
    if (c == ',' || c == ';') {
      if (!trim(cur).empty()) out.emplace_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

YearMonth month_of(const std::string& date) { return parse_year_month(date.substr(0, 7)); }
YearMonth month_at(int index) { return YearMonth{index / 12, index % 12 + 1}; }

// Which optional columns a table has: the note names them.
struct ColumnsSeen {
  std::vector<std::string> found, missing;
  std::optional<size_t> look(const CsvTable& t, std::initializer_list<std::string_view> names) {
    auto c = t.column(names);
    (c ? found : missing).emplace_back(c ? t.header()[*c] : std::string(*names.begin()));
    return c;
  }
  std::string text(const std::string& file) const {
    std::string out = fmt::format("{}: read {}", file,
                                  found.empty() ? "no optional column" : fmt::format("{}", fmt::join(found, ", ")));
    if (!missing.empty()) out += fmt::format("; not in this export: {}", fmt::join(missing, ", "));
    return out;
  }
};

// What both host formats share: name, cluster, CPU (resolved), sockets and
// cores; `what_cpu` names the CPU column in its error ("CPU model", "CPU").
struct HostColumns {
  size_t host, cpu, sockets;
  std::optional<size_t> cluster, cores_per_socket;
  const char* what_cpu;
};

HostRow host_row(const CsvTable& t, const CsvTable::Row& r, const Catalog& catalog, const HostColumns& c) {
  HostRow h;
  h.file = t.file();
  h.line = r.line;
  h.name = t.cell(r, c.host);
  if (h.name.empty()) throw InputError("a host needs a name", t.file(), r.line, t.header()[c.host]);
  h.cluster = c.cluster ? t.cell(r, *c.cluster) : "";
  h.cpu_text = t.cell(r, c.cpu);
  if (h.cpu_text.empty())
    throw InputError(fmt::format("the {} is empty", c.what_cpu), t.file(), r.line, t.header()[c.cpu]);
  h.cpu = catalog.find_cpu(h.cpu_text);
  h.sockets = positive_whole(t, r, c.sockets, kSockets);
  if (c.cores_per_socket && !t.cell(r, *c.cores_per_socket).empty())
    h.cores = h.sockets * positive_whole(t, r, *c.cores_per_socket, kCoresPerSocket);
  return h;
}

// A `purchased` cell: "YYYY-MM", or a date.
std::optional<YearMonth> purchased_cell(const CsvTable& t, const CsvTable::Row& r, std::optional<size_t> column) {
  if (!column || t.cell(r, *column).empty()) return std::nullopt;
  const std::string text = t.cell(r, *column);
  try {
    if (text.size() == 7) return parse_year_month(text);
    return month_of(date_cell(t, r, column));
  } catch (const InputError& e) {
    if (e.line() > 0) throw;
    throw InputError(e.message(), t.file(), r.line, t.header()[*column]);
  }
}

std::vector<HostRow> read_vhost(const std::string& path, const Catalog& catalog, std::vector<std::string>& notes) {
  CsvTable t = CsvTable::load(path);
  const HostColumns columns{t.required("Host"),  t.required("CPU Model"),   t.required("# CPU"),
                            t.column("Cluster"), t.column("Cores per CPU"), "CPU model"};
  const size_t memory = t.required("# Memory");
  ColumnsSeen seen;
  const auto current = seen.look(t, {"Current EVC"}), max = seen.look(t, {"Max EVC"});
  const auto cpu_usage = seen.look(t, {"CPU usage %", "CPU usage", "CPU usage (%)"}),
             mem_usage = seen.look(t, {"Memory usage %", "Memory usage", "Mem usage %"}),
             vm_count = seen.look(t, {"# VMs", "# VMs total", "VMs"}),
             esx = seen.look(t, {"ESX Version", "ESXi Version", "Version"}), vendor = seen.look(t, {"Vendor"}),
             model = seen.look(t, {"Model"}), bios = seen.look(t, {"BIOS Date", "BIOS release date"}),
             purchased = seen.look(t, {"purchased", "Purchase date"});
  notes.push_back(seen.text(path));
  std::vector<HostRow> out;
  for (const auto& r : t.rows()) {
    HostRow h = host_row(t, r, catalog, columns);
    const double mb = positive_whole(t, r, memory, kHostMemoryMb);  // RVTools: MB
    h.ram_gib = std::max(1.0, std::round(mb / 1024));
    h.current_evc = current ? t.cell(r, *current) : "";
    h.max_evc = max ? t.cell(r, *max) : "";
    h.cpu_usage = percent(t, r, cpu_usage);
    h.memory_usage = percent(t, r, mem_usage);
    if (vm_count && !t.cell(r, *vm_count).empty()) {
      const double n = *t.number(r, *vm_count, true);
      if (n != std::floor(n) || n > 100000)
        throw InputError(fmt::format("'{}' is not a count of VMs", t.cell(r, *vm_count)), t.file(), r.line,
                         t.header()[*vm_count]);
      h.vm_count = static_cast<int>(n);
    }
    h.esx_version = esx ? t.cell(r, *esx) : "";
    h.vendor = vendor ? t.cell(r, *vendor) : "";
    h.model = model ? t.cell(r, *model) : "";
    if (std::string d = date_cell(t, r, bios); !d.empty()) h.bios = month_of(d);
    h.purchased = purchased_cell(t, r, purchased);
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<HostRow> read_hosts_csv(const std::string& path, const Catalog& catalog) {
  CsvTable t = CsvTable::load(path);
  const size_t host = t.required("host"), cluster = t.required("cluster");
  const HostColumns columns{host, t.required("cpu"), t.required("sockets"), cluster, t.column("cores_per_socket"),
                            "CPU"};
  const size_t ram = t.required("ram_gib");
  const auto purchased = t.column("purchased"), baseline = t.column("baseline");
  const auto cpu_usage = t.column({"cpu_usage", "CPU usage %"}),
             mem_usage = t.column({"memory_usage", "Memory usage %"}), vm_count = t.column({"vms", "# VMs"});
  std::vector<HostRow> out;
  for (const auto& r : t.rows()) {
    HostRow h = host_row(t, r, catalog, columns);
    h.ram_gib = positive_whole(t, r, ram, kHostMemoryGib);
    if (purchased && !t.cell(r, *purchased).empty()) {
      try {
        h.purchased = parse_year_month(t.cell(r, *purchased));
      } catch (const InputError& e) {
        throw InputError(e.message(), t.file(), r.line, "purchased");
      }
    }
    if (baseline) h.current_evc = t.cell(r, *baseline);
    h.cpu_usage = percent(t, r, cpu_usage);
    h.memory_usage = percent(t, r, mem_usage);
    if (vm_count && !t.cell(r, *vm_count).empty()) h.vm_count = static_cast<int>(*t.number(r, *vm_count, true));
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<VmRow> read_vinfo(const std::string& path, std::vector<std::string>& notes) {
  CsvTable t = CsvTable::load(path);
  const size_t vm = t.required("VM"), power = t.required("Powerstate"), cpus = t.required("CPUs"),
               memory = t.required("Memory");
  const auto host = t.column("Host"), cluster = t.column("Cluster"), templ = t.column("Template");
  ColumnsSeen seen;
  const auto min_evc = seen.look(t, {"min Required EVC Mode Key", "EVC Mode Key", "min Required EVC Mode"}),
             hw = seen.look(t, {"HW version", "Hardware version"}),
             os_config =
                 seen.look(t, {"OS according to the configuration file", "OS (configuration file)", "Guest OS"}),
             os_tools = seen.look(t, {"OS according to the VMware Tools", "OS (VMware Tools)", "Guest OS (Tools)"}),
             power_on = seen.look(t, {"PowerOn", "Power on", "PowerOn date"}),
             ha = seen.look(t, {"HA Restart Priority", "Restart Priority"}),
             rules = seen.look(t, {"Cluster rule(s)", "Cluster rules", "Cluster rule"}),
             cpu_usage = seen.look(t, {"CPU usage %", "CPU usage"}),
             mem_usage = seen.look(t, {"Memory usage %", "Memory usage"}),
             active = seen.look(t, {"Active memory", "Active Memory MiB", "Active"});
  const auto rule_types = t.column({"Cluster rule type(s)", "Cluster rule types", "Rule type"});
  notes.push_back(seen.text(path));
  std::vector<VmRow> out;
  for (const auto& r : t.rows()) {
    if (templ && iequals(t.cell(r, *templ), "true")) continue;  // a template never runs
    VmRow v;
    v.line = r.line;
    v.name = t.cell(r, vm);
    if (v.name.empty()) throw InputError("a VM needs a name", t.file(), r.line, "VM");
    v.power = t.cell(r, power);
    if (!iequals(v.power, "poweredOn") && !iequals(v.power, "poweredOff") && !iequals(v.power, "suspended"))
      throw InputError(fmt::format("'{}' is not poweredOn, poweredOff or suspended", v.power), t.file(), r.line,
                       "Powerstate");
    v.vcpus = positive_whole(t, r, cpus, kVcpus);
    v.ram_mib = positive_whole(t, r, memory, kVmMemoryMb);
    v.host = host ? t.cell(r, *host) : "";
    v.cluster = cluster ? t.cell(r, *cluster) : "";
    v.min_evc = min_evc ? t.cell(r, *min_evc) : "";
    v.hw_version = hw ? t.cell(r, *hw) : "";
    v.os_config = os_config ? t.cell(r, *os_config) : "";
    v.os_tools = os_tools ? t.cell(r, *os_tools) : "";
    v.power_on = date_cell(t, r, power_on);
    v.ha_priority = ha ? to_lower(t.cell(r, *ha)) : "";
    v.rules = rules ? t.cell(r, *rules) : "";
    v.rule_types = rule_types ? t.cell(r, *rule_types) : "";
    v.cpu_usage = percent(t, r, cpu_usage);
    v.memory_usage = percent(t, r, mem_usage);
    if (active && !t.cell(r, *active).empty()) v.active_mib = t.number(r, *active, false);
    out.push_back(std::move(v));
  }
  return out;
}

// "VMware ESXi 7.0.3 build-21930508" -> "7.0u3", "8.0.0" -> "8.0"; "" when
// the text names no release evcsim knows.
std::string esxi_release_of(const std::string& text) {
  std::string n = number_after(to_lower(text), 0);
  std::vector<std::string> parts;
  for (size_t b = 0; b <= n.size();) {
    size_t e = n.find('.', b);
    if (e == std::string::npos) e = n.size();
    parts.push_back(n.substr(b, e - b));
    b = e + 1;
  }
  if (parts.size() < 2 || parts[0].empty()) return "";
  std::string release = parts[0] + "." + parts[1];
  if (parts.size() > 2 && !parts[2].empty() && parts[2] != "0") release += "u" + parts[2];
  for (const std::string& candidate : {release, parts[0] + "." + parts[1]}) {
    try {
      (void)compare_esxi(candidate, candidate);
      return candidate;
    } catch (const InputError&) {
    }
  }
  return "";
}

// The typical VM shapes a hosts-only export is filled with: 4 vCPU/16 GiB
// and 2 vCPU/8 GiB, mixed so that their memory is the host's used memory.
struct Estimate {
  int big = 0, small = 0;  // counts
  int64_t big_mib = 16384, small_mib = 8192;
  double cpu_demand = 0;  // per vCPU
};

Estimate estimate_vms(const HostRow& h) {
  Estimate e;
  const double used_gib = h.ram_gib * h.memory_usage.value_or(0) / 100;
  int n = h.vm_count.value_or(0);
  if (n <= 0) n = static_cast<int>(std::lround(used_gib / 12));  // the mix's mean
  if (n <= 0) return e;
  // big x 16 + (n - big) x 8 = used
  double big = (used_gib - 8.0 * n) / 8;
  e.big = static_cast<int>(std::lround(std::clamp(big, 0.0, static_cast<double>(n))));
  e.small = n - e.big;
  const double mix_gib = 16.0 * e.big + 8.0 * e.small;
  if (used_gib > 0 && std::abs(mix_gib - used_gib) > 4) {  // '# VMs' too many or too few for the two shapes
    const double scale = used_gib / mix_gib;
    e.big_mib = std::max<int64_t>(1024, std::llround(16384 * scale / 256) * 256);
    e.small_mib = std::max<int64_t>(512, std::llround(8192 * scale / 256) * 256);
  }
  if (h.cpu && h.cpu_usage) {
    const int cores = h.cores > 0 ? h.cores : h.sockets * h.cpu->cores_per_socket;
    // Per vCPU: the host's used capacity over the estimated VMs' vCPUs.
    e.cpu_demand = cores * std::max(0.05, h.cpu->relative_speed) * *h.cpu_usage / 100 / (4.0 * e.big + 2.0 * e.small);
  }
  return e;
}

}  // namespace

InventoryResult import_inventory(const InventorySources& sources, const Catalog& catalog, const InventoryOptions& o) {
  if (sources.vhost.empty() == sources.hosts_csv.empty())
    throw InputError("give the hosts either as RVTools' vHost export (--vhost) or as a plain CSV (--hosts)");
  InventoryResult result;
  std::vector<std::string> column_notes;
  std::vector<HostRow> hosts = sources.vhost.empty() ? read_hosts_csv(sources.hosts_csv, catalog)
                                                     : read_vhost(sources.vhost, catalog, column_notes);
  std::vector<VmRow> vms = sources.vinfo.empty() ? std::vector<VmRow>{} : read_vinfo(sources.vinfo, column_notes);
  const std::string host_file = sources.vhost.empty() ? sources.hosts_csv : sources.vhost;

  // Clusters in the order they first appear; standalone hosts share one.
  std::vector<std::string> order;
  std::map<std::string, std::vector<HostRow*>> by_cluster;
  std::map<std::string, const HostRow*> host_by_name;
  for (auto& h : hosts) {
    if (h.cluster.empty()) h.cluster = "standalone";
    if (!host_by_name.emplace(h.name, &h).second)
      throw InputError(fmt::format("host '{}' is listed twice", h.name), h.file, h.line);
    if (!by_cluster.count(h.cluster)) order.push_back(h.cluster);
    by_cluster[h.cluster].push_back(&h);
  }

  // Without vInfo the demand comes from the hosts' usage: none is an error,
  // not a data centre switched off.
  const bool estimate = sources.vinfo.empty();
  if (estimate) {
    bool any = false;
    for (const auto& h : hosts) any = any || (h.cpu && (h.vm_count.value_or(0) > 0 || h.memory_usage.value_or(0) > 0));
    if (!any)
      throw InputError(
          "no demand: without a vInfo export (--vinfo) the VMs are estimated from the hosts' memory usage and VM "
          "counts (vHost's 'Memory usage %' and '# VMs'; a hosts CSV's memory_usage and vms), and this export has "
          "neither for any host it resolves; give --vinfo, or those columns (a fleet with no VMs would be switched "
          "off by the run)",
          host_file);
  }

  // Purchase dates: given; else the BIOS date when it is plausible (not
  // before the part's launch, not after the start, within 3 years of the
  // launch: later BIOS dates are firmware updates); else spread evenly over
  // the part's hosts from its launch (plus the 6 months qualification takes)
  // to the start, so that the fleet's age spreads as a fleet bought over the
  // years does.
  std::map<const HostRow*, YearMonth> bought;
  std::map<const HostRow*, std::string> bought_how;
  int from_column = 0, from_bios = 0, spread = 0;
  {
    std::map<std::string, std::vector<const HostRow*>> unknown_by_part;
    for (const auto& h : hosts) {
      if (!h.cpu) continue;
      if (h.purchased) {
        bought[&h] = *h.purchased, bought_how[&h] = "", ++from_column;
      } else if (h.bios && *h.bios >= h.cpu->launch && *h.bios <= o.start &&
                 h.bios->index() <= h.cpu->launch.index() + 36) {
        bought[&h] = *h.bios, bought_how[&h] = ", purchase date from the BIOS date", ++from_bios;
      } else {
        unknown_by_part[h.cpu->name].push_back(&h);
      }
    }
    for (auto& [part, list] : unknown_by_part) {
      const int first = std::min(list.front()->cpu->launch.index() + 6, o.start.index());
      const int span = o.start.index() - first;
      for (size_t k = 0; k < list.size(); ++k) {
        const int at =
            first +
            static_cast<int>(std::floor(span * (static_cast<double>(k) + 0.5) / static_cast<double>(list.size())));
        bought[list[k]] = month_at(at);
        bought_how[list[k]] =
            fmt::format(", purchase date estimated: the part's {} host(s) spread from its launch to {}", list.size(),
                        o.start.str());
        ++spread;
      }
    }
  }
  // Hosts already past their lifetime at the start retire spread over the
  // first backlog_years (oldest first), not all on day 1.
  std::map<const HostRow*, YearMonth> retire_at;
  std::map<int, int> due_by_year;  // year -> hosts due
  int overdue = 0;
  const double horizon_years = parse_duration(o.horizon) / (365.25 * 86400);
  if (o.lifetime_years > 0) {
    const int life = static_cast<int>(std::lround(o.lifetime_years * 12));
    std::vector<std::pair<int, const HostRow*>> late;
    for (const auto& [h, when] : bought) {
      const int due = when.index() + life;
      if (due <= o.start.index()) late.emplace_back(when.index(), h);
      else due_by_year[month_at(due).year]++;
    }
    std::sort(late.begin(), late.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second->name < b.second->name;
    });
    overdue = static_cast<int>(late.size());
    // Not bounded by the horizon: a short run sees the first of them only.
    const int months = std::max(1, static_cast<int>(std::lround(o.backlog_years * 12)));
    for (size_t k = 0; k < late.size(); ++k) {
      const int at = o.start.index() + 1 +
                     static_cast<int>(std::floor(months * static_cast<double>(k) / static_cast<double>(late.size())));
      retire_at[late[k].second] = month_at(at);
      due_by_year[month_at(at).year]++;
    }
  }

  // The hypervisor: the oldest release of the fleet (what every host runs).
  std::map<std::string, int> esx_releases;
  std::string esxi;
  for (const auto& h : hosts) {
    if (!h.cpu || h.esx_version.empty()) continue;
    const std::string r = esxi_release_of(h.esx_version);
    if (r.empty()) continue;
    esx_releases[r]++;
    if (esxi.empty() || compare_esxi(r, esxi) < 0) esxi = r;
  }

  std::string body;
  std::set<std::string> kept_clusters, kept_hosts;
  std::map<std::string, const Baseline*> cluster_mode;
  std::map<std::string, std::vector<const HostRow*>> resolved_hosts;
  for (const auto& name : order) {
    const auto& members = by_cluster[name];
    std::string cluster_text, evc, max_evc;
    std::set<std::string> evcs;
    for (const HostRow* h : members) {
      if (!h->current_evc.empty() && !iequals(h->current_evc, "disabled")) evcs.insert(h->current_evc);
      // The cluster can go as high as its most limited host.
      const Baseline* b = catalog.find_baseline(h->max_evc);
      const Baseline* now = catalog.find_baseline(max_evc);
      if (b && (!now || b->features.count() < now->features.count())) max_evc = h->max_evc;
    }
    if (!evcs.empty()) evc = *evcs.begin();
    cluster_text += fmt::format("cluster {{\n  name: {}\n", quoted(name));
    if (!evc.empty()) {
      if (const Baseline* mode = catalog.find_baseline(evc)) {
        cluster_mode[name] = mode;
        cluster_text += fmt::format("  baseline: {}  # current EVC mode", quoted(evc));
        if (evcs.size() > 1) cluster_text += fmt::format("; the hosts report {}", fmt::join(evcs, ", "));
        cluster_text += max_evc.empty() ? "\n" : fmt::format("; the hosts allow up to {}\n", max_evc);
      } else {
        std::string line =
            fmt::format("cluster {}: EVC mode '{}' is not one evcsim knows; the cluster runs without one", name, evc);
        cluster_text += "  # " + comment(line) + "\n";
        result.left_out.push_back(line);
      }
    } else if (!max_evc.empty()) {
      cluster_text += fmt::format("  # no EVC mode; the hosts allow up to {}\n", max_evc);
    }
    int resolved = 0;
    for (const HostRow* h : members) {
      if (!h->cpu) {
        std::string line =
            fmt::format("{}: host {}: CPU model '{}' is not in the catalog (nearest: {}); host left out", h->source(),
                        h->name, h->cpu_text, fmt::join(catalog.nearest_cpus(h->cpu_text), ", "));
        cluster_text += "  # " + comment(line) + "\n";
        result.left_out.push_back(line);
        continue;
      }
      int cores = h->cores > 0 ? h->cores : h->sockets * h->cpu->cores_per_socket;
      std::string retire;
      if (auto r = retire_at.find(h); r != retire_at.end()) retire = fmt::format(" retire: \"{}\"", r->second.str());
      std::vector<std::string> about{h->cpu_text};
      if (!h->vendor.empty() || !h->model.empty()) about.emplace_back(trim(h->vendor + " " + h->model));
      if (!h->esx_version.empty()) about.push_back(h->esx_version);
      if (h->bios) about.push_back("BIOS " + h->bios->str());
      if (h->cpu_usage || h->memory_usage)
        about.push_back(fmt::format("CPU {}%, memory {}% used", h->cpu_usage.value_or(0), h->memory_usage.value_or(0)));
      cluster_text +=
          fmt::format("  hosts {{ name: {} cpu: {} cores: {} ram_gib: {} purchased: \"{}\"{} }}  # {}{}{}\n",
                      quoted(h->name), quoted(h->cpu->name), cores, h->ram_gib, bought[h].str(), retire,
                      comment(fmt::format("{}", fmt::join(about, "; "))), bought_how[h],
                      retire.empty() ? "" : "; past its lifetime at the start: retirement spread");
      kept_hosts.insert(h->name);
      resolved_hosts[name].push_back(h);
      ++resolved;
    }
    if (resolved == 0) {
      std::string line =
          fmt::format("cluster {}: none of its hosts resolved; the cluster and its VMs are left out", name);
      body += "# " + comment(line) + "\n";
      result.left_out.push_back(line);
      continue;
    }
    kept_clusters.insert(name);
    ++result.clusters;
    result.hosts += resolved;
    body += cluster_text + "}\n";
  }

  // CPU demand from the hosts' usage, shared by their running VMs by vCPUs.
  std::map<std::string, int> running_vcpus;
  for (const auto& v : vms)
    if (iequals(v.power, "poweredOn")) running_vcpus[v.host] += v.vcpus;

  // VMs, one entry each (names are what a planner searches events for).
  std::set<std::string> names;
  std::map<std::string, int> unmapped_os;  // OS string -> VMs
  std::map<std::string, std::vector<std::string>> rule_members;
  std::map<std::string, std::string> rule_kind;
  int with_os = 0, captured = 0, running_since = 0, ha_disabled = 0, demand_from_host = 0;
  std::map<std::string, int> rules_unknown;
  for (const auto& v : vms) {
    std::string cluster = v.cluster;
    if (cluster.empty() && host_by_name.count(v.host)) cluster = host_by_name[v.host]->cluster;
    if (!kept_clusters.count(cluster)) {
      result.left_out.push_back(fmt::format("VM {}: its cluster '{}' is not in the fleet; VM left out", v.name,
                                            cluster.empty() ? v.host : cluster));
      continue;
    }
    std::string name = v.name;
    for (int n = 2; !names.insert(name).second; ++n) name = fmt::format("{} ({})", v.name, n);
    std::string line = fmt::format("vm {{ name: {} ", quoted(name));
    const bool on_kept_host = kept_hosts.count(v.host) && host_by_name[v.host]->cluster == cluster;
    if (on_kept_host) line += fmt::format("host: {} ", quoted(v.host));
    else line += fmt::format("cluster: {} ", quoted(cluster));
    line += fmt::format("vcpus: {} ram_mib: {} ", v.vcpus, static_cast<long long>(v.ram_mib));
    const bool on = iequals(v.power, "poweredOn");
    if (!on) line += "start_powered_off: true ";
    std::vector<std::string> notes;
    // Guest OS: the configuration file's, else what VMware Tools report.
    std::string os = guest_os_name_of(v.os_config);
    if (os.empty() || guest_os_index(os) < 0) {
      const std::string tools = guest_os_name_of(v.os_tools);
      if (!tools.empty() && guest_os_index(tools) >= 0) os = tools;
    }
    if (!os.empty() && guest_os_index(os) >= 0) {
      line += fmt::format("guest_os: {} ", quoted(os));
      ++with_os;
    } else if (!v.os_config.empty() || !v.os_tools.empty()) {
      const std::string text = v.os_config.empty() ? v.os_tools : v.os_config;
      unmapped_os[os.empty() ? text : fmt::format("{} (as {}: not in the catalog)", text, os)]++;
      notes.push_back("OS " + text);
    }
    // HA restart priority: vSphere's levels (vSphere API
    // ClusterDasVmSettingsRestartPriority: disabled, lowest, low, medium,
    // high, highest -- lowest and highest since API 6.5 -- and
    // clusterRestartPriority, the cluster's default) as evcsim's three;
    // disabled (HA does not restart the VM) has no equal here: low, noted.
    const std::string& p = v.ha_priority;
    if (p == "highest" || p == "high") line += "ha_priority: \"high\" ";
    else if (p == "low" || p == "lowest") line += "ha_priority: \"low\" ";
    else if (p == "disabled") {
      line += "ha_priority: \"low\" ";
      notes.emplace_back("HA restart disabled: restarted last here");
      ++ha_disabled;
    }
    // The running view: captured at its last power-on under the mode named
    // by 'min Required EVC Mode Key'; below the cluster's mode it stays
    // until the VM's next power cycle.
    if (on && !v.power_on.empty()) {
      if (seconds_at(o.start, v.power_on) <= 0) {
        line += fmt::format("power_on_date: {} ", quoted(v.power_on));
        ++running_since;
      } else {
        notes.push_back("powered on " + v.power_on + ", after the start: read as running at the start");
      }
    }
    if (on && !v.min_evc.empty()) {
      const Baseline* view = catalog.find_baseline(v.min_evc);
      auto mode = cluster_mode.find(cluster);
      if (view && mode != cluster_mode.end() && view != mode->second &&
          mode->second->features.contains(view->features)) {
        line += fmt::format("captured_baseline: {} ", quoted(v.min_evc));
        ++captured;
      }
    }
    // Demand: the VM's own usage where the export has it, else its share of its host's.
    if (v.cpu_usage) {
      line += fmt::format("cpu_demand: {:.3g} ", std::max(0.01, v.vcpus * *v.cpu_usage / 100));
    } else if (on && on_kept_host) {
      const HostRow* h = host_by_name[v.host];
      if (h->cpu && h->cpu_usage && running_vcpus[v.host] > 0) {
        const int cores = h->cores > 0 ? h->cores : h->sockets * h->cpu->cores_per_socket;
        const double host_demand = cores * std::max(0.05, h->cpu->relative_speed) * *h->cpu_usage / 100;
        // No more than its vCPUs can use at the part's speed.
        const double share =
            std::min(host_demand * v.vcpus / running_vcpus[v.host], v.vcpus * std::max(0.05, h->cpu->relative_speed));
        line += fmt::format("cpu_demand: {:.3g} ", std::max(0.01, share));
        ++demand_from_host;
      }
    }
    if (v.active_mib) line += fmt::format("active_memory: {:.3g} ", std::clamp(*v.active_mib / v.ram_mib, 0.01, 1.0));
    else if (v.memory_usage) line += fmt::format("active_memory: {:.3g} ", std::max(0.01, *v.memory_usage / 100));
    line += "}";
    // Rules: the VM's rule names ("a, b"); the kind from 'Cluster rule
    // type(s)' where the export has it, else from the rule's name.
    if (!v.rules.empty()) {
      const std::vector<std::string> rule_names = split_list(v.rules), types = split_list(v.rule_types);
      for (size_t i = 0; i < rule_names.size(); ++i) {
        const std::string key = to_lower(i < types.size() ? types[i] : rule_names[i]);
        std::string kind = key.find("anti") != std::string::npos       ? "anti-affinity"
                           : key.find("affin") != std::string::npos    ? "affinity"
                           : key.find("together") != std::string::npos ? "affinity"
                           : key.find("apart") != std::string::npos    ? "anti-affinity"
                           : key.find("separate") != std::string::npos ? "anti-affinity"
                                                                       : "";
        const std::string rule = cluster + "/" + rule_names[i];
        if (kind.empty()) {
          rules_unknown[rule_names[i]]++;
          continue;
        }
        rule_kind[rule] = kind;
        rule_members[rule].push_back(name);
      }
    }
    if (name != v.name) notes.push_back(fmt::format("a second VM named '{}'", v.name));
    if (iequals(v.power, "suspended")) notes.emplace_back("suspended");
    if (!v.host.empty() && !kept_hosts.count(v.host)) notes.push_back(fmt::format("was on {}", v.host));
    if (!v.min_evc.empty()) notes.push_back("needs EVC " + v.min_evc);
    if (!v.hw_version.empty()) notes.push_back("HW " + v.hw_version);
    if (!notes.empty()) line += fmt::format("  # {}", comment(fmt::format("{}", fmt::join(notes, ", "))));
    body += line + "\n";
    ++result.vms;
  }
  for (const auto& [rule, members] : rule_members) {
    if (members.size() < 2) {
      result.notes.push_back(fmt::format("rule {}: only VM {} names it here; left out", rule, members.front()));
      continue;
    }
    body += fmt::format("rule {{ kind: \"{}\"", rule_kind[rule]);
    for (const auto& m : members) body += fmt::format(" vm: {}", quoted(m));
    body += fmt::format(" }}  # {}\n", comment(rule));
  }

  // Without vInfo: VMs estimated from each host's used memory and '# VMs'.
  if (estimate) {
    int hosts_estimated = 0;
    for (const auto& name : order) {
      for (const HostRow* h : resolved_hosts[name]) {
        const Estimate e = estimate_vms(*h);
        if (e.big + e.small == 0) continue;
        ++hosts_estimated;
        std::string base = h->name;
        if (const size_t dot = base.find('.'); dot != std::string::npos) base.resize(dot);
        for (auto [count, vcpus, mib, tag] :
             {std::tuple{e.big, 4, e.big_mib, "large"}, std::tuple{e.small, 2, e.small_mib, "small"}}) {
          if (count == 0) continue;
          body += fmt::format("vm {{ name: \"estimated-{}-{}\" count: {} host: {} vcpus: {} ram_mib: {}", base, tag,
                              count, quoted(h->name), vcpus, mib);
          if (e.cpu_demand > 0) body += fmt::format(" cpu_demand: {:.3g}", e.cpu_demand * vcpus);
          body += fmt::format(
              " }}  # ESTIMATED (no vInfo): {} used {}% of {} GiB{}\n", h->name, h->memory_usage.value_or(0),
              h->ram_gib,
              h->vm_count.value_or(0) > 0 ? fmt::format(", {} VMs", *h->vm_count) : ", VM count from the memory");
          result.vms += count;
          result.estimated_vms += count;
        }
      }
    }
    result.notes.insert(
        result.notes.begin(),
        fmt::format("ESTIMATED WORKLOAD: {} has no vInfo, so its {} VM(s) on {} host(s) are estimated from the hosts' "
                    "'Memory usage %', 'CPU usage %' and '# VMs' as a mix of 4 vCPU/16 GiB and 2 vCPU/8 GiB VMs "
                    "(groups named estimated-*); sizes, OS and EVC views are guesses: give --vinfo for the real VMs",
                    host_file, result.estimated_vms, hosts_estimated));
  }

  // What was estimated or not read, said once each.
  if (!vms.empty()) {
    int vm_total = 0;
    for (const auto& [text, n] : unmapped_os) vm_total += n;
    std::string line = fmt::format("guest OS: {} of {} VM(s) mapped to the catalog", with_os, result.vms);
    if (!unmapped_os.empty()) {
      std::vector<std::string> parts;
      for (const auto& [text, n] : unmapped_os) parts.push_back(fmt::format("'{}' x{}", text, n));
      line += fmt::format("; not mapped ({} VM(s), no guest_os written): {}", vm_total, fmt::join(parts, ", "));
    }
    result.notes.push_back(line);
    if (captured > 0)
      result.notes.push_back(
          fmt::format("{} running VM(s) run on a view captured below their cluster's EVC mode "
                      "('min Required EVC Mode Key'; captured_baseline) until their next power "
                      "cycle",
                      captured));
    if (demand_from_host > 0)
      result.notes.push_back(
          fmt::format("CPU demand of {} VM(s): their host's 'CPU usage %' shared by vCPUs", demand_from_host));
    if (ha_disabled > 0)
      result.notes.push_back(
          fmt::format("{} VM(s) have HA restart disabled; evcsim restarts them last (low)", ha_disabled));
    for (const auto& [rule, n] : rules_unknown)
      result.notes.push_back(
          fmt::format("cluster rule '{}' ({} VM(s)): its kind is not said (no 'Cluster rule "
                      "type(s)' column, and the name says neither affinity nor anti-affinity); "
                      "left out",
                      rule, n));
    (void)running_since;
  }
  if (!bought.empty()) {
    std::string line = fmt::format(
        "purchase dates: {} from the export's purchased column, {} from the BIOS date, {} "
        "ESTIMATED (spread from the part's launch to {})",
        from_column, from_bios, spread, o.start.str());
    if (o.lifetime_years > 0) {
      YearMonth first_retire = o.start, last_retire = o.start;
      for (const auto& [h, when] : retire_at) {
        if (first_retire == o.start || when < first_retire) first_retire = when;
        last_retire = std::max(last_retire, when);
      }
      line += fmt::format(
          "; with a {}-year lifetime {} host(s) are past it at the start and retire spread over {} "
          "(retire: dates, oldest first)",
          o.lifetime_years, overdue,
          overdue ? fmt::format("{} to {}", first_retire.str(), last_retire.str()) : "no month");
      std::vector<std::string> years;
      const int last = o.start.year + static_cast<int>(std::ceil(horizon_years));
      for (int y = o.start.year; y <= last; ++y) years.push_back(fmt::format("{} {}", y, due_by_year[y]));
      line += fmt::format("; hosts due by year: {}", fmt::join(years, ", "));
    }
    result.notes.push_back(line);
  }
  if (esx_releases.size() > 1) {
    std::vector<std::string> parts;
    for (const auto& [r, n] : esx_releases) parts.push_back(fmt::format("{} x{}", r, n));
    result.notes.push_back(
        fmt::format("ESXi releases: {}; the scenario runs the oldest, {}", fmt::join(parts, ", "), esxi));
  }
  for (auto& n : column_notes) result.notes.push_back("columns: " + n);

  std::string sources_text = host_file;
  if (!sources.vinfo.empty()) sources_text += " and " + sources.vinfo;
  std::string head = fmt::format(
      "# The fleet as {} describe(s) it, written by `evcsim inventory`: {} cluster(s), {} host(s), {} VM(s).\n",
      sources_text, result.clusters, result.hosts, result.vms);
  if (estimate)
    head += fmt::format(
        "# ESTIMATED WORKLOAD: no vInfo was given; all {} VM(s) below are estimated from the hosts' usage.\n",
        result.estimated_vms);
  head += "# Review the policy, the refresh and the workload below; `evcsim run` this file.\n";
  for (const auto& l : result.left_out) head += "# left out: " + comment(l) + "\n";
  head += fmt::format("name: {}\nstart_date: \"{}\"\nhorizon: {}\n", quoted(o.name), o.start.str(), quoted(o.horizon));
  for (const auto& n : result.notes) head += fmt::format("notes: {}\n", quoted(comment(n)));
  head += fmt::format(
      "policy {{ name: {} }}\n"
      "drs {{ balance: true interval: \"5min\" }}\n"
      "workload {{ growth_per_year: 0.1 reboot_every_days: 30 power_cycle_every_days: 90 }}\n"
      "failures {{ annual_rate: 0.03 }}\n"
      "report {{ sample_interval: \"1mo\" }}\n",
      quoted(o.policy));
  if (!esxi.empty()) head += fmt::format("hypervisor {{ esxi: {} }}  # the export's ESX Version\n", quoted(esxi));
  if (o.lifetime_years > 0)
    head += fmt::format("refresh {{ lifetime_years: {} baseline_policy: {} cold_evacuation: true }}\n",
                        o.lifetime_years, quoted(o.baseline_policy));
  result.scenario = head + body;
  return result;
}

}  // namespace evcsim
