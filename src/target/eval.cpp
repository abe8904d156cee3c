#include "target/eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <stdexcept>
#include <unordered_set>

#include "core/geo.hpp"
#include "target/geojson.hpp"
#include "target/text.hpp"

namespace boucle::target {

namespace detail {

namespace {

// Keeps the rows of `selection` whose value passes `test`: one tight loop, the test inlined.
template <class T, class Test>
void keep(const T* values, bool by_row, std::span<const Row> selection, std::vector<Row>& out,
          Test test) {
  if (by_row) {
    for (const Row r : selection)
      if (test(values[r])) out.push_back(r);
  } else {
    for (std::size_t i = 0; i < selection.size(); ++i)
      if (test(values[i])) out.push_back(selection[i]);
  }
}

// Whether dictionary entries equal (case-folded) one of the literals; memoised per code so each
// entry is folded at most once per clause.
class TextMatch {
 public:
  TextMatch(std::span<const std::string> dictionary, const std::vector<Literal>& literals)
      : dictionary_(dictionary), memo_(dictionary.size(), -1) {
    for (const Literal& l : literals) wanted_.insert(l.folded);
  }
  bool valid(std::uint32_t code) const { return code < dictionary_.size(); }
  bool operator()(std::uint32_t code) {
    std::int8_t& m = memo_[code];
    if (m < 0) {
      fold_into(buffer_, dictionary_[code]);
      m = wanted_.contains(buffer_) ? 1 : 0;
    }
    return m == 1;
  }

