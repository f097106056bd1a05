#include "sweep/merge.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include <google/protobuf/util/json_util.h>
#include "sweep/backends.hpp"

#include "base/error.hpp"
#include "base/json.hpp"
#include "base/textproto.hpp"
#include "reports/compare_report.hpp"
#include "reports/results.hpp"
#include "reports/vega_chart.hpp"

namespace evcsim::sweep {
namespace {

namespace fs = std::filesystem;

experiment::MetricStats stats_of(const std::string& metric, const std::vector<double>& values) {
  SampleStats s = sample_stats(values);
  experiment::MetricStats m;
  m.set_metric(metric);
  m.set_n(static_cast<uint32_t>(s.n));
  m.set_mean(s.mean);
  m.set_sd(s.sd);
  m.set_ci95_low(s.mean - s.ci95);
  m.set_ci95_high(s.mean + s.ci95);
  for (double v : values) m.add_values(v);
  return m;
}

// 1234567.8 -> "1,234,568"; 12.345 -> "12.35"; 0.01234 -> "0.0123".
std::string plain(double v) {
  if (!std::isfinite(v)) return fmt::format("{}", v);
  double a = std::fabs(v);
  std::string s = a >= 100 || a == std::floor(a) ? fmt::format("{:.0f}", a)
                  : a >= 1                       ? fmt::format("{:.2f}", a)
                                                 : fmt::format("{:.3g}", a);
  size_t dot = s.find('.');
  size_t int_end = dot == std::string::npos ? s.size() : dot;
  for (size_t k = int_end; k > 3; k -= 3) s.insert(k - 3, ",");
  return (v < 0 && s != "0" ? "-" : "") + s;
}

std::string cell(const experiment::MetricStats& m) {
  if (m.n() == 0) return "-";
  double half = (m.ci95_high() - m.ci95_low()) / 2;
  return half > 0 ? plain(m.mean()) + " ±" + plain(half) : plain(m.mean());
}

}  // namespace

std::vector<std::optional<report::RunResults>> load_runs(const Experiment& e, const std::string& dir) {
  check_runs_belong(e, dir);
  std::vector<std::optional<report::RunResults>> out(e.task_count());
  for (size_t i = 0; i < e.task_count(); ++i) {
    fs::path p = fs::path(dir) / e.task(i).dir / "results.json";
    std::error_code ec;
    if (!fs::exists(p, ec)) continue;
    report::RunResults r;
    read_json_file(p.string(), &r);
    out[i] = std::move(r);
  }
  return out;
}

experiment::SweepResults merge(const Experiment& e, const std::vector<std::optional<report::RunResults>>& runs) {
  experiment::SweepResults r;
  r.set_experiment(e.name());
  r.set_file(e.file());
  r.set_scenario(e.scenario_file());
  for (const auto& f : e.factors()) r.add_factor(f.name);
  for (const auto& m : e.metrics()) r.add_metric(m);
  r.set_tasks(static_cast<uint32_t>(e.task_count()));
  const size_t seeds = e.seeds().size();
  for (size_t i = 0; i < runs.size(); ++i)
    if (!runs[i]) r.add_missing_task(static_cast<uint32_t>(i));
  for (size_t p = 0; p < e.points().size(); ++p) {
    auto* pr = r.add_point();
    pr->set_index(static_cast<uint32_t>(p));
    for (const auto& v : e.points()[p].values) pr->add_value(v);
    uint32_t failed = 0;
    for (size_t s = 0; s < seeds; ++s)
      if (const auto& run = runs[p * seeds + s]) {
        pr->add_seeds(e.seeds()[s]);
        for (const auto& x : run->expectations()) failed += !x.ok();
      }
    pr->set_expectations_failed(failed);
    for (const auto& m : e.metrics()) {
      std::vector<double> values;
      for (size_t s = 0; s < seeds; ++s)
        if (const auto& run = runs[p * seeds + s]) values.push_back(compared_value(*run, m));
      *pr->add_metric() = stats_of(m, values);
    }
  }
  for (size_t f = 0; f < e.factors().size(); ++f)
    for (const auto& level : e.factors()[f].levels) {
      auto* me = r.add_main_effect();
      me->set_factor(e.factors()[f].name);
      me->set_level(level);
      for (const auto& m : e.metrics()) {
        std::vector<double> values;
        for (size_t p = 0; p < e.points().size(); ++p)
          if (e.points()[p].values[f] == level)
            for (size_t s = 0; s < seeds; ++s)
              if (const auto& run = runs[p * seeds + s]) values.push_back(compared_value(*run, m));
        *me->add_metric() = stats_of(m, values);
      }
    }
  return r;
}

std::string sweep_csv(const experiment::SweepResults& r) {
  std::string out = "point";
  for (const auto& f : r.factor()) out += "," + csv_field(f);
  out += ",metric,n,mean,sd,ci95_low,ci95_high\n";
  for (const auto& p : r.point())
    for (const auto& m : p.metric()) {
      out += fmt::format("{}", p.index());
      for (const auto& v : p.value()) out += "," + csv_field(v);
      out += fmt::format(",{},{},{},{},{},{}\n", m.metric(), m.n(), m.mean(), m.sd(), m.ci95_low(), m.ci95_high());
    }
  return out;
}

std::string sweep_json(const experiment::SweepResults& r) { return to_json(r); }

std::string sweep_text(const experiment::SweepResults& r) {
  size_t runs = r.tasks() - static_cast<size_t>(r.missing_task_size());
  std::string out =
      fmt::format("evcsim sweep: {} ({} design points x {} run(s) each: {} of {} runs merged; mean ±95% CI)\n",
                  r.experiment(), r.point_size(), r.point_size() ? r.tasks() / r.point_size() : 0, runs, r.tasks());
  // Columns sized to their widest cell.
  std::vector<std::string> head{"point"};
  for (const auto& f : r.factor()) head.push_back(f);
  for (const auto& m : r.metric()) head.push_back(m);
  head.emplace_back("exp.fail");
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : r.point()) {
    std::vector<std::string> row{fmt::format("{}", p.index())};
    for (const auto& v : p.value()) row.push_back(v);
    for (const auto& m : p.metric()) row.push_back(cell(m));
    row.push_back(fmt::format("{}", p.expectations_failed()));
    rows.push_back(std::move(row));
  }
  std::vector<size_t> w(head.size());
  for (size_t k = 0; k < head.size(); ++k) {
    w[k] = head[k].size();
    for (const auto& row : rows) w[k] = std::max(w[k], row[k].size());
  }
  const size_t text_cols = 1 + static_cast<size_t>(r.factor_size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t k = 0; k < cells.size(); ++k)
      s += k == 0          ? fmt::format("{:>{}}", cells[k], w[k])
           : k < text_cols ? fmt::format("  {:<{}}", cells[k], w[k])
                           : fmt::format("  {:>{}}", cells[k], w[k]);
    return s + "\n";
  };
  out += line(head);
  for (const auto& row : rows) out += line(row);
  if (r.missing_task_size() > 0) {
    std::vector<std::string> ids;
    for (int k = 0; k < std::min(r.missing_task_size(), 20); ++k) ids.push_back(fmt::format("{}", r.missing_task(k)));
    out += fmt::format("partial: {} of {} runs have no results (tasks {}{}); finish them with --resume\n",
                       r.missing_task_size(), r.tasks(), fmt::join(ids, ", "),
                       r.missing_task_size() > 20 ? fmt::format(" and {} more", r.missing_task_size() - 20) : "");
  }
  return out;
}

