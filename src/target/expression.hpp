#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "target/facts.hpp"

// The targeting expression language (docs/TARGETING.md): a typed boolean expression over the
// fields of a store, parsed once into a checked tree and evaluated column-wise over a Facts
// snapshot. Fields live in a Registry; other modules add their own (with a provider that computes
// the values), so the parser, the evaluator and explain() know nothing about where values
// come from.
namespace boucle::target {

enum class Type { number, text, boolean, tags };
std::string_view to_string(Type t);

// Which data a field reads: a segment whose expression reads nothing that changed needs no
// refresh. CLOCK: the value changes with time alone (relative windows such as "last 30 days").
struct Reads {
  static constexpr std::uint32_t STORES = 1, VISITS = 2, AUDITS = 4, SALES = 8, CLOCK = 16,
                                 CUSTOM = 32;
};

// A parameter of a field, e.g. the `range` of dn(range) or the `weeks` of sales(weeks).
struct Param {
  enum class Kind { number, text };
  Kind kind = Kind::number;
  std::string name;
  // Number parameters: accepted interval, and whether the value must be a whole number.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool integer = false;
  // Text parameters: the accepted values in a snapshot (matched case-insensitively). When
  // set and the parser is given the Facts, an unknown value is a parse error.
  std::function<std::span<const std::string>(const Facts&)> known;
};

// An argument as the parser checked it: `number` for Kind::number, `text` for Kind::text.
struct Arg {
  double number = 0;
  std::string text;
};

// Values of one field (with its arguments) for a list of rows; entry i belongs to rows[i].
// A provider fills the member that matches the field's type:
//   number:  one double per row; NaN means missing (every comparison with it is false).
//   text:    one code per row into `dictionary`; NONE means missing.
//   boolean: one 0/1 per row.
//   tags:    compressed rows into `dictionary`: the tags of rows[i] are
//            tag_code[tag_begin[i] .. tag_begin[i + 1]) (tag_begin has rows + 1 entries).
// `dictionary` must outlive the evaluation: point it into the Facts or into data the provider
// owns (a static table, a shared_ptr captured by the closure).
struct Column {
  std::vector<double> number;
  std::vector<std::uint32_t> code;
  std::vector<std::uint8_t> flag;
  std::vector<std::uint32_t> tag_begin, tag_code;
  std::span<const std::string> dictionary;
};

// Computes a field for `rows` (ascending and distinct) into `out`; see Column.
using Provider = std::function<void(const Facts& facts, std::span<const Arg> args,
                                    std::span<const Row> rows, Column& out)>;

struct FieldSpec {
  std::string name;  // lower snake case: [a-z][a-z0-9_]*, at most 64 bytes, not a keyword
  Type type = Type::number;
  std::vector<Param> params;
  std::string doc;  // one line
  std::uint32_t reads = Reads::STORES;
  std::vector<std::string> known_values;  // text fields: the values a literal must be one of
  Provider provider;
};

// The fields an expression may name. Copies share the specs.
class Registry {
 public:
  static Registry builtin();  // the store fields of docs/TARGETING.md
  // Throws std::invalid_argument for a bad or duplicate name, a missing provider, or known
  // values on a field that is not text.
  void add(FieldSpec spec);
  const FieldSpec* find(std::string_view name) const;  // names are lower case
  // The registry's owner of `spec` (expressions keep the specs they name alive).
  std::shared_ptr<const FieldSpec> share(const FieldSpec& spec) const;
  std::span<const std::shared_ptr<const FieldSpec>> fields() const { return fields_; }

 private:
  std::vector<std::shared_ptr<const FieldSpec>> fields_;
  std::unordered_map<std::string, std::size_t> index_;
};

struct Limits {
  std::size_t max_text_bytes = 8'192;  // outside inline GeoJSON
  std::size_t max_total_bytes = 65'536;
  int max_depth = 32;                  // parentheses and `not`; values above 1,000 count as 1,000
  int max_nodes = 256;                 // clauses plus and/or/not
  std::size_t max_list_items = 1'000;  // in one `in (...)`
  std::size_t max_polygon_vertices = 10'000;  // over all in_polygon() of the expression
};

// A parse error, pointing at the offending bytes of the text.
class ExpressionError : public std::runtime_error {
 public:
  ExpressionError(std::size_t position, std::size_t length, std::string message,
                  std::vector<std::string> expected = {});
  std::size_t position() const { return position_; }  // 0-based byte offset
  std::size_t length() const { return length_; }
  const std::string& message() const { return message_; }
  // What would have been valid there (operators, field names, known values), maybe empty.
  const std::vector<std::string>& expected() const { return expected_; }

 private:
  std::size_t position_, length_;
  std::string message_;
  std::vector<std::string> expected_;
};

namespace detail {
struct Ast;
}

// A parsed, type-checked expression. Cheap to copy (shares the tree); keeps the field specs it
// names alive.
class Expression {
 public:
  // Throws ExpressionError. With `facts`, literal values are checked against the snapshot too
  // (range names); without, an unknown range evaluates as an empty range.
  static Expression parse(std::string_view text, const Registry& registry,
                          const Limits& limits = {}, const Facts* facts = nullptr);

  const std::string& text() const;
  std::string canonical() const;  // normalised text; parse(canonical()).canonical() is the same
  std::uint32_t reads() const;    // union of Reads flags
  int clause_count() const;       // leaf clauses (comparisons, tests, functions)

  const detail::Ast& ast() const { return *ast_; }

 private:
  explicit Expression(std::shared_ptr<const detail::Ast> ast) : ast_(std::move(ast)) {}
  std::shared_ptr<const detail::Ast> ast_;
};

// Full columns of field values, kept by the caller across many expressions evaluated on the
// same Facts. It notices a different snapshot (address, seq, now or row count) and empties
// itself; a caller that mutates a Facts in place must clear() it.
class EvalCache {
 public:
  void clear();
  std::size_t size() const { return columns_.size(); }

  // For the evaluator: the cached full column of `key` on `facts`, or nullptr.
  const Column* find(const Facts& facts, const std::string& key);
  const Column& put(const Facts& facts, const std::string& key, Column column);

 private:
  void bind(const Facts& facts);
  const Facts* facts_ = nullptr;
  std::int64_t seq_ = 0;
  UnixSeconds now_ = 0;
  std::size_t rows_ = 0;
  std::unordered_map<std::string, std::unique_ptr<Column>> columns_;
};

// The rows that match, ascending.
std::vector<Row> select(const Expression& e, const Facts& facts, EvalCache* cache = nullptr);
// One 0/1 per given row (any order, duplicates allowed; rows outside the snapshot give 0).
std::vector<std::uint8_t> evaluate(const Expression& e, const Facts& facts,
                                   std::span<const Row> rows, EvalCache* cache = nullptr);

// Why a store matches or not: one node per and/or/not and per leaf clause.
struct Explanation {
  std::string clause;  // canonical text of the node
  bool met = false;
  std::string observed;  // leaves: the value seen, e.g. "potential = 72.5", "never visited"
  std::vector<Explanation> children;
};
Explanation explain(const Expression& e, const Facts& facts, Row row);

}  // namespace boucle::target
