#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Small text helpers of the expression language: case folding for comparisons, UTF-8
// validation, "did you mean" suggestions and the canonical spelling of literals.
namespace boucle::target::detail {

// Lower-cases ASCII and the Latin-1 / French capitals (À..Þ, Œ, Ÿ) of UTF-8 text; other bytes
// are kept. `out` is overwritten (its capacity is reused).
void fold_into(std::string& out, std::string_view text);
std::string fold(std::string_view text);

// The offset of the first byte that is not part of valid UTF-8 (overlongs, surrogates and
// code points above U+10FFFF are invalid), or npos.
std::size_t invalid_utf8_at(std::string_view text);

// Up to `max` candidates closest to `word` by edit distance (case-folded), closest first;
// only reasonably close ones.
std::vector<std::string> nearest(std::string_view word, std::span<const std::string> candidates,
                                 std::size_t max = 3);

// Shortest text that reads back as the same double ("60", "45.76", "1e+21").
std::string format_number(double v);
// A double-quoted string literal with `"` and `\` escaped.
std::string quote(std::string_view text);

}  // namespace boucle::target::detail
