#include "target/lexer.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <optional>

#include "target/text.hpp"

namespace boucle::target::detail {

namespace {

bool is_word_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_word_char(char c) { return is_word_start(c) || is_digit(c); }

class Lexer {
 public:
  Lexer(std::string_view text, const Limits& limits) : s_(text), limits_(limits) {}

  // Errors are returned, not thrown: a rejected input costs no unwinding here.
  std::optional<ExpressionError> run(std::vector<Token>& out) {
    if (s_.size() > limits_.max_total_bytes)
      return ExpressionError(
          limits_.max_total_bytes, 1,
          fmt::format("the expression is longer than {} bytes", limits_.max_total_bytes));
    while (!error_) {
      skip_space();
      if (!check_text_limit(i_) || i_ >= s_.size()) break;
      Token t = next();
      if (error_) break;
      out.push_back(std::move(t));
      if (out.back().kind != Tok::geojson) check_text_limit(i_);
    }
    if (error_) return std::move(error_);
    Token end;
    end.kind = Tok::end;
    end.position = s_.size();
    out.push_back(std::move(end));
    return std::nullopt;
  }

 private:
  bool check_text_limit(std::size_t upto) {
    if (upto - geojson_bytes_ <= limits_.max_text_bytes) return true;
    fail(geojson_bytes_ + limits_.max_text_bytes, 1,
         fmt::format("the expression has more than {} bytes outside GeoJSON",
                     limits_.max_text_bytes));
    return false;
  }

  // Records the first error; the returned token is a placeholder the caller drops.
  Token fail(std::size_t position, std::size_t length, std::string message,
             std::vector<std::string> expected = {}) {
    if (!error_) error_.emplace(position, length, std::move(message), std::move(expected));
    return Token{};
  }

  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r'))
      ++i_;
  }

  Token make(Tok kind, std::size_t start, std::string text = {}) {
    Token t;
    t.kind = kind;
    t.position = start;
    t.length = i_ - start;
    t.text = std::move(text);
    return t;
  }

  Token next() {
    const std::size_t start = i_;
    const char c = s_[i_];
    if (is_word_start(c)) {
      while (i_ < s_.size() && is_word_char(s_[i_])) ++i_;
      if (!check_text_limit(i_)) return Token{};
      return make(Tok::word, start, fold(s_.substr(start, i_ - start)));
    }
    if (is_digit(c) || (c == '-' && i_ + 1 < s_.size() && is_digit(s_[i_ + 1]))) return number();
    if (c == '"' || c == '\'') return string(c);
    if (c == '{') return geojson();
    ++i_;
    switch (c) {
      case '(':
        return make(Tok::lparen, start, "(");
      case ')':
        return make(Tok::rparen, start, ")");
      case ',':
        return make(Tok::comma, start, ",");
      case '=':
        if (peek('=')) return bad_operator(start, "==", "=");
        if (peek('>')) return bad_operator(start, "=>", ">=");
        if (peek('<')) return bad_operator(start, "=<", "<=");
        return make(Tok::op, start, "=");
      case '!':
        if (peek('=')) {
          ++i_;
          return make(Tok::op, start, "!=");
        }
        return fail(start, 1, "unexpected `!`; write `not` to negate, `!=` for \"differs from\"",
                    {"not", "!="});
      case '<':
        if (peek('>')) return bad_operator(start, "<>", "!=");
        if (peek('=')) {
          ++i_;
          return make(Tok::op, start, "<=");
        }
        return make(Tok::op, start, "<");
      case '>':
        if (peek('=')) {
          ++i_;
          return make(Tok::op, start, ">=");
        }
        return make(Tok::op, start, ">");
      case '&':
        return fail(start, peek('&') ? 2 : 1, "unexpected `&`; write `and`", {"and"});
      case '|':
        return fail(start, peek('|') ? 2 : 1, "unexpected `|`; write `or`", {"or"});
      default:
        break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u == 0) return fail(start, 1, "unexpected NUL byte");
    if (u < 0x20 || u == 0x7F)
      return fail(start, 1, fmt::format("unexpected control character 0x{:02X}", u));
    if (u >= 0x80)
      return fail(
          start, 1,
          fmt::format("unexpected byte 0x{:02X} outside a string; text values go in quotes", u));
    return fail(start, 1, fmt::format("unexpected character `{}`", c));
  }

  bool peek(char c) const { return i_ < s_.size() && s_[i_] == c; }

  Token bad_operator(std::size_t start, std::string_view found, std::string_view use) {
    return fail(start, 2, fmt::format("unknown operator `{}`; use `{}`", found, use),
                {std::string(use)});
  }

