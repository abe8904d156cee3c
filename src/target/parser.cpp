#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "target/ast.hpp"
#include "target/geojson.hpp"
#include "target/lexer.hpp"
#include "target/text.hpp"

// Parses the token list without recursion on nesting (an operator stack for and/or/not and
// parentheses; a call per clause), so no input can exhaust the stack; Limits::max_depth is
// capped at MAX_DEPTH all the same. Grammar: docs/TARGETING.md.
namespace boucle::target {

ExpressionError::ExpressionError(std::size_t position, std::size_t length, std::string message,
                                 std::vector<std::string> expected)
    : std::runtime_error(fmt::format("at column {}: {}", position + 1, message)),
      position_(position),
      length_(length),
      message_(std::move(message)),
      expected_(std::move(expected)) {}

namespace detail {

std::string_view to_string(Op op) {
  switch (op) {
    case Op::eq:
      return "=";
    case Op::ne:
      return "!=";
    case Op::lt:
      return "<";
    case Op::le:
      return "<=";
    case Op::gt:
      return ">";
    case Op::ge:
      return ">=";
  }
  return "?";
}

namespace {

constexpr int MAX_DEPTH = 1000;
const std::vector<std::string> ALL_OPERATORS = {"=", "!=", "<", "<=", ">", ">=", "in", "not in"};
const std::vector<std::string> TEXT_OPERATORS = {"=", "!=", "in", "not in"};
const std::vector<std::string> CLAUSE_STARTS = {"a field", "within(", "in_polygon(", "not", "("};

bool is_keyword(std::string_view w) {
  return w == "and" || w == "or" || w == "not" || w == "in" || w == "has" || w == "within" ||
         w == "in_polygon" || w == "between" || w == "true" || w == "false";
}

Op op_of(std::string_view s) {
  if (s == "=") return Op::eq;
  if (s == "!=") return Op::ne;
  if (s == "<") return Op::lt;
  if (s == "<=") return Op::le;
  if (s == ">") return Op::gt;
  return Op::ge;
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens, const Registry& registry,
         const Limits& limits, const Facts* facts)
      : registry_(registry), limits_(limits), facts_(facts), tokens_(std::move(tokens)) {
    ast_.text = std::string(text);
    max_depth_ = std::clamp(limits.max_depth, 1, MAX_DEPTH);
  }

  Ast run() {
    ast_.root = parse_expression();
    const Token& t = peek();
    if (t.kind == Tok::rparen) fail(t, "unmatched `)`", {"and", "or"});
    if (t.kind != Tok::end)
      fail(t,
           fmt::format("expected `and`, `or` or the end of the expression, found {}", describe(t)),
           {"and", "or"});
    return std::move(ast_);
  }

 private:
  [[noreturn]] static void fail(const Token& t, std::string message,
                                std::vector<std::string> expected = {}) {
    throw ExpressionError(t.position, std::max<std::size_t>(t.length, 1), std::move(message),
                          std::move(expected));
  }

  const Token& peek(std::size_t ahead = 0) const {
    return tokens_[std::min(at_ + ahead, tokens_.size() - 1)];
  }
  const Token& take() {
    const Token& t = tokens_[at_];
    if (at_ + 1 < tokens_.size()) ++at_;
    return t;
  }
  bool is_word(const Token& t, std::string_view w) const {
    return t.kind == Tok::word && t.text == w;
  }

  int add(Node node, const Token& at) {
    if (static_cast<int>(ast_.nodes.size()) >= limits_.max_nodes)
      fail(at,
           fmt::format("the expression has more than {} clauses and operators", limits_.max_nodes));
    ast_.nodes.push_back(std::move(node));
    return static_cast<int>(ast_.nodes.size()) - 1;
  }

  void check_depth(const Token& t, int depth) const {
    if (depth > max_depth_)
      fail(t, fmt::format("the expression is nested deeper than {} levels", max_depth_));
  }

  // The boolean structure (or, and, not, parentheses) is parsed with an explicit operator stack
  // (shunting-yard), so nesting costs no recursion; only a clause is parsed by a call.
  // Precedence: not > and > or. A chain of the same operator becomes one n-ary node.
  enum class Pending { open, negate, all, any };
  struct Entry {
    Pending what;
    std::size_t token;  // index of its token
  };

