#include "core/csv.hpp"

#include <algorithm>
#include <cctype>

namespace boucle::core {

namespace {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += 1 + extra;
  }
  return true;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

char detect_delimiter(std::string_view text) {
  // Count separators on the first line, outside quotes; the more frequent wins, ',' on a tie.
  std::size_t commas = 0, semicolons = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    if (c == ',') ++commas;
    if (c == ';') ++semicolons;
  }
  return semicolons > commas ? ';' : ',';
}

}  // namespace

std::optional<std::size_t> CsvDocument::column(std::string_view name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  return std::nullopt;
}

CsvDocument parse_csv(std::string_view text) {
  CsvDocument doc;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  doc.delimiter = detect_delimiter(text);

  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;        // inside a quoted field
  bool was_quoted = false;    // the current field started with a quote
  bool row_has_content = false;
  int line = 1;
  int row_line = 1;
  bool row_broken = false;
  std::string row_problem;

  auto finish_field = [&] {
    fields.push_back(was_quoted ? field : trim(field));
    field.clear();
    was_quoted = false;
  };
  auto finish_row = [&] {
    finish_field();
    bool blank = !row_has_content && fields.size() == 1 && fields[0].empty();
    if (!blank) {
      std::string raw_check;
      for (const auto& f : fields) raw_check += f;
      if (!row_broken && !valid_utf8(raw_check)) {
        row_broken = true;
        row_problem = "not valid UTF-8";
      }
      if (row_broken) {
        doc.errors.push_back({"", row_problem, row_line});
      } else if (doc.header.empty()) {
        for (auto& f : fields) {
          std::string h = trim(f);
          std::transform(h.begin(), h.end(), h.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
          doc.header.push_back(std::move(h));
        }
      } else if (fields.size() != doc.header.size()) {
        doc.errors.push_back({"", "expected " + std::to_string(doc.header.size()) +
                                      " fields, found " + std::to_string(fields.size()),
                              row_line});
      } else {
        doc.rows.push_back({row_line, std::move(fields)});
      }
    }
    fields.clear();
    row_has_content = false;
    row_broken = false;
    row_problem.clear();
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      if (trim(field).empty() && !was_quoted) {
        field.clear();
        quoted = true;
        was_quoted = true;
        row_has_content = true;
      } else if (!row_broken) {
        row_broken = true;
        row_problem = "quote inside an unquoted field";
      }
    } else if (c == doc.delimiter) {
      finish_field();
      row_has_content = true;
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      // CRLF: the '\n' ends the row
    } else if (c == '\n') {
      finish_row();
      ++line;
      row_line = line;
    } else if (was_quoted && (c == ' ' || c == '\t')) {
      // blanks after a closing quote are tolerated
    } else {
      if (was_quoted && !row_broken) {
        row_broken = true;
        row_problem = "characters after a closing quote";
      }
      field += c;
      row_has_content = true;
    }
  }
  if (quoted) {
    doc.errors.push_back({"", "unterminated quoted field", row_line});
  } else if (row_has_content || !field.empty() || !fields.empty()) {
    finish_row();
  }
  return doc;
}

}  // namespace boucle::core
