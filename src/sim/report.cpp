#include "sim/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/stats.hpp"

namespace boucle::sim {

namespace json = boost::json;

namespace {

// A JSON value as a person reads it: numbers in their shortest form ("0.35", not boost::json's
// "3.5E-1"), objects as "key: value" lists. fmt formats without the C++ locale.
std::string plain(const json::value& v) {
  switch (v.kind()) {
    case json::kind::double_:
      return fmt::format("{}", v.get_double());
    case json::kind::int64:
      return fmt::format("{}", v.get_int64());
    case json::kind::uint64:
      return fmt::format("{}", v.get_uint64());
    case json::kind::string:
      return std::string(v.get_string());
    case json::kind::array: {
      std::string out;
      for (const auto& item : v.get_array()) out += (out.empty() ? "" : ", ") + plain(item);
      return out;
    }
    case json::kind::object: {
      std::string out;
      for (const auto& [key, item] : v.get_object()) {
        out += (out.empty() ? "" : "; ") + std::string(key) + ": " + plain(item);
      }
      return out;
    }
    default:
      return json::serialize(v);
  }
}

constexpr double LEVEL = 0.95;

// Typography (UTF-8): a narrow no-break space groups thousands without ever wrapping a number,
// the minus sign lines up with the plus sign, the en dash separates interval bounds.
constexpr std::string_view THIN_SPACE = "\u202F";
constexpr std::string_view MINUS = "\u2212";
constexpr std::string_view EN_DASH = "\u2013";
constexpr std::string_view NOT_AVAILABLE = "\u2013";

// Okabe & Ito's palette, distinguishable under the common colour-vision deficiencies; the
// yellow is left out, too pale on white.
constexpr std::array<std::string_view, 7> PALETTE{"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                  "#E69F00", "#56B4E9", "#000000"};
constexpr std::string_view BASELINE_COLOUR = "#666666";
constexpr std::string_view STYLE_SWATCH_COLOUR = "#444444";  // legend entries for line styles
constexpr std::string_view BASELINE_DASH = "6 4";
constexpr std::string_view DRIVING_DASH = "2 3";

template <typename... Args>
void put(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
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
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Reading the study. Everything is optional: wrong types read as absent.

const json::value* find(const json::object& o, std::string_view key) {
  const auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const auto* v = find(o, key);
  return v ? v->if_object() : nullptr;
}

std::optional<std::string> string_at(const json::object& o, std::string_view key) {
  const auto* v = find(o, key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<double> finite_number(const json::value& v) {
  if (!v.is_number()) return std::nullopt;
  const double d = v.to_number<double>();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<double> number_at(const json::object* o, std::string_view key) {
  if (!o) return std::nullopt;
  const auto* v = find(*o, key);
  return v ? finite_number(*v) : std::nullopt;
}

// Seeds are compared by their decimal form, so 7, 7u and 7.0 pair with each other.
std::optional<std::string> seed_key(const json::value* v) {
  constexpr double MAX_EXACT_INTEGER = 9007199254740992.0;  // 2^53
  if (!v) return std::nullopt;
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_double()) {
    const double d = v->get_double();
    if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) <= MAX_EXACT_INTEGER) {
      return std::to_string(static_cast<std::int64_t>(d));
    }
  }
  return std::nullopt;
}

struct Run {
  std::size_t policy = 0;  // index into Study::policies
  std::optional<std::string> seed;
  const json::object* summary = nullptr;
  const json::array* weeks = nullptr;
};

struct Study {
  std::string scenario_name;
  const json::object* scenario = nullptr;
  std::string new_range;
  std::vector<std::string> ranges;
  std::vector<std::string> policies;     // order of first appearance in runs
  std::optional<std::size_t> reference;  // only when the reference policy has runs
  std::vector<Run> runs;
  std::vector<std::size_t> run_count;  // per policy
  // Per policy, seed → index in runs of the first run with that seed: the pairing.
  std::vector<std::map<std::string, std::size_t>> run_by_seed;
  std::size_t seed_count = 0;      // distinct seeds over all runs
  std::vector<std::string> dates;  // per week position, "" when no run dates it
};

Study read_study(const json::object& root) {
  Study s;
  s.scenario = object_at(root, "scenario");
  if (s.scenario) s.scenario_name = string_at(*s.scenario, "name").value_or("");
  s.new_range = string_at(root, "new_range").value_or("");
  if (const auto* ranges = find(root, "ranges"); ranges && ranges->is_array()) {
    for (const auto& r : ranges->get_array()) {
      if (r.is_string()) s.ranges.emplace_back(r.get_string());
    }
  }

  std::set<std::string> seeds;
  const auto* runs = find(root, "runs");
  if (runs && runs->is_array()) {
    for (const auto& entry : runs->get_array()) {
      const auto* run = entry.if_object();
      if (!run) continue;
      const auto policy = string_at(*run, "policy");
      if (!policy) continue;
      Run r;
      const auto known = std::find(s.policies.begin(), s.policies.end(), *policy);
      r.policy = static_cast<std::size_t>(known - s.policies.begin());
      if (known == s.policies.end()) {
        s.policies.push_back(*policy);
        s.run_count.push_back(0);
        s.run_by_seed.emplace_back();
      }
      ++s.run_count[r.policy];
      r.seed = seed_key(find(*run, "seed"));
      if (r.seed) {
        seeds.insert(*r.seed);
        s.run_by_seed[r.policy].emplace(*r.seed, s.runs.size());
      }
      r.summary = object_at(*run, "summary");
      if (const auto* weeks = find(*run, "weeks")) r.weeks = weeks->if_array();
      if (r.weeks) {
        if (r.weeks->size() > s.dates.size()) s.dates.resize(r.weeks->size());
        for (std::size_t w = 0; w < r.weeks->size(); ++w) {
          const auto* week = (*r.weeks)[w].if_object();
          if (!week || !s.dates[w].empty()) continue;
          s.dates[w] = string_at(*week, "date").value_or("");
        }
      }
      s.runs.push_back(r);
    }
  }
  s.seed_count = seeds.size();

  if (const auto reference = string_at(root, "reference_policy")) {
    const auto it = std::find(s.policies.begin(), s.policies.end(), *reference);
    if (it != s.policies.end()) s.reference = static_cast<std::size_t>(it - s.policies.begin());
  }
  return s;
}

// Metrics and their presentation.

enum class Unit { count, euros, euros_per_hour, km, hours, share, other };

struct MetricInfo {
  std::string_view key;
  std::string_view label;
  Unit unit;
};

// The summary metrics the simulator writes, in the order the report lists them.
constexpr std::array SUMMARY_METRICS{
    MetricInfo{"visits", "Visits", Unit::count},
    MetricInfo{"blank_visit_rate", "Blank-visit rate", Unit::share},
    MetricInfo{"km", "Distance", Unit::km},
    MetricInfo{"drive_hours", "Driving time", Unit::hours},
    MetricInfo{"store_hours", "Time in store", Unit::hours},
    MetricInfo{"sales_eur", "Sales", Unit::euros},
    MetricInfo{"incremental_margin", "Incremental margin", Unit::euros},
    MetricInfo{"field_cost_eur", "Field cost", Unit::euros},
    MetricInfo{"net_margin_eur", "Net margin", Unit::euros},
    MetricInfo{"margin_per_field_hour", "Margin per field hour", Unit::euros_per_hour},
    MetricInfo{"final_dn_new_range", "Final DN of the new range", Unit::share},
    MetricInfo{"final_dv_new_range", "Final DV of the new range", Unit::share},
    MetricInfo{"final_baseline_dn_new_range", "Final DN of the new range, no visits", Unit::share},
    MetricInfo{"final_crm_dn_new_range", "Final DN of the new range, as audited", Unit::share},
    MetricInfo{"visits_done", "Visits done", Unit::count},
    MetricInfo{"strike_rate", "Strike rate (visits with an order)", Unit::share},
    MetricInfo{"seconds", "Run time (s, wall clock)", Unit::other},
};

const MetricInfo* known_metric(std::string_view key) {
  const auto it = std::find_if(SUMMARY_METRICS.begin(), SUMMARY_METRICS.end(),
                               [key](const MetricInfo& m) { return m.key == key; });
  return it == SUMMARY_METRICS.end() ? nullptr : &*it;
}

Unit unit_of(std::string_view key) {
  const auto* info = known_metric(key);
  return info ? info->unit : Unit::other;
}

// Shares are shown in percent, and their differences in percentage points.
double display_scale(Unit unit) { return unit == Unit::share ? 100.0 : 1.0; }

std::string_view unit_suffix(Unit unit, bool difference) {
  switch (unit) {
    case Unit::euros:
      return " (€)";
    case Unit::euros_per_hour:
      return " (€/h)";
    case Unit::km:
      return " (km)";
    case Unit::hours:
      return " (h)";
    case Unit::share:
      return difference ? " (pp)" : " (%)";
    case Unit::count:
    case Unit::other:
      break;
  }
  return "";
}

// Decimals that show a value at the precision that matters for it; unknown metrics get about
// three significant digits.
int decimals_for(Unit unit, double magnitude) {
  switch (unit) {
    case Unit::euros:
    case Unit::km:
      return 0;
    case Unit::count:
    case Unit::hours:
    case Unit::euros_per_hour:
      return magnitude >= 100 ? 0 : 1;
    case Unit::share:
      return 1;
    case Unit::other:
      break;
  }
  if (magnitude >= 100) return 0;
  if (magnitude >= 10) return 1;
  if (magnitude >= 1) return 2;
  return 3;
}

// Fixed-point, thousands grouped by thin spaces, typographic minus; fmt ignores the C++ locale.
// A value that rounds to zero carries no sign.
std::string format_fixed(double x, int decimals, bool plus_sign = false) {
  if (!std::isfinite(x)) return std::string(NOT_AVAILABLE);
  const std::string digits = fmt::format("{:.{}f}", std::fabs(x), decimals);
  const bool zero = digits.find_first_not_of("0.") == std::string::npos;
  std::string out;
  if (!zero && x < 0) out += MINUS;
  if (!zero && x > 0 && plus_sign) out += '+';
  const std::size_t integer_digits = std::min(digits.find('.'), digits.size());
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i < integer_digits && (integer_digits - i) % 3 == 0) out += THIN_SPACE;
    out += digits[i];
  }
  return out;
}

bool significant(const Interval& ci) { return ci.n >= 2 && (ci.low > 0 || ci.high < 0); }

// "12.3 (11.8 – 12.9)"; a single run has no interval; differences carry their sign.
std::string format_interval(const Interval& ci, Unit unit, bool difference) {
  if (ci.n == 0) return std::string(NOT_AVAILABLE);
  const double scale = display_scale(unit);
  const double magnitude =
      std::max({std::fabs(ci.mean), std::fabs(ci.low), std::fabs(ci.high)}) * scale;
  const int decimals = decimals_for(unit, magnitude);
  std::string out = format_fixed(ci.mean * scale, decimals, difference);
  if (ci.n >= 2) {
    out += fmt::format(" ({} {} {})", format_fixed(ci.low * scale, decimals), EN_DASH,
                       format_fixed(ci.high * scale, decimals));
  }
  return out;
}

// Summary statistics.

struct MetricInterval {
  std::string metric;
  Interval ci;
};
using MetricIntervals = std::vector<MetricInterval>;

const Interval* find_interval(const MetricIntervals& intervals, std::string_view metric) {
  const auto it = std::find_if(intervals.begin(), intervals.end(),
                               [metric](const MetricInterval& m) { return m.metric == metric; });
  return it == intervals.end() ? nullptr : &it->ci;
}

// Known metrics present in some run, in catalogue order, then the other numeric ones in order of
// first appearance.
std::vector<std::string> summary_metric_keys(const Study& s) {
  std::vector<std::string> keys;
  for (const auto& info : SUMMARY_METRICS) {
    const bool present = std::any_of(s.runs.begin(), s.runs.end(), [&info](const Run& r) {
      return number_at(r.summary, info.key).has_value();
    });
    if (present) keys.emplace_back(info.key);
  }
  for (const auto& run : s.runs) {
    if (!run.summary) continue;
    for (const auto& [key, value] : *run.summary) {
      if (known_metric(key) || !finite_number(value)) continue;
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.emplace_back(key);
    }
  }
  return keys;
}

MetricIntervals policy_intervals(const Study& s, std::size_t policy,
                                 const std::vector<std::string>& metrics) {
  MetricIntervals out;
  for (const auto& metric : metrics) {
    std::vector<double> xs;
    for (const auto& run : s.runs) {
      if (run.policy != policy) continue;
      if (const auto x = number_at(run.summary, metric)) xs.push_back(*x);
    }
    if (!xs.empty()) out.push_back({metric, mean_ci(xs, LEVEL)});
  }
  return out;
}

// Pairs in the order of the reference's runs.
std::vector<std::pair<std::size_t, std::size_t>> seed_pairs(const Study& s, std::size_t policy) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  const std::size_t reference = *s.reference;
  for (std::size_t i = 0; i < s.runs.size(); ++i) {
    const auto& run = s.runs[i];
    if (run.policy != reference || !run.seed) continue;
    if (s.run_by_seed[reference].at(*run.seed) != i) continue;  // a repeated seed
    const auto& partners = s.run_by_seed[policy];
    if (const auto it = partners.find(*run.seed); it != partners.end()) {
      pairs.emplace_back(it->second, i);
    }
  }
  return pairs;
}

MetricIntervals paired_intervals(const Study& s, std::size_t policy,
                                 const std::vector<std::string>& metrics) {
  MetricIntervals out;
  const auto pairs = seed_pairs(s, policy);
  for (const auto& metric : metrics) {
    std::vector<double> a;
    std::vector<double> b;
    for (const auto& [run, reference_run] : pairs) {
      const auto x = number_at(s.runs[run].summary, metric);
      const auto y = number_at(s.runs[reference_run].summary, metric);
      if (!x || !y) continue;
      a.push_back(*x);
      b.push_back(*y);
    }
    if (!a.empty()) out.push_back({metric, paired_diff_ci(a, b, LEVEL)});
  }
  return out;
}

json::value number_or_null(double x) {
  return std::isfinite(x) ? json::value(x) : json::value(nullptr);
}

json::object interval_json(const Interval& ci) {
  json::object o;
  o["mean"] = number_or_null(ci.mean);
  o["low"] = number_or_null(ci.low);
  o["high"] = number_or_null(ci.high);
  o["n"] = ci.n;
  o["sd"] = number_or_null(ci.sd);
  return o;
}

json::object intervals_json(const MetricIntervals& intervals) {
  json::object o;
  for (const auto& [metric, ci] : intervals) o[metric] = interval_json(ci);
  return o;
}

// Weekly series.

// Per week, the interval of the values, made drawable: a mean that overflowed is a gap, a spread
// that overflowed draws no band.
std::vector<Interval> chartable(const std::vector<std::vector<double>>& values) {
  std::vector<Interval> out;
  out.reserve(values.size());
  for (const auto& xs : values) {
    Interval ci = mean_ci(xs, LEVEL);
    if (ci.n > 0 && !std::isfinite(ci.mean)) ci = Interval{};
    if (ci.n > 0 && !(std::isfinite(ci.low) && std::isfinite(ci.high))) ci.low = ci.high = ci.mean;
    out.push_back(ci);
  }
  return out;
}

// Per week position, the interval over a policy's runs (n = 0 where no run has the metric).
// A cumulative series stops at a run's first missing week: its total is unknown from there.
std::vector<Interval> weekly_intervals(const Study& s, std::size_t policy, std::string_view metric,
                                       bool cumulative) {
  std::vector<std::vector<double>> values(s.dates.size());
  for (const auto& run : s.runs) {
    if (run.policy != policy || !run.weeks) continue;
    double total = 0.0;
    for (std::size_t w = 0; w < run.weeks->size(); ++w) {
      const auto x = number_at((*run.weeks)[w].if_object(), metric);
      if (!x) {
        if (cumulative) break;
        continue;
      }
      total += *x;
      values[w].push_back(cumulative ? total : *x);
    }
  }
  return chartable(values);
}

// The no-visit baseline depends on the world (the seed), not on the policy: averaged over
// distinct seeds so that a seed run under four policies is not counted four times.
std::vector<Interval> baseline_series(const Study& s, std::string_view metric) {
  std::vector<std::vector<double>> values(s.dates.size());
  std::set<std::string> seen;
  for (const auto& run : s.runs) {
    if (!run.weeks) continue;
    if (run.seed && !seen.insert(*run.seed).second) continue;
    for (std::size_t w = 0; w < run.weeks->size(); ++w) {
      if (const auto x = number_at((*run.weeks)[w].if_object(), metric)) values[w].push_back(*x);
    }
  }
  return chartable(values);
}

// SVG line charts.

struct Line {
  std::string_view colour;
  std::string_view dash;  // stroke-dasharray; empty is solid
  double width = 2.0;
  std::vector<Interval> points;  // one per week position; n = 0 is a gap
  bool band = true;              // shade the interval where n >= 2
};

struct LegendEntry {
  std::string label;  // plain text
  std::string_view colour;
  std::string_view dash;
};

struct Chart {
  std::string title;    // plain text
  std::string y_label;  // plain text
  bool percent = false;
  std::vector<Line> lines;
  std::vector<LegendEntry> legend;
};

bool has_data(const std::vector<Interval>& points) {
  return std::any_of(points.begin(), points.end(), [](const Interval& p) { return p.n > 0; });
}

constexpr double CHART_WIDTH = 760;
constexpr double PLOT_HEIGHT = 240;
constexpr double MARGIN_LEFT = 84;
constexpr double MARGIN_RIGHT = 44;  // room for half of the last date label
constexpr double MARGIN_BOTTOM = 52;
constexpr double LEGEND_TOP = 8;
constexpr double LEGEND_ROW = 20;
constexpr double LEGEND_SWATCH = 24;
constexpr double GLYPH_WIDTH = 6.8;  // mean advance of 12 px sans-serif text, for legend layout
constexpr int Y_TICKS = 5;
constexpr int X_LABELS = 6;

// The 1-2-5 step nearest above raw.
double nice_step(double raw) {
  if (!(raw > 0) || !std::isfinite(raw)) return 1.0;
  const double base = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / base;
  const double nice = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
  return nice * base;
}

// Decimals that tell apart the ticks of a 1-2-5 step.
int step_decimals(double step) {
  return std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
}

// Tick positions are whole multiples of step, kept in doubles: no integer overflow whatever the
// data.
struct Axis {
  double first = 0;  // lowest tick is first × step
  int intervals = 1;
  double step = 1.0;
  double lo() const { return first * step; }
  double hi() const { return (first + intervals) * step; }
  double tick(int i) const { return (first + i) * step; }
};

Axis value_axis(double min, double max) {
  constexpr int MAX_INTERVALS = 20;  // only reached by pathological data
  // Every weekly metric has a natural zero; keep it in view unless the data sit far from it.
  if (min == max) {
    if (min == 0) max = 1;
    min = std::min(min, 0.0);
    max = std::max(max, 0.0);
  }
  if (min > 0 && min <= max / 2) min = 0;
  if (max < 0 && max >= min / 2) max = 0;
  Axis axis;
  // Divided first, so that a span near the largest double does not overflow.
  axis.step = nice_step(max / Y_TICKS - min / Y_TICKS);
  axis.first = std::floor(min / axis.step + 1e-9);
  const double intervals = std::ceil(max / axis.step - 1e-9) - axis.first;
  axis.intervals = intervals >= 1 && intervals <= MAX_INTERVALS ? static_cast<int>(intervals) : 1;
  return axis;
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string tick_label(double value, double step, bool percent) {
  const double scale = percent ? 100.0 : 1.0;
  std::string out = format_fixed(value * scale, step_decimals(step * scale));
  if (percent) out += '%';
  return out;
}

void put_dash(std::string& out, std::string_view dash) {
  if (!dash.empty()) put(out, R"( stroke-dasharray="{}")", dash);
}

std::string render_chart(const Chart& chart, const std::vector<std::string>& dates, int id) {
  // Legend rows, laid out left to right with estimated text widths.
  struct Placed {
    double x;
    double y;
  };
  std::vector<Placed> placed;
  double x = MARGIN_LEFT;
  int row = 0;
  for (const auto& entry : chart.legend) {
    const double width =
        LEGEND_SWATCH + 6 + GLYPH_WIDTH * static_cast<double>(code_points(entry.label)) + 18;
    if (x > MARGIN_LEFT && x + width > CHART_WIDTH - MARGIN_RIGHT) {
      x = MARGIN_LEFT;
      ++row;
    }
    placed.push_back({x, LEGEND_TOP + LEGEND_ROW * row + LEGEND_ROW / 2});
    x += width;
  }
  const int legend_rows = chart.legend.empty() ? 0 : row + 1;
  const double top = LEGEND_TOP + LEGEND_ROW * legend_rows + 10;
  const double bottom = top + PLOT_HEIGHT;
  const double height = bottom + MARGIN_BOTTOM;
  const double left = MARGIN_LEFT;
  const double right = CHART_WIDTH - MARGIN_RIGHT;

  double min = INFINITY;
  double max = -INFINITY;
  for (const auto& line : chart.lines) {
    for (const auto& p : line.points) {
      if (p.n == 0) continue;
      const bool banded = line.band && p.n >= 2;
      min = std::min(min, banded ? p.low : p.mean);
      max = std::max(max, banded ? p.high : p.mean);
    }
  }
  const Axis axis = value_axis(min, max);
  const auto y_of = [&](double v) {
    return bottom - PLOT_HEIGHT * (v - axis.lo()) / (axis.hi() - axis.lo());
  };
  const std::size_t weeks = dates.size();
  const auto x_of = [&](std::size_t w) {
    if (weeks <= 1) return (left + right) / 2;
    return left + (right - left) * static_cast<double>(w) / static_cast<double>(weeks - 1);
  };

  std::string out;
  put(out,
      R"(<svg class="chart" viewBox="0 0 {0:.0f} {1:.0f}" width="{0:.0f}" height="{1:.0f}" )"
      R"(role="img" aria-labelledby="chart-{2}-title">)"
      "\n<title id=\"chart-{2}-title\">{3}</title>\n",
      CHART_WIDTH, height, id, escape(chart.title));

  // Grid and value ticks.
  for (int i = 0; i <= axis.intervals; ++i) {
    const double v = axis.tick(i);
    const double y = y_of(v);
    const bool zero = std::fabs(v) < axis.step * 1e-9;
    put(out, R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}"/>)", left, y,
        right, y, zero && i > 0 ? "#999999" : "#e6e6e6");
    put(out,
        R"(<text x="{:.1f}" y="{:.1f}" text-anchor="end">{}</text>)"
        "\n",
        left - 8, y + 4, tick_label(zero ? 0.0 : v, axis.step, chart.percent));
  }

  // Week ticks, labelled with the week's date.
  if (weeks > 0) {
    const auto every = static_cast<std::size_t>(
        std::max(1L, std::lround(nice_step(static_cast<double>(weeks - 1) / X_LABELS))));
    for (std::size_t w = 0; w < weeks; w += every) {
      const double xw = x_of(w);
      const std::string label = dates[w].empty() ? fmt::format("week {}", w) : dates[w];
      put(out,
          R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="#333333"/>)"
          R"(<text x="{0:.1f}" y="{3:.1f}" text-anchor="middle">{4}</text>)"
          "\n",
          xw, bottom, bottom + 5, bottom + 18, escape(label));
    }
  }