  int parse_expression() {
    std::vector<int> operands;
    std::vector<Entry> ops;
    int depth = 0;  // `(` and `not` on the stack
    bool want_operand = true;
    while (true) {
      const Token& t = peek();
      if (want_operand) {
        if (is_word(t, "not") || t.kind == Tok::lparen) {
          const bool negate = t.kind != Tok::lparen;
          if (negate && is_word(peek(1), "in"))
            fail(peek(1), "`not in` must follow a field: write `field not in (...)`");
          check_depth(t, ++depth);
          ops.push_back({negate ? Pending::negate : Pending::open, at_});
          take();
          continue;
        }
        operands.push_back(parse_clause());
        want_operand = false;
        reduce_negations(operands, ops, depth);
        continue;
      }
      if (is_word(t, "and") || is_word(t, "or")) {
        const Pending op = t.text == "and" ? Pending::all : Pending::any;
        while (!ops.empty() && (ops.back().what == Pending::all ||
                                (op == Pending::any && ops.back().what == Pending::any)))
          reduce(operands, ops);
        ops.push_back({op, at_});
        take();
        want_operand = true;
        continue;
      }
      if (t.kind == Tok::rparen) {
        while (!ops.empty() && ops.back().what != Pending::open) reduce(operands, ops);
        if (ops.empty()) break;  // an unmatched `)`: reported by run()
        ops.pop_back();
        --depth;
        take();
        reduce_negations(operands, ops, depth);
        continue;
      }
      break;
    }
    while (!ops.empty()) {
      if (ops.back().what == Pending::open) {
        const Token& open = tokens_[ops.back().token];
        const Token& found = peek();
        fail(found,
             fmt::format("expected `)` to close the `(` at column {}, found {}", open.position + 1,
                         describe(found)),
             {")", "and", "or"});
      }
      reduce(operands, ops);
    }
    return operands.back();
  }

  // Applies the `not`s waiting on top of the stack to the operand just completed.
  void reduce_negations(std::vector<int>& operands, std::vector<Entry>& ops, int& depth) {
    while (!ops.empty() && ops.back().what == Pending::negate) {
      const Token& t = tokens_[ops.back().token];
      ops.pop_back();
      --depth;
      Node node;
      node.kind = NodeKind::negate;
      node.children.push_back(operands.back());
      node.position = t.position;
      const Node& child = ast_.nodes[operands.back()];
      node.length = child.position + child.length - t.position;
      operands.back() = add(std::move(node), t);
    }
  }

  // Combines the two top operands with the `and`/`or` on top of the stack, extending the left
  // one when it is already a node of the same kind made here (or parenthesised: same meaning).
  void reduce(std::vector<int>& operands, std::vector<Entry>& ops) {
    const Entry e = ops.back();
    ops.pop_back();
    const NodeKind kind = e.what == Pending::all ? NodeKind::all : NodeKind::any;
    const int right = operands.back();
    operands.pop_back();
    const int left = operands.back();
    int result = left;
    if (ast_.nodes[left].kind != kind) {
      Node node;
      node.kind = kind;
      node.children.push_back(left);
      node.position = ast_.nodes[left].position;
      node.length = ast_.nodes[left].length;
      result = add(std::move(node), tokens_[e.token]);
    }
    Node& merged = ast_.nodes[result];
    if (ast_.nodes[right].kind == kind) {
      const std::vector<int> grand = ast_.nodes[right].children;
      merged.children.insert(merged.children.end(), grand.begin(), grand.end());
    } else {
      merged.children.push_back(right);
    }
    const Node& last = ast_.nodes[right];
    merged.length = last.position + last.length - merged.position;
    operands.back() = result;
  }

  int parse_clause() {
    const Token& t = peek();
    if (t.kind == Tok::word) {
      if (t.text == "within") return parse_within();
      if (t.text == "in_polygon") return parse_in_polygon();
      if (!is_keyword(t.text)) return parse_field_clause();
    }
    fail(t, fmt::format("expected a field, a function, `not` or `(`, found {}", describe(t)),
         CLAUSE_STARTS);
  }

  // ---- functions ------------------------------------------------------------------------

