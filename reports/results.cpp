#include "reports/results.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "base/json.hpp"
#include "cpu/feature_registry.hpp"
#include "events/event_log.hpp"
#include "events/event_text.hpp"
#include "world/events.hpp"

namespace evcsim {
namespace {

constexpr int kMaxRecords = 10000;  // per table; totals keep the true counts

template <class Repeated>
// The record is made only while the table has room (a long run completes
// millions of migrations; making each record cost more than the rest).
void add_capped(Repeated* list, const Event& e, const ScenarioSpec& spec) {
  if (list->size() < kMaxRecords) *list->Add() = to_record(e, spec);
}

// Full precision, shortest form that reads back the same double.
std::string num(double v) { return fmt::format("{}", v); }

std::string joined(const google::protobuf::RepeatedPtrField<std::string>& v) {
  return fmt::format("{}", fmt::join(v, " "));
}

}  // namespace

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

ResultsCollector::ResultsCollector(const ScenarioSpec& spec, const RunSummary& summary)
    : spec_(spec), summary_(summary), lists_(spec) {
  auto* id = results_.mutable_scenario();
  id->set_file(spec.file);
  id->set_name(spec.name);
  id->set_seed(spec.seed);
  id->set_policy(spec.policy.name);
  id->set_horizon_s(spec.horizon_s);
  // Hosts in service at the start; a refresh's empty bays (room to buy into) are not hosts.
  uint32_t present = 0;
  for (size_t h = 0; h < spec.hosts.size(); ++h) present += spec.host_present_at_start[h] ? 1U : 0U;
  id->set_hosts(present);
  id->set_vms(static_cast<uint32_t>(spec.vms.size()));
  id->set_description(spec.description);
  id->set_sample_interval_s(spec.sample_interval_s);
  id->set_max_downtime_ms(spec.migration.max_downtime_ms);
  if (spec.calendar) {
    id->set_start_date(spec.start_date.str());
    id->set_end_date(spec.date(spec.horizon_s));
  }
}

std::string ResultsCollector::cpu_name(int host) const {
  if (host < 0) return "";
  if (auto it = bought_cpu_.find(host); it != bought_cpu_.end()) return it->second;
  return spec_.hosts[host].cpu ? spec_.hosts[host].cpu->name : spec_.hosts[host].name;
}

report::Series& ResultsCollector::series(const std::string& family, const std::string& key) {
  auto [it, fresh] = index_.emplace(std::make_pair(family, key), results_.series_size());
  if (fresh) {
    auto* s = results_.add_series();
    s->set_family(family);
    s->set_key(key);
  }
  return *results_.mutable_series(it->second);
}

void ResultsCollector::bucket(const std::string& family, const std::string& key, double t) {
  double b = std::floor(t / spec_.sample_interval_s) * spec_.sample_interval_s;
  buckets_[{family, key}][b] += 1;
}

void ResultsCollector::on_event(const Event& ev) {
  lists_.on_event(ev);
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Crash>) {
          add_capped(results_.mutable_crashes(), ev, spec_);
          bucket("crashes", std::string(code_name(e.cause)), e.t);
          // One story per software, route between CPU models, missing features and cause.
          const auto& software = (*spec_.vms[e.vm].software)[e.sw];
          const std::string src = e.src >= 0 ? cpu_name(e.src) : "", dst = cpu_name(e.dst >= 0 ? e.dst : e.host);
          const auto missing = feature_names(e.missing);
          const std::string key =
              fmt::format("{}|{}|{}|{}|{}", software.name, src, dst, fmt::join(missing, " "), code_name(e.cause));
          auto [it, fresh] = crash_group_.emplace(key, results_.crash_groups_size());
          if (fresh) {
            auto* g = results_.add_crash_groups();
            g->set_software(software.name);
            g->set_kernel(e.kernel);
            g->set_src_cpu(src);
            g->set_dst_cpu(dst);
            for (const auto& n : missing) g->add_missing(n);
            g->set_cause(std::string(code_name(e.cause)));
            g->set_first_t(e.t);
            g->set_example_vm(spec_.vms[e.vm].name);
            crash_group_vms_.emplace_back();
          }
          auto* g = results_.mutable_crash_groups(it->second);
          g->set_crashes(g->crashes() + 1);
          g->set_last_t(e.t);
          crash_group_vms_[static_cast<size_t>(it->second)].insert(e.vm);
          g->set_vms(static_cast<uint32_t>(crash_group_vms_[static_cast<size_t>(it->second)].size()));
        } else if constexpr (std::is_same_v<T, HostBought>) {
          bought_cpu_[e.host] = e.cpu;
          const std::string cluster = spec_.clusters[e.cluster].name, why(purchase_text(e.why));
          int n = results_.purchases_size();
          report::Purchase* p = n > 0 ? results_.mutable_purchases(n - 1) : nullptr;
          if (!p || p->t() != e.t || p->cluster() != cluster || p->cpu() != e.cpu || p->why() != why) {
            p = results_.add_purchases();
            p->set_t(e.t);
            p->set_cluster(cluster);
            p->set_cpu(e.cpu);
            p->set_why(why);
          }
          p->set_count(p->count() + 1);
        } else if constexpr (std::is_same_v<T, MaintenanceStarted>) {
          if (open_maintenance_.count(e.host)) return;  // a retry of the same maintenance
          open_maintenance_[e.host] = results_.maintenances_size();
          auto* m = results_.add_maintenances();
          m->set_t(e.t);
          m->set_host(spec_.host_name(e.host));
          m->set_cpu(cpu_name(e.host));
          m->set_why(maintenance_started_text(e));
          m->set_end_t(-1);
        } else if constexpr (std::is_same_v<T, MaintenanceFailed>) {
          if (auto it = open_maintenance_.find(e.host); it != open_maintenance_.end()) {
            auto* m = results_.mutable_maintenances(it->second);
            m->set_attempts(m->attempts() + 1);
            m->set_reason(maintenance_failed_text(e, spec_));
            m->clear_features();
            for (auto& n : feature_names(e.missing)) m->add_features(n);
          }
        } else if constexpr (std::is_same_v<T, MaintenanceDone>) {
          if (auto it = open_maintenance_.find(e.host); it != open_maintenance_.end()) {
            auto* m = results_.mutable_maintenances(it->second);
            m->set_outcome(e.outcome == MaintenanceOutcome::retired ? "retired" : "done");
            m->set_end_t(e.t);
            open_maintenance_.erase(it);
          }
        } else if constexpr (std::is_same_v<T, ColdMigration>) {
          if (auto it = open_maintenance_.find(e.src); it != open_maintenance_.end()) {
            auto* m = results_.mutable_maintenances(it->second);
            m->set_moved_cold(m->moved_cold() + 1);
          }
        } else if constexpr (std::is_same_v<T, MigrationBlocked>) {
          add_capped(results_.mutable_blocked(), ev, spec_);
          bucket("blocked", std::string(code_name(e.code)), e.t);
        } else if constexpr (std::is_same_v<T, BaselineRaised>) {
          report::RaiseImpact* r = results_.add_raises();
          r->set_cluster(spec_.clusters[e.cluster].name);
          r->set_from(e.from);
          r->set_to(e.to);
          r->set_possible_since_s(e.possible_since);
          r->set_raised_at_s(e.t);
          // Enabling EVC on a cluster without one gains nothing (`gained` is then the mode's features).
          if (e.from != "none")
            for (auto& n : feature_names(e.gained)) r->add_gained(n);
          r->set_vms_waiting(static_cast<uint32_t>(e.vms_to_cycle));
          r->set_cycles_required(static_cast<uint32_t>(e.vms_to_cycle));
          r->set_all_seen_at_s(-1);
          r->set_locks_out(e.locks_out);
          for (auto& n : feature_names(e.locks_out_missing)) r->add_locks_out_missing(n);
          latest_raise_[e.cluster] = results_.raises_size() - 1;
        } else if constexpr (std::is_same_v<T, BaselineRaiseSeen>) {
          if (auto it = latest_raise_.find(e.cluster); it != latest_raise_.end())
            results_.mutable_raises(it->second)->set_all_seen_at_s(e.t);
        } else if constexpr (std::is_same_v<T, VmRebooted>) {
          if (!e.picks_up) return;
          const auto fallback = in_fallback_.find(e.vm);
          const int cluster = fallback == in_fallback_.end() ? spec_.vms[e.vm].cluster : fallback->second;
          if (auto it = latest_raise_.find(cluster); it != latest_raise_.end()) {
            report::RaiseImpact* r = results_.mutable_raises(it->second);
            r->set_cycles_that_picked_it_up(r->cycles_that_picked_it_up() + 1);
          }
        } else if constexpr (std::is_same_v<T, VmPlacedInFallback>) {
          in_fallback_[e.vm] = e.cluster;
        } else if constexpr (std::is_same_v<T, VmArrived>) {
          in_fallback_.erase(e.vm);  // a new VM in the slot: its home cluster first
        } else if constexpr (std::is_same_v<T, MigrationAborted>) {
          bucket("migrations", "aborted", e.t);
        } else if constexpr (std::is_same_v<T, MigrationCompleted>) {
          if (auto it = open_maintenance_.find(e.src); it != open_maintenance_.end()) {
            auto* m = results_.mutable_maintenances(it->second);
            m->set_moved_live(m->moved_live() + 1);
          }
          if (e.over_downtime_target && results_.slow_migrations_size() < 1000)
            *results_.add_slow_migrations() = to_record(ev, spec_);
          add_capped(results_.mutable_migrations(), ev, spec_);
          bucket("migrations", "completed", e.t);
        } else if constexpr (std::is_same_v<T, OperationRefused> || std::is_same_v<T, PowerOnRefused> ||
                             std::is_same_v<T, HostJoinRefused> || std::is_same_v<T, SoftwareRefused> ||
                             std::is_same_v<T, OsUpgradeRefused>) {
          add_capped(results_.mutable_refused(), ev, spec_);
        } else if constexpr (std::is_same_v<T, Snapshot>) {
          auto point = [&](const std::string& family, const std::string& key, double v,
                           const std::string* label = nullptr) {
            auto& s = series(family, key);
            s.add_t(e.t);
            s.add_value(v);
            if (label) s.add_label(*label);
          };
          point("vms", "on", e.vms_on);
          point("vms", "off", e.vms_off);
          for (const auto& [f, n] : e.feature_counts) point("feature_share", f, e.vms_on ? double(n) / e.vms_on : 0.0);
          for (const auto& [f, n] : e.feature_in_use) point("feature_in_use", f, e.vms_on ? double(n) / e.vms_on : 0.0);
          // Generations seen before keep a zero point, so stacked charts line up.
          for (const auto& [k, i] : index_)
            if (k.first == "hosts_by_generation" && !e.hosts_by_generation.count(k.second))
              point("hosts_by_generation", k.second, 0);
          for (const auto& [g, n] : e.hosts_by_generation) {
            auto& s = series("hosts_by_generation", g);
            for (double t : snapshot_times_)  // a generation new at this sample: zeros before
              if (s.t_size() < static_cast<int>(snapshot_times_.size())) s.add_t(t), s.add_value(0);
            s.add_t(e.t);
            s.add_value(n);
          }
          for (size_t c = 0; c < e.baselines.size(); ++c)
            point("baseline", spec_.clusters[c].name, e.baseline_features[c], &e.baselines[c]);
          point("migration_domains", "count", e.domains);
          point("migration_domains", "largest_hosts", e.largest_domain_hosts);
          point("imbalance", "host_load_stddev", e.imbalance);
          point("imbalance", "left_by_compatibility", e.imbalance_left);
          for (const auto& [k, i] : index_)
            if (k.first == "vms_by_level" && !e.vms_by_level.count(k.second)) point("vms_by_level", k.second, 0);
          for (const auto& [level, n] : e.vms_by_level) {
            auto& s = series("vms_by_level", level);
            for (double t : snapshot_times_)
              if (s.t_size() < static_cast<int>(snapshot_times_.size())) s.add_t(t), s.add_value(0);
            s.add_t(e.t);
            s.add_value(n);
          }
          if (e.graph) {
            auto* g = results_.add_graphs();
            g->set_t(e.t);
            g->set_domains(static_cast<uint32_t>(e.graph->domains));
            for (size_t i = 0; i < e.graph->classes.size(); ++i) {
              const HostClass& hc = e.graph->classes[i];
              auto* n = g->add_nodes();
              n->set_id(static_cast<uint32_t>(i));
              n->set_cluster(spec_.clusters[hc.cluster].name);
              n->set_cpu(hc.cpu->name);
              n->set_generation(hc.cpu->generation);
              n->set_hosts(static_cast<uint32_t>(hc.hosts));
              n->set_domain(static_cast<uint32_t>(e.graph->domain[i]));
            }
            // A fleet of thousands of clusters has thousands of classes and
            // millions of edges: the reverse edge is looked up by binary
            // search in the (i, j)-ordered list the graph is built in, and
            // what escapes is named once per pair of CPU models, not per edge.
            std::vector<std::pair<int, int>> sorted;
            const std::vector<std::pair<int, int>>* edges = &e.graph->edges;
            if (!std::is_sorted(edges->begin(), edges->end())) {
              sorted = *edges;
              std::sort(sorted.begin(), sorted.end());
              edges = &sorted;
            }
            std::map<std::pair<const CpuModel*, const CpuModel*>, std::vector<std::string>> escapes;
            for (const auto& [a, b] : e.graph->edges) {
              auto* ed = g->add_edges();
              ed->set_from(static_cast<uint32_t>(a));
              ed->set_to(static_cast<uint32_t>(b));
              const CpuModel* from = e.graph->classes[a].cpu;
              const CpuModel* to = e.graph->classes[b].cpu;
              auto [it, fresh] = escapes.try_emplace({from, to});
              if (fresh) it->second = feature_names(from->migratable() - to->migratable());
              for (const auto& n : it->second) ed->add_escapes(n);
              ed->set_one_way(!std::binary_search(edges->begin(), edges->end(), std::make_pair(b, a)));
            }
          }
          snapshot_times_.push_back(e.t);
        }
      },
      ev);
}

