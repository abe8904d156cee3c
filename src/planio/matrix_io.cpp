#include "planio/matrix_io.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/csv.hpp"
#include "core/error.hpp"

namespace boucle::planio {

namespace {

using core::ErrorCode;
using core::FieldError;

// A matrix of a few thousand places can be wrong in millions of cells: the first problems are
// reported one by one, the rest counted.
constexpr std::size_t MAX_REPORTED = 100;

class ErrorList {
 public:
  // Problems of the whole matrix or of a CSV row as such are reported on the field "matrix".
  void add(std::string field, std::string message, int line = 0) {
    if (field.empty()) field = "matrix";
    if (list_.size() < MAX_REPORTED) {
      list_.push_back({std::move(field), std::move(message), line});
    } else {
      ++dropped_;
    }
  }
  bool empty() const { return list_.empty(); }
  void throw_if_any(const std::string& detail) {
    if (list_.empty()) return;
    if (dropped_ > 0) {
      list_.push_back({"matrix", "… and " + std::to_string(dropped_) + " more problems", 0});
    }
    throw core::Error(ErrorCode::validation, detail, std::move(list_));
  }

 private:
  std::vector<FieldError> list_;
  std::size_t dropped_ = 0;
};

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::optional<double> parse_number(std::string_view text) {
  const std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  const char* first = t.data();
  if (*first == '+') ++first;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(first, t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size()) return std::nullopt;
  return v;
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A location named by a matrix: its index as text/integer, or one of its keys.
std::optional<int> find_ref(const MatrixLocations& locs, std::string_view ref) {
  if (all_digits(ref)) {
    int index = 0;
    std::from_chars(ref.data(), ref.data() + ref.size(), index);
    if (index < locs.size) return index;
    return std::nullopt;
  }
  const auto it = locs.keys.find(std::string(ref));
  if (it == locs.keys.end()) return std::nullopt;
  return it->second;
}

std::string unknown_ref_message(const MatrixLocations& locs) {
  return "is not a location of the problem (an index 0.." + std::to_string(locs.size - 1) +
         " or a key such as home:<rep id> or visit:<visit id>)";
}

// Fills a plan::Matrix cell by cell, checking each value, refusing two different values for one
// pair of places (two names of the same place are allowed, they must agree) and a non-zero
// value from a place to itself.
class Builder {
 public:
  Builder(const MatrixLocations& locs, ErrorList& errors)
      : locs_(locs),
        errors_(errors),
        matrix_(locs.size),
        set_(static_cast<std::size_t>(locs.size) * static_cast<std::size_t>(locs.size), 0) {}

  template <typename Where>
  void time(int from, int to, double seconds, Where where) {
    if (!check(seconds, MAX_MATRIX_SECONDS, "seconds", where)) return;
    put(from, to, std::llround(seconds), TIME, where);
  }
  template <typename Where>
  void distance(int from, int to, double metres, Where where) {
    if (!check(metres, MAX_MATRIX_METRES, "metres", where)) return;
    put(from, to, std::llround(metres), DISTANCE, where);
  }

  // Reports pairs without a time (and without a distance when distances were given); fills
  // distances from the road model when none were given.
  plan::Matrix finish(bool distances_given, const std::string& field) {
    const int n = locs_.size;
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        if (i == j) continue;
        const auto flags = set_[cell(i, j)];
        if (!(flags & TIME)) {
          errors_.add(field, "no duration from " + locs_.names[static_cast<std::size_t>(i)] +
                                 " to " + locs_.names[static_cast<std::size_t>(j)]);
        } else if (distances_given && !(flags & DISTANCE)) {
          errors_.add(field, "no distance from " + locs_.names[static_cast<std::size_t>(i)] +
                                 " to " + locs_.names[static_cast<std::size_t>(j)]);
        }
        if (!distances_given) {
          const auto leg = plan::road_leg(locs_.road, locs_.points[static_cast<std::size_t>(i)],
                                          locs_.points[static_cast<std::size_t>(j)]);
          matrix_.set(i, j, matrix_.time(i, j), leg.metres);
        }
      }
    }
    return std::move(matrix_);
  }

 private:
  static constexpr std::uint8_t TIME = 1;
  static constexpr std::uint8_t DISTANCE = 2;

  std::size_t cell(int i, int j) const {
    return static_cast<std::size_t>(i) * static_cast<std::size_t>(locs_.size) +
           static_cast<std::size_t>(j);
  }

  template <typename Where>
  bool check(double v, double max, const char* unit, Where& where) {
    if (!std::isfinite(v) || v < 0 || v > max) {
      const auto [field, line] = where();
      std::ostringstream os;
      os << "must be a number of " << unit << " between 0 and " << static_cast<std::int64_t>(max);
      errors_.add(field, os.str(), line);
      return false;
    }
    return true;
  }

