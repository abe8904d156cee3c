#pragma once

#include <boost/json/value.hpp>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/domain.hpp"
#include "plan/travel.hpp"

// Travel matrices supplied by the user (docs/PLAN_FORMAT.md, "Travel matrices"): JSON in the
// shape of an OSRM `table` answer, or CSV (long `from,to,seconds[,metres]`, or square seconds).
// Rows and columns name the problem's locations by index (0-based, in the problem's order) or
// by key ("home:<rep>", "visit:<id>"…). Every problem (shape, negative or non-finite value,
// unknown location, missing pair) is reported as a FieldError, with its line for CSV; the
// reader throws core::Error(validation) if there was any.
namespace boucle::planio {

// The locations a matrix must cover.
struct MatrixLocations {
  int size = 0;
  std::unordered_map<std::string, int> keys;  // every key of every location
  std::vector<std::string> names;             // per location: its first key, for messages
  std::vector<core::GeoPoint> points;         // per location: for distances the matrix omits
  plan::RoadModel road;                       // idem (great-circle × circuity)
};

// Largest values accepted: a week of driving, 100,000 km.
inline constexpr double MAX_MATRIX_SECONDS = 7 * 86400.0;
inline constexpr double MAX_MATRIX_METRES = 1e8;
inline constexpr std::size_t MAX_MATRIX_FILE_BYTES = 256u << 20;

// {"locations": [ref…]?, "durations": [[seconds…]…], "distances": [[metres…]…]?}.
// `field` prefixes the paths of errors ("travel.matrix" → "travel.matrix.durations[2][3]").
plan::Matrix matrix_from_json(const boost::json::value& value, const MatrixLocations& locations,
                              const std::string& field = "");

// Long form (header `from,to,seconds` or `from,to,seconds,metres`, one row per ordered pair) or
// square form (seconds only; an optional header row `,ref,ref…` with each row starting with its
// ref). `,` or `;` separated. Errors carry the 1-based line of the file.
plan::Matrix matrix_from_csv(std::string_view text, const MatrixLocations& locations);

// By extension: `.json` or `.csv`. Errors name the file in the detail.
plan::Matrix read_matrix_file(const std::filesystem::path& path, const MatrixLocations& locations);

}  // namespace boucle::planio
