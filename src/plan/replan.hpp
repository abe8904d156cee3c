#pragma once

#include <vector>

#include "plan/model.hpp"
#include "plan/solution.hpp"
#include "plan/solver.hpp"

namespace boucle::plan {

// Where a rep is in the field, part-way through `day` of a plan.
struct FieldState {
  int rep = 0;
  int day = 0;
  Location location = 0;  // where the rep is now
  Time now = 0;           // the time now (a delay is simply a later `now`)
  std::vector<int> done;  // visits of that day already made (kept, not re-planned)
  bool lunch_taken = false;
};

struct Change {
  std::vector<int> cancelled;  // visits of the day that will not happen (store closed, cancelled)
  std::vector<int> urgent;     // visits to fit today if at all possible (treated as mandatory)
};

// The rest of the day as a problem of its own: one rep, one day, starting at `state.location` at
// `state.now`, ending where the plan's day ended; candidates are the day's remaining stops (kept
// in preference: their prize gets a bonus), the urgent visits (mandatory) and the 40 unplanned
// visits open that day nearest to the rest of the day; its matrix holds only those places. `original[k]` is visit k's index in `problem`.
struct DayProblem {
  Problem problem;
  std::vector<int> original;
  std::vector<int> kept_order;  // the remaining stops, in the plan's order (sub-problem indices)
  std::vector<Location> locations;  // sub-problem location → location in `problem`
};
DayProblem day_problem(const Problem& problem, const Solution& plan, const FieldState& state,
                       const Change& change);

// Re-optimises the rest of the rep's day from `state`, keeping the other days of `plan` as they
// are. Stops of the day that still fit are kept in preference to new ones. Deterministic.
Solution replan_day(const Problem& problem, const Solution& plan, const FieldState& state,
                    const Change& change, const SolveOptions& options);

// For a new appointment (`visit`, not in `plan`), the cost of fitting it on each (rep, day) of the
// horizon, cheapest first; infeasible days are listed with feasible = false and a reason.
struct DayOption {
  int rep = 0;
  int day = 0;
  bool feasible = false;
  Cost added_cost = 0;            // value lost: extra travel + prizes of visits dropped
  Time added_drive = 0;
  std::vector<int> dropped;       // visits of that day that would have to go
  Time start = 0;                 // when the appointment would start
  Reason reason = Reason::no_time_left;  // when infeasible
};
std::vector<DayOption> find_days(const Problem& problem, const Solution& plan, int visit);

}  // namespace boucle::plan