 private:
  std::span<const std::string> dictionary_;
  std::vector<std::int8_t> memo_;
  std::unordered_set<std::string> wanted_;
  std::string buffer_;
};

std::vector<Row> minus(const std::vector<Row>& a, const std::vector<Row>& b) {
  std::vector<Row> out;
  out.reserve(a.size() - std::min(a.size(), b.size()));
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

void keep_numbers(const Node& n, const double* v, bool by_row, std::span<const Row> sel,
                  std::vector<Row>& out) {
  if (n.kind == NodeKind::in_list) {
    std::vector<double> list;
    for (const Literal& l : n.values) list.push_back(l.number);
    std::sort(list.begin(), list.end());
    const bool negated = n.negated;
    keep(v, by_row, sel, out, [&](double x) {
      return !std::isnan(x) && std::binary_search(list.begin(), list.end(), x) != negated;
    });
    return;
  }
  const double y = n.values[0].number;
  switch (n.op) {
    case Op::eq:
      keep(v, by_row, sel, out, [y](double x) { return x == y; });
      break;
    case Op::ne:
      keep(v, by_row, sel, out, [y](double x) { return !std::isnan(x) && x != y; });
      break;
    case Op::lt:
      keep(v, by_row, sel, out, [y](double x) { return x < y; });
      break;
    case Op::le:
      keep(v, by_row, sel, out, [y](double x) { return x <= y; });
      break;
    case Op::gt:
      keep(v, by_row, sel, out, [y](double x) { return x > y; });
      break;
    case Op::ge:
      keep(v, by_row, sel, out, [y](double x) { return x >= y; });
      break;
  }
}

void keep_within(const Node& n, const Facts& facts, std::span<const Row> sel,
                 std::vector<Row>& out) {
  constexpr double DEG = 180.0 / std::numbers::pi;
  constexpr double RAD = std::numbers::pi / 180.0;
  const double radius = n.km * 1000.0;
  const double angle = radius / core::EARTH_RADIUS_M;
  const double margin = 1e-9;
  const double dlat = angle * DEG + margin;
  // Longitude half-width of the bounding box (exact for a sphere), or no bound near a pole.
  double dlon = 360;
  if (n.lat + dlat < 90 && n.lat - dlat > -90 && angle < std::numbers::pi / 2)
    dlon = std::asin(std::min(1.0, std::sin(angle) / std::cos(n.lat * RAD))) * DEG + margin;
  // The haversine term h of core::great_circle_distance grows with the distance: compare it with
  // its value at the radius, and only near that value compute the distance exactly as core does.
  const double h_max = std::pow(std::sin(std::min(angle, std::numbers::pi) / 2), 2);
  const double cos_lat0 = std::cos(n.lat * RAD);
  const core::GeoPoint centre{n.lat, n.lon};
  const double* lat = facts.stores.lat.data();
  const double* lon = facts.stores.lon.data();
  for (const Row r : sel) {
    if (!(std::abs(lat[r] - n.lat) <= dlat)) continue;
    double d = std::abs(lon[r] - n.lon);
    if (d > 180) d = 360 - d;
    if (!(d <= dlon)) continue;
    const double sin_dlat = std::sin((lat[r] - n.lat) * RAD / 2);
    const double sin_dlon = std::sin((lon[r] - n.lon) * RAD / 2);
    const double h = sin_dlat * sin_dlat + cos_lat0 * std::cos(lat[r] * RAD) * sin_dlon * sin_dlon;
    if (h < h_max * (1 - 1e-9)) {
      out.push_back(r);
    } else if (h <= h_max * (1 + 1e-9) + 1e-300 &&
               core::great_circle_distance(core::GeoPoint{lat[r], lon[r]}, centre) <= radius) {
      out.push_back(r);
    }
  }
}

}  // namespace

std::vector<Row> all_rows(const Facts& facts) {
  std::vector<Row> rows(facts.stores.size());
  std::iota(rows.begin(), rows.end(), Row{0});
  return rows;
}

void Evaluator::compute(const FieldRef& field, const Facts& facts, std::span<const Row> rows,
                        Column& out) {
  const FieldSpec& f = *field.spec;
  f.provider(facts, field.args, rows, out);
  const std::size_t n = rows.size();
  const bool ok = f.type == Type::number    ? out.number.size() == n
                  : f.type == Type::text    ? out.code.size() == n
                  : f.type == Type::boolean ? out.flag.size() == n
                                            : out.tag_begin.size() == n + 1 &&
                                                  out.tag_begin.back() <= out.tag_code.size();
  if (!ok)
    throw std::logic_error(
        fmt::format("the provider of field `{}` filled a column of the wrong size", f.name));
}

Evaluator::View Evaluator::fetch(const FieldRef& field, std::span<const Row> selection,
                                 Column& local) {
  if (cache_ != nullptr) {
    if (const Column* c = cache_->find(facts_, field.key)) return {c, true};
    // Worth a full column (kept for later expressions) unless the selection is small.
    if (selection.size() * 8 >= facts_.stores.size()) {
      if (all_rows_.size() != facts_.stores.size()) all_rows_ = all_rows(facts_);
      Column full;
      compute(field, facts_, all_rows_, full);
      return {&cache_->put(facts_, field.key, std::move(full)), true};
    }
  }
  compute(field, facts_, selection, local);
  return {&local, false};
}

std::vector<Row> Evaluator::leaf(const Node& n, const std::vector<Row>& sel) {
  std::vector<Row> out;
  out.reserve(sel.size());  // no regrowth; untouched capacity costs no page
  if (n.kind == NodeKind::within) {
    keep_within(n, facts_, sel, out);
    return out;
  }
  if (n.kind == NodeKind::in_polygon) {
    const Geometry& g = *n.geometry;
    for (const Row r : sel)
      if (contains(g, facts_.stores.lon[r], facts_.stores.lat[r])) out.push_back(r);
    return out;
  }
  Column local;
  const View view = fetch(n.field, sel, local);
  const Column& c = *view.column;
  switch (n.field.spec->type) {
    case Type::number:
      keep_numbers(n, c.number.data(), view.by_row, sel, out);
      break;
    case Type::boolean:
      keep(c.flag.data(), view.by_row, sel, out, [](std::uint8_t x) { return x != 0; });
      break;
    case Type::text: {
      TextMatch match(c.dictionary, n.values);
      const bool negated = (n.kind == NodeKind::compare && n.op == Op::ne) ||
                           (n.kind == NodeKind::in_list && n.negated);
      keep(c.code.data(), view.by_row, sel, out,
           [&](std::uint32_t code) { return match.valid(code) && match(code) != negated; });
      break;
    }
    case Type::tags: {
      TextMatch match(c.dictionary, n.values);
      const std::uint32_t* begin = c.tag_begin.data();
      const std::uint32_t* codes = c.tag_code.data();
      auto test = [&](std::size_t at) {
        for (std::uint32_t k = begin[at]; k < begin[at + 1]; ++k)
          if (match.valid(codes[k]) && match(codes[k])) return true;
        return false;
      };
      for (std::size_t i = 0; i < sel.size(); ++i)
        if (test(view.by_row ? sel[i] : i)) out.push_back(sel[i]);
      break;
    }
  }
  return out;
}

std::vector<Row> Evaluator::run(int index, std::vector<Row> sel) {
  const Node& n = ast_.nodes[index];
  switch (n.kind) {
    case NodeKind::all:
      for (const int c : n.children) {
        if (sel.empty()) break;
        sel = run(c, std::move(sel));
      }
      return sel;
    case NodeKind::any: {
      std::vector<Row> matched;
      for (const int c : n.children) {
        if (sel.empty()) break;
        std::vector<Row> hit = run(c, sel);
        sel = minus(sel, hit);
        std::vector<Row> merged;
        merged.reserve(matched.size() + hit.size());
        std::merge(matched.begin(), matched.end(), hit.begin(), hit.end(),
                   std::back_inserter(merged));
        matched = std::move(merged);
      }
      return matched;
    }
    case NodeKind::negate: {
      if (sel.empty()) return sel;
      const std::vector<Row> hit = run(n.children[0], sel);
      return minus(sel, hit);
    }
    default:
      return sel.empty() ? sel : leaf(n, sel);
  }
}

}  // namespace detail

std::vector<Row> select(const Expression& e, const Facts& facts, EvalCache* cache) {
  detail::Evaluator evaluator(e.ast(), facts, cache);
  return evaluator.run(e.ast().root, detail::all_rows(facts));
}

std::vector<std::uint8_t> evaluate(const Expression& e, const Facts& facts,
                                   std::span<const Row> rows, EvalCache* cache) {
  std::vector<Row> selection;
  selection.reserve(rows.size());
  for (const Row r : rows)
    if (r < facts.stores.size()) selection.push_back(r);
  std::sort(selection.begin(), selection.end());
  selection.erase(std::unique(selection.begin(), selection.end()), selection.end());
  detail::Evaluator evaluator(e.ast(), facts, cache);
  const std::vector<Row> hit = evaluator.run(e.ast().root, std::move(selection));
  std::vector<std::uint8_t> out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    out[i] = std::binary_search(hit.begin(), hit.end(), rows[i]) ? 1 : 0;
  return out;
}

}  // namespace boucle::target