  template <typename Where>
  void put(int from, int to, std::int64_t v, std::uint8_t what, Where& where) {
    const auto c = cell(from, to);
    if (from == to) {
      if (v != 0) {
        const auto [field, line] = where();
        errors_.add(field,
                    "must be 0: " + locs_.names[static_cast<std::size_t>(from)] +
                        " is the same place at both ends",
                    line);
      }
      set_[c] |= what;
      return;
    }
    const std::int64_t old = what == TIME ? matrix_.time(from, to) : matrix_.distance(from, to);
    if ((set_[c] & what) && old != v) {
      const auto [field, line] = where();
      errors_.add(field,
                  "differs from an earlier value for the same pair of places (" +
                      locs_.names[static_cast<std::size_t>(from)] + " to " +
                      locs_.names[static_cast<std::size_t>(to)] + ")",
                  line);
      return;
    }
    set_[c] |= what;
    if (what == TIME) {
      matrix_.set(from, to, v, matrix_.distance(from, to));
    } else {
      matrix_.set(from, to, matrix_.time(from, to), v);
    }
  }

  const MatrixLocations& locs_;
  ErrorList& errors_;
  plan::Matrix matrix_;
  std::vector<std::uint8_t> set_;
};

struct Where {
  std::string field;
  int line = 0;
};

std::string join_path(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

std::optional<double> json_number(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  return std::nullopt;
}

// Reads `rows` (an m×m array of numbers) into the builder through `mapping`.
template <typename Put>
void read_square_json(const boost::json::value& rows, const std::string& path,
                      const std::vector<int>& mapping, ErrorList& errors, Put put) {
  const auto m = mapping.size();
  const auto* arr = rows.if_array();
  if (!arr || arr->size() != m) {
    errors.add(path, "must be an array of " + std::to_string(m) + " rows (one per location)");
    return;
  }
  for (std::size_t i = 0; i < m; ++i) {
    const auto* row = (*arr)[i].if_array();
    if (!row || row->size() != m) {
      errors.add(path + "[" + std::to_string(i) + "]",
                 "must be an array of " + std::to_string(m) + " numbers");
      continue;
    }
    for (std::size_t j = 0; j < m; ++j) {
      auto where = [&] {
        return Where{path + "[" + std::to_string(i) + "][" + std::to_string(j) + "]", 0};
      };
      const auto v = json_number((*row)[j]);
      if (!v) {
        errors.add(where().field, (*row)[j].is_null()
                                      ? "must be a number (null, no route, is not accepted)"
                                      : "must be a number");
        continue;
      }
      put(mapping[i], mapping[j], *v, where);
    }
  }
}

// Checks that every location of the problem is named by some row.
void check_coverage(const std::vector<int>& mapping, const MatrixLocations& locs,
                    const std::string& field, int line, ErrorList& errors) {
  std::vector<bool> covered(static_cast<std::size_t>(locs.size), false);
  for (int loc : mapping) covered[static_cast<std::size_t>(loc)] = true;
  for (int i = 0; i < locs.size; ++i) {
    if (!covered[static_cast<std::size_t>(i)]) {
      errors.add(field,
                 "location " + std::to_string(i) + " (" + locs.names[static_cast<std::size_t>(i)] +
                     ") is missing",
                 line);
    }
  }
}

plan::Matrix long_csv(const core::CsvDocument& doc, const MatrixLocations& locs,
                      ErrorList& errors) {
  const bool with_metres = doc.header.size() == 4;
  Builder builder(locs, errors);
  auto ref = [&](const core::CsvRow& row, std::size_t col, const char* name) -> std::optional<int> {
    const std::string text = trim(row.fields[col]);
    auto loc = find_ref(locs, text);
    if (!loc) {
      errors.add(name, "'" + text.substr(0, 80) + "' " + unknown_ref_message(locs), row.line);
    }
    return loc;
  };
  for (const auto& row : doc.rows) {
    const auto from = ref(row, 0, "from");
    const auto to = ref(row, 1, "to");
    const auto seconds = parse_number(row.fields[2]);
    if (!seconds) errors.add("seconds", "must be a number", row.line);
    std::optional<double> metres;
    if (with_metres) {
      metres = parse_number(row.fields[3]);
      if (!metres) errors.add("metres", "must be a number", row.line);
    }
    if (!from || !to) continue;
    if (seconds) builder.time(*from, *to, *seconds, [&] { return Where{"seconds", row.line}; });
    if (metres) builder.distance(*from, *to, *metres, [&] { return Where{"metres", row.line}; });
  }
  return builder.finish(with_metres, "");
}

// Empty when the shape is wrong (the errors say why).
std::optional<plan::Matrix> square_csv(std::string_view text, const core::CsvDocument& first,
                                       const MatrixLocations& locs, ErrorList& errors) {
  // core::parse_csv lower-cases its header; keys are case-sensitive, so the file is re-read
  // under a synthetic header and its first line comes back as an ordinary row (one line later).
  std::string synthetic;
  for (std::size_t i = 0; i < first.header.size(); ++i) {
    if (i) synthetic += first.delimiter;
    synthetic += "c";
  }
  synthetic += "\n";
  synthetic += text;
  const auto doc = core::parse_csv(synthetic);
  for (const auto& e : doc.errors) errors.add(e.field, e.message, e.line - 1);
  if (doc.rows.empty()) {
    errors.add("", "the matrix is empty");
    return std::nullopt;
  }
  const auto& head = doc.rows.front();
  const std::string corner = trim(head.fields[0]);
  const bool has_header = corner.empty() || !parse_number(corner);
  const std::size_t n = has_header ? head.fields.size() - 1 : head.fields.size();
  const std::size_t first_data = has_header ? 1 : 0;

  std::vector<int> mapping;
  if (has_header) {
    for (std::size_t c = 1; c < head.fields.size(); ++c) {
      const std::string r = trim(head.fields[c]);
      const auto loc = find_ref(locs, r);
      if (!loc) {
        errors.add("column " + std::to_string(c + 1),
                   "'" + r.substr(0, 80) + "' " + unknown_ref_message(locs), head.line - 1);
        mapping.push_back(-1);
      } else {
        mapping.push_back(*loc);
      }
    }
  } else {
    if (n != static_cast<std::size_t>(locs.size)) {
      errors.add("",
                 "has " + std::to_string(n) + " columns, the problem has " +
                     std::to_string(locs.size) +
                     " locations (without a header row, rows and columns are the "
                     "problem's locations in order)",
                 head.line - 1);
      return std::nullopt;
    }
    for (std::size_t i = 0; i < n; ++i) mapping.push_back(static_cast<int>(i));
  }
  if (doc.rows.size() - first_data != n) {
    errors.add("", "has " + std::to_string(doc.rows.size() - first_data) + " rows of values and " +
                       std::to_string(n) + " columns: a square matrix needs as many of each");
  }
  if (!errors.empty()) return std::nullopt;
  check_coverage(mapping, locs, "", head.line - 1, errors);

  Builder builder(locs, errors);
  for (std::size_t r = first_data; r < doc.rows.size(); ++r) {
    const auto& row = doc.rows[r];
    const int line = row.line - 1;
    const std::size_t i = r - first_data;
    std::size_t col = 0;
    if (has_header) {
      const std::string label = trim(row.fields[0]);
      const auto loc = find_ref(locs, label);
      if (!loc || *loc != mapping[i]) {
        errors.add("column 1",
                   "must name the same location as column " + std::to_string(i + 2) +
                       " of the header (rows in the "
                       "header's order)",
                   line);
        continue;
      }
      col = 1;
    }
    for (std::size_t j = 0; j < n; ++j, ++col) {
      const auto v = parse_number(row.fields[col]);
      auto where = [&] { return Where{"column " + std::to_string(col + 1), line}; };
      if (!v) {
        errors.add(where().field, "must be a number of seconds", line);
        continue;
      }
      builder.time(mapping[i], mapping[j], *v, where);
    }
  }
  return builder.finish(false, "");
}

std::string read_text(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    throw core::Error(ErrorCode::validation, "cannot read the matrix file " + path.string(),
                      {{"travel.matrix_file", ec.message()}});
  }
  if (size > MAX_MATRIX_FILE_BYTES) {
    throw core::Error(
        ErrorCode::validation, "matrix file too large: " + path.string(),
        {{"travel.matrix_file",
          "must be at most " + std::to_string(MAX_MATRIX_FILE_BYTES >> 20) + " MiB"}});
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in.read(text.data(), static_cast<std::streamsize>(size))) {
    throw core::Error(ErrorCode::validation, "cannot read the matrix file " + path.string(),
                      {{"travel.matrix_file", "read failed"}});
  }
  return text;
}

}  // namespace

