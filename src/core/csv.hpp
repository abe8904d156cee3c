#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace boucle::core {

struct CsvRow {
  int line = 0;  // 1-based line number of the row's first physical line
  std::vector<std::string> fields;
};

// A parsed CSV document (RFC 4180 quoting, `;` or `,` detected from the header line, UTF-8,
// optional BOM, LF or CRLF). Structural problems (unterminated quote, invalid UTF-8, a row
// whose field count differs from the header) land in `errors` with their line; the other
// rows are still returned so that every bad row can be reported at once.
struct CsvDocument {
  char delimiter = ',';
  std::vector<std::string> header;  // trimmed, lower-case
  std::vector<CsvRow> rows;         // blank lines skipped
  std::vector<FieldError> errors;

  // Index of a header column, or nullopt.
  std::optional<std::size_t> column(std::string_view name) const;
};

CsvDocument parse_csv(std::string_view text);

}  // namespace boucle::core
