// The HTML report: one self-contained file (inline SVG drawn here, inline
// CSS, no script, no network) that answers a planner's questions at a glance:
// when the baselines moved and what that bought, what was bought and
// retired, which crashes are one story, which migrations missed the
// downtime target.
//
// Why hand-written SVG and not Vega: Debian 12's libjs-vega ships Vega 5 as
// separate UMD modules that each replace the one global `vega` (and need
// some twenty d3 modules), with no browser bundle; inlining it would mean
// Node.js and a bundler in the build. The charts here do what the report
// needs -- calendar axes with round dates, steps drawn as steps, round tick
// values, legends and axes in words with units, named intervals, tooltips
// (SVG <title>) -- and a headless-Chromium test checks every label fits.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "base/text_util.hpp"
#include "base/year_month.hpp"
#include "reports/html_chart.hpp"
#include "reports/results.hpp"

namespace evcsim {
namespace {

const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                          "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#d62728"};
constexpr double kDay = 86400, kYear = 365.25 * kDay;

std::string esc(const std::string& s) { return xml_escape(s); }

// The run's clock: dates with a calendar, else elapsed time.
struct Clock {
  bool calendar = false;
  YearMonth start;
  double horizon = 1;

  std::string at(double t) const {
    if (calendar) return calendar_date(start, t);
    return elapsed(t);
  }
  static std::string elapsed(double s) {
    if (s >= 2 * kYear) return fmt::format("{:.1f} years", s / kYear);
    if (s >= 2 * kDay) return fmt::format("{:.1f} days", s / kDay);
    if (s >= 7200) return fmt::format("{:.1f} h", s / 3600);
    if (s >= 120) return fmt::format("{:.0f} min", s / 60);
    return fmt::format("{:.0f} s", s);
  }

