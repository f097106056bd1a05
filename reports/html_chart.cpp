// The SVG charts of the HTML reports (and of plan.html): one self-contained file (inline SVG drawn here, inline
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
#include "reports/html_chart.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "base/text_util.hpp"
#include "reports/results.hpp"

namespace evcsim {
namespace {

using Line = ChartSeries;
using Kind = ChartKind;
using Clock = ChartClock;
using Axis = ChartAxis;

const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
                          "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#d62728"};
constexpr double kDay = 86400, kYear = 365.25 * kDay;

std::string esc(const std::string& s) { return xml_escape(s); }

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

}  // namespace

std::string ChartClock::at(double t) const {
  if (calendar) return calendar_date(start, t);
  return elapsed(t);
}

std::string ChartClock::elapsed(double s) {
  if (s >= 2 * kYear) return fmt::format("{:.1f} years", s / kYear);
  if (s >= 2 * kDay) return fmt::format("{:.1f} days", s / kDay);
  if (s >= 7200) return fmt::format("{:.1f} h", s / 3600);
  if (s >= 120) return fmt::format("{:.0f} min", s / 60);
  return fmt::format("{:.0f} s", s);
}

// Round ticks across [0, horizon]: calendar years, quarters, months or
// weeks; without a calendar, round multiples of a time unit.
std::vector<std::pair<double, std::string>> ChartClock::ticks() const {
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

std::string svg_chart(const std::string& id, const std::string& title, const std::vector<ChartSeries>& series,
                      ChartKind kind, const ChartFrame& frame, const std::string& legend_title) {
  Clock clock;
  clock.calendar = frame.calendar;
  clock.start = frame.start;
  clock.horizon = frame.horizon;
  return chart(id, title, series, kind, clock, Axis{frame.unit, frame.percent, frame.fixed_max}, legend_title);
}

std::string svg_chart(const std::string& id, const std::string& title, const std::vector<ChartSeries>& series,
                      ChartKind kind, const ChartClock& clock, const ChartAxis& axis, const std::string& legend_title) {
  return chart(id, title, series, kind, clock, axis, legend_title);
}

}  // namespace evcsim
