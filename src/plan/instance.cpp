#include "plan/instance.hpp"

#include <algorithm>
#include <numeric>

#include "core/assert.hpp"

namespace boucle::plan::detail {

namespace {
constexpr std::size_t NEIGHBOURS = 40;
}

Instance::Instance(const Problem& problem)
    : problem_(&problem),
      n_visits_(static_cast<int>(problem.visits.size())),
      days_(std::max(1, problem.days)),
      n_reps_(static_cast<int>(problem.reps.size())),
      n_loc_(problem.travel.size()) {
  const auto nv = static_cast<std::size_t>(n_visits_);
  loc_.resize(nv);
  dur_.resize(nv);
  prize_.resize(nv);
  load_.resize(nv);
  mandatory_.resize(nv);
  for (std::size_t v = 0; v < nv; ++v) {
    const Visit& x = problem.visits[v];
    BOUCLE_ASSERT(x.location >= 0 && x.location < n_loc_, "visit location outside the matrix");
    loc_[v] = x.location;
    dur_[v] = x.duration;
    prize_[v] = x.prize;
    load_[v] = x.load;
    mandatory_[v] = x.kind != VisitKind::optional ? 1 : 0;
  }

  arc_cost_.resize(static_cast<std::size_t>(n_loc_) * static_cast<std::size_t>(n_loc_));
  double arc_sum = 0;
  for (Location a = 0; a < n_loc_; ++a) {
    for (Location b = 0; b < n_loc_; ++b) {
      const Cost c = problem.weights.per_distance * problem.travel.distance(a, b) +
                     problem.weights.per_time * problem.travel.time(a, b);
      arc_cost_[static_cast<std::size_t>(a) * static_cast<std::size_t>(n_loc_) +
                static_cast<std::size_t>(b)] = c;
      arc_sum += static_cast<double>(c);
    }
  }
  if (n_loc_ > 1) typical_arc_cost_ = std::max(1.0, arc_sum / (double(n_loc_) * double(n_loc_ - 1)));

  shifts_.resize(static_cast<std::size_t>(routes()));
  for (int r = 0; r < routes(); ++r) {
    const Rep& rep = problem.reps[static_cast<std::size_t>(route_rep(r))];
    const auto d = static_cast<std::size_t>(route_day(r));
    DayShift s;
    if (d < rep.shifts.size()) {
      const Shift& x = rep.shifts[d];
      s.available = x.available;
      s.start_earliest = x.start_earliest;
      s.end_latest = std::min(x.end_latest, INF);
      s.max_work = std::min(x.max_work, INF);
      s.max_drive = std::min(x.max_drive, INF);
      if (x.lunch) {
        s.has_lunch = true;
        s.lunch_earliest = x.lunch->earliest_start;
        s.lunch_latest = x.lunch->latest_start;
        s.lunch_duration = x.lunch->duration;
      }
    } else {
      s.available = false;
    }
    shifts_[static_cast<std::size_t>(r)] = s;
  }

  // Windows per (visit, day), sorted by opening.
  win_begin_.assign(nv * static_cast<std::size_t>(days_) + 1, 0);
  for (std::size_t v = 0; v < nv; ++v) {
    const Visit& x = problem.visits[v];
    for (int d = 0; d < days_; ++d) {
      win_begin_[v * static_cast<std::size_t>(days_) + static_cast<std::size_t>(d)] =
          static_cast<int>(windows_.size());
      if (x.windows.empty()) {
        windows_.push_back({-INF, INF});
      } else if (static_cast<std::size_t>(d) < x.windows.size()) {
        std::vector<Window> ws = x.windows[static_cast<std::size_t>(d)];
        std::sort(ws.begin(), ws.end(), [](const Window& a, const Window& b) { return a.open < b.open; });
        for (const Window& w : ws) {
          if (w.close - w.open >= x.duration) windows_.push_back(w);
        }
      }
    }
  }
  win_begin_.back() = static_cast<int>(windows_.size());

  allowed_.assign(nv * static_cast<std::size_t>(routes()), 0);
  double prize_sum = 0;
  for (std::size_t v = 0; v < nv; ++v) {
    const Visit& x = problem.visits[v];
    prize_sum += static_cast<double>(x.prize);
    for (int r = 0; r < routes(); ++r) {
      const int rep = route_rep(r), day = route_day(r);
      bool ok = shifts_[static_cast<std::size_t>(r)].available;
      ok = ok && (x.rep < 0 || x.rep == rep);
      ok = ok && (!x.lock || (x.lock->rep == rep && x.lock->day == day));
      const auto k = v * static_cast<std::size_t>(days_) + static_cast<std::size_t>(day);
      ok = ok && win_begin_[k + 1] > win_begin_[k];
      allowed_[v * static_cast<std::size_t>(routes()) + static_cast<std::size_t>(r)] = ok ? 1 : 0;
    }
  }
  if (nv > 0) typical_prize_ = prize_sum / double(nv);

  // Level weights: one mandatory visit outweighs any value; one route outweighs any travel.
  Cost max_arc = 0;
  for (Cost c : arc_cost_) max_arc = std::max(max_arc, c);
  Cost prizes = 0;
  for (Cost p : prize_) prizes += std::max<Cost>(0, p);
  const Cost any_value = prizes + max_arc * (static_cast<Cost>(nv) + 2 * routes() + 2) + 1;
  route_weight_ = problem.weights.minimise_routes ? any_value : 0;
  mandatory_weight_ = any_value + route_weight_ * (routes() + 1);

  groups_.resize(problem.groups.size());
  for (std::size_t v = 0; v < nv; ++v) {
    const int g = problem.visits[v].group;
    if (g >= 0 && static_cast<std::size_t>(g) < groups_.size()) groups_[static_cast<std::size_t>(g)].push_back(static_cast<int>(v));
    if (problem.visits[v].rep >= 0) rep_restrictions_ = true;
  }

  neighbours_.resize(nv);
  std::vector<int> order(nv);
  for (std::size_t v = 0; v < nv; ++v) {
    std::iota(order.begin(), order.end(), 0);
    auto key = [&](int w) {
      return std::min(cost(loc_[v], loc_[static_cast<std::size_t>(w)]),
                      cost(loc_[static_cast<std::size_t>(w)], loc_[v]));
    };
    const std::size_t k = std::min(NEIGHBOURS, nv - 1);
    order.erase(order.begin() + static_cast<std::ptrdiff_t>(v));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                      [&](int a, int b) { return key(a) != key(b) ? key(a) < key(b) : a < b; });
    neighbours_[v].assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k));
    order.resize(nv);
  }
}

Time Instance::earliest_start(int v, int day, Time arrival) const {
  if (!reachable(arrival)) return INF;
  const auto k = static_cast<std::size_t>(v) * static_cast<std::size_t>(days_) + static_cast<std::size_t>(day);
  const Time d = dur_[static_cast<std::size_t>(v)];
  for (int i = win_begin_[k]; i < win_begin_[k + 1]; ++i) {
    const Window& w = windows_[static_cast<std::size_t>(i)];
    const Time s = std::max(arrival, w.open);
    if (s + d <= w.close) return s;
  }
  return INF;
}

Time Instance::latest_start(int v, int day, Time latest) const {
  if (latest <= -INF / 2) return -INF;
  latest = std::min(latest, INF);
  const auto k = static_cast<std::size_t>(v) * static_cast<std::size_t>(days_) + static_cast<std::size_t>(day);
  const Time d = dur_[static_cast<std::size_t>(v)];
  for (int i = win_begin_[k + 1] - 1; i >= win_begin_[k]; --i) {
    const Window& w = windows_[static_cast<std::size_t>(i)];
    const Time s = std::min(latest, w.close - d);
    if (s >= w.open) return s;
  }
  return -INF;
}

}  // namespace boucle::plan::detail
