#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "target/expression.hpp"

namespace boucle::target::detail {

enum class Tok { word, number, string, geojson, lparen, rparen, comma, op, end };

struct Token {
  Tok kind = Tok::end;
  std::size_t position = 0, length = 0;
  std::string text;  // word: lower-cased; string: decoded; geojson: the raw object; op: spelling
  double number = 0;
};

// Splits the whole text into `out` (the last token is Tok::end), enforcing the byte limits;
// returns the first error instead (not thrown: rejecting bad input stays cheap).
std::optional<ExpressionError> lex(std::string_view text, const Limits& limits,
                                   std::vector<Token>& out);

// How a token reads in a message: `potential`, "bio", `)`, end of expression.
std::string describe(const Token& t);

}  // namespace boucle::target::detail
