#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "plan/model.hpp"

namespace boucle::plan {

struct Stop {
  int visit = 0;     // index into Problem::visits
  Time arrival = 0;  // at the store
  Time start = 0;    // of the visit (after any wait)
  Time end = 0;      // start + duration
};

// One rep's day. Times are those of the earliest schedule (leave as early as the shift allows,
// wait where a store is not open yet); the departure is then pushed as late as possible without
// moving any visit, so `depart` is when the rep really needs to leave.
struct Route {
  int rep = 0;
  int day = 0;
  Location start_location = 0;  // home or last night's hotel
  Location end_location = 0;    // home, tonight's hotel, or the final location
  Time depart = 0;
  Time back = 0;
  std::vector<Stop> stops;
  // Lunch, when the route has visits: taken after `lunch_after` stops (0: before the first).
  int lunch_after = 0;
  Time lunch_start = 0;
  bool has_lunch = false;
  Distance distance = 0;
  Time drive = 0;
  Time work = 0;  // drive + visits
};

// Why a candidate visit is not in the plan.
enum class Reason {
  closed,            // no allowed day with a window the visit fits in (for any rep that may make it)
  unreachable,       // fits no empty day either: too far for the working window or limits
  frequency,         // the visit's group already has as many visits as its frequency allows
  no_time_left,      // would fit an empty day, but every day is filled with visits worth more
  not_worth_detour,  // could be inserted, but its prize is lower than the cost of the detour
  locked_elsewhere,  // locked on a rep/day where it cannot fit
};
std::string_view to_string(Reason r);

struct Unplanned {
  int visit = 0;
  Reason reason = Reason::no_time_left;
};

// Lexicographic objective (see Weights): more mandatory first, then fewer routes if asked, then
// higher value. `value` = prizes − travel_cost − hotel_cost − penalties.
struct Objective {
  int mandatory_planned = 0;
  int mandatory_total = 0;
  int routes = 0;
  Cost prizes = 0;
  Cost travel_cost = 0;
  Cost hotel_cost = 0;
  Cost penalties = 0;
  Cost value = 0;
  Distance distance = 0;
  Time drive = 0;
};

struct Solution {
  std::vector<Route> routes;  // only day-routes with at least one visit or a night change
  std::vector<Unplanned> unplanned;
  Objective objective;
};

// True when a is strictly better than b for this problem's objective.
bool better(const Objective& a, const Objective& b, const Weights& w);

}  // namespace boucle::plan
