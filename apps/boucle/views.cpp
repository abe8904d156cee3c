#include "views.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <stdexcept>

namespace boucle::cli {

namespace json = boost::json;

namespace {

std::size_t width(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Distinguishable on white, in a fixed order so that the same lines get the same colours.
constexpr const char* PALETTE[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                   "#8c564b", "#e377c2", "#7f7f7f", "#17becf"};

}  // namespace

void print_table(std::ostream& out, const Table& t) {
  std::vector<std::size_t> widths(t.header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
  };
  measure(t.header);
  for (const auto& row : t.rows) measure(row);
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      const std::string pad(widths[i] - width(row[i]), ' ');
      const bool right = i < t.right.size() && t.right[i];
      const bool last = i + 1 == row.size();
      if (i) line += "  ";
      line += right ? pad + row[i] : (last ? row[i] : row[i] + pad);
    }
    out << line << "\n";
  };
  if (!t.header.empty()) print_row(t.header);
  for (const auto& row : t.rows) print_row(row);
}

std::string cell(const json::value& v, int decimals) {
  switch (v.kind()) {
    case json::kind::null: return "";
    case json::kind::string: return std::string(v.get_string());
    case json::kind::bool_: return v.get_bool() ? "yes" : "no";
    case json::kind::int64: return std::to_string(v.get_int64());
    case json::kind::uint64: return std::to_string(v.get_uint64());
    case json::kind::double_: {
      const double d = v.get_double();
      if (std::floor(d) == d && std::abs(d) < 1e15) return fmt::format("{:.0f}", d);
      auto s = fmt::format("{:.{}f}", d, decimals);
      while (s.find('.') != std::string::npos && (s.back() == '0' || s.back() == '.')) {
        const bool dot = s.back() == '.';
        s.pop_back();
        if (dot) break;
      }
      return s;
    }
    default: return json::serialize(v);
  }
}

std::optional<double> number_of(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return std::nullopt;
}

std::string percent(const json::value& v) {
  auto d = number_of(v);
  return d ? fmt::format("{:.2f} %", *d) : "—";
}

std::string count_of(std::int64_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string shorten(std::string_view s, std::size_t max) {
  if (width(s) <= max) return std::string(s);
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool starts = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (starts && ++n > max - 1) break;
    out += s[i];
  }
  return out + "…";
}

std::string line_chart_svg(std::string_view title, const std::vector<std::string>& labels,
                           const std::vector<ChartLine>& lines) {
  constexpr double W = 780, H = 380, LEFT = 56, RIGHT = 190, TOP = 40, BOTTOM = 76;
  constexpr double PW = W - LEFT - RIGHT, PH = H - TOP - BOTTOM;
  const std::size_t n = labels.size();
  auto x = [&](std::size_t i) {
    return n <= 1 ? LEFT + PW / 2 : LEFT + PW * static_cast<double>(i) / static_cast<double>(n - 1);
  };
  auto y = [&](double v) { return TOP + PH * (1 - std::clamp(v, 0.0, 100.0) / 100); };

  std::string s = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" "
      "viewBox=\"0 0 {0:.0f} {1:.0f}\" font-family=\"sans-serif\" font-size=\"11\">\n"
      "<rect width=\"{0:.0f}\" height=\"{1:.0f}\" fill=\"white\"/>\n"
      "<text x=\"{2:.1f}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{3}</text>\n",
      W, H, LEFT, xml_escape(title));
  // The y axis: 0–100 % with a grid line every 25 %.
  for (int v = 0; v <= 100; v += 25) {
    s += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"{3}\"/>\n"
        "<text x=\"{4:.1f}\" y=\"{5:.1f}\" text-anchor=\"end\">{6} %</text>\n",
        LEFT, y(v), LEFT + PW, v == 0 ? "#444" : "#ddd", LEFT - 6, y(v) + 4, v);
  }
  s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
                   "stroke=\"#444\"/>\n",
                   LEFT, TOP, TOP + PH);
  // The x axis: a tick per week, at most about a dozen labels, counted back from the last.
  const std::size_t step = std::max<std::size_t>(1, (n + 11) / 12);
  for (std::size_t i = 0; i < n; ++i) {
    s += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
                     "stroke=\"#444\"/>\n",
                     x(i), TOP + PH, TOP + PH + 4);
    if ((n - 1 - i) % step == 0) {
      s += fmt::format("<text x=\"{0:.1f}\" y=\"{1:.1f}\" text-anchor=\"end\" "
                       "transform=\"rotate(-40 {0:.1f} {1:.1f})\">{2}</text>\n",
                       x(i), TOP + PH + 16, xml_escape(labels[i]));
    }
  }
  // The lines: a polyline per run of defined values, a dot for a value alone.
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const auto& line = lines[k];
    const char* colour = PALETTE[k % std::size(PALETTE)];
    const std::string dash = line.dashed ? " stroke-dasharray=\"6 4\"" : "";
    std::vector<std::pair<double, double>> run;
    auto flush = [&] {
      if (run.size() == 1) {
        s += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\"/>\n",
                         run[0].first, run[0].second, colour);
      } else if (run.size() > 1) {
        std::string points;
        for (const auto& [px, py] : run) {
          points += fmt::format("{}{:.1f},{:.1f}", points.empty() ? "" : " ", px, py);
        }
        s += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} "
                         "points=\"{}\"/>\n",
                         colour, dash, points);
      }
      run.clear();
    };
    for (std::size_t i = 0; i < n && i < line.values.size(); ++i) {
      if (line.values[i] && std::isfinite(*line.values[i])) {
        run.emplace_back(x(i), y(*line.values[i]));
      } else {
        flush();
      }
    }
    flush();
    const double ly = TOP + 8 + 18 * static_cast<double>(k);
    s += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"{3}\" "
        "stroke-width=\"2\"{4}/>\n<text x=\"{5:.1f}\" y=\"{6:.1f}\">{7}</text>\n",
        LEFT + PW + 16, ly, LEFT + PW + 40, colour, dash, LEFT + PW + 46, ly + 4,
        xml_escape(line.name));
  }
  s += "</svg>\n";
  return s;
}

void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace boucle::cli
