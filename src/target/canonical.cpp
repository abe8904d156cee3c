#include <string>

#include "target/ast.hpp"
#include "target/text.hpp"

namespace boucle::target::detail {

namespace {

std::string literal(const FieldRef& f, const Literal& l) {
  return f.spec->type == Type::number ? format_number(l.number) : quote(l.text);
}

}  // namespace

std::string canonical_field(const FieldRef& f) {
  std::string s = f.spec->name;
  if (f.spec->params.empty()) return s;
  s += '(';
  for (std::size_t i = 0; i < f.args.size(); ++i) {
    if (i) s += ", ";
    s += f.spec->params[i].kind == Param::Kind::number ? format_number(f.args[i].number)
                                                       : quote(f.args[i].text);
  }
  return s + ')';
}

namespace {

std::string geometry(const Geometry& g) {
  std::string s =
      g.multi ? R"({"type":"MultiPolygon","coordinates":[)" : R"({"type":"Polygon","coordinates":)";
  for (std::size_t p = 0; p < g.polygons.size(); ++p) {
    if (p) s += ',';
    s += '[';
    const auto& rings = g.polygons[p].rings;
    for (std::size_t r = 0; r < rings.size(); ++r) {
      if (r) s += ',';
      s += '[';
      for (std::size_t i = 0; i < rings[r].size(); ++i) {
        if (i) s += ',';
        s += '[' + format_number(rings[r][i][0]) + ',' + format_number(rings[r][i][1]) + ']';
      }
      s += ']';
    }
    s += ']';
  }
  if (g.multi) s += ']';
  return s + '}';
}

// The text of a child, in parentheses when it binds more loosely than its parent.
std::string child(const Ast& ast, int node, NodeKind parent) {
  const NodeKind k = ast.nodes[node].kind;
  const bool wrap = (k == NodeKind::any && parent != NodeKind::any) ||
                    (k == NodeKind::all && parent == NodeKind::negate);
  const std::string text = canonical(ast, node);
  return wrap ? "(" + text + ")" : text;
}

}  // namespace

std::string canonical(const Ast& ast, int index) {
  const Node& n = ast.nodes[index];
  switch (n.kind) {
    case NodeKind::all:
    case NodeKind::any: {
      std::string s;
      for (std::size_t i = 0; i < n.children.size(); ++i) {
        if (i) s += n.kind == NodeKind::all ? " and " : " or ";
        s += child(ast, n.children[i], n.kind);
      }
      return s;
    }
    case NodeKind::negate:
      return "not " + child(ast, n.children[0], n.kind);
    case NodeKind::compare:
      return canonical_field(n.field) + ' ' + std::string(to_string(n.op)) + ' ' +
             literal(n.field, n.values[0]);
    case NodeKind::in_list: {
      std::string s = canonical_field(n.field) + (n.negated ? " not in (" : " in (");
      for (std::size_t i = 0; i < n.values.size(); ++i)
        s += (i ? ", " : "") + literal(n.field, n.values[i]);
      return s + ')';
    }
    case NodeKind::has:
      return canonical_field(n.field) + " has " + quote(n.values[0].text);
    case NodeKind::bare:
      return canonical_field(n.field);
    case NodeKind::within:
      return "within(" + format_number(n.lat) + ", " + format_number(n.lon) + ", " +
             format_number(n.km) + ')';
    case NodeKind::in_polygon:
      return "in_polygon(" + geometry(*n.geometry) + ')';
  }
  return {};
}

}  // namespace boucle::target::detail