void ResultsCollector::on_end(double t) {
  lists_.finish(t, &lists_out_);
  // Event counts per sampling interval, zero-filled over the whole run.
  for (const auto& [k, counts] : buckets_) {
    auto& s = series(k.first, k.second);
    for (double t = 0; t < spec_.horizon_s; t += spec_.sample_interval_s) {
      auto it = counts.find(t);
      s.add_t(t);
      s.add_value(it == counts.end() ? 0 : it->second);
    }
  }
  for (const auto& [k, v] : summary_.metrics()) (*results_.mutable_totals())[k] = v;
  for (const auto& r : summary_.evaluate()) {
    auto* o = results_.add_expectations();
    o->set_metric(r.expectation.metric);
    o->set_op(r.expectation.op);
    o->set_value(r.expectation.value);
    o->set_measured(r.measured);
    o->set_measured_name(r.measured_name);
    o->set_text(r.expectation.expected_name);
    o->set_ok(r.ok);
    o->set_line(static_cast<uint32_t>(r.expectation.line));
  }
  for (const auto& [key, row] : summary_.cluster_years().rows()) {
    auto* y = results_.add_cluster_years();
    y->set_cluster(key.first >= 0 ? spec_.clusters[static_cast<size_t>(key.first)].name : "(none)");
    y->set_year(key.second);
    y->set_host_years(row.host_years);
    for (const auto& [cause, minutes] : row.outage_minutes) (*y->mutable_outage_minutes())[cause] = minutes;
    y->set_outage_minutes_total(row.outage_total());
    for (const auto& [cause, n] : row.vmotions) {
      (*y->mutable_vmotions())[cause] = n;
      (*y->mutable_vmotions_per_host_year_by_cause())[cause] = row.host_years > 0 ? n / row.host_years : 0;
    }
    y->set_vmotions_total(row.vmotions_total());
    y->set_vmotions_per_host_year(row.host_years > 0 ? row.vmotions_total() / row.host_years : 0);
  }
  for (auto& m : *results_.mutable_maintenances())
    if (m.outcome().empty()) m.set_outcome(m.attempts() > 0 ? "failed" : "running at the end");
  if (!spec_.calendar) return;
  for (auto& p : *results_.mutable_purchases()) p.set_date(spec_.date(p.t()));
  for (auto& m : *results_.mutable_maintenances()) {
    m.set_date(spec_.date(m.t()));
    if (m.end_t() >= 0) m.set_end_date(spec_.date(m.end_t()));
  }
  for (auto& g : *results_.mutable_crash_groups()) {
    g.set_first_date(spec_.date(g.first_t()));
    g.set_last_date(spec_.date(g.last_t()));
  }
  for (auto& s : *results_.mutable_series())
    for (double t : s.t()) s.add_date(spec_.date(t));
  for (auto& g : *results_.mutable_graphs()) g.set_date(spec_.date(g.t()));
  for (auto& r : *results_.mutable_raises()) {
    r.set_possible_since_date(spec_.date(r.possible_since_s()));
    r.set_raised_at_date(spec_.date(r.raised_at_s()));
    if (r.all_seen_at_s() >= 0) r.set_all_seen_at_date(spec_.date(r.all_seen_at_s()));
  }
}