  // Round ticks across [0, horizon]: calendar years, quarters, months or
  // weeks; without a calendar, round multiples of a time unit.
  std::vector<std::pair<double, std::string>> ticks() const {
    std::vector<std::pair<double, std::string>> out;
    if (calendar) {
      const double months = horizon / (kYear / 12);
      int step = months > 96 ? 24 : months > 36 ? 12 : months > 15 ? 6 : months > 5 ? 3 : months > 1.5 ? 1 : 0;
      if (step > 0) {
        // First day of each step-th month from the start (years on January).
        int idx = start.index();
        if (step >= 12) idx += (12 - (start.month - 1)) % 12;
        for (;; idx += step) {
          YearMonth ym{idx / 12, idx % 12 + 1};
          double t = seconds_at(start, ym.str());
          if (t > horizon + 1) break;
          if (t >= 0) out.emplace_back(t, step >= 12 ? std::to_string(ym.year) : ym.str());
        }
        return out;
      }
      double every = horizon > 14 * kDay ? 7 * kDay : kDay;  // weeks or days
      for (double t = 0; t <= horizon + 1; t += every) out.emplace_back(t, calendar_date(start, t).substr(5));
      return out;
    }
    struct Unit {
      double seconds;
      const char* name;
    };
    static const Unit units[] = {{kYear, "y"}, {kDay, "d"}, {3600, "h"}, {60, "min"}, {1, "s"}};
    const Unit* u = &units[4];
    for (const auto& c : units)
      if (horizon >= 2 * c.seconds) {
        u = &c;
        break;
      }
    double span = horizon / u->seconds, step = 1;
    for (double s : {1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0})
      if (span / s <= 8) {
        step = s;
        break;
      }
    for (double k = 0; k * step * u->seconds <= horizon + 1e-9; ++k)
      out.emplace_back(k * step * u->seconds, fmt::format("{} {}", grouped(k * step, 0), u->name));
    return out;
  }
};

// "per day", "per week", "per month", "per 30 days": the interval a bar counts.
std::string per_interval(double s) {
  if (std::abs(s - 60) < 0.5) return "per minute";
  if (std::abs(s - 3600) < 0.5) return "per hour";
  if (std::abs(s - kDay) < 1) return "per day";
  if (std::abs(s - 7 * kDay) < 1) return "per week";
  if (std::abs(s - kYear / 12) < 1) return "per month";
  if (std::abs(s - kYear) < 1) return "per year";
  if (s >= kDay) return fmt::format("per {} days", grouped(s / kDay, std::fmod(s, kDay) < 1 ? 0 : 1));
  if (s >= 3600) return fmt::format("per {} hours", grouped(s / 3600, std::fmod(s, 3600) < 1 ? 0 : 1));
  if (s >= 60 && std::fmod(s, 60) < 0.5) return fmt::format("per {} minutes", grouped(s / 60, 0));
  return fmt::format("per {} seconds", grouped(s, 0));
}

using Line = ChartSeries;
using Kind = ChartKind;

struct Axis {
  std::string unit;      // words above the axis: "hosts", "% of running VMs"
  bool percent = false;  // values are shares 0..1 shown as percent
  double fixed_max = 0;
};

// A round top and step for [0, max]: 1, 2, 2.5 or 5 times a power of ten.
std::pair<double, double> nice_scale(double max) {
  if (max <= 0) return {1, 0.25};
  double raw = max / 5, mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  return {std::ceil(max / step - 1e-9) * step, step};
}

std::string tick_text(double v, const Axis& axis, double step) {
  if (axis.percent) return grouped(100 * v, 100 * step < 1 ? 1 : 0) + " %";
  return grouped(v, step < 1 ? (step < 0.1 ? 2 : 1) : 0);
}

// Rough text width at 11 px sans-serif, to keep labels inside the chart.
double text_width(const std::string& s, double px = 11) { return 0.6 * px * static_cast<double>(s.size()); }

std::string chart(const std::string& id, const std::string& title, const std::vector<Line>& lines, Kind kind,
                  const Clock& clock, const Axis& axis, const std::string& legend_title) {
  const double W = 940, H = 300, L = 70, R = 230, T = 44, B = 40;
  const double pw = W - L - R, ph = H - T - B;
  std::string out = fmt::format(
      "<figure><svg id=\"{}\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n<rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" "
      "fill=\"#ffffff\"/>\n<text x=\"8\" y=\"18\" class=\"title\">{}</text>\n",
      id, W, H, W, H, esc(title), W, H, esc(title));
  size_t n = 0;
  for (const auto& l : lines) n = std::max(n, l.t.size());
  double ymax = axis.fixed_max;
  if (ymax <= 0) {
    for (size_t i = 0; i < n; ++i) {
      double acc = 0;
      for (const auto& l : lines) {
        double v = i < l.v.size() ? l.v[i] : 0;
        if (kind == Kind::stacked_steps || kind == Kind::stacked_bars) acc += v;
        else acc = std::max(acc, v);
      }
      ymax = std::max(ymax, acc);
    }
  }
  // Named copies, not a structured binding: C++20 lets a lambda capture a
  // binding, clang 14 (the sanitizer and fuzz build, clang-tidy) does not.
  const auto scale = nice_scale(ymax);
  const double top = scale.first, step = scale.second;
  const double horizon = std::max(clock.horizon, 1e-9);
  auto X = [&](double t) { return L + pw * std::clamp(t / horizon, 0.0, 1.0); };
  auto Y = [&](double v) { return T + ph * (1 - std::clamp(v / top, 0.0, 1.0)); };
  // Grid, ticks and axes; the unit above the value axis.
  for (double v = 0; v <= top + step / 2; v += step)
    out += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\" text-anchor=\"end\">{}</text>\n",
        L, Y(v), L + pw, Y(v), L - 6, Y(v) + 4, tick_text(v, axis, step));
  const auto ticks = clock.ticks();
  double last_end = -1e9;
  for (const auto& [t, label] : ticks) {
    double x = X(t), w = text_width(label);
    out += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" class=\"axis\"/>", x, T + ph,
                       T + ph + 4);
    double left = std::clamp(x - w / 2, 2.0, W - w - 2);
    if (left < last_end + 6) continue;  // no overlapping labels
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"tick\">{}</text>\n", left, T + ph + 17, esc(label));
    last_end = left + w;
  }
  out += fmt::format(
      "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" class=\"axis\"/><line x1=\"{0}\" y1=\"{2}\" "
      "x2=\"{3}\" y2=\"{2}\" class=\"axis\"/>\n<text x=\"8\" y=\"{4}\" class=\"unit\">{5}</text>\n"
      "<text x=\"{3:.1f}\" y=\"{6:.1f}\" class=\"unit\" text-anchor=\"end\">{7}</text>\n",
      L, T, T + ph, L + pw, T - 12, esc(axis.unit), H - 4, clock.calendar ? "date" : "simulated time");
  if (lines.empty() || n == 0)
    out +=
        fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"empty\" text-anchor=\"middle\">nothing to show</text>\n",
                    L + pw / 2, T + ph / 2);
  auto value_text = [&](double v) {
    return axis.percent ? grouped(100 * v, 1) + " %" : grouped(v, v == std::round(v) ? 0 : 2);
  };
  std::vector<double> base(n, 0);
  struct Box {
    double x, y, w;
  };
  std::vector<Box> notes;  // step labels placed so far: a new one moves up or is left out rather than overlap
  auto place_note = [&](double x, double y, double w) -> std::optional<double> {
    for (int tries = 0; tries < 4; ++tries, y -= 12) {
      if (y < T + 8) break;
      bool clear = true;
      for (const auto& b : notes) clear = clear && (x + w < b.x || b.x + b.w < x || std::abs(y - b.y) >= 11);
      if (clear) {
        notes.push_back({x, y, w});
        return y;
      }
    }
    return std::nullopt;
  };
  for (size_t li = 0; li < lines.size(); ++li) {
    const Line& l = lines[li];
    const char* color = kPalette[li % std::size(kPalette)];
    if (kind == Kind::stacked_bars) {
      double bw = l.t.size() > 1 ? std::max(1.0, (X(l.t[1]) - X(l.t[0])) * 0.85) : pw / 20;
      for (size_t i = 0; i < l.t.size(); ++i) {
        if (l.v[i] <= 0) continue;
        double y0 = Y(base[i]), y1 = Y(base[i] + l.v[i]);
        out += fmt::format(
            "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{}: "
            "{} from {}</title></rect>\n",
            X(l.t[i]), y1, std::min(bw, L + pw - X(l.t[i])), y0 - y1, color, esc(l.name), value_text(l.v[i]),
            clock.at(l.t[i]));
        base[i] += l.v[i];
      }
    } else if (kind == Kind::stacked_steps) {
      // A count holds until the next sample: each band is a staircase.
      std::string top_pts, bottom_pts;
      for (size_t i = 0; i < l.t.size(); ++i) {
        double y = Y(base[i] + l.v[i]);
        if (i > 0) top_pts += fmt::format("{:.1f},{:.1f} ", X(l.t[i]), Y(base[i - 1] + l.v[i - 1]));
        top_pts += fmt::format("{:.1f},{:.1f} ", X(l.t[i]), y);
      }
      for (size_t i = l.t.size(); i-- > 0;) {
        bottom_pts += fmt::format("{:.1f},{:.1f} ", X(l.t[i]), Y(base[i]));
        if (i > 0) bottom_pts += fmt::format("{:.1f},{:.1f} ", X(l.t[i]), Y(base[i - 1]));
      }
      for (size_t i = 0; i < l.t.size(); ++i) base[i] += l.v[i];
      double peak = l.v.empty() ? 0 : *std::max_element(l.v.begin(), l.v.end());
      out += fmt::format(
          "<polygon points=\"{}{}\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"{}\"><title>{}: up to {}"
          "</title></polygon>\n",
          top_pts, bottom_pts, color, color, esc(l.name), value_text(peak));
    } else {
      std::string pts;
      for (size_t i = 0; i < l.t.size(); ++i) {
        if (kind == Kind::step && i > 0) pts += fmt::format("{:.1f},{:.1f} ", X(l.t[i]), Y(l.v[i - 1]));
        pts += fmt::format("{:.1f},{:.1f} ", X(l.t[i]), Y(l.v[i]));
      }
      out += fmt::format(
          "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\"><title>{}</title>"
          "</polyline>\n",
          pts, color, esc(l.name));
      // Names where a labelled step changes (baselines), kept inside the plot.
      for (size_t i = 0; i < l.labels.size() && i < l.t.size(); ++i) {
        if (i > 0 && l.labels[i] == l.labels[i - 1]) continue;
        double w = text_width(l.labels[i], 10), x = std::min(X(l.t[i]) + 3, L + pw - w - 2);
        auto y = place_note(x, std::max(T + 10.0, Y(l.v[i]) - 5), w);
        if (!y) continue;  // the tooltip of the line still names it
        out += fmt::format(
            "<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"note\" fill=\"{}\">{}<title>{} from {}</title></text>\n", x, *y,
            color, esc(l.labels[i]), esc(l.name), clock.at(l.t[i]));
      }
    }
  }
  // The legend: a title in words, then one entry per series (at most 13).
  const double lx = L + pw + 16;
  out +=
      fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"legend-title\">{}</text>\n", lx, T - 12, esc(legend_title));
  const size_t shown = lines.size() > 13 ? 12 : lines.size();
  for (size_t li = 0; li < shown; ++li) {
    std::string name = lines[li].name;
    if (name.size() > 30) name = name.substr(0, 29) + "…";
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1f}\" "
        "y=\"{:.1f}\" class=\"legend\">{}<title>{}</title></text>\n",
        lx, T - 4 + 17.0 * static_cast<double>(li), kPalette[li % std::size(kPalette)], lx + 18,
        T + 6 + 17.0 * static_cast<double>(li), esc(name), esc(lines[li].name));
  }
  if (shown < lines.size())
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"legend\">and {} more</text>\n", lx + 18,
                       T + 6 + 17.0 * static_cast<double>(shown), lines.size() - shown);
  out += "</svg></figure>\n";
  return out;
}

