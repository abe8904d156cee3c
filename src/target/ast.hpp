#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "target/expression.hpp"

// The checked tree of an expression, shared by the parser, the evaluator and explain().
namespace boucle::target::detail {

enum class Op { eq, ne, lt, le, gt, ge };
std::string_view to_string(Op op);

enum class NodeKind {
  all,         // and: every child
  any,         // or: some child
  negate,      // not: its one child
  compare,     // field op literal
  in_list,     // field [not] in (literals)
  has,         // tags field has "text"
  bare,        // a boolean field
  within,      // within(lat, lon, km)
  in_polygon,  // in_polygon(GeoJSON)
};

struct Literal {
  double number = 0;
  std::string text;    // as written (decoded)
  std::string folded;  // text, case-folded for comparisons
};

struct FieldRef {
  std::shared_ptr<const FieldSpec> spec;
  std::vector<Arg> args;
  std::string key;  // canonical "name(args)": the EvalCache key
};

// GeoJSON positions as (lon, lat); rings closed (first == last).
struct Polygon {
  std::vector<std::vector<std::array<double, 2>>> rings;  // outer ring, then holes
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
};
struct Geometry {
  bool multi = false;
  std::vector<Polygon> polygons;
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
  std::size_t vertices = 0;
};

struct Node {
  NodeKind kind = NodeKind::compare;
  std::vector<int> children;                 // all, any, negate
  FieldRef field;                            // compare, in_list, has, bare
  Op op = Op::eq;                            // compare
  bool negated = false;                      // in_list: `not in`
  std::vector<Literal> values;               // compare: 1; in_list: the list as written; has: 1
  double lat = 0, lon = 0, km = 0;           // within
  std::shared_ptr<const Geometry> geometry;  // in_polygon
  std::size_t position = 0, length = 0;      // where it is in the text
};

struct Ast {
  std::string text;
  std::vector<Node> nodes;
  int root = 0;
  std::uint32_t reads = 0;
  int clauses = 0;
};

std::string canonical(const Ast& ast, int node);
std::string canonical_field(const FieldRef& field);  // "potential", "dn(\"Protein\")"

}  // namespace boucle::target::detail
