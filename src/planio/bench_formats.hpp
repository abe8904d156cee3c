#pragma once

#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "plan/model.hpp"
#include "plan/solution.hpp"

// Readers for the public planner benchmarks (Solomon VRPTW, TOPTW, OPHS; see
// shared/benchmarks/*/README.md). Each turns a file into a plan::Problem in integer ticks and
// keeps the file's own numbers, so that a plan can be reported and re-checked in the
// benchmark's units (doubles), independently of the tick rounding.
// Malformed input throws core::Error (ErrorCode::validation) whose field error carries the line.
namespace boucle::planio {

enum class BenchFormat { solomon, toptw, ophs };

// Ticks per unit of time and distance. Solomon and OPHS use exact Euclidean distances, so their
// ticks are rounded (llround) and a plan is re-checked in doubles; TOPTW truncates every leg to
// 0.1 by convention, which ten ticks per unit represent exactly.
inline constexpr double SOLOMON_SCALE = 10000.0;
inline constexpr double OPHS_SCALE = 10000.0;
inline constexpr int TOPTW_DECIMALS = 1;

// Cost units per score point in TOPTW and OPHS. It exceeds any total distance in ticks those
// instances allow (the readers check it and warn), so with weights.per_distance = 1 the score
// always comes first and distance only breaks ties between equal scores.
inline constexpr plan::Cost PRIZE_SCALE = 10'000'000;

enum class SolomonObjective {
  vehicles,  // hierarchical: fewest routes, then distance
  distance,  // total distance only
};

struct BenchOptions {
  SolomonObjective objective = SolomonObjective::distance;  // Solomon only
  int tours = 1;                                            // TOPTW only: identical tours
  int toptw_decimals = TOPTW_DECIMALS;  // TOPTW legs truncated to this many decimals
};

struct BenchPoint {
  double x = 0;
  double y = 0;
};

inline constexpr double NO_LIMIT = std::numeric_limits<double>::infinity();

// One visit as the file gives it.
struct BenchVisit {
  double score = 0;  // Solomon: 1 per customer, so the score counts the customers served
  double service = 0;
  double demand = 0;
  double ready = 0;       // earliest start of service
  double due = NO_LIMIT;  // latest start of service
};

struct BenchInstance {
  std::string name;
  BenchFormat format = BenchFormat::solomon;
  plan::Problem problem;
  std::vector<BenchPoint> points;  // per location of problem.travel
  std::vector<BenchVisit> visits;  // per visit of problem.visits
  // Every day-route leaves no earlier than `open` and is back no later than `close`.
  double open = 0;
  double close = NO_LIMIT;
  double capacity = NO_LIMIT;         // per route
  std::vector<double> day_limit;      // OPHS: length limit Td of each trip (day)
  double total_limit = NO_LIMIT;      // OPHS: Tmax over the whole tour
  int hotel_count = 0;                // OPHS: locations 0..hotel_count-1 are hotels
  double leg_scale = 0;               // TOPTW: legs truncated to 1/leg_scale (10: 0.1); 0: exact
  std::vector<std::string> warnings;  // for the user (e.g. a limit the model cannot express)
};

// `name` is the instance's name in reports (the file stem).
BenchInstance read_solomon(std::string_view text, std::string name,
                           const BenchOptions& options = {});
BenchInstance read_toptw(std::string_view text, std::string name, const BenchOptions& options = {});
BenchInstance read_ophs(std::string_view text, std::string name, const BenchOptions& options = {});
BenchInstance read_bench(std::string_view text, std::string name, BenchFormat format,
                         const BenchOptions& options = {});

// Reads the file and names the instance after its stem. Unreadable file: core::Error.
BenchInstance read_bench_file(const std::filesystem::path& path, BenchFormat format,
                              const BenchOptions& options = {});

// A leg's length (and travel time) in the benchmark's own convention, as a double.
double bench_leg(const BenchInstance& instance, plan::Location from, plan::Location to);

// A plan measured and re-checked in the benchmark's units, from the coordinates and the file's
// numbers only (neither the ticks nor the solver's times are used).
struct BenchResult {
  int vehicles = 0;     // routes with at least one stop
  double distance = 0;  // total, in the benchmark's units
  double score = 0;     // total score of the visits made (Solomon: customers served)
  int served = 0;
  int mandatory_missing = 0;
  std::vector<std::string> violations;  // "rule: detail"; empty for a feasible plan
};

inline constexpr double BENCH_TOLERANCE = 1e-6;

BenchResult evaluate_bench(const BenchInstance& instance, const plan::Solution& solution);

}  // namespace boucle::planio