std::vector<Line> family(const report::RunResults& r, const std::string& name, const std::string& key_prefix = "") {
  std::vector<Line> out;
  for (const auto& s : r.series()) {
    if (s.family() != name) continue;
    Line l{key_prefix + s.key(),
           {s.t().begin(), s.t().end()},
           {s.value().begin(), s.value().end()},
           {s.label().begin(), s.label().end()}};
    out.push_back(std::move(l));
  }
  return out;
}

// A table; `numeric` columns are right-aligned. `note` says what is cut.
std::string table(const std::string& id, const std::string& title, const std::string& intro,
                  const std::vector<std::string>& head, const std::vector<std::vector<std::string>>& rows,
                  const std::vector<bool>& numeric = {}, const std::string& note = "") {
  std::string out = fmt::format("<h2 id=\"{}-title\">{}</h2>\n", id, esc(title));
  if (!intro.empty()) out += "<p class=\"intro\">" + esc(intro) + "</p>\n";
  if (rows.empty()) return out + fmt::format("<p class=\"none\" id=\"{}\">none</p>\n", id);
  out += fmt::format("<table id=\"{}\"><thead><tr>", id);
  for (const auto& h : head) out += "<th>" + esc(h) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (size_t c = 0; c < row.size(); ++c)
      out += (c < numeric.size() && numeric[c] ? "<td class=\"n\">" : "<td>") + esc(row[c]) + "</td>";
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
  if (!note.empty()) out += "<p class=\"none\">" + esc(note) + "</p>\n";
  return out;
}

