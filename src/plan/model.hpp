#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "plan/travel.hpp"

// The planning problem (SPEC §6): for one or several reps and a horizon of days, choose and order
// visits. Everything here is in internal integer units: times in `Time` ticks (seconds for real
// problems; benchmark readers pick their own scale), costs in `Cost` units, locations as indices
// into the travel matrices. Conversion from user units happens in the readers (`planio`).
namespace boucle::plan {

using Cost = std::int64_t;
using Load = std::int64_t;

inline constexpr Time NO_TIME_LIMIT = std::numeric_limits<Time>::max() / 8;

// The whole visit must fit inside the window: start >= open and start + duration <= close.
struct Window {
  Time open = 0;
  Time close = 0;
  friend bool operator==(const Window&, const Window&) = default;
};

// A lunch break of `duration` starting within [earliest_start, latest_start]. It is taken where
// the rep is (after a visit or before leaving), so it adds time but no distance. Required on every
// day-route that has at least one visit.
struct Lunch {
  Time earliest_start = 0;
  Time latest_start = 0;
  Time duration = 0;
};

// One rep on one day of the horizon. Day d runs from the place the rep slept (home, or a hotel
// after a night away) to the place the rep sleeps after day d.
struct Shift {
  bool available = true;
  Time start_earliest = 0;          // leaves no earlier
  Time end_latest = NO_TIME_LIMIT;  // arrives at the night's place no later
  Time max_work = NO_TIME_LIMIT;    // driving + visiting (waiting and lunch excluded)
  Time max_drive = NO_TIME_LIMIT;   // driving only
  std::optional<Lunch> lunch;
};

// Nights away from home. A night after day d (d < days-1) is spent at home, at a hotel of
// `hotels`, or (if `near_last_visit`) at the location of day d's last visit. The last day always
// ends at `Rep::final_location`.
struct Overnight {
  bool allowed = false;
  std::vector<bool> nights;            // per day d: may sleep away after day d (empty: every day)
  Cost cost_per_night = 0;
  Distance min_distance_from_home = 0;  // a hotel closer to home than this is not offered
  int max_consecutive_nights = std::numeric_limits<int>::max();
  std::vector<Location> hotels;         // preferred hotels
  bool near_last_visit = false;         // a hotel next to the day's last visit
  bool home_allowed = true;             // may go home between days (false: OPHS trips)
};

struct Rep {
  std::string id;
  Location home = 0;            // where day 0 starts
  Location final_location = 0;  // where the last day ends (home for a real rep)
  std::vector<Shift> shifts;    // one per day of the horizon
  Overnight overnight;
  Load capacity = std::numeric_limits<Load>::max();  // per day-route (VRPTW benchmarks)
};

enum class VisitKind {
  optional,     // planned when its prize pays for the detour
  mandatory,    // must be planned (level 1 of the objective)
  appointment,  // mandatory, at a time agreed with the store: its windows say how flexible
};

enum class VisitType { none, deep, quick };

struct Lock {
  int rep = 0;
  int day = 0;
};

struct Visit {
  std::string id;  // the caller's id, echoed in the plan
  Location location = 0;
  Time duration = 0;
  Cost prize = 0;
  VisitKind kind = VisitKind::optional;
  VisitType type = VisitType::none;
  Load load = 0;
  int rep = -1;  // only this rep may make it (-1: any rep)
  // Per day of the horizon, the windows the whole visit may take (a store's opening intervals,
  // or an appointment's slot). Empty outer vector: any time of any day. An empty inner vector:
  // not that day (closed, or not allowed).
  std::vector<std::vector<Window>> windows;
  int group = -1;  // frequency group (several visits of one store), -1: none
  std::optional<Lock> lock;  // planned on this rep and day, never moved to another
};

// "At most max_visits visits in any window_days consecutive days, at least min_spacing_days
// apart" for the visits that share the group (copies of one store's visit).
struct FrequencyGroup {
  int max_visits = 1;
  int window_days = 1;
  int min_spacing_days = 0;
};

// The objective, compared lexicographically (SPEC §6, docs/PLANNER.md):
// 1. mandatory visits (and appointments) planned: more is better;
// 2. if `minimise_routes`: day-routes used, fewer is better (VRPTW "vehicles first");
// 3. value = prizes − travel cost − hotel costs − soft penalties, higher is better.
struct Weights {
  Cost per_distance = 0;  // cost of one distance unit
  Cost per_time = 0;      // cost of one time tick of driving
  Cost mix_penalty = 0;   // per day-route with ≥ 2 typed visits that are all deep or all quick
  bool minimise_routes = false;
};

struct Problem {
  int days = 1;
  std::vector<Rep> reps;
  std::vector<Visit> visits;
  std::vector<FrequencyGroup> groups;
  Weights weights;
  Matrix travel;  // time and distance between every pair of locations
};

}  // namespace boucle::plan
