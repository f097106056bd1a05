#include "reports/compare_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "base/json.hpp"
#include "base/text_util.hpp"
#include "reports/results.hpp"
#include "reports/vega_chart.hpp"
#include "scenario/metrics.hpp"

namespace evcsim {

const std::vector<std::string>& compared_metrics() {
  static const std::vector<std::string> m = {
      "crashes",   "blocked_migrations", "outage_minutes", "features_seen", "imbalance_left_by_compatibility",
      "migrations"};
  return m;
}

static double series_end(const report::RunResults& r, const std::string& family, const std::string& key) {
  for (const auto& s : r.series())
    if (s.family() == family && (key.empty() || s.key() == key) && s.value_size() > 0)
      return s.value(s.value_size() - 1);
  return 0;
}

double compared_value(const report::RunResults& r, const std::string& metric) {
  if (metric == "features_seen") {
    // Mean share of running VMs that see each notable feature, at the end.
    double sum = 0;
    int n = 0;
    for (const auto& s : r.series())
      if (s.family() == "feature_share" && s.value_size() > 0) sum += s.value(s.value_size() - 1), ++n;
    return n ? sum / n : 0;
  }
  if (metric == "imbalance_end") return series_end(r, "imbalance", "host_load_stddev");
  if (metric == "feature_vm_years") {
    // Over the run: running VMs x the notable features their guest views
    // have, each sample held until the next.
    const report::Series* on = nullptr;
    for (const auto& s : r.series())
      if (s.family() == "vms" && s.key() == "on") on = &s;
    if (!on) return 0;
    double sum = 0;
    for (const auto& s : r.series()) {
      if (s.family() != "feature_share") continue;
      for (int i = 0; i + 1 < s.t_size() && i + 1 < on->t_size(); ++i)
        sum += s.value(i) * on->value(i) * (s.t(i + 1) - s.t(i)) / (365.25 * 86400);
    }
    return sum;
  }
  if (metric == "imbalance_left_by_compatibility") {
    auto it = r.totals().find(metric);
    return it == r.totals().end() ? 0 : it->second;
  }
  auto it = r.totals().find(metric);
  return it == r.totals().end() ? 0 : it->second;
}

bool is_compared_metric(const std::string& metric) {
  return metric == "features_seen" || metric == "imbalance_end" || metric == "feature_vm_years" ||
         is_known_metric(metric);
}

SampleStats sample_stats(const std::vector<double>& v) {
  SampleStats s;
  s.n = v.size();
  if (v.empty()) return s;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  if (v.size() < 2) return s;
  double ss = 0;
  for (double x : v) ss += (x - s.mean) * (x - s.mean);
  s.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  // Student t, two-sided 95%, for 1..30 degrees of freedom; the normal beyond.
  static const double t[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                             2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                             2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  size_t df = v.size() - 1;
  double q = df <= 30 ? t[df - 1] : 1.960;
  s.ci95 = q * s.sd / std::sqrt(static_cast<double>(v.size()));
  return s;
}

report::CompareResults aggregate(const std::string& scenario, const std::string& file,
                                 const std::vector<std::string>& policies,
                                 const std::vector<std::vector<report::RunResults>>& runs,
                                 const std::vector<std::string>& metrics) {
  report::CompareResults c;
  c.set_scenario(scenario);
  c.set_file(file);
  for (const auto& m : metrics) c.add_metric(m);
  for (size_t p = 0; p < policies.size(); ++p) {
    auto* pr = c.add_policies();
    pr->set_policy(policies[p]);
    uint32_t failed = 0;
    for (const auto& r : runs[p]) {
      pr->add_seeds(r.scenario().seed());
      for (const auto& e : r.expectations()) failed += !e.ok();
    }
    pr->set_expectations_failed(failed);
    for (const auto& m : metrics) {
      std::vector<double> values;
      for (const auto& r : runs[p]) values.push_back(compared_value(r, m));
      SampleStats st = sample_stats(values);
      auto* ms = pr->add_metrics();
      ms->set_metric(m);
      ms->set_mean(st.mean);
      ms->set_ci95(st.ci95);
      for (double v : values) ms->add_values(v);
    }
  }
  return c;
}

std::string mean_and_interval(double mean, double ci95) {
  if (ci95 <= 0 && mean == std::round(mean)) return grouped(mean, 0);  // a count
  int decimals = table_decimals(std::max(std::abs(mean), ci95));
  if (ci95 <= 0) return grouped(mean, decimals);
  return fmt::format("{} ± {}", grouped(mean, decimals), grouped(ci95, decimals));
}

static std::string cell(const report::MetricSummary& m) { return mean_and_interval(m.mean(), m.ci95()); }

// Display width: "±" is one column and two bytes.
static size_t columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

static std::string pad_left(const std::string& s, size_t width) {
  size_t w = columns(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}

std::string compare_text(const report::CompareResults& c) {
  size_t seeds = c.policies().empty() ? 0 : static_cast<size_t>(c.policies(0).seeds_size());
  std::string out = fmt::format("evcsim compare: {} ({} policies x {} seed(s); mean ± 95% confidence interval)\n",
                                c.scenario(), c.policies_size(), seeds);
  // Each column as wide as its widest cell or its heading; numbers right-aligned.
  size_t name_width = 6;
  for (const auto& p : c.policies()) name_width = std::max(name_width, p.policy().size());
  std::vector<size_t> width;
  for (int k = 0; k < c.metric_size(); ++k) {
    size_t w = c.metric(k).size();
    for (const auto& p : c.policies()) w = std::max(w, columns(cell(p.metrics(k))));
    width.push_back(w);
  }
  out += fmt::format("{:<{}}", "policy", name_width);
  for (int k = 0; k < c.metric_size(); ++k) out += "  " + pad_left(c.metric(k), width[static_cast<size_t>(k)]);
  out += "  expectations failed\n";
  for (const auto& p : c.policies()) {
    out += fmt::format("{:<{}}", p.policy(), name_width);
    for (int k = 0; k < p.metrics_size(); ++k)
      out += "  " + pad_left(cell(p.metrics(k)), width[static_cast<size_t>(k)]);
    out += fmt::format("  {:>19}\n", p.expectations_failed());
  }
  return out;
}

std::string compare_csv(const report::CompareResults& c) {
  std::string out = "policy,metric,mean,ci95,n\n";
  for (const auto& p : c.policies())
    for (const auto& m : p.metrics())
      out += fmt::format("{},{},{},{},{}\n", p.policy(), m.metric(), m.mean(), m.ci95(), m.values_size());
  return out;
}

std::string compare_json(const report::CompareResults& c) { return to_json(c); }

// The interval a chart draws: mean ± ci95, cut at 0 when no value is
// negative (a count cannot be), so the bar stays inside the plot's meaning.
IntervalRow interval_row(const std::string& category, double mean, double half, const std::vector<double>& values,
                         const std::string& text) {
  IntervalRow row{category, mean, mean - half, mean + half, values.size(), text};
  if (std::all_of(values.begin(), values.end(), [](double v) { return v >= 0; })) row.low = std::max(0.0, row.low);
  return row;
}

std::string compare_html(const report::CompareResults& c, VegaCharts* charts) {
  const size_t seeds = c.policies().empty() ? 0 : static_cast<size_t>(c.policies(0).seeds_size());
  const std::string warning = few_seeds_warning(seeds, "each interval");
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>evcsim compare: {0}</title><style>"
      "body{{font-family:sans-serif;margin:24px auto;max-width:1000px}} "
      "table{{border-collapse:collapse;font-size:13px}}"
      "th,td{{border:1px solid #ddd;padding:4px 8px}} th{{background:#f3f3f3}} td.n{{text-align:right;"
      "font-variant-numeric:tabular-nums}}"
      "</style>\n{2}</head><body><h1>evcsim compare: {0}</h1><p>{1}: mean ± 95% confidence interval over seeds</p>\n",
      xml_escape(c.scenario()), xml_escape(c.file()), vega_head());
  if (!warning.empty()) out += "<p class=\"warn\" id=\"few-seeds\">" + xml_escape(warning) + "</p>\n";
  out += "<table id=\"compare-table\"><tr><th>policy</th>";
  for (const auto& m : c.metric()) out += "<th>" + xml_escape(m) + "</th>";
  out += "<th>expectations failed</th></tr>\n";
  for (const auto& p : c.policies()) {
    out += "<tr><td>" + xml_escape(p.policy()) + "</td>";
    for (const auto& m : p.metrics()) out += "<td class=\"n\">" + cell(m) + "</td>";
    out += fmt::format("<td class=\"n\">{}</td></tr>\n", p.expectations_failed());
  }
  out += "</table>\n";
  // One bar chart per metric, with the confidence interval as an error bar.
  for (int k = 0; k < c.metric_size(); ++k) {
    std::vector<IntervalRow> rows;
    for (const auto& p : c.policies()) {
      const auto& m = p.metrics(k);
      rows.push_back(interval_row(p.policy(), m.mean(), m.ci95(), {m.values().begin(), m.values().end()}, cell(m)));
    }
    IntervalChart spec{"compare-" + c.metric(k), c.metric(k), "policy", c.metric(k), {}, true, 480};
    if (!warning.empty()) spec.notes.push_back(warning);
    VegaChart chart = interval_chart(spec, rows);
    out += chart_html(chart);
    if (charts) charts->push_back(std::move(chart));
  }
  return out + "</body></html>\n";
}

}  // namespace evcsim