  const Token& expect(Tok kind, std::string_view what, std::string_view context) {
    const Token& t = peek();
    if (t.kind != kind)
      fail(t, fmt::format("expected `{}` {}, found {}", what, context, describe(t)),
           {std::string(what)});
    return take();
  }

  double number_arg(std::string_view function, std::string_view name, double lo, double hi) {
    const Token& t = peek();
    if (t.kind != Tok::number)
      fail(t,
           fmt::format("argument `{}` of {}() must be a number, found {}", name, function,
                       describe(t)),
           {"a number"});
    take();
    if (t.number < lo || t.number > hi)
      fail(t, fmt::format("argument `{}` of {}() must be between {} and {}, found {}", name,
                          function, format_number(lo), format_number(hi), t.text));
    return t.number;
  }

  int parse_within() {
    const Token& name = take();
    expect(Tok::lparen, "(", "after `within`");
    Node node;
    node.kind = NodeKind::within;
    node.lat = number_arg("within", "lat", -90, 90);
    expect(Tok::comma, ",", "between the arguments of within(lat, lon, km)");
    node.lon = number_arg("within", "lon", -180, 180);
    expect(Tok::comma, ",", "between the arguments of within(lat, lon, km)");
    node.km = number_arg("within", "km", 0, 20'038);
    const Token& close = expect(Tok::rparen, ")", "after the 3 arguments of within(lat, lon, km)");
    node.position = name.position;
    node.length = close.position + 1 - name.position;
    ast_.reads |= Reads::STORES;
    ++ast_.clauses;
    return add(std::move(node), name);
  }

  int parse_in_polygon() {
    const Token& name = take();
    expect(Tok::lparen, "(", "after `in_polygon`");
    const Token& arg = peek();
    if (arg.kind != Tok::geojson && arg.kind != Tok::string)
      fail(arg,
           fmt::format("in_polygon() takes a GeoJSON Polygon or MultiPolygon object, found {}",
                       describe(arg)),
           {"{"});
    take();
    Node node;
    node.kind = NodeKind::in_polygon;
    const std::size_t budget =
        limits_.max_polygon_vertices - std::min(limits_.max_polygon_vertices, vertices_);
    std::shared_ptr<Geometry> geometry;
    try {
      geometry =
          std::make_shared<Geometry>(parse_geojson(arg.text, arg.position, arg.length, budget));
    } catch (const ExpressionError& e) {
      // Offsets inside a quoted GeoJSON are offsets in the decoded string: point at the string.
      if (arg.kind == Tok::geojson) throw;
      throw ExpressionError(arg.position, arg.length, e.message(), e.expected());
    }
    vertices_ += geometry->vertices;
    node.geometry = std::move(geometry);
    const Token& close = expect(Tok::rparen, ")", "after the GeoJSON object of in_polygon()");
    node.position = name.position;
    node.length = close.position + 1 - name.position;
    ast_.reads |= Reads::STORES;
    ++ast_.clauses;
    return add(std::move(node), name);
  }

  // ---- fields ---------------------------------------------------------------------------

  std::string signature(const FieldSpec& f) const {
    std::string s = f.name;
    if (f.params.empty()) return s;
    s += '(';
    for (std::size_t i = 0; i < f.params.size(); ++i) s += (i ? ", " : "") + f.params[i].name;
    return s + ')';
  }

  FieldRef parse_field_ref() {
    const Token& name = take();
    const FieldSpec* spec = registry_.find(name.text);
    if (spec == nullptr) {
      std::vector<std::string> names;
      for (const auto& f : registry_.fields()) names.push_back(f->name);
      names.push_back("within");
      names.push_back("in_polygon");
      std::vector<std::string> close = nearest(name.text, names);
      std::string message = fmt::format("unknown field `{}`", name.text);
      if (!close.empty()) {
        message += "; did you mean ";
        for (std::size_t i = 0; i < close.size(); ++i)
          message += (i == 0 ? "" : i + 1 == close.size() ? " or " : ", ") + ("`" + close[i] + "`");
        message += '?';
      }
      fail(name, std::move(message), close.empty() ? names : close);
    }
    FieldRef ref;
    ref.spec = registry_.share(*spec);
    ref.key = spec->name;
    const bool has_paren = peek().kind == Tok::lparen;
    if (spec->params.empty()) {
      if (has_paren) fail(peek(), fmt::format("field `{}` takes no arguments", spec->name));
      ast_.reads |= spec->reads;
      return ref;
    }
    if (!has_paren)
      fail(peek(), fmt::format("field `{}` needs its arguments: {}", spec->name, signature(*spec)),
           {"("});
    take();
    ref.key += '(';
    std::size_t i = 0;
    while (true) {
      const Token& t = peek();
      if (t.kind == Tok::rparen && i == 0) break;
      if (t.kind != Tok::number && t.kind != Tok::string)
        fail(t, fmt::format("expected an argument of {}, found {}", signature(*spec), describe(t)));
      if (i >= spec->params.size())
        fail(t,
             fmt::format("too many arguments: field `{}` takes {}: {}", spec->name,
                         spec->params.size(), signature(*spec)),
             {")"});
      take();
      ref.args.push_back(check_arg(*spec, spec->params[i], t));
      if (i) ref.key += ',';
      ref.key += t.kind == Tok::number ? format_number(t.number) : quote(fold(t.text));
      ++i;
      if (peek().kind == Tok::comma) {
        take();
        continue;
      }
      break;
    }
    const Token& close = peek();
    if (close.kind != Tok::rparen)
      fail(close,
           fmt::format("expected `,` or `)` in the arguments of {}, found {}", signature(*spec),
                       describe(close)),
           {",", ")"});
    if (i < spec->params.size())
      fail(close,
           fmt::format("missing argument `{}`: field `{}` takes {}: {}", spec->params[i].name,
                       spec->name, spec->params.size(), signature(*spec)));
    take();
    ref.key += ')';
    ast_.reads |= spec->reads;
    return ref;
  }

  Arg check_arg(const FieldSpec& spec, const Param& p, const Token& t) const {
    Arg arg;
    if (p.kind == Param::Kind::number) {
      if (t.kind != Tok::number)
        fail(t,
             fmt::format("argument `{}` of `{}` must be a number, found {}", p.name, spec.name,
                         describe(t)),
             {"a number"});
      if (t.number < p.min || t.number > p.max || (p.integer && std::floor(t.number) != t.number))
        fail(t, fmt::format("argument `{}` of `{}` must be {} between {} and {}, found {}", p.name,
                            spec.name, p.integer ? "a whole number" : "a number",
                            format_number(p.min), format_number(p.max), t.text));
      arg.number = t.number;
      return arg;
    }
    if (t.kind != Tok::string)
      fail(t,
           fmt::format("argument `{}` of `{}` must be a \"string\", found {}", p.name, spec.name,
                       describe(t)),
           {"a string"});
    arg.text = t.text;
    if (facts_ != nullptr && p.known) {
      const std::span<const std::string> known = p.known(*facts_);
      check_known(t, known, p.name);
    }
    return arg;
  }

  void check_known(const Token& t, std::span<const std::string> known,
                   std::string_view what) const {
    const std::string folded = fold(t.text);
    std::string buffer;
    for (const std::string& k : known) {
      fold_into(buffer, k);
      if (buffer == folded) return;
    }
    std::vector<std::string> close = nearest(t.text, known);
    std::string message = fmt::format("unknown {} {}", what, quote(t.text));
    if (!close.empty()) message += fmt::format("; did you mean {}?", quote(close[0]));
    std::vector<std::string> expected(
        known.begin(),
        known.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(known.size(), 50)));
    if (known.empty()) message += fmt::format(" (there is no {})", what);
    fail(t, std::move(message), close.empty() ? expected : close);
  }