  // Confidence bands under all lines, so that no band hides another policy's line.
  for (const auto& line : chart.lines) {
    if (!line.band) continue;
    std::size_t w = 0;
    while (w < line.points.size()) {
      if (line.points[w].n < 2) {
        ++w;
        continue;
      }
      std::size_t end = w;
      while (end < line.points.size() && line.points[end].n >= 2) ++end;
      if (end - w == 1) {
        put(out,
            R"(<line x1="{0:.1f}" y1="{1:.1f}" x2="{0:.1f}" y2="{2:.1f}" stroke="{3}" )"
            R"(stroke-opacity="0.25" stroke-width="6"/>)"
            "\n",
            x_of(w), y_of(line.points[w].low), y_of(line.points[w].high), line.colour);
      } else {
        put(out, R"(<polygon fill="{}" fill-opacity="0.15" points=")", line.colour);
        for (std::size_t i = w; i < end; ++i) {
          put(out, "{:.1f},{:.1f} ", x_of(i), y_of(line.points[i].high));
        }
        for (std::size_t i = end; i-- > w;) {
          put(out, "{:.1f},{:.1f}{}", x_of(i), y_of(line.points[i].low), i > w ? " " : "");
        }
        out += "\"/>\n";
      }
      w = end;
    }
  }

  // Lines, broken where a week has no data; an isolated week is a dot.
  for (const auto& line : chart.lines) {
    std::size_t w = 0;
    while (w < line.points.size()) {
      if (line.points[w].n == 0) {
        ++w;
        continue;
      }
      std::size_t end = w;
      while (end < line.points.size() && line.points[end].n > 0) ++end;
      if (end - w == 1) {
        put(out,
            R"(<circle cx="{:.1f}" cy="{:.1f}" r="2.5" fill="{}"/>)"
            "\n",
            x_of(w), y_of(line.points[w].mean), line.colour);
      } else {
        put(out, R"(<path fill="none" stroke="{}" stroke-width="{:.1f}" stroke-linejoin="round")",
            line.colour, line.width);
        put_dash(out, line.dash);
        out += " d=\"";
        for (std::size_t i = w; i < end; ++i) {
          put(out, "{}{:.1f},{:.1f}", i == w ? 'M' : 'L', x_of(i), y_of(line.points[i].mean));
        }
        out += "\"/>\n";
      }
      w = end;
    }
  }

