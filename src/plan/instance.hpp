#pragma once

#include <cstdint>
#include <vector>

#include "plan/model.hpp"

// The solver's flattened, read-only view of a Problem: dense arrays, per-(visit, day) windows,
// arc costs, neighbour lists. Built once per solve.
namespace boucle::plan::detail {

inline constexpr Time INF = std::int64_t{1} << 50;

inline bool reachable(Time t) { return t < INF / 2 && t > -INF / 2; }

struct DayShift {
  bool available = true;
  Time start_earliest = 0;
  Time end_latest = INF;
  Time max_work = INF;
  Time max_drive = INF;
  // Lunch: earliest/latest start and duration; no lunch = a zero-length break that is always
  // possible, so one code path serves both.
  Time lunch_earliest = -INF;
  Time lunch_latest = INF;
  Time lunch_duration = 0;
  bool has_lunch = false;
};

class Instance {
 public:
  explicit Instance(const Problem& problem);

  const Problem& problem() const { return *problem_; }
  int visits() const { return n_visits_; }
  int days() const { return days_; }
  int reps() const { return n_reps_; }
  int routes() const { return n_reps_ * days_; }
  int route_rep(int r) const { return r / days_; }
  int route_day(int r) const { return r % days_; }
  int route_of(int rep, int day) const { return rep * days_ + day; }

  Location loc(int v) const { return loc_[static_cast<std::size_t>(v)]; }
  Time duration(int v) const { return dur_[static_cast<std::size_t>(v)]; }
  Cost prize(int v) const { return prize_[static_cast<std::size_t>(v)]; }
  Load load(int v) const { return load_[static_cast<std::size_t>(v)]; }
  bool mandatory(int v) const { return mandatory_[static_cast<std::size_t>(v)] != 0; }
  VisitType type(int v) const { return problem_->visits[static_cast<std::size_t>(v)].type; }
  int group(int v) const { return problem_->visits[static_cast<std::size_t>(v)].group; }

  Time time(Location a, Location b) const { return problem_->travel.time(a, b); }
  Distance distance(Location a, Location b) const { return problem_->travel.distance(a, b); }
  Cost cost(Location a, Location b) const {
    return arc_cost_[static_cast<std::size_t>(a) * static_cast<std::size_t>(n_loc_) +
                     static_cast<std::size_t>(b)];
  }

  const DayShift& shift(int route) const { return shifts_[static_cast<std::size_t>(route)]; }

  // May visit v be made on route r at all (rep, lock, an open window that day)?
  bool allowed(int v, int r) const {
    return allowed_[static_cast<std::size_t>(v) * static_cast<std::size_t>(routes()) +
                    static_cast<std::size_t>(r)] != 0;
  }

  // Earliest start >= arrival such that the whole visit fits one window of `day`; INF if none.
  Time earliest_start(int v, int day, Time arrival) const;
  // Latest start <= latest such that the whole visit fits one window of `day`; -INF if none.
  Time latest_start(int v, int day, Time latest) const;

  // Visits sharing frequency group g.
  const std::vector<int>& group_members(int g) const { return groups_[static_cast<std::size_t>(g)]; }
  bool rep_restrictions() const { return rep_restrictions_; }

  // Visits nearest to v (by arc cost, both directions), nearest first.
  const std::vector<int>& neighbours(int v) const { return neighbours_[static_cast<std::size_t>(v)]; }

  // Scalar used by the search: lexicographic levels folded with big multipliers.
  Cost mandatory_weight() const { return mandatory_weight_; }
  Cost route_weight() const { return route_weight_; }
  // A typical arc cost and a typical prize, for temperatures.
  double typical_arc_cost() const { return typical_arc_cost_; }
  double typical_prize() const { return typical_prize_; }

 private:
  const Problem* problem_;
  int n_visits_ = 0;
  int days_ = 1;
  int n_reps_ = 0;
  int n_loc_ = 0;
  std::vector<Location> loc_;
  std::vector<Time> dur_;
  std::vector<Cost> prize_;
  std::vector<Load> load_;
  std::vector<char> mandatory_;
  std::vector<Cost> arc_cost_;
  std::vector<DayShift> shifts_;
  std::vector<char> allowed_;
  std::vector<int> win_begin_;  // [v * days + d] → first window index; size visits*days + 1
  std::vector<Window> windows_;
  std::vector<std::vector<int>> neighbours_;
  std::vector<std::vector<int>> groups_;
  bool rep_restrictions_ = false;
  Cost mandatory_weight_ = 0;
  Cost route_weight_ = 0;
  double typical_arc_cost_ = 1;
  double typical_prize_ = 0;
};

}  // namespace boucle::plan::detail
