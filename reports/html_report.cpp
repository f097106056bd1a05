// The HTML report: one self-contained file (inline SVG drawn here, inline
// CSS, no script, no network) that tells the story of a run at a glance.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "reports/results.hpp"

namespace evcsim {
namespace {

const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                          "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#d62728"};

std::string esc(const std::string& s) { return xml_escape(s); }

struct Line {
  std::string name;
  std::vector<double> t, v;
  std::vector<std::string> labels;
};

enum class Kind { line, step, stacked_area, stacked_bars };

std::string time_label(double s) {
  if (s >= 2 * 86400 * 365) return fmt::format("{:.1f} y", s / (86400 * 365));
  if (s >= 2 * 86400) return fmt::format("{:.1f} d", s / 86400);
  if (s >= 7200) return fmt::format("{:.1f} h", s / 3600);
  if (s >= 120) return fmt::format("{:.0f} min", s / 60);
  return fmt::format("{:.0f} s", s);
}

// An SVG chart with axes, five ticks per axis and a legend.
std::string chart(const std::string& id, const std::string& title, const std::vector<Line>& lines, Kind kind,
                  double horizon, const std::string& y_label, double y_max_fixed = 0) {
  const double W = 860, H = 280, L = 60, R = 190, T = 30, B = 40;
  const double pw = W - L - R, ph = H - T - B;
  std::string out = fmt::format(
      "<figure><svg id=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\">\n<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n"
      "<text x=\"{}\" y=\"18\" class=\"title\">{}</text>\n",
      id, W, H, W, H, esc(title), W, H, L, esc(title));
  size_t n = 0;
  for (const auto& l : lines) n = std::max(n, l.t.size());
  double ymax = y_max_fixed;
  if (ymax <= 0) {
    for (size_t i = 0; i < n; ++i) {
      double acc = 0;
      for (const auto& l : lines) {
        double v = i < l.v.size() ? l.v[i] : 0;
        if (kind == Kind::stacked_area || kind == Kind::stacked_bars) acc += v;
        else acc = std::max(acc, v);
      }
      ymax = std::max(ymax, acc);
    }
    if (ymax <= 0) ymax = 1;
    double mag = std::pow(10, std::floor(std::log10(ymax)));
    ymax = std::ceil(ymax / mag * 2) * mag / 2;  // a round top
  }
  horizon = std::max(horizon, 1e-9);
  auto X = [&](double t) { return L + pw * t / horizon; };
  auto Y = [&](double v) { return T + ph * (1 - v / ymax); };
  // Axes and ticks.
  for (int k = 0; k <= 4; ++k) {
    double v = ymax * k / 4, y = Y(v);
    out += fmt::format("<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>"
                       "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{:.3g}</text>\n",
                       L, y, L + pw, y, L - 6, y + 4, v);
    double t = horizon * k / 4;
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"middle\">{}</text>\n", X(t),
                       T + ph + 16, time_label(t));
  }
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" class=\"axis\"/><line x1=\"{0}\" y1=\"{2}\" "
                     "x2=\"{3}\" y2=\"{2}\" class=\"axis\"/>\n",
                     L, T, T + ph, L + pw);
  out += fmt::format("<text x=\"14\" y=\"{:.1f}\" class=\"tick\" transform=\"rotate(-90 14 {:.1f})\" "
                     "text-anchor=\"middle\">{}</text>\n",
                     T + ph / 2, T + ph / 2, esc(y_label));
  if (lines.empty() || n == 0)
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"empty\" text-anchor=\"middle\">nothing to show</text>\n",
                       L + pw / 2, T + ph / 2);
  std::vector<double> base(n, 0);
  for (size_t li = 0; li < lines.size(); ++li) {
    const Line& l = lines[li];
    const char* color = kPalette[li % std::size(kPalette)];
    if (kind == Kind::stacked_bars) {
      double bw = l.t.size() > 1 ? std::max(1.0, (X(l.t[1]) - X(l.t[0])) * 0.85) : pw / 20;
      for (size_t i = 0; i < l.t.size(); ++i) {
        if (l.v[i] <= 0) continue;
        double y0 = Y(base[i]), y1 = Y(base[i] + l.v[i]);
        out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{}: "
                           "{:.4g} at {}</title></rect>\n",
                           X(l.t[i]), y1, bw, y0 - y1, color, esc(l.name), l.v[i], time_label(l.t[i]));
        base[i] += l.v[i];
      }
    } else if (kind == Kind::stacked_area) {
      std::string top, bottom;
      for (size_t i = 0; i < l.t.size(); ++i) top += fmt::format("{:.1f},{:.1f} ", X(l.t[i]), Y(base[i] + l.v[i]));
      for (size_t i = l.t.size(); i-- > 0;) bottom += fmt::format("{:.1f},{:.1f} ", X(l.t[i]), Y(base[i]));
      for (size_t i = 0; i < l.t.size(); ++i) base[i] += l.v[i];
      out += fmt::format("<polygon points=\"{}{}\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"{}\"><title>{}</title>"
                         "</polygon>\n",
                         top, bottom, color, color, esc(l.name));
    } else {
      std::string pts;
      for (size_t i = 0; i < l.t.size(); ++i) {
        if (kind == Kind::step && i > 0) pts += fmt::format("{:.1f},{:.1f} ", X(l.t[i]), Y(l.v[i - 1]));
        pts += fmt::format("{:.1f},{:.1f} ", X(l.t[i]), Y(l.v[i]));
      }
      out += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"><title>{}</title>"
                         "</polyline>\n",
                         pts, color, esc(l.name));
      // Labels where a labelled step changes (baseline names).
      for (size_t i = 0; i < l.labels.size() && i < l.t.size(); ++i)
        if (i == 0 || l.labels[i] != l.labels[i - 1])
          out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"note\" fill=\"{}\">{}</text>\n", X(l.t[i]) + 3,
                             Y(l.v[i]) - 5 - 12.0 * static_cast<double>(li % 3), color, esc(l.labels[i]));
    }
  }
  for (size_t li = 0; li < lines.size() && li < 14; ++li)
    out += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1f}\" "
                       "y=\"{:.1f}\" class=\"legend\">{}</text>\n",
                       L + pw + 14, T + 16.0 * static_cast<double>(li), kPalette[li % std::size(kPalette)], L + pw + 32,
                       T + 16.0 * static_cast<double>(li) + 10, esc(lines[li].name.substr(0, 24)));
  out += "</svg></figure>\n";
  return out;
}