  // Axes and their titles.
  put(out,
      R"(<path fill="none" stroke="#333333" d="M{0:.1f},{1:.1f}V{2:.1f}H{3:.1f}"/>)"
      "\n"
      R"(<text x="{4:.1f}" y="{5:.1f}" text-anchor="middle">Week starting</text>)"
      "\n"
      R"svg(<text transform="translate(16 {6:.1f}) rotate(-90)" text-anchor="middle">{7}</text>)svg"
      "\n",
      left, top, bottom, right, (left + right) / 2, bottom + 40, (top + bottom) / 2,
      escape(chart.y_label));

  for (std::size_t i = 0; i < chart.legend.size(); ++i) {
    const auto& entry = chart.legend[i];
    const auto [lx, ly] = placed[i];
    put(out,
        R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="2.5")",
        lx, ly, lx + LEGEND_SWATCH, ly, entry.colour);
    put_dash(out, entry.dash);
    put(out,
        R"(/><text x="{:.1f}" y="{:.1f}">{}</text>)"
        "\n",
        lx + LEGEND_SWATCH + 6, ly + 4, escape(entry.label));
  }
  out += "</svg>\n";
  return out;
}

std::string_view colour_of(std::size_t policy) { return PALETTE[policy % PALETTE.size()]; }

// One line per policy (mean over its runs, with band), and the dashed no-visit baseline.
Chart policy_chart(const Study& s, std::string title, std::string y_label, bool percent,
                   std::string_view metric, bool cumulative, std::string_view baseline_metric) {
  Chart chart{std::move(title), std::move(y_label), percent, {}, {}};
  for (std::size_t p = 0; p < s.policies.size(); ++p) {
    Line line{colour_of(p), "", 2.0, weekly_intervals(s, p, metric, cumulative), true};
    if (!has_data(line.points)) continue;
    chart.legend.push_back({s.policies[p], line.colour, ""});
    chart.lines.push_back(std::move(line));
  }
  if (!baseline_metric.empty()) {
    Line line{BASELINE_COLOUR, BASELINE_DASH, 1.5, baseline_series(s, baseline_metric), false};
    if (has_data(line.points)) {
      chart.legend.push_back({"No-visit baseline", line.colour, line.dash});
      chart.lines.push_back(std::move(line));
    }
  }
  return chart;
}

