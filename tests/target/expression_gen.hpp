#pragma once

// A seeded generator of random well-typed expressions over random_facts() snapshots, each with
// its meaning as a row predicate computed by an independent reference (the documented semantics
// applied row by row to the raw Facts columns).

#include <charconv>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "expression_support.hpp"

namespace boucle::target::testing {

// Case folding as documented: ASCII and the Latin-1 capitals À..Þ (not ×), Œ, Ÿ.
inline std::string ref_fold(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out += static_cast<char>(std::tolower(c));
    } else if (c == 0xC3 && i + 1 < s.size()) {
      auto d = static_cast<unsigned char>(s[++i]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) d = static_cast<unsigned char>(d | 0x20);
      out += static_cast<char>(c);
      out += static_cast<char>(d);
    } else if (c == 0xC5 && i + 1 < s.size()) {
      const auto d = static_cast<unsigned char>(s[++i]);
      if (d == 0x92)
        out += "\xC5\x93";
      else if (d == 0xB8)
        out += "\xC3\xBF";
      else {
        out += static_cast<char>(c);
        out += static_cast<char>(d);
      }
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

inline std::string num(double v) {
  char buffer[64];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, v).ptr);
}

struct Generated {
  std::string text;
  std::function<bool(Row)> holds;
};

class Reference {
 public:
  explicit Reference(const Facts& f) : f_(f) {
    const std::size_t n = f.stores.size(), np = f.products.size();
    latest_.assign(n * np, NONE);
    for (std::uint32_t a = 0; a < f.audits.size(); ++a) {
      std::uint32_t& slot = latest_[f.audits.store[a] * np + f.audits.product[a]];
      if (slot == NONE || f.audits.at[a] > f.audits.at[slot] ||
          (f.audits.at[a] == f.audits.at[slot] && a > slot))
        slot = a;
    }
    last_.assign(n, std::numeric_limits<UnixSeconds>::min());
    for (std::size_t v = 0; v < f.visits.size(); ++v)
      if (f.visits.status[v] == DONE)
        last_[f.visits.store[v]] = std::max(last_[f.visits.store[v]], f.visits.checkin_at[v]);
  }

  std::vector<std::uint32_t> range(const std::string& name) const {
    std::vector<std::uint32_t> out;
    for (std::uint32_t code = 0; code < f_.ranges.size(); ++code) {
      if (ref_fold(f_.ranges.text(code)) != ref_fold(name)) continue;
      for (std::uint32_t p = 0; p < f_.products.size(); ++p)
        if (f_.products.range[p] == code) out.push_back(p);
    }
    return out;
  }
  std::uint32_t latest(Row r, std::uint32_t p) const { return latest_[r * f_.products.size() + p]; }

  double days_since_visit(Row r) const {
    if (last_[r] == std::numeric_limits<UnixSeconds>::min())
      return std::numeric_limits<double>::infinity();
    return static_cast<double>(f_.today() -
                               static_cast<Day>(std::floor(static_cast<double>(last_[r]) / 86400)));
  }
  double visits(Row r, int days) const {
    int count = 0;
    for (std::size_t v = 0; v < f_.visits.size(); ++v) {
      if (f_.visits.store[v] != r || f_.visits.status[v] != DONE) continue;
      const Day d = day_of(f_.visits.checkin_at[v]);
      if (d <= f_.today() && d > f_.today() - days) ++count;
    }
    return count;
  }
  double sales(Row r, int weeks) const {
    double total = 0;
    const Day monday = f_.today() - ((f_.today() % 7 + 7 + 3) % 7);
    for (int k = 1; k <= weeks; ++k) {
      const Day week = monday - 7 * k;
      const int w = (week - f_.sales_first_week) / 7;
      if (week >= f_.sales_first_week && w < f_.sales_weeks)
        total += f_.sales_revenue[static_cast<std::size_t>(w) * f_.stores.size() + r];
    }
    return total;
  }
  double dn(Row r, const std::string& range_name) const {
    const auto products = range(range_name);
    std::vector<std::uint32_t> considered;
    for (const std::uint32_t p : products) {
      const auto& carried = f_.assortment[f_.stores.channel[r]];
      if (std::find(carried.begin(), carried.end(), p) != carried.end()) considered.push_back(p);
    }
    if (considered.empty()) considered = products;
    if (considered.empty()) return 0;
    int present = 0;
    for (const std::uint32_t p : considered) {
      const std::uint32_t a = latest(r, p);
      if (a != NONE && f_.audits.present[a]) ++present;
    }
    return 100.0 * present / static_cast<double>(considered.size());
  }
  double oos(Row r, const std::string& range_name) const {
    int present = 0, oos = 0;
    for (const std::uint32_t p : range(range_name)) {
      const std::uint32_t a = latest(r, p);
      if (a == NONE || !f_.audits.present[a]) continue;
      ++present;
      if (f_.audits.out_of_stock[a]) ++oos;
    }
    return present == 0 ? std::nan("") : 100.0 * oos / static_cast<double>(present);
  }
  double facings(Row r, const std::string& range_name) const {
    double sum = 0;
    for (const std::uint32_t p : range(range_name))
      if (latest(r, p) != NONE) sum += f_.audits.facings[latest(r, p)];
    return sum;
  }

