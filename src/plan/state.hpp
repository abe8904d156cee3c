#pragma once

#include <algorithm>
#include <limits>
#include <span>
#include <vector>

#include "plan/instance.hpp"
#include "plan/solution.hpp"

// A solution under search: the visit sequence of every (rep, day) route, with the forward and
// backward time data that make a feasibility check O(1) per explicit node (Savelsbergh-style
// earliest departure / latest departure, split in two states: lunch still to take, lunch taken).
namespace boucle::plan::detail {

// xorshift-style generator: fixed algorithm, so a seed means the same thing everywhere.
struct Rng {
  std::uint64_t s;
  explicit Rng(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ULL + 0x632BE59BD9B4E019ULL) {
    if (s == 0) s = 1;
  }
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  int below(int n) { return n <= 0 ? 0 : static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
};

// Ready to leave `ready` after lunch taken as soon as allowed; INF if its window has passed.
// Without a lunch (zero-length, always allowed) this is `ready` itself.
inline Time lunch_at(const DayShift& s, Time ready) {
  if (!reachable(ready)) return INF;
  const Time start = std::max(ready, s.lunch_earliest);
  return start > s.lunch_latest ? INF : start + s.lunch_duration;
}

// Totals along a route; added and subtracted as prefix/suffix sums.
struct Acc {
  Time drive = 0;
  Time service = 0;
  Load load = 0;
  Cost cost = 0;
  Distance distance = 0;
  int deep = 0;
  int quick = 0;
  Acc& operator+=(const Acc& o) {
    drive += o.drive; service += o.service; load += o.load; cost += o.cost;
    distance += o.distance; deep += o.deep; quick += o.quick;
    return *this;
  }
  Acc& operator-=(const Acc& o) {
    drive -= o.drive; service -= o.service; load -= o.load; cost -= o.cost;
    distance -= o.distance; deep -= o.deep; quick -= o.quick;
    return *this;
  }
};

struct RouteData {
  std::vector<int> seq;  // visits in order
  Location start = 0;
  Location end = 0;
  // Index i: 0 = the start place, 1..n = after visit i. Departure times from node i.
  std::vector<Time> f0, f1;  // earliest, lunch pending / lunch taken
  std::vector<Time> b0, b1;  // latest, lunch pending / lunch taken
  // acc[i]: totals through node i (arcs up to it and its own visit); acc[n+1] includes the way
  // to the end place.
  std::vector<Acc> acc;
  bool feasible = true;
  int size() const { return static_cast<int>(seq.size()); }
  const Acc& total() const { return acc.back(); }
};

// A route being assembled from a prefix, explicit visits and a suffix, checked as it goes.
struct Cursor {
  Time d0 = 0, d1 = 0;  // earliest departure, lunch pending / taken
  Location at = 0;
  Acc acc;
  int visits = 0;
  bool ok = true;
};

class State {
 public:
  explicit State(const Instance& in);

  const Instance& instance() const { return *in_; }
  const RouteData& route(int r) const { return routes_[static_cast<std::size_t>(r)]; }
  int route_of(int v) const { return route_of_[static_cast<std::size_t>(v)]; }
  int pos_of(int v) const { return pos_of_[static_cast<std::size_t>(v)]; }  // 1-based node index
  bool assigned(int v) const { return route_of(v) >= 0; }

  // Builds the route from scratch (recomputes every derived array).
  void set_route(int r, std::vector<int> seq);
  // Replaces several routes at once (visits may move between them).
  void set_routes(const std::vector<std::pair<int, std::vector<int>>>& routes);
  void set_places(int r, Location start, Location end);
  void insert(int v, int r, int node);  // v becomes node `node` (1-based) of route r
  void remove(int v);

  // --- evaluation primitives (no state change) ---
  Cursor cursor_after(int r, int i) const;  // departure state after node i of route r
  void step(Cursor& c, int target, int v) const;
  // Closes a cursor on route `target`: with the suffix of route `suf` from node j (1..n+1) or
  // none; returns the candidate's totals, or ok = false.
  Cursor close(Cursor c, int target, int suf, int j) const;
  Cursor evaluate(int target, int i, std::span<const int> mid, int suf, int j) const;
  bool limits_ok(const Cursor& c, int target) const;
  bool compatible(int target, int suf) const;

  // Cost of a route's totals including the soft mix penalty; empty routes cost their travel.
  Cost route_cost(const Acc& a) const;
  // Frequency rules for v if placed on `day` (ignoring v's own current placement).
  bool frequency_ok(int v, int day) const;

  // Best insertion of v anywhere (or on one route), by net gain; returns false if none.
  struct Insertion {
    int route = -1;
    int node = 0;
    Cost delta = 0;  // added route cost (travel + penalty)
  };
  // Only insertions cheaper than `bound` are considered.
  bool best_insertion(int v, Insertion& best, int only_route = -1, double blink = 0.0,
                      Rng* rng = nullptr, Cost bound = std::numeric_limits<Cost>::max()) const;
  // O(1) check and added cost of inserting v after node i of route r (frequency not checked).
  bool insertion_delta(int v, int r, int i, Cost& delta) const;

  // Scalar objective (lower is better): mandatory missing × big + routes × big − value.
  Cost scalar() const;
  bool all_feasible() const {
    for (const auto& rd : routes_) {
      if (!rd.feasible) return false;
    }
    return true;
  }
  // The part of scalar() that is travel, penalties and hotels.
  Cost travel_part() const;
  Objective objective() const;
  Cost hotel_cost() const;
  int nights_away(int rep) const;
  int used_routes() const;
  int missing_mandatory() const;
  Cost prizes() const;
  std::vector<int> unassigned() const;

  Solution to_solution() const;

 private:
  void rebuild(int r);
  const Instance* in_;
  std::vector<RouteData> routes_;
  std::vector<int> route_of_;
  std::vector<int> pos_of_;
};

// The timed Route (earliest schedule, best lunch gap) of route r.
Route timed_route(const Instance& in, const RouteData& rd, int r);

}  // namespace boucle::plan::detail