plan::Matrix matrix_from_json(const boost::json::value& value, const MatrixLocations& locs,
                              const std::string& field) {
  ErrorList errors;
  const std::string detail = "invalid travel matrix";
  const auto* obj = value.if_object();
  if (!obj) {
    errors.add(field, "must be an object {\"durations\": [[…]…], \"distances\": [[…]…]}");
    errors.throw_if_any(detail);
  }
  for (const auto& [key, v] : *obj) {
    if (key != "locations" && key != "durations" && key != "distances") {
      errors.add(join_path(field, key), "unknown field (expected locations, durations, distances)");
    }
  }
  std::vector<int> mapping;
  if (const auto* refs = obj->if_contains("locations")) {
    const std::string path = join_path(field, "locations");
    const auto* arr = refs->if_array();
    const std::size_t max_refs = locs.keys.size() + static_cast<std::size_t>(locs.size);
    if (!arr || arr->size() > max_refs) {
      errors.add(path, "must be an array of at most " + std::to_string(max_refs) +
                           " location indices or keys");
      errors.throw_if_any(detail);
    }
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto& r = (*arr)[i];
      const std::string at = path + "[" + std::to_string(i) + "]";
      std::optional<int> loc;
      std::string text;
      if (r.is_string()) {
        text = std::string(r.get_string());
        if (!all_digits(text)) loc = find_ref(locs, text);
      } else if (r.is_int64() && r.get_int64() >= 0 && r.get_int64() < locs.size) {
        text = std::to_string(r.get_int64());
        loc = static_cast<int>(r.get_int64());
      }
      if (!loc) {
        errors.add(at, (r.is_string() ? "'" + text.substr(0, 80) + "' " : std::string()) +
                           unknown_ref_message(locs));
        mapping.push_back(0);
        continue;
      }
      if (const auto [it, fresh] = seen.emplace(text, i); !fresh) {
        errors.add(at, "repeats locations[" + std::to_string(it->second) + "]");
      }
      mapping.push_back(*loc);
    }
    if (errors.empty()) check_coverage(mapping, locs, path, 0, errors);
  } else {
    for (int i = 0; i < locs.size; ++i) mapping.push_back(i);
  }
  const auto* durations = obj->if_contains("durations");
  if (!durations) errors.add(join_path(field, "durations"), "is required");
  errors.throw_if_any(detail);

  Builder builder(locs, errors);
  read_square_json(*durations, join_path(field, "durations"), mapping, errors,
                   [&](int i, int j, double v, auto& where) { builder.time(i, j, v, where); });
  const auto* distances = obj->if_contains("distances");
  if (distances) {
    read_square_json(
        *distances, join_path(field, "distances"), mapping, errors,
        [&](int i, int j, double v, auto& where) { builder.distance(i, j, v, where); });
  }
  errors.throw_if_any(detail);
  auto matrix = builder.finish(distances != nullptr, field);
  errors.throw_if_any(detail);
  return matrix;
}