 private:
  const Facts& f_;
  std::vector<std::uint32_t> latest_;
  std::vector<UnixSeconds> last_;
};

class Generator {
 public:
  Generator(const Facts& f, std::uint64_t seed)
      : f_(f), ref_(std::make_shared<Reference>(f)), rng_(seed) {}

  Generated expression(int depth = 0) {
    const auto roll = pick(10);
    if (depth < 4 && roll < 2) return combine(depth, "and");
    if (depth < 4 && roll < 4) return combine(depth, "or");
    if (depth < 4 && roll < 5) {
      Generated inner = expression(depth + 1);
      const bool paren = pick(2) == 0;
      return {word("not") + " " + (paren ? "(" + inner.text + ")" : wrap(inner.text)),
              [h = inner.holds](Row r) { return !h(r); }};
    }
    return clause();
  }

 private:
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  double uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }

  // A keyword in random case.
  std::string word(std::string w) {
    const auto mode = pick(4);
    for (auto& c : w)
      if (mode == 1 || (mode == 2 && pick(2) == 0))
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return w;
  }
  std::string wrap(const std::string& text) { return "(" + text + ")"; }
  std::string space() { return pick(4) == 0 ? "  " : " "; }

  std::string text_literal(const std::string& value) {
    std::string v = value;
    if (pick(3) == 0)
      for (auto& c : v) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (pick(4) == 0) return "'" + v + "'";
    return "\"" + v + "\"";
  }

  Generated combine(int depth, const std::string& op) {
    Generated a = expression(depth + 1), b = expression(depth + 1);
    // Always parenthesise children so the reference need not know the precedence; the
    // precedence itself is covered by the hand-written tests.
    std::string text = wrap(a.text) + space() + word(op) + space() + wrap(b.text);
    if (op == "and") return {text, [x = a.holds, y = b.holds](Row r) { return x(r) && y(r); }};
    return {text, [x = a.holds, y = b.holds](Row r) { return x(r) || y(r); }};
  }

  Generated compare_number(std::string field, std::function<double(Row)> value,
                           std::vector<double> literals) {
    const double y = literals[pick(literals.size())];
    if (pick(5) == 0) {
      std::vector<double> list;
      std::string text = field + (pick(2) ? " " + word("not") + " " : " ");
      const bool negated = text.size() > field.size() + 1;
      text += word("in") + " (";
      const std::size_t n = 1 + pick(4);
      for (std::size_t i = 0; i < n; ++i) {
        list.push_back(literals[pick(literals.size())]);
        text += (i ? ", " : "") + num(list.back());
      }
      return {text + ")", [value, list, negated](Row r) {
                const double x = value(r);
                if (std::isnan(x)) return false;
                return (std::find(list.begin(), list.end(), x) != list.end()) != negated;
              }};
    }
    static const char* OPS[] = {"=", "!=", "<", "<=", ">", ">="};
    const int op = static_cast<int>(pick(6));
    return {field + space() + OPS[op] + space() + num(y), [value, y, op](Row r) {
              const double x = value(r);
              if (std::isnan(x)) return false;
              switch (op) {
                case 0:
                  return x == y;
                case 1:
                  return x != y;
                case 2:
                  return x < y;
                case 3:
                  return x <= y;
                case 4:
                  return x > y;
                default:
                  return x >= y;
              }
            }};
  }

  Generated compare_text(std::string field, std::function<std::string(Row)> value,
                         std::vector<std::string> literals) {
    const auto mode = pick(4);
    std::vector<std::string> wanted;
    std::string text = field;
    const std::size_t n = mode >= 2 ? 1 + pick(3) : 1;
    if (mode == 0) text += " = ";
    if (mode == 1) text += " != ";
    if (mode == 2) text += " " + word("in") + " (";
    if (mode == 3) text += " " + word("not") + " " + word("in") + " (";
    for (std::size_t i = 0; i < n; ++i) {
      const std::string v = literals[pick(literals.size())];
      wanted.push_back(ref_fold(v));
      text += (i ? ", " : "") + text_literal(v);
    }
    if (mode >= 2) text += ")";
    const bool negated = mode == 1 || mode == 3;
    return {text, [value, wanted, negated](Row r) {
              const bool hit =
                  std::find(wanted.begin(), wanted.end(), ref_fold(value(r))) != wanted.end();
              return hit != negated;
            }};
  }

  std::string range_literal() {
    static const std::vector<std::string> NAMES = {"Protein", "snacks", "BOISSONS", "Empty",
                                                   "Unknown"};
    return NAMES[pick(NAMES.size())];
  }

  std::vector<double> steps(double lo, double hi, double step) {
    std::vector<double> out;
    for (double v = lo; v <= hi; v += step) out.push_back(v);
    return out;
  }

  Generated polygon() {
    // A rectangle (maybe with a rectangular hole) or a triangle, inside the stores' area; 1 or 2
    // of them (MultiPolygon). The reference tests rectangles and triangles geometrically.
    struct Shape {
      bool triangle;
      double x0, y0, x1, y1, x2, y2;  // rectangle: (x0,y0)-(x1,y1); triangle: 3 vertices
      bool hole;
      double hx0, hy0, hx1, hy1;
    };
    const std::size_t count = 1 + pick(2);
    std::vector<Shape> shapes;
    std::string json = count == 1 ? R"({"type": "Polygon", "coordinates": )"
                                  : R"({"type":"MultiPolygon","coordinates":[)";
    for (std::size_t i = 0; i < count; ++i) {
      Shape s{};
      s.triangle = pick(3) == 0;
      auto lon = [&] { return std::round(uniform(4.5, 5.2) * 100) / 100; };
      auto lat = [&] { return std::round(uniform(45.4, 46.1) * 100) / 100; };
      std::string rings;
      if (s.triangle) {
        s.x0 = lon(), s.y0 = lat(), s.x1 = lon(), s.y1 = lat(), s.x2 = lon(), s.y2 = lat();
        rings = "[[" + num(s.x0) + "," + num(s.y0) + "],[" + num(s.x1) + "," + num(s.y1) + "],[" +
                num(s.x2) + "," + num(s.y2) + "],[" + num(s.x0) + "," + num(s.y0) + "]]";
      } else {
        s.x0 = lon(), s.x1 = lon(), s.y0 = lat(), s.y1 = lat();
        if (s.x0 > s.x1) std::swap(s.x0, s.x1);
        if (s.y0 > s.y1) std::swap(s.y0, s.y1);
        s.x1 += 0.05, s.y1 += 0.05;
        rings = "[[" + num(s.x0) + "," + num(s.y0) + "],[" + num(s.x1) + "," + num(s.y0) + "],[" +
                num(s.x1) + "," + num(s.y1) + "],[" + num(s.x0) + "," + num(s.y1) + "],[" +
                num(s.x0) + "," + num(s.y0) + "]]";
        s.hole = pick(2) == 0;
        if (s.hole) {
          s.hx0 = s.x0 + (s.x1 - s.x0) / 4, s.hx1 = s.x1 - (s.x1 - s.x0) / 4;
          s.hy0 = s.y0 + (s.y1 - s.y0) / 4, s.hy1 = s.y1 - (s.y1 - s.y0) / 4;
          rings += ",[[" + num(s.hx0) + "," + num(s.hy0) + "],[" + num(s.hx0) + "," + num(s.hy1) +
                   "],[" + num(s.hx1) + "," + num(s.hy1) + "],[" + num(s.hx1) + "," + num(s.hy0) +
                   "],[" + num(s.hx0) + "," + num(s.hy0) + "]]";
        }
      }
      json += (i ? "," : "") + std::string("[") + rings + "]";
      shapes.push_back(s);
    }
    json += count == 1 ? "}" : "]}";
    std::string arg = json;
    if (pick(4) == 0) {  // the quoted form
      arg = "'" + json + "'";
    }
    const Facts* f = &f_;
    return {word("in_polygon") + "(" + arg + ")", [shapes, f](Row r) {
              const double x = f->stores.lon[r], y = f->stores.lat[r];
              if (std::isnan(x) || std::isnan(y)) return false;
              for (const Shape& s : shapes) {
                if (s.triangle) {
                  auto side = [&](double ax, double ay, double bx, double by) {
                    return (bx - ax) * (y - ay) - (by - ay) * (x - ax);
                  };
                  const double d1 = side(s.x0, s.y0, s.x1, s.y1), d2 = side(s.x1, s.y1, s.x2, s.y2),
                               d3 = side(s.x2, s.y2, s.x0, s.y0);
                  const bool neg = d1 < 0 || d2 < 0 || d3<0, pos = d1> 0 || d2 > 0 || d3 > 0;
                  if (!(neg && pos)) return true;
                } else {
                  const bool in_outer = x > s.x0 && x < s.x1 && y > s.y0 && y < s.y1;
                  const bool in_hole = s.hole && x > s.hx0 && x < s.hx1 && y > s.hy0 && y < s.hy1;
                  if (in_outer && !in_hole) return true;
                }
              }
              return false;
            }};
  }

  Generated clause() {
    const Facts* f = &f_;
    const std::shared_ptr<const Reference> ref = ref_;
    switch (pick(24)) {
      case 0:
        return compare_number(
            "id", [f](Row r) { return static_cast<double>(f->stores.id[r]); }, steps(90, 2200, 7));
      case 1:
        return compare_number(
            "potential", [f](Row r) { return f->stores.potential[r]; }, steps(0, 100, 0.5));
      case 2:
        return compare_number(
            "size", [f](Row r) { return static_cast<double>(f->stores.size_sqm[r]); },
            steps(0, 4000, 100));
      case 3:
        return compare_number(
            "frequency", [f](Row r) { return static_cast<double>(f->stores.frequency_days[r]); },
            steps(0, 50, 7));
      case 4:
        return compare_number(
            "rep", [f](Row r) { return static_cast<double>(f->stores.rep[r]); }, steps(0, 5, 1));
      case 5:
        return compare_number(
            word("lat"), [f](Row r) { return f->stores.lat[r]; }, steps(45.3, 46.2, 0.01));
      case 6:
        return compare_number(
            "lon", [f](Row r) { return f->stores.lon[r]; }, steps(4.4, 5.3, 0.01));
      case 7:
        return compare_number(
            "days_since_visit", [ref](Row r) { return ref->days_since_visit(r); },
            steps(0, 250, 3));
      case 8: {
        const int d = std::vector<int>{1, 7, 30, 90, 365}[pick(5)];
        return compare_number(
            "visits(" + std::to_string(d) + ")", [ref, d](Row r) { return ref->visits(r, d); },
            steps(0, 5, 1));
      }
      case 9: {
        const int w = 1 + static_cast<int>(pick(12));
        return compare_number(
            "sales(" + std::to_string(w) + ")", [ref, w](Row r) { return ref->sales(r, w); },
            steps(0, 40000, 250));
      }
      case 10: {
        const int w = 1 + static_cast<int>(pick(6));
        return compare_number(
            "sales_trend( " + std::to_string(w) + " )",
            [ref, w](Row r) {
              const double recent = ref->sales(r, w), earlier = ref->sales(r, 2 * w) - recent;
              return earlier == 0 ? std::nan("") : 100.0 * (recent - earlier) / earlier;
            },
            steps(-100, 300, 5));
      }
      case 11:
      case 12: {
        const std::string range = range_literal();
        return compare_number(
            "dn(" + text_literal(range) + ")", [ref, range](Row r) { return ref->dn(r, range); },
            steps(0, 100, 10));
      }
      case 13: {
        const std::string range = range_literal();
        return compare_number(
            "oos(\"" + range + "\")", [ref, range](Row r) { return ref->oos(r, range); },
            steps(0, 100, 12.5));
      }
      case 14: {
        const std::string range = range_literal();
        return compare_number(
            "FACINGS(\"" + range + "\")", [ref, range](Row r) { return ref->facings(r, range); },
            steps(0, 30, 1));
      }
      case 15: {
        std::vector<std::string> names;
        for (int c = 0; c < 7; ++c)
          names.emplace_back(core::to_string(static_cast<core::Channel>(c)));
        return compare_text(
            "channel", [f, names](Row r) { return names[f->stores.channel[r]]; }, names);
      }
      case 16:
        return compare_text("banner", [f](Row r) { return f->banners.text(f->stores.banner[r]); },
                            {"Carrefour", "leclerc", "INTERMARCHÉ", "système u", "épi", "Auchan"});
      case 17:
        return compare_text("town", [f](Row r) { return f->towns.text(f->stores.town[r]); },
                            {"lyon", "ÉCULLY", "Villeurbanne", "saint-étienne", "Paris"});
      case 18:
        return compare_text("department",
                            [f](Row r) { return f->departments.text(f->stores.department[r]); },
                            {"69", "42", "2a", "01", "75"});
      case 19:
        return compare_text("Region", [f](Row r) { return f->regions.text(f->stores.region[r]); },
                            {"auvergne-rhône-alpes", "CORSE", "île-de-france", "Bretagne"});
      case 20:
        return compare_text("code", [f](Row r) { return f->stores.code[r]; },
                            {"S100", "s101", "S1500", "S9"});
      case 21: {
        static const std::vector<std::string> TAG_LITERALS = {"bio",     "CLOSED_SUNDAYS", "drive",
                                                              "premium", "écologique",     "vegan"};
        const std::string tag = TAG_LITERALS[pick(TAG_LITERALS.size())];
        return {word("tags") + " " + word("has") + " " + text_literal(tag), [f, tag](Row r) {
                  for (std::uint32_t k = f->stores.tag_begin[r]; k < f->stores.tag_begin[r + 1];
                       ++k)
                    if (ref_fold(f->tags.text(f->stores.tag_code[k])) == ref_fold(tag)) return true;
                  return false;
                }};
      }
      case 22: {
        if (pick(2) == 0) return {"assigned", [f](Row r) { return f->stores.rep[r] != 0; }};
        const double lat = std::round(uniform(45.4, 46.1) * 1000) / 1000,
                     lon = std::round(uniform(4.5, 5.2) * 1000) / 1000;
        const double km = std::round(uniform(0.5, 40) * 10) / 10;
        return {word("within") + "(" + num(lat) + ", " + num(lon) + "," + num(km) + ")",
                [f, lat, lon, km](Row r) {
                  return core::great_circle_distance({f->stores.lat[r], f->stores.lon[r]},
                                                     {lat, lon}) <= km * 1000;
                }};
      }
      default:
        return polygon();
    }
  }

  const Facts& f_;
  std::shared_ptr<const Reference> ref_;
  std::mt19937_64 rng_;
};

}  // namespace boucle::target::testing