std::string joined(const google::protobuf::RepeatedPtrField<std::string>& v, const char* sep = " ") {
  return fmt::format("{}", fmt::join(v, sep));
}

std::string count_text(double v) { return grouped(v, 0); }

// "the first N of M (all of them in FILE)" when a table is cut.
std::string cut_note(size_t shown, size_t total, const std::string& where) {
  return total > shown ? fmt::format("the first {} of {}; all of them in {}", count_text(static_cast<double>(shown)),
                                     count_text(static_cast<double>(total)), where)
                       : "";
}

}  // namespace

std::string svg_chart(const std::string& id, const std::string& title, const std::vector<ChartSeries>& series,
                      ChartKind kind, const ChartFrame& frame, const std::string& legend_title) {
  Clock clock;
  clock.calendar = frame.calendar;
  clock.start = frame.start;
  clock.horizon = frame.horizon;
  return chart(id, title, series, kind, clock, Axis{frame.unit, frame.percent, frame.fixed_max}, legend_title);
}

std::string results_html(const report::RunResults& r) {
  const auto& id = r.scenario();
  Clock clock;
  clock.horizon = id.horizon_s();
  clock.calendar = !id.start_date().empty();
  if (clock.calendar) clock.start = parse_year_month(id.start_date());
  auto total = [&](const char* k) {
    auto it = r.totals().find(k);
    return it == r.totals().end() ? 0.0 : it->second;
  };
  const std::string span = clock.calendar
                               ? fmt::format("{} to {} ({})", clock.at(0), id.end_date(), Clock::elapsed(clock.horizon))
                               : Clock::elapsed(clock.horizon) + " simulated";
  std::string out = fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>evcsim: {0}</title>
<style>
body {{ font-family: sans-serif; margin: 24px auto; max-width: 1000px; color: #222; }}
h1 {{ font-size: 22px; margin-bottom: 4px; }} h2 {{ font-size: 17px; margin-top: 28px; }}
.sub {{ color: #555; margin-top: 0; }} .intro {{ color: #444; font-size: 13px; margin: 4px 0 8px; }}
.cards {{ display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0; }}
.card {{ border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 110px; }}
.card b {{ display: block; font-size: 22px; }} .card.bad b {{ color: #c0392b; }} .card.good b {{ color: #27794a; }}
figure {{ margin: 12px 0; }}
svg text {{ font-family: sans-serif; }}
svg .title {{ font-size: 14px; font-weight: bold; }} svg .tick, svg .legend {{ font-size: 11px; fill: #444; }}
svg .unit, svg .legend-title {{ font-size: 11px; fill: #222; font-weight: bold; }}
svg .note {{ font-size: 10px; }} svg .empty {{ font-size: 13px; fill: #888; }}
svg .grid {{ stroke: #e5e5e5; }} svg .axis {{ stroke: #888; }}
table {{ border-collapse: collapse; width: 100%; font-size: 12px; }}
th, td {{ border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
th {{ background: #f3f3f3; }} .none {{ color: #777; font-size: 12px; }}
.ok {{ color: #27794a; font-weight: bold; }} .fail {{ color: #c0392b; font-weight: bold; }}
</style></head><body>
<h1>evcsim: {0}</h1>
<p class="sub">{1}<br>{2} &middot; seed {3} &middot; policy <b>{4}</b> &middot; {5} host(s), {6} VM(s) &middot; {7}</p>
)",
                                esc(id.name()), esc(id.description()), esc(id.file()), id.seed(), esc(id.policy()),
                                id.hosts(), id.vms(), esc(span));
  auto card = [&](const char* label, double v, bool bad_if_positive) {
    return fmt::format("<div class=\"card{}\"><b>{}</b>{}</div>", bad_if_positive ? (v > 0 ? " bad" : " good") : "",
                       v == std::round(v) ? count_text(v) : grouped(v, 1), label);
  };
  out += "<div class=\"cards\" id=\"totals\">";
  out += card("crashes", total("crashes"), true);
  out += card("blocked migrations", total("blocked_migrations"), true);
  out += card("live migrations", total("migrations"), false);
  out += card("over the downtime target", total("migrations_over_downtime_target"), true);
  out += card("cold migrations", total("cold_migrations"), false);
  out += card("outage minutes", total("outage_minutes"), true);
  out += card("baseline raises", total("baseline_raises"), false);
  out += card("hosts bought", total("hosts_bought"), false);
  out += card("hosts retired", total("hosts_retired"), false);
  out += card("refused operations",
              total("refused_operations") + total("power_on_refused") + total("host_join_refused"), true);
  out += "</div>\n";

  const std::string per = per_interval(id.sample_interval_s() > 0 ? id.sample_interval_s() : clock.horizon / 100);
  out += chart("chart-baseline", "Each cluster's baseline: features it passes to VMs (its name at each change)",
               family(r, "baseline"), Kind::step, clock, {"features in the baseline"}, "cluster");
  out += chart("chart-hosts", "Hosts by CPU generation", family(r, "hosts_by_generation"), Kind::stacked_steps, clock,
               {"hosts"}, "CPU generation");
  std::vector<Line> events = family(r, "crashes", "crash: ");
  for (auto& l : family(r, "blocked", "blocked: ")) events.push_back(std::move(l));
  out += chart("chart-events", "Crashes and blocked migrations " + per + ", by cause", events, Kind::stacked_bars,
               clock, {"events " + per}, "cause");
  out += chart("chart-migrations", "Live migrations " + per, family(r, "migrations"), Kind::stacked_bars, clock,
               {"migrations " + per}, "migrations");
  out += chart("chart-features", "Features seen: share of running VMs whose guest view has each feature",
               family(r, "feature_share"), Kind::step, clock, {"% of running VMs", true, 1.0}, "feature");
  out += chart("chart-in-use", "Features in use: share of running VMs whose software uses each feature",
               family(r, "feature_in_use"), Kind::step, clock, {"% of running VMs", true, 1.0}, "feature");
  out += chart("chart-levels", "VMs by guest-view level (the highest x86-64 level their view contains)",
               family(r, "vms_by_level"), Kind::stacked_steps, clock, {"running VMs"}, "x86-64 level");
  out += chart("chart-imbalance", "Load imbalance across hosts, and the part compatibility left",
               family(r, "imbalance"), Kind::line, clock, {"std. deviation of host load (0 to 1)"}, "measure");
  out += chart("chart-domains", "Migration domains (host classes VMs move between both ways)",
               family(r, "migration_domains"), Kind::step, clock, {"domains / hosts"}, "measure");

  // Baseline raises: when possible, when made, what they bought, who saw it.
  std::vector<std::vector<std::string>> rows;
  for (const auto& x : r.raises()) {
    const double waited = (x.raised_at_s() - x.possible_since_s()) / kDay;
    std::string gained = fmt::format("{}: {}", x.gained_size(), joined(x.gained(), ", "));
    if (!x.locks_out().empty())
      gained += fmt::format(" (shuts out {}: lacks {})", x.locks_out(), joined(x.locks_out_missing(), ", "));
    std::string seen = x.all_seen_at_s() >= 0 ? fmt::format("{} ({} days after)", clock.at(x.all_seen_at_s()),
                                                            grouped((x.all_seen_at_s() - x.raised_at_s()) / kDay, 0))
                                              : "not by the end";
    rows.push_back({x.cluster(), x.from() + " → " + x.to(), clock.at(x.possible_since_s()), clock.at(x.raised_at_s()),
                    grouped(waited, 0), gained, count_text(x.vms_waiting()), seen, count_text(x.cycles_required()),
                    count_text(x.cycles_that_picked_it_up())});
  }
  out += table("table-raises", "Baseline raises",
               "A raise is possible when every host of the cluster can join the new mode; each VM running below it "
               "needs one power cycle to see it (here the routine patch windows and power cycles bring it).",
               {"cluster", "from → to", "possible since", "made", "days waited", "features gained", "VMs below it",
                "all saw it", "power cycles needed", "picked up by routine cycles"},
               rows, {false, false, false, false, true, false, true, false, true, true});

  rows.clear();
  const int kRows = 200;
  for (int i = 0; i < std::min(kRows, r.purchases_size()); ++i) {
    const auto& p = r.purchases(i);
    rows.push_back({clock.at(p.t()), p.cluster(), p.cpu(), count_text(p.count()), p.why()});
  }
  out += table("table-purchases", "Hosts bought", "What the market sold at each date, for the cluster that needed it.",
               {"date", "cluster", "part", "hosts", "why"}, rows, {false, false, false, true, false},
               cut_note(rows.size(), static_cast<size_t>(r.purchases_size()), "results.json (purchases)"));

  rows.clear();
  int failed = 0;
  for (const auto& m : r.maintenances()) failed += m.outcome() == "failed";
  std::vector<const report::Maintenance*> shown;
  for (const auto& m : r.maintenances())  // failures first: they are what a planner must act on
    if (m.outcome() == "failed") shown.push_back(&m);
  for (const auto& m : r.maintenances())
    if (m.outcome() != "failed") shown.push_back(&m);
  if (shown.size() > kRows) shown.resize(kRows);
  for (const auto* m : shown)
    rows.push_back(
        {clock.at(m->t()), m->host(), m->cpu(), m->why(), m->outcome(), m->end_t() >= 0 ? clock.at(m->end_t()) : "-",
         count_text(m->moved_live()), count_text(m->moved_cold()), count_text(m->attempts()),
         m->reason().empty() ? "" : m->reason() + (m->features_size() ? " [" + joined(m->features()) + "]" : "")});
  out += table("table-maintenance", "Maintenance and retirement",
               fmt::format("{} maintenance(s), {} that never completed (listed first).",
                           count_text(r.maintenances_size()), count_text(failed)),
               {"started", "host", "CPU", "why", "outcome", "ended", "VMs moved live", "VMs moved cold",
                "failed attempts", "why it failed"},
               rows, {false, false, false, false, false, false, true, true, true, false},
               cut_note(rows.size(), static_cast<size_t>(r.maintenances_size()), "results.json (maintenances)"));

  // Crashes as stories: software, route between CPU models, missing features.
  std::vector<const report::CrashGroup*> groups;
  for (const auto& g : r.crash_groups()) groups.push_back(&g);
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto* a, const auto* b) { return a->crashes() > b->crashes(); });
  rows.clear();
  for (const auto* g : groups)
    rows.push_back({g->software() + (g->kernel() ? " (kernel)" : ""),
                    g->src_cpu().empty() ? "no move: on " + g->dst_cpu() : g->src_cpu() + " → " + g->dst_cpu(),
                    joined(g->missing(), ", "), g->cause(), count_text(g->crashes()), count_text(g->vms()),
                    clock.at(g->first_t()), clock.at(g->last_t()), g->example_vm()});
  out += table("table-crashes", "Crashes, grouped",
               fmt::format("{} crash(es) in {} group(s): the same software, moved between the same CPU models, "
                           "missing the same features.",
                           count_text(total("crashes")), groups.size()),
               {"software", "from → to (CPU model)", "missing", "cause", "crashes", "VMs", "first", "last", "e.g. VM"},
               rows, {false, false, false, false, true, true, false, false, false});

  rows.clear();
  for (const auto& m : r.slow_migrations())
    rows.push_back({clock.at(m.t()), m.vm(), m.src() + " → " + m.dst(), grouped(1000 * m.downtime_s(), 0),
                    grouped(m.duration_s(), 1), count_text(m.rounds())});
  out += table("table-slow-migrations",
               fmt::format("Migrations over the {} ms downtime target", grouped(id.max_downtime_ms(), 0)),
               "Pre-copy did not converge within the target: the guest paused longer than allowed.",
               {"date", "VM", "route", "downtime (ms)", "duration (s)", "rounds"}, rows,
               {false, false, false, true, true, true},
               cut_note(rows.size(), static_cast<size_t>(total("migrations_over_downtime_target")),
                        "events.sqlite (migration_completed, over_downtime_target)"));

  rows.clear();
  for (int i = 0; i < std::min(50, r.blocked_size()); ++i) {
    const auto& b = r.blocked(i);
    rows.push_back({clock.at(b.t()), b.vm(), b.src() + " → " + b.dst(), b.code(), joined(b.features()), b.reason()});
  }
  out +=
      table("table-blocked", "Blocked migrations", "", {"date", "VM", "route", "code", "features", "reason"}, rows, {},
            cut_note(rows.size(), static_cast<size_t>(total("blocked_migrations")), "blocked.csv and events.sqlite"));
  rows.clear();
  for (int i = 0; i < std::min(50, r.refused_size()); ++i) {
    const auto& x = r.refused(i);
    rows.push_back({clock.at(x.t()), x.type(), !x.operation().empty() ? x.operation() : x.vm() + x.host(),
                    joined(x.features()), x.reason()});
  }
  out += table("table-refused", "Refused operations, power-ons and host joins", "",
               {"date", "what", "subject", "features", "reason"}, rows, {},
               cut_note(rows.size(), static_cast<size_t>(r.refused_size()), "refused.csv and events.sqlite"));
  rows.clear();
  for (const auto& e : r.expectations())
    rows.push_back({e.ok() ? "ok" : "FAIL",
                    e.text().empty() ? fmt::format("{} {} {}", e.metric(), e.op(), e.value())
                                     : fmt::format("{} {} \"{}\"", e.metric(), e.op(), e.text()),
                    e.text().empty() ? fmt::format("{}", e.measured()) : e.measured_name()});
  out += table("table-expectations", "Expectations", "", {"", "expectation", "measured"}, rows);
  out += "</body></html>\n";
  return out;
}

}  // namespace evcsim