std::string results_json(const report::RunResults& r) { return to_json(r); }

std::map<std::string, std::string> results_csv(const report::RunResults& r) {
  // Every table starts with t, and with a calendar the date beside it.
  const bool calendar = !r.scenario().start_date().empty();
  auto header = [&](std::string_view columns) { return fmt::format("t,{}{}\n", calendar ? "date," : "", columns); };
  auto when = [&](double t, const std::string& date) { return calendar ? fmt::format("{},{}", num(t), date) : num(t); };
  std::map<std::string, std::string> files;
  for (const auto& s : r.series()) {
    std::string& f = files[s.family()];
    bool labelled = s.label_size() > 0;
    if (f.empty()) f = header(labelled ? "key,value,label" : "key,value");
    for (int i = 0; i < s.t_size(); ++i)
      f += fmt::format("{},{},{}{}{}\n", when(s.t(i), calendar ? s.date(i) : ""), csv_field(s.key()), num(s.value(i)),
                       labelled ? "," : "", labelled ? csv_field(s.label(i)) : "");
  }
  std::string crashes = header("vm,software,kernel,host,src,dst,cause,missing");
  for (const auto& c : r.crashes())
    crashes +=
        fmt::format("{},{},{},{},{},{},{},{},{}\n", when(c.t(), c.date()), csv_field(c.vm()), csv_field(c.software()),
                    c.kernel() ? 1 : 0, c.host(), c.src(), c.dst(), c.cause(), csv_field(joined(c.features())));
  files["crashes"] = crashes;
  std::string blocked = header("vm,src,dst,code,missing,reason");
  for (const auto& b : r.blocked())
    blocked += fmt::format("{},{},{},{},{},{},{}\n", when(b.t(), b.date()), csv_field(b.vm()), b.src(), b.dst(),
                           b.code(), csv_field(joined(b.features())), csv_field(b.reason()));
  files["blocked"] = blocked;
  std::string refused = header("type,subject,missing,reason");
  for (const auto& x : r.refused())
    refused += fmt::format("{},{},{},{},{}\n", when(x.t(), x.date()), x.type(),
                           csv_field(!x.operation().empty() ? x.operation()
                                     : !x.vm().empty()      ? x.vm()
                                                            : x.host()),
                           csv_field(joined(x.features())), csv_field(x.reason()));
  files["refused"] = refused;
  std::string mig = header("vm,src,dst,duration_s,downtime_s,rounds,mib_sent");
  for (const auto& m : r.migrations())
    mig += fmt::format("{},{},{},{},{},{},{},{}\n", when(m.t(), m.date()), csv_field(m.vm()), m.src(), m.dst(),
                       num(m.duration_s()), num(m.downtime_s()), m.rounds(), num(m.mib_sent()));
  files["migrations"] = mig;
  return files;
}