std::string sweep_seeds_warning(const experiment::SweepResults& r) {
  size_t fewest = 0;  // the fewest runs behind a point's interval
  bool any = false;
  for (const auto& p : r.point())
    for (const auto& m : p.metric())
      if (m.n() > 0) fewest = any ? std::min<size_t>(fewest, m.n()) : m.n(), any = true;
  return any ? few_seeds_warning(fewest, "some design point's interval") : "";
}

std::string sweep_html(const experiment::SweepResults& r, VegaCharts* charts) {
  const std::string warning = sweep_seeds_warning(r);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>evcsim sweep: {0}</title><style>"
      "body{{font-family:sans-serif;margin:24px 32px}} "
      "table{{border-collapse:collapse;font-size:13px}}"
      "th,td{{border:1px solid #ddd;padding:4px 8px}} th{{background:#f3f3f3}} "
      "td.n{{text-align:right;white-space:nowrap}}"
      ".effects{{display:flex;flex-wrap:wrap;gap:12px}} .effects figure.chart{{margin:4px 0}}"
      "</style>\n{6}</head><body><h1>evcsim sweep: {0}</h1>\n<p>{1} on {2}: {3} design points, {4} of {5} runs "
      "merged. Points are means; bars are 95% confidence intervals (Student t) over the runs.</p>\n",
      xml_escape(r.experiment()), xml_escape(r.file()), xml_escape(r.scenario()), r.point_size(),
      r.tasks() - static_cast<uint32_t>(r.missing_task_size()), r.tasks(), vega_head());
  if (!warning.empty()) out += "<p class=\"warn\" id=\"few-seeds\">" + xml_escape(warning) + "</p>\n";
  if (r.missing_task_size() > 0)
    out += fmt::format(
        "<p id=\"missing\"><b>Partial:</b> {} runs have no results; finish them with "
        "<code>evcsim sweep ... --resume</code>.</p>\n",
        r.missing_task_size());
  // Main effects: one chart per factor and metric.
  out += "<h2>Main effects</h2>\n<p>Each level's mean over every run at that level, whatever the other factors.</p>\n";
  int chart_no = 0;
  for (const auto& factor : r.factor()) {
    std::vector<const experiment::MainEffect*> levels;
    for (const auto& me : r.main_effect())
      if (me.factor() == factor) levels.push_back(&me);
    if (levels.empty()) continue;
    out += fmt::format("<h3>{}</h3><div class=\"effects\">\n", xml_escape(factor));
    for (int k = 0; k < r.metric_size(); ++k) {
      std::vector<IntervalRow> rows;
      for (const auto* me : levels) {
        const auto& m = me->metric(k);
        if (m.n() == 0) continue;
        rows.push_back(interval_row(me->level(), m.mean(), (m.ci95_high() - m.ci95_low()) / 2,
                                    {m.values().begin(), m.values().end()}, cell(m) + fmt::format(" (n={})", m.n())));
      }
      IntervalChart spec{fmt::format("effect-{}", ++chart_no), r.metric(k), factor, r.metric(k), {}, false, 260};
      VegaChart chart = interval_chart(spec, rows);
      out += chart_html(chart);
      if (charts) charts->push_back(std::move(chart));
    }
    out += "</div>\n";
  }
  // The table.
  out += "<h2>Design points</h2>\n<table id=\"sweep-table\"><tr><th>point</th>";
  for (const auto& f : r.factor()) out += "<th>" + xml_escape(f) + "</th>";
  for (const auto& m : r.metric()) out += "<th>" + xml_escape(m) + "</th>";
  out += "<th>runs</th><th>expectations failed</th></tr>\n";
  for (const auto& p : r.point()) {
    out += fmt::format("<tr><td class=\"n\">{}</td>", p.index());
    for (const auto& v : p.value()) out += "<td>" + xml_escape(v) + "</td>";
    for (const auto& m : p.metric()) out += "<td class=\"n\">" + cell(m) + "</td>";
    out +=
        fmt::format("<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>\n", p.seeds_size(), p.expectations_failed());
  }
  return out + "</table>\n</body></html>\n";
}

}  // namespace evcsim::sweep
