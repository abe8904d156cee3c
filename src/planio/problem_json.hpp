#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/domain.hpp"
#include "plan/model.hpp"
#include "planio/matrix_io.hpp"

// The planning problem as users write it (docs/PLAN_FORMAT.md): dates, "HH:MM", minutes, euros,
// kilometres, latitude/longitude. read_problem converts it once into plan::Problem's integer
// units: Time is seconds since the local midnight of each day (wall-clock time in the horizon's
// time zone), Distance metres, Cost micro-euros.
namespace boucle::planio {

inline constexpr std::int64_t COST_PER_EURO = 1'000'000;  // plan::Cost units in one euro

// One distinct place of the problem (plan::Location is its index). Places at the same
// coordinates are one location, known by all their keys.
struct Place {
  enum class Kind { home, final, hotel, store };
  Kind kind = Kind::store;
  std::string name;  // store or hotel name, "home" / "final" for a rep's places
  core::GeoPoint point;
  std::vector<std::string> keys;  // "home:<rep>", "final:<rep>", "hotel:<name>", "visit:<id>"
};

struct LoadedProblem {
  plan::Problem problem;
  std::vector<std::string> dates;       // per day of the horizon, "YYYY-MM-DD"
  std::vector<std::int64_t> date_days;  // idem, days since 1970-01-01
  std::string time_zone;                // IANA name; all times are wall-clock times there
  std::vector<Place> places;            // per plan::Location
  std::vector<std::string> stores;      // per visit: the store's name
  std::int64_t cost_per_euro = COST_PER_EURO;
  std::string travel_source;  // "road", "matrix", "matrix_file", "osrm"
};

// Caps that keep hostile input from exhausting memory or time (the matrix holds
// locations² cells of 16 bytes).
struct Limits {
  int max_days = 31;
  int max_reps = 50;
  int max_visits = 5000;
  int max_hotels = 20;  // per rep
  int max_locations = 6000;
};

struct OsrmRequest {
  std::string url;
  std::string profile = "driving";
};
// Fetches a travel matrix for the points (the CLI passes routing::osrm_table; planio itself
// does no networking).
using OsrmProvider =
    std::function<plan::Matrix(const OsrmRequest&, const std::vector<core::GeoPoint>&)>;

struct ReadOptions {
  std::filesystem::path base_dir;  // "matrix_file" is relative to it
  bool allow_matrix_files =
      true;                  // false: {"matrix_file": …} is refused (a server reading uploads)
  OsrmProvider osrm;         // empty: {"osrm": …} is refused
  bool build_travel = true;  // false: leave problem.travel empty (listing locations)
  Limits limits;
};

// Validates everything and converts; throws core::Error(ErrorCode::validation) listing every
// problem as a FieldError with its JSON path ("visits[3].duration_minutes"). Matrix problems are
// reported after the rest of the problem is valid (the matrix needs the list of locations).
LoadedProblem read_problem(const boost::json::value& value, const ReadOptions& options);

// Reads and parses a problem file (at most 64 MiB; malformed JSON gives ErrorCode::bad_json with
// its line and column); base_dir defaults to the file's directory.
LoadedProblem read_problem_file(const std::filesystem::path& path, ReadOptions options);

// The locations a user matrix must cover, with their keys.
MatrixLocations matrix_locations(const LoadedProblem& loaded, const plan::RoadModel& road = {});

}  // namespace boucle::planio