  Token number() {
    const std::size_t start = i_;
    if (s_[i_] == '-') ++i_;
    while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    if (i_ + 1 < s_.size() && s_[i_] == '.' && is_digit(s_[i_ + 1])) {
      ++i_;
      while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      std::size_t j = i_ + 1;
      if (j < s_.size() && (s_[j] == '+' || s_[j] == '-')) ++j;
      if (j < s_.size() && is_digit(s_[j])) {
        i_ = j;
        while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
      }
    }
    if (!check_text_limit(i_)) return Token{};
    if (i_ < s_.size() && (is_word_char(s_[i_]) || s_[i_] == '.')) {
      while (i_ < s_.size() && (is_word_char(s_[i_]) || s_[i_] == '.')) ++i_;
      if (!check_text_limit(i_)) return Token{};
      return fail(start, i_ - start,
                  fmt::format("malformed number `{}`", s_.substr(start, i_ - start)));
    }
    Token t = make(Tok::number, start, std::string(s_.substr(start, i_ - start)));
    const auto result = std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.number);
    if (result.ec != std::errc() || !std::isfinite(t.number))
      return fail(start, t.length, fmt::format("number `{}` is out of range", t.text));
    return t;
  }

  Token string(char quote) {
    const std::size_t start = i_++;
    std::string value;
    while (true) {
      if (!check_text_limit(i_)) return Token{};
      if (i_ >= s_.size())
        return fail(start, 1, "unterminated string: no closing quote", {std::string(1, quote)});
      const char c = s_[i_];
      const auto u = static_cast<unsigned char>(c);
      if (c == quote) {
        ++i_;
        break;
      }
      if (c == '\\') {
        if (i_ + 1 < s_.size() && (s_[i_ + 1] == '"' || s_[i_ + 1] == '\'' || s_[i_ + 1] == '\\')) {
          value += s_[i_ + 1];
          i_ += 2;
          continue;
        }
        return fail(i_, i_ + 1 < s_.size() ? 2 : 1,
                    "unknown escape in string; only \\\", \\' and \\\\ are allowed",
                    {"\\\"", "\\'", "\\\\"});
      }
      if (u == 0) return fail(i_, 1, "NUL byte in string");
      if (u < 0x20 || u == 0x7F)
        return fail(i_, 1, fmt::format("control character 0x{:02X} in string", u));
      if (u >= 0x80) {
        // Validate one UTF-8 sequence here so the error points at its first byte.
        std::size_t len = u >= 0xF0 ? 4 : u >= 0xE0 ? 3 : 2;
        len = std::min(len, s_.size() - i_);
        if (invalid_utf8_at(s_.substr(i_, len)) != std::string_view::npos || (u & 0xC0) == 0x80)
          return fail(i_, 1, "invalid UTF-8 in string");
        value.append(s_.substr(i_, len));
        i_ += len;
        continue;
      }
      value += c;
      ++i_;
    }
    return make(Tok::string, start, std::move(value));
  }

  // An inline GeoJSON object: the balanced `{...}`, braces inside JSON strings ignored. Its
  // bytes do not count towards the text limit.
  Token geojson() {
    const std::size_t start = i_;
    std::size_t depth = 0;
    bool in_string = false;
    for (; i_ < s_.size(); ++i_) {
      const char c = s_[i_];
      if (in_string) {
        if (c == '\\')
          ++i_;
        else if (c == '"')
          in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}') {
        if (--depth == 0) {
          ++i_;
          geojson_bytes_ += i_ - start;
          return make(Tok::geojson, start, std::string(s_.substr(start, i_ - start)));
        }
      }
    }
    return fail(start, 1, "unterminated GeoJSON object: no matching `}`", {"}"});
  }

  std::string_view s_;
  const Limits& limits_;
  std::size_t i_ = 0;
  std::size_t geojson_bytes_ = 0;
  std::optional<ExpressionError> error_;
};

}  // namespace

std::optional<ExpressionError> lex(std::string_view text, const Limits& limits,
                                   std::vector<Token>& out) {
  return Lexer(text, limits).run(out);
}

namespace {

// At most about 40 bytes of `text`, cut on a UTF-8 character boundary.
std::string clip(const std::string& text) {
  if (text.size() <= 40) return text;
  std::size_t n = 40;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n) + "…";
}

}  // namespace

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::end:
      return "the end of the expression";
    case Tok::string: {
      std::string out = "the string ";  // appended: g++ 12 -O3 warns falsely on literal + string
      out += quote(clip(t.text));
      return out;
    }
    case Tok::geojson:
      return "a GeoJSON object";
    default: {
      std::string out = "`";
      out += clip(t.text);
      out += '`';
      return out;
    }
  }
}

}  // namespace boucle::target::detail
