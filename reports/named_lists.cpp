#include "reports/named_lists.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "base/text_util.hpp"
#include "catalog/guest_os.hpp"
#include "cpu/feature_registry.hpp"
#include "events/event_text.hpp"
#include "reports/results.hpp"

namespace evcsim {
namespace {

using Kind = report::ListColumn::Kind;

struct ColumnDef {
  const char* name;
  Kind kind;  // DATE: a time, written as a date with a calendar and as seconds ("NAME_s") without
};
struct ListDef {
  const char* name;   // the file stem
  const char* sheet;  // the workbook sheet (<= 31 characters)
  const char* title;
  const char* intro;
  bool in_html;
  std::vector<ColumnDef> columns;
};

constexpr Kind kText = report::ListColumn::TEXT;
constexpr Kind kNumber = report::ListColumn::NUMBER;
constexpr Kind kDate = report::ListColumn::DATE;

// The lists, in ListCollector::ListId's order.
const std::array<ListDef, 5>& list_defs() {
  static const std::array<ListDef, 5> defs = {{
      {"vms-power-cycle",
       "power cycle for a raise",
       "VMs that need a power cycle to see a raised baseline",
       "Each VM running below a baseline raise, one row per raise: the mode its view was captured under, the "
       "mode a power cycle gives it, since when it waits and how it stopped waiting (empty: still below the "
       "raise at the end).",
       true,
       {{"vm", kText},
        {"cluster", kText},
        {"captured_mode", kText},
        {"would_get", kText},
        {"since", kDate},
        {"until", kDate},
        {"how", kText}}},
      {"vms-cold-moves",
       "cold moves",
       "VMs that moved cold",
       "Each cold migration: powered off on one host and booted on another, with the CPU of each host and why.",
       true,
       {{"vm", kText},
        {"from_host", kText},
        {"from_cpu", kText},
        {"to_host", kText},
        {"to_cpu", kText},
        {"when", kDate},
        {"why", kText},
        {"outage_minutes", kNumber}}},
      {"vms-waiting-for-room",
       "waiting for room",
       "VMs waiting for room",
       "Each power-on that waited in its cluster's queue for room: since its first refusal, until it ran or "
       "left (empty: still waiting at the end), and its last refusal.",
       true,
       {{"vm", kText},
        {"cluster", kText},
        {"since", kDate},
        {"until", kDate},
        {"days", kNumber},
        {"outcome", kText},
        {"why", kText}}},
      {"vms-os-blocked",
       "blocked from next OS",
       "VMs blocked from their next OS",
       "Each guest OS upgrade refused: the VM's view lacks the new release's CPU floor (the features named), "
       "or the VM was not running; a raise and the VM's power cycle give it the view it needs.",
       true,
       {{"vm", kText},
        {"cluster", kText},
        {"os", kText},
        {"next_os", kText},
        {"when", kDate},
        {"missing_features", kText},
        {"why", kText}}},
      {"hosts",
       "hosts",
       "Hosts",
       "Each host in service during the run: its cluster and CPU, when it joined and left.",
       false,
       {{"host", kText}, {"cluster", kText}, {"cpu", kText}, {"joined", kDate}, {"left", kDate}, {"status", kText}}},
  }};
  return defs;
}

std::string num(double v) { return fmt::format("{}", v); }

}  // namespace

ListCollector::ListCollector(const ScenarioSpec& spec) : spec_(spec), rows_(list_defs().size()) {
  for (const auto& c : spec_.clusters) mode_.push_back(c.baseline ? c.baseline->name : "none");
  for (const auto& h : spec_.hosts) host_cluster_.push_back(h.cluster);
}

size_t ListCollector::add(ListId list, std::vector<std::string> cells) {
  auto& rows = rows_[static_cast<size_t>(list)];
  rows.push_back(std::move(cells));
  return rows.size() - 1;
}

std::string ListCollector::when(double t) const { return spec_.calendar ? spec_.date(t) : num(t); }

std::string ListCollector::cluster_name(int c) const {
  return c >= 0 && static_cast<size_t>(c) < spec_.clusters.size() ? spec_.clusters[static_cast<size_t>(c)].name : "";
}

std::string ListCollector::host_cpu(int host) const {
  if (host < 0) return "";
  if (auto it = bought_cpu_.find(host); it != bought_cpu_.end()) return it->second;
  const auto& h = spec_.hosts[static_cast<size_t>(host)];
  return h.cpu ? h.cpu->name : "";
}

void ListCollector::raise_seen(int vm, double t, const std::string& how) {
  auto it = below_.find(vm);
  if (it == below_.end()) return;
  for (size_t i : it->second) {
    auto& r = row(ListId::power_cycle, i);
    r[5] = when(t);
    r[6] = how;
  }
  below_.erase(it);
}

void ListCollector::end_wait(int vm, double t, const char* outcome, bool ended) {
  auto it = waiting_.find(vm);
  if (it == waiting_.end()) return;
  auto& r = row(ListId::waiting, it->second.row);
  if (ended) r[3] = when(t);
  r[4] = num(std::round((t - it->second.since) / 86400 * 10) / 10);
  r[5] = outcome;
  waiting_.erase(it);
}

void ListCollector::on_event(const Event& ev) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, BaselineChanged>) {
          if (static_cast<size_t>(e.cluster) < mode_.size()) mode_[static_cast<size_t>(e.cluster)] = e.to;
        } else if constexpr (std::is_same_v<T, VmPoweredOn>) {
          if (e.new_view) {
            raise_seen(e.vm, e.t, "powered on with a new view");
            const auto& own = spec_.vms[static_cast<size_t>(e.vm)].baseline;
            captured_[e.vm] = own ? own->name : mode_[static_cast<size_t>(host_cluster_[static_cast<size_t>(e.host)])];
          }
          end_wait(e.vm, e.t, "powered on");
        } else if constexpr (std::is_same_v<T, VmRebooted>) {
          if (e.power_cycle) {
            raise_seen(e.vm, e.t, e.operation ? "power cycle (an operation)" : "power cycle (routine)");
            const auto& own = spec_.vms[static_cast<size_t>(e.vm)].baseline;
            captured_[e.vm] = own ? own->name : mode_[static_cast<size_t>(host_cluster_[static_cast<size_t>(e.host)])];
          }
        } else if constexpr (std::is_same_v<T, VmPoweredOff>) {
          if (e.reason != PowerOffReason::cold_migration && e.reason != PowerOffReason::cold_evacuation)
            raise_seen(e.vm, e.t, "powered off: " + power_off_text(e, spec_));
        } else if constexpr (std::is_same_v<T, BaselineRaised>) {
          for (int vm : e.vms_below) {
            auto it = captured_.find(vm);
            below_[vm].push_back(
                add(ListId::power_cycle, {spec_.vms[static_cast<size_t>(vm)].name, cluster_name(e.cluster),
                                          it != captured_.end() ? it->second : e.from, e.to, when(e.t), "", ""}));
          }
        } else if constexpr (std::is_same_v<T, ColdMigration>) {
          std::string why = "scheduled cold migration";
          if (e.why == PowerOffReason::cold_evacuation) {
            auto m = maintenance_why_.find(e.src);
            why = "cold evacuation of its host (maintenance: " +
                  (m != maintenance_why_.end() ? m->second : std::string("?")) + ")";
          }
          add(ListId::cold_moves,
              {spec_.vms[static_cast<size_t>(e.vm)].name, spec_.hosts[static_cast<size_t>(e.src)].name, host_cpu(e.src),
               spec_.hosts[static_cast<size_t>(e.dst)].name, host_cpu(e.dst), when(e.t), why, num(e.outage_s / 60)});
        } else if constexpr (std::is_same_v<T, PowerOnRefused>) {
          if (!e.waits) return;
          auto [it, first] = waiting_.try_emplace(e.vm, Wait{0, e.t});
          if (first)
            it->second.row = add(ListId::waiting, {spec_.vms[static_cast<size_t>(e.vm)].name,
                                                   cluster_name(spec_.vms[static_cast<size_t>(e.vm)].cluster),
                                                   when(e.t), "", "", "", ""});
          row(ListId::waiting, it->second.row)[6] = power_on_refused_text(e, spec_);
        } else if constexpr (std::is_same_v<T, OsUpgradeRefused>) {
          const auto os = [](int i) {
            return i >= 0 ? std::string(guest_os_table()[static_cast<size_t>(i)].name) : std::string("?");
          };
          add(ListId::os_blocked,
              {spec_.vms[static_cast<size_t>(e.vm)].name, cluster_name(e.cluster), os(e.from), os(e.to), when(e.t),
               join_names(e.missing), e.not_running ? "not running" : "its view lacks " + os(e.to) + "'s CPU floor"});
        } else if constexpr (std::is_same_v<T, VmDeparted>) {
          raise_seen(e.vm, e.t, "departed");
          end_wait(e.vm, e.t, "departed before it ran");
        } else if constexpr (std::is_same_v<T, HostBought>) {
          bought_cpu_[e.host] = e.cpu;
          host_cluster_[static_cast<size_t>(e.host)] = e.cluster;
        } else if constexpr (std::is_same_v<T, HostJoined>) {
          host_cluster_[static_cast<size_t>(e.host)] = e.cluster;
          host_row_[e.host] = add(ListId::hosts, {spec_.hosts[static_cast<size_t>(e.host)].name,
                                                  cluster_name(e.cluster), host_cpu(e.host), when(e.t), "", ""});
        } else if constexpr (std::is_same_v<T, MaintenanceStarted>) {
          maintenance_why_[e.host] = maintenance_started_text(e);
        } else if constexpr (std::is_same_v<T, MaintenanceDone>) {
          if (e.outcome == MaintenanceOutcome::retired)
            if (auto it = host_row_.find(e.host); it != host_row_.end()) row(ListId::hosts, it->second)[5] = "retired";
        } else if constexpr (std::is_same_v<T, HostRemoved>) {
          if (auto it = host_row_.find(e.host); it != host_row_.end()) {
            auto& r = row(ListId::hosts, it->second);
            r[4] = when(e.t);
            if (r[5].empty()) r[5] = "removed";
            host_row_.erase(it);
          }
        }
      },
      ev);
}

