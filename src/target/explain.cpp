#include <fmt/format.h>

#include <cmath>
#include <string>

#include "core/geo.hpp"
#include "target/eval.hpp"
#include "target/geojson.hpp"
#include "target/text.hpp"

namespace boucle::target {

namespace detail {
namespace {

// A value as a manager reads it: whole numbers plainly, others with at most 2 decimals.
std::string show(double v) {
  if (std::isinf(v)) return v > 0 ? "infinity" : "-infinity";
  if (std::floor(v) == v && std::abs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

std::string observe(const Node& n, const Facts& facts, Row r) {
  if ((n.kind == NodeKind::within || n.kind == NodeKind::in_polygon) &&
      (std::isnan(facts.stores.lat[r]) || std::isnan(facts.stores.lon[r])))
    return "no coordinates";
  if (n.kind == NodeKind::within) {
    const double metres =
        core::great_circle_distance({facts.stores.lat[r], facts.stores.lon[r]}, {n.lat, n.lon});
    return fmt::format("distance {:.1f} km", metres / 1000.0);
  }
  if (n.kind == NodeKind::in_polygon)
    return fmt::format("at lat {}, lon {}", show(facts.stores.lat[r]), show(facts.stores.lon[r]));
  const std::string name = canonical_field(n.field);
  Column c;
  const Row rows[] = {r};
  Evaluator::compute(n.field, facts, rows, c);
  switch (n.field.spec->type) {
    case Type::number: {
      const double v = c.number[0];
      if (std::isnan(v)) return name + " is missing";
      if (n.field.spec->name == "days_since_visit" && std::isinf(v)) return "never visited";
      return name + " = " + show(v);
    }
    case Type::boolean:
      return name + (c.flag[0] ? " is true" : " is false");
    case Type::text:
      if (c.code[0] >= c.dictionary.size()) return name + " is missing";
      return name + " = " + quote(c.dictionary[c.code[0]]);
    case Type::tags: {
      std::string s;
      for (std::uint32_t k = c.tag_begin[0]; k < c.tag_begin[1]; ++k)
        if (c.tag_code[k] < c.dictionary.size())
          s += (s.empty() ? "" : ", ") + quote(c.dictionary[c.tag_code[k]]);
      return s.empty() ? name + ": none" : name + ": " + s;
    }
  }
  return {};
}

Explanation explain_node(const Ast& ast, int index, const Facts& facts, Row r) {
  const Node& n = ast.nodes[index];
  Explanation e;
  e.clause = canonical(ast, index);
  switch (n.kind) {
    case NodeKind::all:
    case NodeKind::any: {
      // Every child is explained, not only up to the first deciding one.
      e.met = n.kind == NodeKind::all;
      for (const int c : n.children) {
        e.children.push_back(explain_node(ast, c, facts, r));
        e.met = n.kind == NodeKind::all ? e.met && e.children.back().met
                                        : e.met || e.children.back().met;
      }
      return e;
    }
    case NodeKind::negate:
      e.children.push_back(explain_node(ast, n.children[0], facts, r));
      e.met = !e.children.back().met;
      return e;
    default: {
      Evaluator evaluator(ast, facts, nullptr);
      e.met = !evaluator.run(index, {r}).empty();
      e.observed = observe(n, facts, r);
      return e;
    }
  }
}

}  // namespace
}  // namespace detail

Explanation explain(const Expression& e, const Facts& facts, Row row) {
  if (row >= facts.stores.size())
    throw std::out_of_range(
        fmt::format("row {} is not in the snapshot ({} stores)", row, facts.stores.size()));
  return detail::explain_node(e.ast(), e.ast().root, facts, row);
}

}  // namespace boucle::target
