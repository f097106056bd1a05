#include "interop/inventory_import.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "base/error.hpp"
#include "base/text_util.hpp"
#include "catalog/catalog.hpp"

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

std::optional<size_t> CsvTable::column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i)
    if (iequals(header_[i], trim(name))) return i;
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

// ---- the fleet ----

namespace {

struct HostRow {
  std::string name, cluster, cpu_text;
  const CpuModel* cpu = nullptr;
  int sockets = 0, cores = 0;
  double ram_gib = 0;
  std::optional<YearMonth> purchased;
  std::string current_evc, max_evc;
  std::string file;
  int line = 0;
  std::string source() const { return fmt::format("{}:{}", file, line); }
};

struct VmRow {
  std::string name, host, cluster, power, min_evc, hw_version;
  int vcpus = 0;
  double ram_mib = 0;
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

std::vector<HostRow> read_vhost(const std::string& path, const Catalog& catalog) {
  CsvTable t = CsvTable::load(path);
  const HostColumns columns{t.required("Host"),  t.required("CPU Model"),   t.required("# CPU"),
                            t.column("Cluster"), t.column("Cores per CPU"), "CPU model"};
  const size_t memory = t.required("# Memory");
  const auto current = t.column("Current EVC"), max = t.column("Max EVC");
  std::vector<HostRow> out;
  for (const auto& r : t.rows()) {
    HostRow h = host_row(t, r, catalog, columns);
    const double mb = positive_whole(t, r, memory, kHostMemoryMb);  // RVTools: MB
    h.ram_gib = std::max(1.0, std::round(mb / 1024));
    h.current_evc = current ? t.cell(r, *current) : "";
    h.max_evc = max ? t.cell(r, *max) : "";
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
    out.push_back(std::move(h));
  }
  return out;
}

std::vector<VmRow> read_vinfo(const std::string& path) {
  CsvTable t = CsvTable::load(path);
  const size_t vm = t.required("VM"), power = t.required("Powerstate"), cpus = t.required("CPUs"),
               memory = t.required("Memory");
  const auto host = t.column("Host"), cluster = t.column("Cluster"), min_evc = t.column("min Required EVC Mode Key"),
             hw = t.column("HW version"), templ = t.column("Template");
  std::vector<VmRow> out;
  for (const auto& r : t.rows()) {
    if (templ && iequals(t.cell(r, *templ), "true")) continue;  // a template never runs
    VmRow v;
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
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace

InventoryResult import_inventory(const InventorySources& sources, const Catalog& catalog, const InventoryOptions& o) {
  if (sources.vhost.empty() == sources.hosts_csv.empty())
    throw InputError("give the hosts either as RVTools' vHost export (--vhost) or as a plain CSV (--hosts)");
  std::vector<HostRow> hosts =
      sources.vhost.empty() ? read_hosts_csv(sources.hosts_csv, catalog) : read_vhost(sources.vhost, catalog);
  std::vector<VmRow> vms = sources.vinfo.empty() ? std::vector<VmRow>{} : read_vinfo(sources.vinfo);

  InventoryResult result;
  // Clusters in the order they first appear; standalone hosts share one.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const HostRow*>> by_cluster;
  std::map<std::string, const HostRow*> host_by_name;
  for (auto& h : hosts) {
    if (h.cluster.empty()) h.cluster = "standalone";
    if (!host_by_name.emplace(h.name, &h).second)
      throw InputError(fmt::format("host '{}' is listed twice", h.name), h.file, h.line);
    if (!by_cluster.count(h.cluster)) order.push_back(h.cluster);
    by_cluster[h.cluster].push_back(&h);
  }
  std::string body;
  std::set<std::string> kept_clusters, kept_hosts;
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
      if (catalog.find_baseline(evc)) {
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
      // Purchase date: as given, else estimated as the part's launch plus the
      // six months qualification takes, not after the start.
      YearMonth bought;
      std::string estimated;
      if (h->purchased) {
        bought = *h->purchased;
      } else {
        int idx = std::min(h->cpu->launch.index() + 6, o.start.index());
        bought = YearMonth{idx / 12, idx % 12 + 1};
        estimated = ", purchase date estimated from the part's launch";
      }
      int cores = h->cores > 0 ? h->cores : h->sockets * h->cpu->cores_per_socket;
      cluster_text += fmt::format("  hosts {{ name: {} cpu: {} cores: {} ram_gib: {} purchased: \"{}\" }}  # {}{}\n",
                                  quoted(h->name), quoted(h->cpu->name), cores, h->ram_gib, bought.str(),
                                  comment(h->cpu_text), estimated);
      kept_hosts.insert(h->name);
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
  // VMs, one entry each (names are what a planner searches events for).
  std::set<std::string> names;
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
    if (kept_hosts.count(v.host) && host_by_name[v.host]->cluster == cluster)
      line += fmt::format("host: {} ", quoted(v.host));
    else line += fmt::format("cluster: {} ", quoted(cluster));
    line += fmt::format("vcpus: {} ram_mib: {} ", v.vcpus, static_cast<long long>(v.ram_mib));
    if (!iequals(v.power, "poweredOn")) line += "start_powered_off: true ";
    line += "}";
    std::vector<std::string> notes;
    if (name != v.name) notes.push_back(fmt::format("a second VM named '{}'", v.name));
    if (iequals(v.power, "suspended")) notes.emplace_back("suspended");
    if (!v.host.empty() && !kept_hosts.count(v.host)) notes.push_back(fmt::format("was on {}", v.host));
    if (!v.min_evc.empty()) notes.push_back("needs EVC " + v.min_evc);
    if (!v.hw_version.empty()) notes.push_back("HW " + v.hw_version);
    if (!notes.empty()) line += fmt::format("  # {}", comment(fmt::format("{}", fmt::join(notes, ", "))));
    body += line + "\n";
    ++result.vms;
  }

  std::string sources_text = sources.vhost.empty() ? sources.hosts_csv : sources.vhost;
  if (!sources.vinfo.empty()) sources_text += " and " + sources.vinfo;
  std::string head = fmt::format(
      "# The fleet as {} describe(s) it, written by `evcsim inventory`: {} cluster(s), {} host(s), {} VM(s).\n"
      "# Review the policy, the refresh and the workload below; `evcsim run` this file.\n",
      sources_text, result.clusters, result.hosts, result.vms);
  for (const auto& l : result.left_out) head += "# left out: " + comment(l) + "\n";
  head += fmt::format(
      "name: {}\nstart_date: \"{}\"\nhorizon: {}\npolicy {{ name: {} }}\n"
      "drs {{ balance: true interval: \"5min\" }}\n"
      "workload {{ growth_per_year: 0.1 reboot_every_days: 30 power_cycle_every_days: 90 }}\n"
      "failures {{ annual_rate: 0.03 }}\n"
      "report {{ sample_interval: \"1mo\" }}\n",
      quoted(o.name), o.start.str(), quoted(o.horizon), quoted(o.policy));
  if (o.lifetime_years > 0)
    head += fmt::format("refresh {{ lifetime_years: {} baseline_policy: {} cold_evacuation: true }}\n",
                        o.lifetime_years, quoted(o.baseline_policy));
  result.scenario = head + body;
  return result;
}

}  // namespace evcsim
