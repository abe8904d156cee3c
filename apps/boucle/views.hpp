#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

// Human views of API answers for the command line: aligned text tables, number cells, and a
// small self-contained SVG line chart (no dependency, deterministic text).
namespace boucle::cli {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> right;  // right-align column i (numbers); missing entries: left
};

// Columns padded to their widest cell (counted in UTF-8 characters), two spaces apart.
void print_table(std::ostream& out, const Table& table);

// A JSON value as a cell: strings as they are, null as "", numbers with at most `decimals`
// decimals (integers without any).
std::string cell(const boost::json::value& v, int decimals = 2);
// A percentage (0–100) as "45.20 %", null (undefined) as "—".
std::string percent(const boost::json::value& v);
// At most `max` UTF-8 characters, an ellipsis marking a cut.
std::string shorten(std::string_view s, std::size_t max);
// "1 member", "3 members".
std::string count_of(std::int64_t n, std::string_view noun);
// A JSON number (or null) as an optional double.
std::optional<double> number_of(const boost::json::value& v);

// One line of a chart: values in percent (0–100), nullopt where undefined (the line breaks).
struct ChartLine {
  std::string name;
  std::vector<std::optional<double>> values;
  bool dashed = false;
};

// An SVG line chart: x is the labels (weeks), y is 0–100 %, one polyline per line, a legend.
std::string line_chart_svg(std::string_view title, const std::vector<std::string>& labels,
                           const std::vector<ChartLine>& lines);

void write_text_file(const std::string& path, const std::string& text);

}  // namespace boucle::cli
