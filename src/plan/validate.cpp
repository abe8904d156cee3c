#include "plan/validate.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

// Everything below is written from the model's rules alone, deliberately without any helper of
// the solver: a bug shared by both would otherwise go unnoticed. Timings of a route are rebuilt
// from its reported starts and lunch, so one wrong value gives one violation, not a cascade.
namespace boucle::plan {
namespace {

std::size_t at(int i) { return static_cast<std::size_t>(i); }

class Report {
 public:
  void add(std::string rule, std::string message) {
    out_.push_back({std::move(rule), std::move(message)});
  }
  std::size_t size() const { return out_.size(); }
  std::vector<Violation> take() { return std::move(out_); }

 private:
  std::vector<Violation> out_;
};

std::string num(std::int64_t v) { return std::to_string(v); }

std::string visit_name(const Problem& p, int v) {
  return "visit '" + p.visits[at(v)].id + "' (#" + num(v) + ")";
}

std::string rep_name(const Problem& p, int r) { return "rep '" + p.reps[at(r)].id + "'"; }

std::string route_name(const Problem& p, const Route& route) {
  return rep_name(p, route.rep) + " day " + num(route.day);
}

bool valid_location(const Problem& p, Location l) { return l >= 0 && l < p.travel.size(); }
bool valid_visit(const Problem& p, int v) { return v >= 0 && at(v) < p.visits.size(); }
bool valid_slot(const Problem& p, const Route& r) {
  return r.rep >= 0 && at(r.rep) < p.reps.size() && r.day >= 0 && r.day < p.days;
}

// Every location and visit index of the route is usable, so its legs can be read off the matrix.
bool well_formed(const Problem& p, const Route& r) {
  if (!valid_location(p, r.start_location) || !valid_location(p, r.end_location)) return false;
  return std::all_of(r.stops.begin(), r.stops.end(), [&](const Stop& s) {
    return valid_visit(p, s.visit) && valid_location(p, p.visits[at(s.visit)].location);
  });
}

// The route's legs: start → each stop → end, from the matrix only.
struct Legs {
  Distance distance = 0;
  Time drive = 0;
  Time visiting = 0;
  Load load = 0;
};

Legs legs_of(const Problem& p, Location start, const std::vector<int>& visits, Location end) {
  Legs legs;
  Location here = start;
  for (int v : visits) {
    const Visit& visit = p.visits[at(v)];
    legs.distance += p.travel.distance(here, visit.location);
    legs.drive += p.travel.time(here, visit.location);
    legs.visiting += visit.duration;
    legs.load += visit.load;
    here = visit.location;
  }
  legs.distance += p.travel.distance(here, end);
  legs.drive += p.travel.time(here, end);
  return legs;
}

std::vector<int> visits_of(const Route& r) {
  std::vector<int> v;
  v.reserve(r.stops.size());
  for (const Stop& s : r.stops) v.push_back(s.visit);
  return v;
}

Cost travel_cost(const Weights& w, const Legs& legs) {
  return w.per_distance * legs.distance + w.per_time * legs.drive;
}

// The windows a visit may take on `day`; nullopt: any time (no windows given).
std::optional<std::vector<Window>> windows_on(const Visit& v, int day) {
  if (v.windows.empty()) return std::nullopt;
  if (at(day) >= v.windows.size()) return std::vector<Window>{};
  return v.windows[at(day)];
}

// The earliest start at or after `arrival` such that the whole visit fits one window.
std::optional<Time> earliest_start(const Visit& v, int day, Time arrival) {
  const auto windows = windows_on(v, day);
  if (!windows) return arrival;
  std::optional<Time> best;
  for (const Window& w : *windows) {
    const Time s = std::max(arrival, w.open);
    if (s + v.duration <= w.close && (!best || s < *best)) best = s;
  }
  return best;
}

// The first route of each (rep, day); later duplicates are reported by the structure checks.
class Slots {
 public:
  Slots(const Problem& p, const Solution& s)
      : days_(p.days), slot_(p.reps.size() * static_cast<std::size_t>(std::max(p.days, 0))) {
    for (const Route& r : s.routes) {
      if (!valid_slot(p, r)) continue;
      const Route*& cell = slot_[index(r.rep, r.day)];
      if (cell == nullptr) cell = &r;
    }
  }
  const Route* get(int rep, int day) const { return slot_[index(rep, day)]; }

