#include "plan/replan.hpp"

#include <algorithm>

#include "plan/state.hpp"

namespace boucle::plan {

namespace {

const Route* find_route(const Solution& plan, int rep, int day) {
  for (const Route& r : plan.routes) {
    if (r.rep == rep && r.day == day) return &r;
  }
  return nullptr;
}

constexpr std::size_t MAX_NEW_CANDIDATES = 40;

bool contains(const std::vector<int>& xs, int x) { return std::find(xs.begin(), xs.end(), x) != xs.end(); }

}  // namespace

DayProblem day_problem(const Problem& problem, const Solution& plan, const FieldState& state,
                       const Change& change) {
  DayProblem out;
  Problem& p = out.problem;
  p.days = 1;
  p.weights = problem.weights;
  p.weights.minimise_routes = false;
  const Rep& rep = problem.reps.at(static_cast<std::size_t>(state.rep));
  const Route* today = find_route(plan, state.rep, state.day);
  Rep r = rep;
  r.home = state.location;
  r.final_location = today ? today->end_location
                           : (state.day == problem.days - 1 ? rep.final_location : rep.home);
  r.overnight = Overnight{};
  Shift sh = rep.shifts.at(static_cast<std::size_t>(state.day));
  sh.start_earliest = std::max(sh.start_earliest, state.now);
  // What the morning used counts against the day's limits.
  if (today) {
    Time drive = 0, work = 0;
    Location at = today->start_location;
    for (const Stop& st : today->stops) {
      if (!contains(state.done, st.visit)) continue;
      const Location l = problem.visits[static_cast<std::size_t>(st.visit)].location;
      drive += problem.travel.time(at, l);
      work += problem.travel.time(at, l) + problem.visits[static_cast<std::size_t>(st.visit)].duration;
      at = l;
    }
    drive += problem.travel.time(at, state.location);
    work += problem.travel.time(at, state.location);
    if (sh.max_drive < NO_TIME_LIMIT) sh.max_drive = std::max<Time>(0, sh.max_drive - drive);
    if (sh.max_work < NO_TIME_LIMIT) sh.max_work = std::max<Time>(0, sh.max_work - work);
  }
  if (state.lunch_taken || (sh.lunch && state.now > sh.lunch->latest_start)) sh.lunch.reset();
  r.shifts = {sh};
  p.reps = {r};

  auto add = [&](int v, VisitKind kind, Cost prize) {
    Visit x = problem.visits[static_cast<std::size_t>(v)];
    x.kind = kind;
    x.prize = prize;
    x.rep = -1;
    x.lock.reset();
    x.group = -1;
    if (!x.windows.empty()) {
      x.windows = {static_cast<std::size_t>(state.day) < x.windows.size()
                       ? x.windows[static_cast<std::size_t>(state.day)]
                       : std::vector<Window>{}};
    }
    out.original.push_back(v);
    p.visits.push_back(std::move(x));
    return static_cast<int>(p.visits.size()) - 1;
  };
  // Keeping a planned stop is worth its prize plus a bonus (a fifth of it and a quarter of an
  // hour of driving): a new plan must be clearly better to move things around.
  const Cost keep_bonus = problem.weights.per_time * 900;
  if (today) {
    for (const Stop& st : today->stops) {
      const int v = st.visit;
      if (contains(state.done, v) || contains(change.cancelled, v)) continue;
      const Visit& x = problem.visits[static_cast<std::size_t>(v)];
      const Cost prize = x.prize + x.prize / 5 + keep_bonus;
      out.kept_order.push_back(add(v, x.kind, prize));
    }
  }
  for (int v : change.urgent) {
    if (v < 0 || static_cast<std::size_t>(v) >= problem.visits.size() || contains(out.original, v)) continue;
    add(v, VisitKind::mandatory, problem.visits[static_cast<std::size_t>(v)].prize);
  }
  // Unplanned visits that may be made today can fill freed time.
  std::vector<char> planned(problem.visits.size(), 0);
  std::vector<std::vector<int>> group_days(problem.groups.size());
  for (const Route& route : plan.routes) {
    for (const Stop& st : route.stops) {
      planned[static_cast<std::size_t>(st.visit)] = 1;
      const int g = problem.visits[static_cast<std::size_t>(st.visit)].group;
      if (g >= 0 && static_cast<std::size_t>(g) < group_days.size()) group_days[static_cast<std::size_t>(g)].push_back(route.day);
    }
  }
  // Only the unplanned stores closest to where the rest of the day goes (a quick answer matters
  // more than a far-fetched one).
  std::vector<Location> anchors{state.location, r.final_location};
  for (const Visit& x : p.visits) anchors.push_back(x.location);
  std::vector<std::pair<Time, int>> nearby;
  for (int v = 0; v < static_cast<int>(problem.visits.size()); ++v) {
    const Visit& x = problem.visits[static_cast<std::size_t>(v)];
    if (planned[static_cast<std::size_t>(v)] || contains(out.original, v) || contains(change.cancelled, v)) continue;
    if (x.kind != VisitKind::optional || (x.rep >= 0 && x.rep != state.rep)) continue;
    if (x.lock && (x.lock->rep != state.rep || x.lock->day != state.day)) continue;
    if (x.group >= 0 && static_cast<std::size_t>(x.group) < group_days.size()) {
      const FrequencyGroup& fg = problem.groups[static_cast<std::size_t>(x.group)];
      const bool clash = std::any_of(group_days[static_cast<std::size_t>(x.group)].begin(),
                                     group_days[static_cast<std::size_t>(x.group)].end(), [&](int d) {
                                       return std::abs(d - state.day) < std::max(1, fg.min_spacing_days);
                                     });
      if (clash) continue;
    }
    if (!x.windows.empty() && (static_cast<std::size_t>(state.day) >= x.windows.size() ||
                               x.windows[static_cast<std::size_t>(state.day)].empty())) {
      continue;
    }
    Time nearest = NO_TIME_LIMIT;
    for (Location a : anchors) nearest = std::min(nearest, problem.travel.time(a, x.location));
    nearby.emplace_back(nearest, v);
  }
  std::sort(nearby.begin(), nearby.end());
  if (nearby.size() > MAX_NEW_CANDIDATES) nearby.resize(MAX_NEW_CANDIDATES);
  for (const auto& [t, v] : nearby) add(v, VisitKind::optional, problem.visits[static_cast<std::size_t>(v)].prize);

  // A matrix of only the places involved.
  std::vector<Location> places{r.home, r.final_location};
  for (const Visit& x : p.visits) places.push_back(x.location);
  std::sort(places.begin(), places.end());
  places.erase(std::unique(places.begin(), places.end()), places.end());
  auto index = [&](Location l) {
    return static_cast<Location>(std::lower_bound(places.begin(), places.end(), l) - places.begin());
  };
  Matrix m(static_cast<int>(places.size()));
  for (std::size_t a = 0; a < places.size(); ++a) {
    for (std::size_t b = 0; b < places.size(); ++b) {
      m.set(static_cast<Location>(a), static_cast<Location>(b), problem.travel.time(places[a], places[b]),
            problem.travel.distance(places[a], places[b]));
    }
  }
  p.travel = std::move(m);
  for (Visit& x : p.visits) x.location = index(x.location);
  p.reps[0].home = index(p.reps[0].home);
  p.reps[0].final_location = index(p.reps[0].final_location);
  out.locations = std::move(places);
  return out;
}

Solution replan_day(const Problem& problem, const Solution& plan, const FieldState& state,
                    const Change& change, const SolveOptions& options) {
  DayProblem dp = day_problem(problem, plan, state, change);
  // Start from the remaining stops in their planned order.
  Solution warm;
  Route wr;
  wr.rep = 0;
  wr.day = 0;
  for (int k : dp.kept_order) wr.stops.push_back(Stop{k, 0, 0, 0});
  warm.routes.push_back(wr);
  SolveOptions o = options;
  o.initial = &warm;
  o.threads = 1;
  if (o.max_iterations < 0) o.max_iterations = 300;
  const Solution sub = solve(dp.problem, o);

  Solution out = plan;
  const Route* today = find_route(plan, state.rep, state.day);
  Route merged;
  if (today) merged = *today;
  merged.rep = state.rep;
  merged.day = state.day;
  std::vector<Stop> stops;
  for (const Stop& st : merged.stops) {
    if (contains(state.done, st.visit)) stops.push_back(st);
  }
  const Route* sr = sub.routes.empty() ? nullptr : &sub.routes.front();
  if (sr) {
    for (Stop st : sr->stops) {
      st.visit = dp.original[static_cast<std::size_t>(st.visit)];
      stops.push_back(st);
    }
    merged.back = sr->back;
    merged.end_location = dp.locations[static_cast<std::size_t>(sr->end_location)];
    merged.distance = sr->distance;
    merged.drive = sr->drive;
    merged.work = sr->work;
    merged.has_lunch = sr->has_lunch;
    merged.lunch_start = sr->lunch_start;
    if (sr->has_lunch) {
      merged.lunch_after = sr->lunch_after + static_cast<int>(stops.size() - sr->stops.size());
    }
  }
  merged.stops = std::move(stops);
  out.routes.erase(std::remove_if(out.routes.begin(), out.routes.end(),
                                  [&](const Route& r) { return r.rep == state.rep && r.day == state.day; }),
                   out.routes.end());
  out.routes.push_back(std::move(merged));
  std::sort(out.routes.begin(), out.routes.end(), [](const Route& a, const Route& b) {
    return a.rep != b.rep ? a.rep < b.rep : a.day < b.day;
  });
  // Unplanned: everything not in any route (done visits count as planned).
  std::vector<char> in_plan(problem.visits.size(), 0);
  for (const Route& r : out.routes) {
    for (const Stop& st : r.stops) in_plan[static_cast<std::size_t>(st.visit)] = 1;
  }
  std::vector<Unplanned> unplanned;
  for (const Unplanned& u : sub.unplanned) {
    unplanned.push_back({dp.original[static_cast<std::size_t>(u.visit)], u.reason});
  }
  for (const Unplanned& u : plan.unplanned) {
    if (!in_plan[static_cast<std::size_t>(u.visit)] &&
        std::none_of(unplanned.begin(), unplanned.end(), [&](const Unplanned& x) { return x.visit == u.visit; })) {
      unplanned.push_back(u);
    }
  }
  for (int v : change.cancelled) {
    if (v >= 0 && static_cast<std::size_t>(v) < in_plan.size() && !in_plan[static_cast<std::size_t>(v)] &&
        std::none_of(unplanned.begin(), unplanned.end(), [&](const Unplanned& x) { return x.visit == v; })) {
      unplanned.push_back({v, Reason::no_time_left});
    }
  }
  std::sort(unplanned.begin(), unplanned.end(), [](const Unplanned& a, const Unplanned& b) { return a.visit < b.visit; });
  out.unplanned = std::move(unplanned);
  return out;
}

std::vector<DayOption> find_days(const Problem& problem, const Solution& plan, int visit) {
  using namespace detail;
  const Instance in(problem);
  State base(in);
  for (const Route& r : plan.routes) {
    const int ri = in.route_of(r.rep, r.day);
    std::vector<int> seq;
    for (const Stop& st : r.stops) {
      if (st.visit != visit) seq.push_back(st.visit);
    }
    base.set_places(ri, r.start_location, r.end_location);
    base.set_route(ri, seq);
  }
  std::vector<DayOption> out;
  for (int rep = 0; rep < in.reps(); ++rep) {
    for (int day = 0; day < in.days(); ++day) {
      const int r = in.route_of(rep, day);
      DayOption opt;
      opt.rep = rep;
      opt.day = day;
      if (!in.allowed(visit, r)) {
        opt.reason = Reason::closed;
        out.push_back(opt);
        continue;
      }
      if (!base.frequency_ok(visit, day)) {
        opt.reason = Reason::frequency;
        out.push_back(opt);
        continue;
      }
      State s = base;
      Cost lost = 0;
      std::vector<int> dropped;
      State::Insertion ins;
      bool ok = s.best_insertion(visit, ins, r);
      // Make room by dropping the optional visits that are worth least, up to three.
      while (!ok && dropped.size() < 3) {
        int worst = -1;
        Cost worst_value = 0;
        for (int v : s.route(r).seq) {
          if (in.mandatory(v) || problem.visits[static_cast<std::size_t>(v)].lock) continue;
          const Cost before = s.route_cost(s.route(r).total());
          State t = s;
          t.remove(v);
          const Cost value = in.prize(v) - (before - t.route_cost(t.route(r).total()));
          if (worst < 0 || value < worst_value) {
            worst = v;
            worst_value = value;
          }
        }
        if (worst < 0) break;
        s.remove(worst);
        lost += worst_value;
        dropped.push_back(worst);
        ok = s.best_insertion(visit, ins, r);
      }
      if (!ok) {
        opt.reason = Reason::no_time_left;
        out.push_back(opt);
        continue;
      }
      s.insert(visit, ins.route, ins.node);
      opt.feasible = true;
      opt.added_cost = ins.delta + lost;
      opt.added_drive = s.route(r).total().drive - base.route(r).total().drive;
      opt.dropped = dropped;
      const Route timed = timed_route(in, s.route(r), r);
      for (const Stop& st : timed.stops) {
        if (st.visit == visit) opt.start = st.start;
      }
      out.push_back(opt);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const DayOption& a, const DayOption& b) {
    if (a.feasible != b.feasible) return a.feasible;
    return a.added_cost < b.added_cost;
  });
  return out;
}

}  // namespace boucle::plan