void ListCollector::finish(double t, report::NamedLists* out) {
  while (!waiting_.empty()) end_wait(waiting_.begin()->first, t, "still waiting at the end", false);
  for (const auto& [host, i] : host_row_) row(ListId::hosts, i)[5] = "in service at the end";
  host_row_.clear();
  for (size_t l = 0; l < list_defs().size(); ++l) {
    const ListDef& def = list_defs()[l];
    report::NamedList* list = out->add_lists();
    list->set_name(def.name);
    list->set_sheet(def.sheet);
    list->set_title(def.title);
    list->set_intro(def.intro);
    list->set_in_html(def.in_html);
    for (const auto& c : def.columns) {
      auto* col = list->add_columns();
      const bool seconds = c.kind == kDate && !spec_.calendar;
      col->set_name(seconds ? std::string(c.name) + "_s" : c.name);
      col->set_kind(seconds ? kNumber : c.kind);
    }
    for (auto& cells : rows_[l]) {
      auto* r = list->add_rows();
      for (auto& c : cells) r->add_cells(std::move(c));
    }
    rows_[l].clear();
  }
}

const report::NamedList* find_list(const report::NamedLists& lists, const std::string& name) {
  for (const auto& l : lists.lists())
    if (l.name() == name) return &l;
  return nullptr;
}