std::string results_junit(const report::RunResults& r) {
  const std::string suite = r.scenario().name();
  int failures = 0;
  std::string cases;
  for (const auto& e : r.expectations()) {
    std::string name = fmt::format("{} {} {}", e.metric(), e.op(), num(e.value()));
    cases += fmt::format("    <testcase classname=\"evcsim.{}\" name=\"{}\" time=\"0\">\n", xml_escape(suite),
                         xml_escape(name));
    if (!e.ok()) {
      ++failures;
      cases += fmt::format(
          "      <failure type=\"expectation\" message=\"measured {}\">{} failed: measured {} ({}:{})"
          "</failure>\n",
          num(e.measured()), xml_escape(name), num(e.measured()), xml_escape(r.scenario().file()), e.line());
    }
    cases += fmt::format("      <system-out>measured {}</system-out>\n    </testcase>\n", num(e.measured()));
  }
  if (r.expectations().empty())
    cases +=
        fmt::format("    <testcase classname=\"evcsim.{}\" name=\"run completes\" time=\"0\"/>\n", xml_escape(suite));
  int tests = std::max(1, r.expectations_size());
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"evcsim\" tests=\"{0}\" failures=\"{1}\" "
      "errors=\"0\">\n  <testsuite name=\"{2}\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" skipped=\"0\" "
      "time=\"0\">\n{3}  </testsuite>\n</testsuites>\n",
      tests, failures, xml_escape(suite), cases);
}