  Literal literal_of(const Token& t) {
    Literal l;
    l.number = t.number;
    l.text = t.text;
    l.folded = fold(t.text);
    return l;
  }

  Literal value_for(const FieldSpec& f, const Token& t) {
    if (f.type == Type::number && t.kind != Tok::number)
      fail(
          t,
          fmt::format("field `{}` is a number; it cannot be compared with {}", f.name, describe(t)),
          {"a number"});
    if (f.type == Type::text && t.kind != Tok::string)
      fail(t,
           fmt::format("field `{}` is text; it cannot be compared with {} (put text in quotes)",
                       f.name, describe(t)),
           {"a string"});
    if (f.type == Type::text && !f.known_values.empty()) check_known(t, f.known_values, f.name);
    return literal_of(t);
  }

  int parse_field_clause() {
    const Token& start = peek();
    Node node;
    node.field = parse_field_ref();
    const FieldSpec& f = *node.field.spec;
    const Token& t = peek();
    const bool not_in = is_word(t, "not") && is_word(peek(1), "in");
    const bool in = is_word(t, "in") || not_in;
    if (f.type == Type::boolean) {
      if (t.kind == Tok::op || in || is_word(t, "has"))
        fail(t, fmt::format("field `{}` is true or false and is used alone: write `{}` or `not {}`",
                            f.name, f.name, f.name));
      node.kind = NodeKind::bare;
    } else if (f.type == Type::tags) {
      if (!is_word(t, "has"))
        fail(
            t,
            fmt::format(
                "expected `has` after field `{}`, found {} (tags are tested with `{} has \"tag\"`)",
                f.name, describe(t), f.name),
            {"has"});
      take();
      const Token& value = peek();
      if (value.kind != Tok::string)
        fail(value, fmt::format("expected a \"string\" after `has`, found {}", describe(value)),
             {"a string"});
      take();
      node.kind = NodeKind::has;
      node.values.push_back(literal_of(value));
    } else if (t.kind == Tok::op) {
      take();
      node.kind = NodeKind::compare;
      node.op = op_of(t.text);
      if (f.type == Type::text && node.op != Op::eq && node.op != Op::ne)
        fail(t,
             fmt::format("operator `{}` does not apply to text field `{}`; use =, !=, in or not in",
                         t.text, f.name),
             TEXT_OPERATORS);
      const Token& value = peek();
      if (value.kind != Tok::number && value.kind != Tok::string)
        fail(value,
             fmt::format("expected a value after `{} {}`, found {}", f.name, t.text,
                         describe(value)),
             {f.type == Type::text ? "a string" : "a number"});
      take();
      node.values.push_back(value_for(f, value));
    } else if (in) {
      take();
      if (not_in) take();
      node.kind = NodeKind::in_list;
      node.negated = not_in;
      expect(Tok::lparen, "(", "to open the list after `in`");
      while (true) {
        const Token& value = peek();
        if (value.kind != Tok::number && value.kind != Tok::string)
          fail(value,
               fmt::format("expected a value in the list of `{} in`, found {}", f.name,
                           describe(value)),
               {f.type == Type::text ? "a string" : "a number"});
        if (node.values.size() >= limits_.max_list_items)
          fail(value, fmt::format("the list has more than {} values", limits_.max_list_items));
        take();
        node.values.push_back(value_for(f, value));
        if (peek().kind == Tok::comma) {
          take();
          continue;
        }
        if (peek().kind == Tok::rparen) break;
        fail(peek(), fmt::format("expected `,` or `)` in the list, found {}", describe(peek())),
             {",", ")"});
      }
      take();
    } else {
      fail(t,
           fmt::format("expected a comparison operator after field `{}`, found {}", f.name,
                       describe(t)),
           f.type == Type::text ? TEXT_OPERATORS : ALL_OPERATORS);
    }
    const Token& last = tokens_[at_ == 0 ? 0 : at_ - 1];
    node.position = start.position;
    node.length = last.position + last.length - start.position;
    ++ast_.clauses;
    return add(std::move(node), start);
  }

  const Registry& registry_;
  const Limits& limits_;
  const Facts* facts_;
  std::vector<Token> tokens_;
  std::size_t at_ = 0;
  int max_depth_ = 32;
  std::size_t vertices_ = 0;
  Ast ast_;
};

}  // namespace
}  // namespace detail

Expression Expression::parse(std::string_view text, const Registry& registry, const Limits& limits,
                             const Facts* facts) {
  std::vector<detail::Token> tokens;
  if (auto error = detail::lex(text, limits, tokens)) throw std::move(*error);
  return Expression(std::make_shared<const detail::Ast>(
      detail::Parser(text, std::move(tokens), registry, limits, facts).run()));
}

const std::string& Expression::text() const { return ast_->text; }
std::string Expression::canonical() const { return detail::canonical(*ast_, ast_->root); }
std::uint32_t Expression::reads() const { return ast_->reads; }
int Expression::clause_count() const { return ast_->clauses; }

}  // namespace boucle::target