std::vector<Line> family(const report::RunResults& r, const std::string& name, const std::string& key_prefix = "") {
  std::vector<Line> out;
  for (const auto& s : r.series()) {
    if (s.family() != name) continue;
    Line l{key_prefix + s.key(), {s.t().begin(), s.t().end()}, {s.value().begin(), s.value().end()},
           {s.label().begin(), s.label().end()}};
    out.push_back(std::move(l));
  }
  return out;
}

std::string table(const std::string& id, const std::string& title, const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows, size_t total) {
  std::string out = fmt::format("<h2>{}</h2>\n", esc(title));
  if (rows.empty()) return out + "<p class=\"none\">none</p>\n";
  out += fmt::format("<table id=\"{}\"><thead><tr>", id);
  for (const auto& h : head) out += "<th>" + esc(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& c : row) out += "<td>" + esc(c) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
  if (total > rows.size()) out += fmt::format("<p class=\"none\">the first {} of {}</p>\n", rows.size(), total);
  return out;
}

std::string features(const report::EventRecord& e) { return fmt::format("{}", fmt::join(e.features(), " ")); }

}  // namespace

std::string results_html(const report::RunResults& r) {
  const auto& id = r.scenario();
  const double horizon = id.horizon_s();
  auto total = [&](const char* k) {
    auto it = r.totals().find(k);
    return it == r.totals().end() ? 0.0 : it->second;
  };
  std::string out = fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>evcsim: {0}</title>
<style>
body {{ font-family: sans-serif; margin: 24px auto; max-width: 1000px; color: #222; }}
h1 {{ font-size: 22px; margin-bottom: 4px; }} h2 {{ font-size: 17px; margin-top: 28px; }}
.sub {{ color: #555; margin-top: 0; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 110px; }}
.card b {{ display: block; font-size: 22px; }} .card.bad b {{ color: #c0392b; }} .card.good b {{ color: #27794a; }}
figure {{ margin: 12px 0; }}
svg .title {{ font-size: 14px; font-weight: bold; }} svg .tick, svg .legend {{ font-size: 11px; fill: #444; }}
svg .note {{ font-size: 10px; }} svg .empty {{ font-size: 13px; fill: #888; }}
svg .grid {{ stroke: #e5e5e5; }} svg .axis {{ stroke: #888; }}
table {{ border-collapse: collapse; width: 100%; font-size: 12px; }}
th, td {{ border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }} .none {{ color: #777; font-size: 12px; }}
.ok {{ color: #27794a; font-weight: bold; }} .fail {{ color: #c0392b; font-weight: bold; }}
</style></head><body>
<h1>evcsim: {0}</h1>
<p class="sub">{1}<br>{2} &middot; seed {3} &middot; policy <b>{4}</b> &middot; {5} host(s), {6} VM(s), {7} simulated</p>
)",
                                esc(id.name()), esc(id.description()), esc(id.file()), id.seed(), esc(id.policy()),
                                id.hosts(), id.vms(), time_label(horizon));
  auto card = [&](const char* label, double v, bool bad_if_positive) {
    return fmt::format("<div class=\"card{}\"><b>{:.4g}</b>{}</div>", bad_if_positive ? (v > 0 ? " bad" : " good") : "",
                       v, label);
  };
  out += "<div class=\"cards\" id=\"totals\">";
  out += card("crashes", total("crashes"), true);
  out += card("blocked migrations", total("blocked_migrations"), true);
  out += card("live migrations", total("migrations"), false);
  out += card("cold migrations", total("cold_migrations"), false);
  out += card("outage minutes", total("outage_minutes"), true);
  out += card("refused operations", total("refused_operations") + total("power_on_refused") + total("host_join_refused"), true);
  out += "</div>\n";

  auto baseline = family(r, "baseline");
  out += chart("chart-baseline", "Baseline over time (features in each cluster's baseline; name at each change)",
               baseline, Kind::step, horizon, "features");
  out += chart("chart-hosts", "Hosts by CPU generation", family(r, "hosts_by_generation"), Kind::stacked_area, horizon,
               "hosts");
  std::vector<Line> events = family(r, "crashes", "crash: ");
  for (auto& l : family(r, "blocked", "blocked: ")) events.push_back(std::move(l));
  out += chart("chart-events", "Crashes and blocked migrations over time, by cause", events, Kind::stacked_bars,
               horizon, "per interval");
  out += chart("chart-features", "Share of running VMs that can see each feature", family(r, "feature_share"),
               Kind::line, horizon, "share of VMs", 1.0);
  out += chart("chart-imbalance", "Load imbalance (std. deviation of host load) and what compatibility left",
               family(r, "imbalance"), Kind::line, horizon, "std. dev.");
  out += chart("chart-levels", "VMs by guest-view level (the highest x86-64 level their view contains)",
               family(r, "vms_by_level"), Kind::stacked_area, horizon, "VMs");
  out += chart("chart-domains", "Migration domains (strongly connected host classes)", family(r, "migration_domains"),
               Kind::step, horizon, "count / hosts");

  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < std::min(50, r.crashes_size()); ++i) {
    const auto& c = r.crashes(i);
    rows.push_back({time_label(c.t()), c.vm(), c.software() + (c.kernel() ? " (kernel)" : ""), c.host(),
                    c.src().empty() ? "-" : c.src() + " → " + c.dst(), features(c), c.cause()});
  }
  out += table("table-crashes", "Crashes", {"time", "VM", "software", "on host", "after migration", "missing", "cause"},
               rows, static_cast<size_t>(total("crashes")));
  rows.clear();
  for (int i = 0; i < std::min(50, r.blocked_size()); ++i) {
    const auto& b = r.blocked(i);
    rows.push_back({time_label(b.t()), b.vm(), b.src() + " → " + b.dst(), b.code(), features(b), b.reason()});
  }
  out += table("table-blocked", "Blocked migrations", {"time", "VM", "route", "code", "features", "reason"}, rows,
               static_cast<size_t>(total("blocked_migrations")));
  rows.clear();
  for (int i = 0; i < std::min(50, r.refused_size()); ++i) {
    const auto& x = r.refused(i);
    rows.push_back({time_label(x.t()), x.type(), !x.operation().empty() ? x.operation() : x.vm() + x.host(),
                    features(x), x.reason()});
  }
  out += table("table-refused", "Refused operations, power-ons and host joins", {"time", "what", "subject", "features", "reason"},
               rows, static_cast<size_t>(r.refused_size()));
  rows.clear();
  for (const auto& e : r.expectations())
    rows.push_back({e.ok() ? "ok" : "FAIL", fmt::format("{} {} {}", e.metric(), e.op(), e.value()),
                    fmt::format("{}", e.measured())});
  out += table("table-expectations", "Expectations", {"", "expectation", "measured"}, rows, rows.size());
  out += "</body></html>\n";
  return out;
}

}  // namespace evcsim