std::map<std::string, std::string> lists_csv(const report::NamedLists& lists) {
  std::map<std::string, std::string> files;
  for (const auto& l : lists.lists()) {
    std::string& f = files[l.name()];
    for (int c = 0; c < l.columns_size(); ++c) f += (c ? "," : "") + csv_field(l.columns(c).name());
    f += "\n";
    for (const auto& row : l.rows()) {
      for (int c = 0; c < row.cells_size(); ++c) f += (c ? "," : "") + csv_field(row.cells(c));
      f += "\n";
    }
  }
  return files;
}

std::string lists_html(const report::NamedLists& lists, size_t max_rows) {
  std::string out;
  for (const auto& l : lists.lists()) {
    if (!l.in_html() || l.rows().empty()) continue;
    const std::string csv = l.name() + ".csv";
    out += fmt::format("<h2 id=\"list-{}-title\">{}</h2>\n<p class=\"intro\">{}</p>\n", l.name(), xml_escape(l.title()),
                       xml_escape(l.intro()));
    out += fmt::format("<table id=\"list-{}\"><thead><tr>", l.name());
    for (const auto& c : l.columns()) {
      std::string head = c.name();
      std::replace(head.begin(), head.end(), '_', ' ');
      out += "<th>" + xml_escape(head) + "</th>";
    }
    out += "</tr></thead><tbody>\n";
    const size_t shown = std::min(max_rows, static_cast<size_t>(l.rows_size()));
    for (size_t i = 0; i < shown; ++i) {
      out += "<tr>";
      const auto& row = l.rows(static_cast<int>(i));
      for (int c = 0; c < row.cells_size(); ++c) {
        const bool number = c < l.columns_size() && l.columns(c).kind() == report::ListColumn::NUMBER;
        out += (number ? "<td class=\"n\">" : "<td>") + xml_escape(row.cells(c)) + "</td>";
      }
      out += "</tr>\n";
    }
    out += "</tbody></table>\n";
    const auto total = static_cast<double>(l.rows_size());
    out += fmt::format("<p class=\"none\">{} <a href=\"{}\">{}</a></p>\n",
                       shown < static_cast<size_t>(l.rows_size())
                           ? fmt::format("the first {} of {} rows; all of them in", shown, grouped(total, 0))
                           : fmt::format("{} row(s); also in", grouped(total, 0)),
                       xml_escape(csv), xml_escape(csv));
  }
  return out;
}

}  // namespace evcsim