std::map<std::string, std::string> results_dot(const report::RunResults& r) {
  static const char* colors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759",
                                 "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"};
  const bool calendar = !r.scenario().start_date().empty();
  // Names in DOT double-quoted strings: a quote or a backslash inside is
  // escaped (Graphviz reads \" and \\), so any name renders.
  auto q = [](const std::string& s) { return backslash_escaped(s); };
  std::map<std::string, std::string> files;
  for (const auto& g : r.graphs()) {
    std::string name =
        calendar ? "compat-" + g.date() : fmt::format("compat-t{}", static_cast<long long>(std::llround(g.t())));
    std::string out = fmt::format(
        "digraph \"{}\" {{\n  label=\"{}: compatibility graph at {}, {} migration "
        "domain(s)\";\n  labelloc=t;\n  rankdir=LR;\n  fontname=\"sans-serif\";\n"
        "  node [shape=box, style=filled, fontname=\"sans-serif\"];\n"
        "  edge [fontname=\"sans-serif\", fontsize=10, color=\"#888888\"];\n",
        name, q(r.scenario().name()), calendar ? g.date() : fmt::format("t={} s", num(g.t())), g.domains());
    std::map<std::string, std::vector<const report::GraphNode*>> by_cluster;
    for (const auto& n : g.nodes()) by_cluster[n.cluster()].push_back(&n);
    int ci = 0;
    for (const auto& [cluster, nodes] : by_cluster) {
      out += fmt::format("  subgraph cluster_{} {{\n    label=\"cluster {}\";\n", ci++, q(cluster));
      for (const auto* n : nodes)
        out += fmt::format("    n{} [label=\"{}\\n{}\\n{} host(s), domain {}\", fillcolor=\"{}\"];\n", n->id(),
                           q(n->cpu()), q(n->generation()), n->hosts(), n->domain(), colors[n->domain() % 8]);
      out += "  }\n";
    }
    bool any_crash = false, any_one_way = false;
    for (const auto& e : g.edges()) {
      std::vector<std::string> attrs;
      if (e.escapes_size() > 0) {
        any_crash = true;
        std::vector<std::string> shown(e.escapes().begin(), e.escapes().begin() + std::min(e.escapes_size(), 3));
        attrs.emplace_back("color=\"#e15759\", fontcolor=\"#e15759\", penwidth=2");
        attrs.push_back(fmt::format("label=\"probing apps lose {}{}\"", fmt::join(shown, " "),
                                    e.escapes_size() > 3 ? fmt::format(" +{}", e.escapes_size() - 3) : ""));
      }
      if (e.one_way()) {
        any_one_way = true;
        attrs.emplace_back("style=dashed");
      }
      out += fmt::format("  n{} -> n{}{};\n", e.from(), e.to(),
                         attrs.empty() ? "" : fmt::format(" [{}]", fmt::join(attrs, ", ")));
    }
    // A legend in words: what a box, a colour and each kind of arrow mean.
    out +=
        "  subgraph cluster_legend {\n    label=\"legend\";\n    style=dashed;\n"
        "    legend [shape=plaintext, style=\"\", label=<<table border=\"0\" cellspacing=\"4\">"
        "<tr><td align=\"left\">box</td><td align=\"left\">hosts of one CPU model in one cluster; "
        "colour: migration domain</td></tr>"
        "<tr><td align=\"left\">grey arrow</td><td align=\"left\">a VM powered on at the tail may move live "
        "to the head</td></tr>";
    if (any_crash)
      out +=
          "<tr><td align=\"left\"><font color=\"#e15759\">red arrow</font></td><td align=\"left\">crash risk: "
          "the head lacks features the tail has; software that probes them past the mask crashes</td></tr>";
    if (any_one_way)
      out +=
          "<tr><td align=\"left\">dashed arrow</td><td align=\"left\">block risk: one way, a VM moved along it "
          "cannot come back</td></tr>";
    out += "</table>>];\n  }\n}\n";
    files[name + ".dot"] = out;
  }
  return files;
}

}  // namespace evcsim