// Store time solid and driving dotted, in the policy's colour.
Chart hours_chart(const Study& s) {
  Chart chart{"Hours in store and driving", "Hours per week", false, {}, {}};
  bool any_store = false;
  bool any_drive = false;
  for (std::size_t p = 0; p < s.policies.size(); ++p) {
    Line store{colour_of(p), "", 2.0, weekly_intervals(s, p, "store_hours", false), true};
    Line drive{colour_of(p), DRIVING_DASH, 2.0, weekly_intervals(s, p, "drive_hours", false), true};
    const bool has_store = has_data(store.points);
    const bool has_drive = has_data(drive.points);
    if (has_store || has_drive) chart.legend.push_back({s.policies[p], colour_of(p), ""});
    if (has_store) chart.lines.push_back(std::move(store));
    if (has_drive) chart.lines.push_back(std::move(drive));
    any_store = any_store || has_store;
    any_drive = any_drive || has_drive;
  }
  if (any_store) chart.legend.push_back({"In store", STYLE_SWATCH_COLOUR, ""});
  if (any_drive) chart.legend.push_back({"Driving", STYLE_SWATCH_COLOUR, DRIVING_DASH});
  return chart;
}

std::vector<Chart> weekly_charts(const Study& s) {
  const std::string range = s.new_range.empty() ? "the new range" : s.new_range;
  std::vector<Chart> charts;
  charts.push_back(policy_chart(s, "Numeric distribution (DN) of " + range, "Share of stores", true,
                                "dn_new_range", false, "baseline_dn_new_range"));
  charts.push_back(policy_chart(s, "Weekly sales", "€ per week", false, "sales_eur", false,
                                "baseline_sales_eur"));
  charts.push_back(policy_chart(s, "Weekly incremental margin", "€ per week", false,
                                "incremental_margin", false, ""));
  charts.push_back(policy_chart(s, "Cumulative incremental margin", "€ since the start", false,
                                "incremental_margin", true, ""));
  charts.push_back(
      policy_chart(s, "Blank-visit rate", "Share of visits", true, "blank_visit_rate", false, ""));
  charts.push_back(policy_chart(s, "Distance driven", "km per week", false, "km", false, ""));
  charts.push_back(hours_chart(s));
  return charts;
}

