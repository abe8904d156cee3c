#pragma once

#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "core/domain.hpp"
#include "plan/model.hpp"
#include "plan/solution.hpp"

// Plans in the server: the service that turns the database into a planning problem (SPEC §6),
// solves it with src/plan and maps the result back to stores, dates and instants. The planner
// itself never sees the database; everything it needs is gathered here in one read.
namespace boucle::api {

// What a plan is built from. Candidates and parameters are stored with the plan, so a later
// re-plan rebuilds the same problem (with the stores' and the rep's current data).
struct PlanningInput {
  core::User rep;
  std::int64_t start_day = 0;  // the first date, in days since 1970-01-01
  int days = 1;
  core::PlanParams params;
  std::vector<core::PlanCandidate> candidates;
  std::map<core::Id, core::Store> stores;  // every store a candidate names
};

// The problem of an input, and how its indices map back to the database.
struct BuiltProblem {
  plan::Problem problem;
  // Per location: its store, or none (location 0 is home; the last one may be the rep's
  // position in the field when re-planning).
  std::vector<std::optional<core::Id>> location_store;
  std::map<core::Id, plan::Location> store_location;
  std::optional<plan::Location> field_location;
  std::vector<core::UnixSeconds> midnight;  // per day 0..days: local midnight of that date
  std::vector<int> candidate_of_visit;      // visit index → index in PlanningInput::candidates
};

// Builds the problem: locations (home, stores, the field position if given), road matrix
// (plan::road_matrix, plan::RoadModel{}), the rep's shift per day (working hours, lunch, daily
// driving, nights away), each candidate's windows per day from the store's opening hours in the
// store's time zone. Times are seconds since local midnight of each date in params.timezone.
BuiltProblem build_problem(const PlanningInput& input,
                           std::optional<core::GeoPoint> field_position = std::nullopt);

// What to do once there, by type of visit (shown with each stop and in the calendar feed).
std::string_view visit_todo(core::VisitType type);

// A sentence for a planner reason code ("closed", "no_time_left"…).
std::string_view explain_reason(std::string_view reason);

}  // namespace boucle::api
