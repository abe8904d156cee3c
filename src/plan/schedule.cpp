#include <algorithm>

#include "plan/state.hpp"

// Turning a route's sequence into a timed Route for the caller: earliest schedule, lunch at the
// gap that brings the rep home earliest, departure pushed back to remove waiting at the first
// store.
namespace boucle::plan::detail {

namespace {

struct Timed {
  bool ok = false;
  Route route;
};

Timed time_route(const Instance& in, const RouteData& rd, int r, int lunch_gap) {
  Timed out;
  Route& x = out.route;
  const DayShift& sh = in.shift(r);
  const int day = in.route_day(r);
  x.rep = in.route_rep(r);
  x.day = day;
  x.start_location = rd.start;
  x.end_location = rd.end;
  const int n = rd.size();
  Time t = sh.start_earliest;
  Location at = rd.start;
  x.depart = t;
  auto take_lunch = [&](int after) {
    const Time s = std::max(t, sh.lunch_earliest);
    if (s > sh.lunch_latest) return false;
    x.has_lunch = true;
    x.lunch_after = after;
    x.lunch_start = s;
    t = s + sh.lunch_duration;
    return true;
  };
  const bool lunch = sh.has_lunch && n > 0;
  if (lunch && lunch_gap == 0 && !take_lunch(0)) return out;
  for (int k = 1; k <= n; ++k) {
    const int v = rd.seq[static_cast<std::size_t>(k - 1)];
    Stop s;
    s.visit = v;
    const Time leg = in.time(at, in.loc(v));
    s.arrival = t + leg;
    s.start = in.earliest_start(v, day, s.arrival);
    if (!reachable(s.start)) return out;
    s.end = s.start + in.duration(v);
    x.drive += leg;
    x.distance += in.distance(at, in.loc(v));
    x.work += leg + in.duration(v);
    t = s.end;
    at = in.loc(v);
    x.stops.push_back(s);
    if (lunch && lunch_gap == k && !take_lunch(k)) return out;
  }
  const Time leg = in.time(at, rd.end);
  x.drive += leg;
  x.work += leg;
  x.distance += in.distance(at, rd.end);
  x.back = t + leg;
  if (reachable(sh.end_latest) && x.back > sh.end_latest) return out;
  // Leave later when the first store is not open yet (nothing else moves).
  if (!x.stops.empty() && !(x.has_lunch && x.lunch_after == 0)) {
    Stop& first = x.stops.front();
    const Time leg0 = first.arrival - x.depart;
    x.depart = first.start - leg0;
    first.arrival = first.start;
  }
  out.ok = true;
  return out;
}

}  // namespace

Route timed_route(const Instance& in, const RouteData& rd, int r) {
  const int n = rd.size();
  const bool lunch = in.shift(r).has_lunch && n > 0;
  Timed best;
  for (int g = 0; g <= (lunch ? n : 0); ++g) {
    Timed t = time_route(in, rd, r, g);
    if (!t.ok) continue;
    if (!best.ok || t.route.back < best.route.back) best = std::move(t);
  }
  if (!best.ok) best = time_route(in, rd, r, 0);  // infeasible: still report something
  return best.route;
}

Solution State::to_solution() const {
  Solution s;
  for (int r = 0; r < in_->routes(); ++r) {
    const RouteData& rd = route(r);
    if (rd.seq.empty() && rd.start == rd.end) continue;
    s.routes.push_back(timed_route(*in_, rd, r));
  }
  for (int v = 0; v < in_->visits(); ++v) {
    if (!assigned(v)) s.unplanned.push_back({v, Reason::no_time_left});
  }
  s.objective = objective();
  return s;
}

}  // namespace boucle::plan::detail
