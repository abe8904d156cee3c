#pragma once

#include <span>
#include <vector>

#include "target/ast.hpp"

namespace boucle::target::detail {

// Column-wise evaluation: each node takes the ascending rows still in question and returns
// the ascending subset for which it holds. `and` narrows the selection child by child, `or`
// hands each child only the rows no earlier child matched, `not` takes the complement within
// its selection. One pass per leaf over its selection; values come from the field's provider,
// from the cache when one is given.
class Evaluator {
 public:
  Evaluator(const Ast& ast, const Facts& facts, EvalCache* cache)
      : ast_(ast), facts_(facts), cache_(cache) {}

  std::vector<Row> run(int node, std::vector<Row> selection);

  // The values of a field for `rows` (entry i for rows[i]), checked against the field's type.
  static void compute(const FieldRef& field, const Facts& facts, std::span<const Row> rows,
                      Column& out);

 private:
  struct View {
    const Column* column;
    bool by_row;  // indexed by row (a cached full column) or by position in the selection
  };
  View fetch(const FieldRef& field, std::span<const Row> selection, Column& local);
  std::vector<Row> leaf(const Node& node, const std::vector<Row>& selection);

  const Ast& ast_;
  const Facts& facts_;
  EvalCache* cache_;
  std::vector<Row> all_rows_;
};

// Every row of the snapshot, ascending.
std::vector<Row> all_rows(const Facts& facts);

}  // namespace boucle::target::detail