plan::Matrix matrix_from_csv(std::string_view text, const MatrixLocations& locs) {
  ErrorList errors;
  const std::string detail = "invalid travel matrix (CSV)";
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const auto doc = core::parse_csv(text);
  if (doc.header.empty()) {
    errors.add("", "the matrix is empty", 1);
    errors.throw_if_any(detail);
  }
  const auto& h = doc.header;
  const bool is_long = h.size() >= 3 && h[0] == "from" && h[1] == "to" && h[2] == "seconds";
  std::optional<plan::Matrix> matrix;
  if (is_long) {
    for (const auto& e : doc.errors) errors.add(e.field, e.message, e.line);
    if (h.size() > 4 || (h.size() == 4 && h[3] != "metres" && h[3] != "meters")) {
      errors.add("", "the header must be from,to,seconds or from,to,seconds,metres", 1);
      errors.throw_if_any(detail);
    }
    matrix = long_csv(doc, locs, errors);
  } else {
    matrix = square_csv(text, doc, locs, errors);
    if (!matrix && errors.empty()) errors.add("", "not a square matrix");
  }
  errors.throw_if_any(detail);
  return std::move(*matrix);
}

plan::Matrix read_matrix_file(const std::filesystem::path& path, const MatrixLocations& locs) {
  const std::string text = read_text(path);
  const auto ext = path.extension().string();
  try {
    if (ext == ".json") {
      boost::json::error_code ec;
      boost::json::parse_options opt;
      opt.max_depth = 8;
      auto value = boost::json::parse(text, ec, {}, opt);
      if (ec) {
        throw core::Error(ErrorCode::bad_json, "the matrix file " + path.string() +
                                                   " is not valid JSON: " + ec.message());
      }
      return matrix_from_json(value, locs);
    }
    if (ext == ".csv") return matrix_from_csv(text, locs);
  } catch (const core::Error& e) {
    if (e.code() != ErrorCode::validation) throw;
    throw core::Error(e.code(), e.detail() + " in " + path.string(), e.errors());
  }
  throw core::Error(ErrorCode::validation, "unsupported matrix file " + path.string(),
                    {{"travel.matrix_file", "must end in .json or .csv"}});
}

}  // namespace boucle::planio