// The page.

constexpr std::string_view CSS = R"(
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
       max-width: 1000px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem; padding-bottom: 0.2rem;
     border-bottom: 1px solid #ddd; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: 0.5rem 0; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid #e3e3e3; text-align: right;
         vertical-align: top; white-space: nowrap; }
th[scope=row], thead th:first-child, table.params td { text-align: left; }
thead th { border-bottom: 2px solid #999; }
td.sig { font-weight: 700; }
small { color: #666; font-weight: 400; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.35em;
          border-radius: 2px; }
.note { color: #555; font-size: 0.9rem; }
figure { margin: 1.5rem 0; }
figcaption { font-weight: 600; margin-bottom: 0.3rem; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: #333; }
)";

std::string swatch(std::size_t policy) {
  return fmt::format(R"(<span class="swatch" style="background:{}"></span>)", colour_of(policy));
}

std::string metric_label(std::string_view key, bool difference) {
  if (const auto* info = known_metric(key)) {
    return escape(std::string(info->label) + std::string(unit_suffix(info->unit, difference)));
  }
  return "<code>" + escape(key) + "</code>";
}

void put_header(std::string& out, const Study& s) {
  put(out, "<header>\n<h1>Simulation report: {}</h1>\n<dl class=\"facts\">\n",
      escape(s.scenario_name.empty() ? "unnamed scenario" : s.scenario_name));
  out += "<dt>Policies</dt><dd>";
  for (std::size_t p = 0; p < s.policies.size(); ++p) {
    put(out, "{}{}{}", p > 0 ? ", " : "", swatch(p), escape(s.policies[p]));
  }
  if (s.policies.empty()) out += "none";
  out += "</dd>\n";
  put(out, "<dt>Reference policy</dt><dd>{}</dd>\n",
      s.reference ? escape(s.policies[*s.reference]) : "none");
  put(out, "<dt>Seeds</dt><dd>{}</dd>\n<dt>Runs</dt><dd>{}</dd>\n", s.seed_count, s.runs.size());
  put(out, "<dt>Weeks</dt><dd>{}", s.dates.size());
  if (!s.dates.empty() && !s.dates.front().empty() && !s.dates.back().empty()) {
    put(out, " ({} {} {})", escape(s.dates.front()), EN_DASH, escape(s.dates.back()));
  }
  out += "</dd>\n";
  if (!s.new_range.empty()) put(out, "<dt>New range</dt><dd>{}</dd>\n", escape(s.new_range));
  if (!s.ranges.empty()) {
    out += "<dt>Ranges</dt><dd>";
    for (std::size_t r = 0; r < s.ranges.size(); ++r) {
      put(out, "{}{}", r > 0 ? ", " : "", escape(s.ranges[r]));
    }
    out += "</dd>\n";
  }
  out += "</dl>\n";

  if (s.scenario && s.scenario->size() > (s.scenario->contains("name") ? 1U : 0U)) {
    out += "<details>\n<summary>Scenario parameters</summary>\n<table class=\"params\">\n";
    for (const auto& [key, value] : *s.scenario) {
      if (key == "name") continue;
      const std::string text = value.is_string() ? std::string(value.get_string()) : plain(value);
      put(out, "<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", escape(key), escape(text));
    }
    out += "</table>\n</details>\n";
  }
  out += "</header>\n";
}

void put_summary_table(std::string& out, const Study& s, const std::vector<std::string>& metrics,
                       const std::vector<MetricIntervals>& per_policy) {
  out += "<section>\n<h2>Summary</h2>\n";
  if (metrics.empty()) {
    out += "<p>No summary metrics in this study.</p>\n</section>\n";
    return;
  }
  put(out,
      "<p class=\"note\">Mean over runs with its {:.0f}% confidence interval (Student's t): "
      "mean (low {} high). <small>n</small> is shown where fewer runs have the metric.</p>\n",
      LEVEL * 100, EN_DASH);
  out += "<div class=\"wide\"><table>\n<thead><tr><th scope=\"col\">Metric</th>";
  for (std::size_t p = 0; p < s.policies.size(); ++p) {
    put(out, "<th scope=\"col\">{}{} <small>{} run{}</small></th>", swatch(p),
        escape(s.policies[p]), s.run_count[p], s.run_count[p] == 1 ? "" : "s");
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& metric : metrics) {
    put(out, "<tr><th scope=\"row\">{}</th>", metric_label(metric, false));
    for (std::size_t p = 0; p < s.policies.size(); ++p) {
      const auto* ci = find_interval(per_policy[p], metric);
      if (!ci) {
        put(out, "<td>{}</td>", NOT_AVAILABLE);
        continue;
      }
      put(out, "<td>{}", format_interval(*ci, unit_of(metric), false));
      if (static_cast<std::size_t>(ci->n) != s.run_count[p])
        put(out, " <small>n={}</small>", ci->n);
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table></div>\n</section>\n";
}

void put_paired_table(std::string& out, const Study& s, const std::vector<std::string>& metrics,
                      const std::vector<MetricIntervals>& paired) {
  if (!s.reference || s.policies.size() < 2) return;
  const std::size_t reference = *s.reference;
  const std::string reference_name = escape(s.policies[reference]);
  put(out, "<section>\n<h2>Paired difference vs {}</h2>\n", reference_name);
  put(out,
      "<p class=\"note\">Per seed, policy minus {0}, over the seeds both policies ran; mean "
      "with its {1:.0f}% confidence interval. <strong>Bold *</strong>: the interval excludes 0. "
      "Shares differ in percentage points (pp).</p>\n",
      reference_name, LEVEL * 100);
  out += "<div class=\"wide\"><table>\n<thead><tr><th scope=\"col\">Metric</th>";
  std::vector<std::size_t> pair_count(s.policies.size(), 0);
  for (std::size_t p = 0; p < s.policies.size(); ++p) {
    if (p == reference) continue;
    pair_count[p] = seed_pairs(s, p).size();
    put(out, "<th scope=\"col\">{}{} {} {} <small>{} seed{}</small></th>", swatch(p),
        escape(s.policies[p]), MINUS, reference_name, pair_count[p], pair_count[p] == 1 ? "" : "s");
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& metric : metrics) {
    put(out, "<tr><th scope=\"row\">{}</th>", metric_label(metric, true));
    for (std::size_t p = 0; p < s.policies.size(); ++p) {
      if (p == reference) continue;
      const auto* ci = find_interval(paired[p], metric);
      if (!ci) {
        put(out, "<td>{}</td>", NOT_AVAILABLE);
        continue;
      }
      const bool sig = significant(*ci);
      put(out, "<td{}>{}{}", sig ? R"( class="sig" title="95% CI excludes 0")" : "",
          format_interval(*ci, unit_of(metric), true), sig ? "&nbsp;*" : "");
      if (static_cast<std::size_t>(ci->n) != pair_count[p]) {
        put(out, " <small>n={}</small>", ci->n);
      }
      out += "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table></div>\n</section>\n";
}

void put_charts(std::string& out, const Study& s) {
  out += "<section>\n<h2>Week by week</h2>\n";
  put(out,
      "<p class=\"note\">Solid lines: mean over a policy's runs; shaded band: its {:.0f}% "
      "confidence interval (from two runs on). Dashed grey: the same world without any visit, "
      "averaged over seeds.</p>\n",
      LEVEL * 100);
  int id = 0;
  for (const auto& chart : weekly_charts(s)) {
    ++id;
    if (chart.lines.empty()) {
      put(out, "<p class=\"note\">{}: no data.</p>\n", escape(chart.title));
      continue;
    }
    put(out, "<figure>\n<figcaption>{}</figcaption>\n{}</figure>\n", escape(chart.title),
        render_chart(chart, s.dates, id));
  }
  out += "</section>\n";
}

}  // namespace

json::object summarize(const json::object& study) {
  const Study s = read_study(study);
  const auto metrics = summary_metric_keys(s);
  json::object out;
  out["level"] = LEVEL;
  if (s.reference) out["reference_policy"] = s.policies[*s.reference];
  json::object policies;
  json::object paired;
  for (std::size_t p = 0; p < s.policies.size(); ++p) {
    policies[s.policies[p]] = intervals_json(policy_intervals(s, p, metrics));
    if (s.reference && p != *s.reference) {
      paired[s.policies[p]] = intervals_json(paired_intervals(s, p, metrics));
    }
  }
  out["policies"] = std::move(policies);
  out["paired_vs_reference"] = std::move(paired);
  return out;
}

std::string html_report(const json::object& study) {
  const Study s = read_study(study);
  const auto metrics = summary_metric_keys(s);
  std::vector<MetricIntervals> per_policy;
  std::vector<MetricIntervals> paired;
  for (std::size_t p = 0; p < s.policies.size(); ++p) {
    per_policy.push_back(policy_intervals(s, p, metrics));
    paired.push_back(s.reference && p != *s.reference ? paired_intervals(s, p, metrics)
                                                      : MetricIntervals{});
  }

  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  put(out, "<title>Boucle simulation: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
      escape(s.scenario_name.empty() ? "unnamed scenario" : s.scenario_name), CSS);
  put_header(out, s);
  out += "<main>\n";
  put_summary_table(out, s, metrics, per_policy);
  put_paired_table(out, s, metrics, paired);
  put_charts(out, s);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace boucle::sim