 private:
  std::size_t index(int rep, int day) const { return at(rep) * at(days_) + at(day); }
  int days_;
  std::vector<const Route*> slot_;
};

// Where the rep sleeps after each day: a day without a route keeps the rep where they slept.
// The entry for the last day is where the horizon ends.
std::vector<Location> nights_of(const Problem& p, const Slots& slots, int rep) {
  std::vector<Location> nights(at(p.days));
  Location place = p.reps[at(rep)].home;
  for (int d = 0; d < p.days; ++d) {
    if (const Route* r = slots.get(rep, d)) place = r->end_location;
    nights[at(d)] = place;
  }
  return nights;
}

int nights_away(const Problem& p, const std::vector<Location>& nights, int rep) {
  int n = 0;
  for (int d = 0; d + 1 < p.days; ++d) {
    if (nights[at(d)] != p.reps[at(rep)].home) ++n;
  }
  return n;
}

bool mixed_badly(const Problem& p, const Route& r) {
  int deep = 0, quick = 0;
  for (const Stop& s : r.stops) {
    if (!valid_visit(p, s.visit)) continue;
    const VisitType t = p.visits[at(s.visit)].type;
    if (t == VisitType::deep) ++deep;
    if (t == VisitType::quick) ++quick;
  }
  return deep + quick >= 2 && (deep == 0 || quick == 0);
}

// ---- problem shape ---------------------------------------------------------------------------

// The checks below index shifts, windows and groups by day; a malformed problem is reported
// under "problem" and nothing else is checked.
bool check_problem(const Problem& p, Report& report) {
  const std::size_t before = report.size();
  if (p.days < 1) report.add("problem", "the horizon has " + num(p.days) + " days");
  for (int r = 0; at(r) < p.reps.size(); ++r) {
    const Rep& rep = p.reps[at(r)];
    if (rep.shifts.size() != at(std::max(p.days, 0))) {
      report.add("problem", rep_name(p, r) + " has " +
                                num(static_cast<std::int64_t>(rep.shifts.size())) + " shifts for " +
                                num(p.days) + " days");
    }
    bool places_ok = valid_location(p, rep.home) && valid_location(p, rep.final_location);
    for (Location h : rep.overnight.hotels) places_ok = places_ok && valid_location(p, h);
    if (!places_ok) report.add("problem", rep_name(p, r) + " has a location outside the matrix");
  }
  for (int v = 0; at(v) < p.visits.size(); ++v) {
    const Visit& visit = p.visits[at(v)];
    if (!valid_location(p, visit.location)) {
      report.add("problem", visit_name(p, v) + " has a location outside the matrix");
    }
    if (!visit.windows.empty() && visit.windows.size() != at(std::max(p.days, 0))) {
      report.add("problem", visit_name(p, v) + " has windows for " +
                                num(static_cast<std::int64_t>(visit.windows.size())) + " days");
    }
    if (visit.group >= 0 && at(visit.group) >= p.groups.size()) {
      report.add("problem",
                 visit_name(p, v) + " names group " + num(visit.group) + " which does not exist");
    }
    if (visit.rep >= 0 && at(visit.rep) >= p.reps.size()) {
      report.add("problem", visit_name(p, v) + " is restricted to rep #" + num(visit.rep) +
                                " which does not exist");
    }
  }
  return report.size() == before;
}

// ---- structure -------------------------------------------------------------------------------

void check_structure(const Problem& p, const Solution& s, Report& report) {
  std::map<std::pair<int, int>, int> routes_per_slot;
  std::vector<int> planned(p.visits.size(), 0);
  std::vector<int> listed(p.visits.size(), 0);

  for (std::size_t i = 0; i < s.routes.size(); ++i) {
    const Route& r = s.routes[i];
    const std::string where = "route #" + num(static_cast<std::int64_t>(i));
    if (!valid_slot(p, r)) {
      report.add("route_range", where + " has rep #" + num(r.rep) + " day " + num(r.day) +
                                    ", outside " + num(static_cast<std::int64_t>(p.reps.size())) +
                                    " reps and " + num(p.days) + " days");
    } else if (++routes_per_slot[{r.rep, r.day}] == 2) {
      report.add("route_duplicate", route_name(p, r) + " has more than one route");
    }
    if (!valid_location(p, r.start_location) || !valid_location(p, r.end_location)) {
      report.add("location", where + " starts or ends at a location outside the matrix");
    }
    for (const Stop& stop : r.stops) {
      if (!valid_visit(p, stop.visit)) {
        report.add("visit_index",
                   where + " has a stop for visit #" + num(stop.visit) + " which does not exist");
        continue;
      }
      const Visit& visit = p.visits[at(stop.visit)];
      if (++planned[at(stop.visit)] == 2) {
        report.add("visit_twice", visit_name(p, stop.visit) + " is planned more than once");
      }
      if (!valid_slot(p, r)) continue;
      if (visit.rep >= 0 && visit.rep != r.rep) {
        report.add("visit_rep", visit_name(p, stop.visit) + " may only be made by " +
                                    rep_name(p, visit.rep) + ", planned for " + route_name(p, r));
      }
      if (visit.lock && (visit.lock->rep != r.rep || visit.lock->day != r.day)) {
        report.add("lock", visit_name(p, stop.visit) + " is locked on rep #" +
                               num(visit.lock->rep) + " day " + num(visit.lock->day) +
                               ", planned for " + route_name(p, r));
      }
    }
  }
  for (const Unplanned& u : s.unplanned) {
    if (!valid_visit(p, u.visit)) {
      report.add("visit_index", "unplanned visit #" + num(u.visit) + " does not exist");
      continue;
    }
    if (++listed[at(u.visit)] == 2) {
      report.add("unplanned_twice",
                 visit_name(p, u.visit) + " is listed as unplanned more than once");
    }
  }
  for (int v = 0; at(v) < p.visits.size(); ++v) {
    if (planned[at(v)] > 0 && listed[at(v)] > 0) {
      report.add("planned_and_unplanned", visit_name(p, v) + " is both planned and unplanned");
    } else if (planned[at(v)] == 0 && listed[at(v)] == 0) {
      report.add("visit_missing", visit_name(p, v) + " is neither planned nor listed as unplanned");
    }
  }
}

// ---- one route -------------------------------------------------------------------------------

void check_route(const Problem& p, const Route& r, Report& report) {
  const Rep& rep = p.reps[at(r.rep)];
  const Shift& shift = rep.shifts[at(r.day)];
  const std::string name = route_name(p, r);
  const int n = static_cast<int>(r.stops.size());

  if (n > 0 && !shift.available) report.add("unavailable", name + " has visits on a day off");
  if (r.depart < shift.start_earliest) {
    report.add("depart", name + " departs at " + num(r.depart) + ", before the shift starts at " +
                             num(shift.start_earliest));
  }

  // Which lunch, if any, the timing below includes.
  std::optional<Lunch> lunch;
  if (r.has_lunch) {
    if (!shift.lunch) {
      report.add("lunch", name + " takes a lunch break but its shift has none");
    } else if (r.lunch_after < 0 || r.lunch_after > n) {
      report.add("lunch", name + " takes lunch after stop " + num(r.lunch_after) + " of " + num(n));
    } else {
      lunch = shift.lunch;
    }
  } else if (shift.lunch && n > 0) {
    report.add("lunch", name + " has visits but no lunch break");
  }

  Time free = r.depart;  // when the rep may leave the current place
  Location here = r.start_location;
  for (int i = 0; i <= n; ++i) {
    if (lunch && r.lunch_after == i) {
      const std::string after = i == 0 ? "departure" : "the end of stop " + num(i - 1);
      if (r.lunch_start < free) {
        report.add("lunch", name + " starts lunch at " + num(r.lunch_start) + ", before " + after +
                                " at " + num(free));
      }
      if (r.lunch_start < lunch->earliest_start || r.lunch_start > lunch->latest_start) {
        report.add("lunch", name + " starts lunch at " + num(r.lunch_start) + ", outside [" +
                                num(lunch->earliest_start) + ", " + num(lunch->latest_start) + "]");
      }
      free = r.lunch_start + lunch->duration;
    }
    if (i == n) break;
    const Stop& stop = r.stops[at(i)];
    const Visit& visit = p.visits[at(stop.visit)];
    const std::string what = name + " stop " + num(i) + " (" + visit_name(p, stop.visit) + ")";
    const Time arrival = free + p.travel.time(here, visit.location);
    if (stop.arrival != arrival) {
      report.add("arrival",
                 what + " arrives at " + num(stop.arrival) + ", expected " + num(arrival));
    }
    if (stop.start < stop.arrival) {
      report.add("start", what + " starts at " + num(stop.start) + ", before arriving at " +
                              num(stop.arrival));
    }
    if (stop.end != stop.start + visit.duration) {
      report.add("duration", what + " ends at " + num(stop.end) + ", expected start + duration = " +
                                 num(stop.start + visit.duration));
    }
    if (const auto windows = windows_on(visit, r.day)) {
      if (windows->empty()) {
        report.add("closed", what + " is planned on a day it has no window");
      } else {
        const bool fits = std::any_of(windows->begin(), windows->end(), [&](const Window& w) {
          return stop.start >= w.open && stop.end <= w.close;
        });
        if (!fits) {
          report.add("window", what + " takes [" + num(stop.start) + ", " + num(stop.end) +
                                   "], inside none of its windows that day");
        }
      }
    }
    free = stop.end;
    here = visit.location;
  }

  const Time back = free + p.travel.time(here, r.end_location);
  if (r.back != back) {
    report.add("back", name + " is back at " + num(r.back) + ", expected " + num(back));
  }
  if (back > shift.end_latest) {
    report.add("shift_end", name + " is back at " + num(back) + ", after the shift ends at " +
                                num(shift.end_latest));
  }

  const Legs legs = legs_of(p, r.start_location, visits_of(r), r.end_location);
  const Time work = legs.drive + legs.visiting;
  if (legs.drive > shift.max_drive) {
    report.add("max_drive",
               name + " drives " + num(legs.drive) + ", more than " + num(shift.max_drive));
  }
  if (work > shift.max_work) {
    report.add("max_work", name + " works " + num(work) + ", more than " + num(shift.max_work));
  }
  if (legs.load > rep.capacity) {
    report.add("capacity",
               name + " carries " + num(legs.load) + ", more than " + num(rep.capacity));
  }
  if (r.distance != legs.distance || r.drive != legs.drive || r.work != work) {
    report.add("route_totals", name + " reports distance/drive/work " + num(r.distance) + "/" +
                                   num(r.drive) + "/" + num(r.work) + ", expected " +
                                   num(legs.distance) + "/" + num(legs.drive) + "/" + num(work));
  }
}

// ---- the re-timed alternative for "night_not_worth" ------------------------------------------

// True when the visits, in this order, fit the rep's day from `start` to `end` with the earliest
// schedule, lunch (if the shift has one) at the first position where the whole day then fits.
bool feasible_day(const Problem& p, int rep_index, int day, Location start,
                  const std::vector<int>& visits, Location end) {
  const Rep& rep = p.reps[at(rep_index)];
  const Shift& shift = rep.shifts[at(day)];
  const int n = static_cast<int>(visits.size());
  if (n > 0 && !shift.available) return false;
  const Legs legs = legs_of(p, start, visits, end);
  if (legs.drive > shift.max_drive || legs.drive + legs.visiting > shift.max_work ||
      legs.load > rep.capacity) {
    return false;
  }
  const bool needs_lunch = shift.lunch.has_value() && n > 0;
  auto fits_with_lunch_at = [&](int lunch_at) {
    Time t = shift.start_earliest;
    Location here = start;
    for (int i = 0; i <= n; ++i) {
      if (i == lunch_at) {
        const Time lunch_start = std::max(t, shift.lunch->earliest_start);
        if (lunch_start > shift.lunch->latest_start) return false;
        t = lunch_start + shift.lunch->duration;
      }
      if (i == n) break;
      const Visit& visit = p.visits[at(visits[at(i)])];
      const auto s = earliest_start(visit, day, t + p.travel.time(here, visit.location));
      if (!s) return false;
      t = *s + visit.duration;
      here = visit.location;
    }
    return t + p.travel.time(here, end) <= shift.end_latest;
  };
  if (!needs_lunch) return fits_with_lunch_at(-1);
  for (int k = 0; k <= n; ++k) {
    if (fits_with_lunch_at(k)) return true;
  }
  return false;
}

// ---- days and nights -------------------------------------------------------------------------

bool is_hotel(const Overnight& o, Location l) {
  return std::find(o.hotels.begin(), o.hotels.end(), l) != o.hotels.end();
}

void check_nights(const Problem& p, const Slots& slots, int r, Report& report) {
  const Rep& rep = p.reps[at(r)];
  const Overnight& o = rep.overnight;
  const std::vector<Location> nights = nights_of(p, slots, r);
  Location slept = rep.home;
  int streak = 0;
  for (int d = 0; d < p.days; ++d) {
    const Route* route = slots.get(r, d);
    const std::string name = rep_name(p, r) + " day " + num(d);
    if (route != nullptr && route->start_location != slept) {
      report.add("start_location", name + " starts at location " + num(route->start_location) +
                                       (d == 0 ? ", not at home (" + num(rep.home) + ")"
                                               : ", not where the rep slept (" + num(slept) + ")"));
    }
    const Location night = nights[at(d)];
    slept = night;
    if (d == p.days - 1) {
      if (night != rep.final_location) {
        report.add("final_location", name + " ends at location " + num(night) +
                                         ", not at the final location " + num(rep.final_location));
      }
      break;
    }
    if (!o.home_allowed && night == rep.home && !is_hotel(o, night)) {
      report.add("home_not_allowed", name + ": the rep may not sleep at home between days");
    }
    if (night == rep.home) {
      streak = 0;
      continue;
    }
    ++streak;
    const std::string after =
        rep_name(p, r) + " night after day " + num(d) + " at location " + num(night);
    if (!o.allowed) report.add("overnight_not_allowed", after + ": nights away are not allowed");
    if (!o.nights.empty() && (at(d) >= o.nights.size() || !o.nights[at(d)])) {
      report.add("overnight_day", after + ": no night away is allowed after that day");
    }
    const bool near_last = o.near_last_visit && route != nullptr && !route->stops.empty() &&
                           valid_visit(p, route->stops.back().visit) &&
                           p.visits[at(route->stops.back().visit)].location == night;
    if (!is_hotel(o, night) && !near_last) {
      report.add("hotel", after + ": neither a hotel nor the place of the day's last visit");
    }
    if (streak > o.max_consecutive_nights && streak - 1 == o.max_consecutive_nights) {
      report.add("consecutive_nights", after + " is night " + num(streak) +
                                           " away in a row, more than " +
                                           num(o.max_consecutive_nights));
    }
    // A route with an index outside the problem was reported by the structure checks.
    const Route* next = slots.get(r, d + 1);
    if (!valid_location(p, night) || (route && !well_formed(p, *route)) ||
        (next && !well_formed(p, *next))) {
      continue;
    }
    if (p.travel.distance(rep.home, night) < o.min_distance_from_home) {
      report.add("hotel_too_close", after + " is " + num(p.travel.distance(rep.home, night)) +
                                        " from home, less than " + num(o.min_distance_from_home));
    }
    // Only where the plan is consistent: a broken chain was reported as "start_location".
    if (!o.home_allowed || (next && next->start_location != night)) continue;

    // Would going home tonight, with both days' visits unchanged, cost less than the night?
    const Location before = d == 0 ? rep.home : nights[at(d - 1)];
    const Location today_start = route ? route->start_location : before;
    const std::vector<int> today = route ? visits_of(*route) : std::vector<int>{};
    const Location next_end = next ? next->end_location : night;
    const std::vector<int> tomorrow = next ? visits_of(*next) : std::vector<int>{};
    const Location tomorrow_start = next ? next->start_location : night;
    const Cost planned = travel_cost(p.weights, legs_of(p, today_start, today, night)) +
                         travel_cost(p.weights, legs_of(p, tomorrow_start, tomorrow, next_end));
    const Cost home = travel_cost(p.weights, legs_of(p, today_start, today, rep.home)) +
                      travel_cost(p.weights, legs_of(p, rep.home, tomorrow, next_end));
    if (home < planned + o.cost_per_night && feasible_day(p, r, d, today_start, today, rep.home) &&
        feasible_day(p, r, d + 1, rep.home, tomorrow, next_end)) {
      report.add("night_not_worth", after + " costs " + num(planned + o.cost_per_night) +
                                        " with travel, going home would cost " + num(home));
    }
  }
}

// ---- frequency -------------------------------------------------------------------------------

void check_frequency(const Problem& p, const Solution& s, Report& report) {
  std::vector<std::vector<std::pair<int, int>>> by_group(p.groups.size());  // (day, visit)
  for (const Route& r : s.routes) {
    if (!valid_slot(p, r)) continue;
    for (const Stop& stop : r.stops) {
      if (!valid_visit(p, stop.visit)) continue;
      const int g = p.visits[at(stop.visit)].group;
      if (g >= 0) by_group[at(g)].push_back({r.day, stop.visit});
    }
  }
  for (int g = 0; at(g) < p.groups.size(); ++g) {
    const FrequencyGroup& group = p.groups[at(g)];
    auto& planned = by_group[at(g)];
    std::sort(planned.begin(), planned.end());
    for (std::size_t i = 0; i < planned.size(); ++i) {
      for (std::size_t j = i + 1; j < planned.size(); ++j) {
        const auto [day_a, a] = planned[i];
        const auto [day_b, b] = planned[j];
        const auto pair = [&] {
          return visit_name(p, a) + " (day " + num(day_a) + ") and " + visit_name(p, b) + " (day " +
                 num(day_b) + ") of group " + num(g);
        };
        if (day_a == day_b) {
          report.add("frequency_same_day", pair() + " are on the same day");
        } else if (day_b - day_a < group.min_spacing_days) {
          report.add("frequency_spacing",
                     pair() + " are less than " + num(group.min_spacing_days) + " days apart");
        }
      }
    }
    // Windows cut by the horizon's ends hold no more than a full one, so full ones suffice.
    const int width = std::max(group.window_days, 1);
    for (int first = 0; first == 0 || first + width <= p.days; ++first) {
      const auto count = std::count_if(planned.begin(), planned.end(), [&](const auto& e) {
        return e.first >= first && e.first < first + width;
      });
      if (count > group.max_visits) {
        report.add("frequency", "group " + num(g) + " has " + num(count) + " visits in days " +
                                    num(first) + ".." + num(first + width - 1) + ", more than " +
                                    num(group.max_visits));
        break;
      }
    }
  }
}

std::string objective_differences(const Objective& got, const Objective& want) {
  std::string out;
  auto field = [&](const char* name, std::int64_t g, std::int64_t w) {
    if (g == w) return;
    if (!out.empty()) out += ", ";
    out += std::string(name) + " " + num(g) + " (expected " + num(w) + ")";
  };
  field("mandatory_planned", got.mandatory_planned, want.mandatory_planned);
  field("mandatory_total", got.mandatory_total, want.mandatory_total);
  field("routes", got.routes, want.routes);
  field("prizes", got.prizes, want.prizes);
  field("travel_cost", got.travel_cost, want.travel_cost);
  field("hotel_cost", got.hotel_cost, want.hotel_cost);
  field("penalties", got.penalties, want.penalties);
  field("value", got.value, want.value);
  field("distance", got.distance, want.distance);
  field("drive", got.drive, want.drive);
  return out;
}

}  // namespace

Objective recompute_objective(const Problem& p, const Solution& s) {
  Objective o;
  std::vector<bool> planned(p.visits.size(), false);
  for (const Route& r : s.routes) {
    if (!r.stops.empty()) ++o.routes;
    for (const Stop& stop : r.stops) {
      if (valid_visit(p, stop.visit)) planned[at(stop.visit)] = true;
    }
    if (well_formed(p, r)) {
      const Legs legs = legs_of(p, r.start_location, visits_of(r), r.end_location);
      o.distance += legs.distance;
      o.drive += legs.drive;
      o.travel_cost += travel_cost(p.weights, legs);
    }
    if (mixed_badly(p, r)) o.penalties += p.weights.mix_penalty;
  }
  for (int v = 0; at(v) < p.visits.size(); ++v) {
    const Visit& visit = p.visits[at(v)];
    const bool mandatory = visit.kind != VisitKind::optional;
    if (mandatory) ++o.mandatory_total;
    if (!planned[at(v)]) continue;
    o.prizes += visit.prize;
    if (mandatory) ++o.mandatory_planned;
  }
  if (p.days >= 1) {
    const Slots slots(p, s);
    for (int r = 0; at(r) < p.reps.size(); ++r) {
      const int away = nights_away(p, nights_of(p, slots, r), r);
      o.hotel_cost += p.reps[at(r)].overnight.cost_per_night * away;
    }
  }
  o.value = o.prizes - o.travel_cost - o.hotel_cost - o.penalties;
  return o;
}

std::vector<Violation> validate(const Problem& p, const Solution& s) {
  Report report;
  if (!check_problem(p, report)) return report.take();
  check_structure(p, s, report);
  for (const Route& r : s.routes) {
    if (valid_slot(p, r) && well_formed(p, r)) check_route(p, r, report);
  }
  const Slots slots(p, s);
  for (int r = 0; at(r) < p.reps.size(); ++r) check_nights(p, slots, r, report);
  check_frequency(p, s, report);
  const std::string diff = objective_differences(s.objective, recompute_objective(p, s));
  if (!diff.empty()) report.add("objective", "the reported objective differs: " + diff);
  return report.take();
}

}  // namespace boucle::plan
