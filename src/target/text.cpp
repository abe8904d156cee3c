#include "target/text.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <utility>

namespace boucle::target::detail {

void fold_into(std::string& out, std::string_view text) {
  out.assign(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'A' && c <= 'Z') {
      out[i] = static_cast<char>(c + 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      // U+00C0..U+00DE except U+00D7 (×): capital letter -> small letter is +0x20.
      const auto d = static_cast<unsigned char>(out[i + 1]);
      if (d >= 0x80 && d <= 0x9E && d != 0x97) out[i + 1] = static_cast<char>(d + 0x20);
      ++i;
    } else if (c == 0xC5 && i + 1 < out.size()) {
      const auto d = static_cast<unsigned char>(out[i + 1]);
      if (d == 0x92) {
        out[i + 1] = static_cast<char>(0x93);  // Œ -> œ
      } else if (d == 0xB8) {
        out[i] = static_cast<char>(0xC3);  // Ÿ (U+0178) -> ÿ (U+00FF)
        out[i + 1] = static_cast<char>(0xBF);
      }
      ++i;
    }
  }
}

std::string fold(std::string_view text) {
  std::string out;
  fold_into(out, text);
  return out;
}

std::size_t invalid_utf8_at(std::string_view text) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;
    }
    for (std::size_t k = 1; k < len; ++k) {
      if (i + k >= n) return i;
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += len;
  }
  return std::string_view::npos;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> nearest(std::string_view word, std::span<const std::string> candidates,
                                 std::size_t max) {
  const std::string w = fold(word.substr(0, 64));
  std::vector<std::pair<std::size_t, std::size_t>> scored;  // (distance, candidate)
  std::string c;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    fold_into(c, std::string_view(candidates[i]).substr(0, 64));
    const std::size_t d = edit_distance(w, c);
    // Close enough to be a typo, or one contains the other ("protein" for "Protein bars").
    const bool contains =
        w.size() >= 3 && (c.find(w) != std::string::npos || w.find(c) != std::string::npos);
    if (d <= std::max<std::size_t>(2, std::max(w.size(), c.size()) / 3) || contains)
      scored.emplace_back(contains ? std::min<std::size_t>(d, 1) : d, i);
  }
  std::stable_sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (std::size_t k = 0; k < scored.size() && out.size() < max; ++k)
    out.push_back(candidates[scored[k].second]);
  return out;
}

std::string format_number(double v) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, result.ptr);
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace boucle::target::detail
