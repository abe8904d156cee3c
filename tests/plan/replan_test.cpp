// Re-planning the rest of a day in the field, and the day finder for a new appointment.
#include <gtest/gtest.h>

#include <algorithm>

#include "generator.hpp"
#include "plan/replan.hpp"
#include "plan/validate.hpp"

namespace boucle::plan {
namespace {

using testing::GeneratorOptions;
using testing::random_problem;

SolveOptions budget(std::int64_t iterations) {
  SolveOptions o;
  o.seed = 5;
  o.max_iterations = iterations;
  o.time_limit_seconds = 600;
  return o;
}

const Route* longest(const Solution& s) {
  const Route* best = nullptr;
  for (const auto& r : s.routes) {
    if (!best || r.stops.size() > best->stops.size()) best = &r;
  }
  return best;
}

bool planned(const Solution& s, int v) {
  for (const auto& r : s.routes) {
    for (const auto& st : r.stops) {
      if (st.visit == v) return true;
    }
  }
  return false;
}

GeneratorOptions week() {
  GeneratorOptions o;
  o.visits = 60;
  o.days = 5;
  return o;
}

TEST(Replan, KeepsDoneStopsDropsTheCancelledAndStartsFromNow) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const Problem p = random_problem(seed, week());
    const Solution plan = solve(p, budget(300));
    const Route* day = longest(plan);
    ASSERT_NE(day, nullptr);
    ASSERT_GE(day->stops.size(), 4u) << seed;
    FieldState st;
    st.rep = day->rep;
    st.day = day->day;
    st.done = {day->stops[0].visit, day->stops[1].visit};
    st.location = p.visits[static_cast<std::size_t>(day->stops[1].visit)].location;
    st.now = day->stops[1].end + 40 * 60;  // forty minutes late
    Change ch;
    ch.cancelled = {day->stops[2].visit};
    const Solution next = replan_day(p, plan, st, ch, budget(200));

    EXPECT_FALSE(planned(next, ch.cancelled[0]));
    const Route* today = nullptr;
    for (const auto& r : next.routes) {
      if (r.rep == st.rep && r.day == st.day) today = &r;
    }
    ASSERT_NE(today, nullptr);
    ASSERT_GE(today->stops.size(), 2u);
    EXPECT_EQ(today->stops[0].visit, st.done[0]);
    EXPECT_EQ(today->stops[1].visit, st.done[1]);
    for (std::size_t k = 2; k < today->stops.size(); ++k) EXPECT_GE(today->stops[k].arrival, st.now);
    // The other days are untouched.
    for (const auto& r : plan.routes) {
      if (r.rep == st.rep && r.day == st.day) continue;
      const auto same = std::find_if(next.routes.begin(), next.routes.end(), [&](const Route& x) {
        return x.rep == r.rep && x.day == r.day;
      });
      ASSERT_NE(same, next.routes.end());
      ASSERT_EQ(same->stops.size(), r.stops.size());
      for (std::size_t k = 0; k < r.stops.size(); ++k) EXPECT_EQ(same->stops[k].visit, r.stops[k].visit);
    }
    // The rest of the day, as a problem of its own, is a valid plan.
    const DayProblem dp = day_problem(p, plan, st, ch);
    const Solution sub = solve(dp.problem, budget(200));
    EXPECT_TRUE(validate(dp.problem, sub).empty());
  }
}

TEST(Replan, FitsAnUrgentVisitWhenItCan) {
  const Problem p = random_problem(3, week());
  const Solution plan = solve(p, budget(300));
  const Route* day = longest(plan);
  ASSERT_NE(day, nullptr);
  // An unplanned store open that day, or a planned one from another day made urgent.
  int urgent = -1;
  for (const auto& u : plan.unplanned) {
    const auto& w = p.visits[static_cast<std::size_t>(u.visit)].windows;
    if (w.empty() || !w[static_cast<std::size_t>(day->day)].empty()) {
      urgent = u.visit;
      break;
    }
  }
  ASSERT_GE(urgent, 0);
  FieldState st;
  st.rep = day->rep;
  st.day = day->day;
  st.location = day->start_location;
  st.now = day->depart;
  Change ch;
  ch.urgent = {urgent};
  const Solution next = replan_day(p, plan, st, ch, budget(300));
  EXPECT_TRUE(planned(next, urgent));
}

TEST(Replan, IsDeterministic) {
  const Problem p = random_problem(9, week());
  const Solution plan = solve(p, budget(200));
  const Route* day = longest(plan);
  FieldState st;
  st.rep = day->rep;
  st.day = day->day;
  st.location = day->start_location;
  st.now = day->depart + 3600;
  Change ch;
  ch.cancelled = {day->stops[0].visit};
  const Solution a = replan_day(p, plan, st, ch, budget(150));
  const Solution b = replan_day(p, plan, st, ch, budget(150));
  ASSERT_EQ(a.routes.size(), b.routes.size());
  for (std::size_t r = 0; r < a.routes.size(); ++r) {
    ASSERT_EQ(a.routes[r].stops.size(), b.routes[r].stops.size());
    for (std::size_t k = 0; k < a.routes[r].stops.size(); ++k) {
      EXPECT_EQ(a.routes[r].stops[k].visit, b.routes[r].stops[k].visit);
    }
  }
}

TEST(DayFinder, PricesEveryDayAndMarksTheClosedOnes) {
  GeneratorOptions o = week();
  Problem p = random_problem(4, o);
  // A new appointment: a store of the problem, open on the rep's first working days only.
  std::vector<int> open_days;
  for (int d = 0; d < p.days && open_days.size() < 2; ++d) {
    if (p.reps[0].shifts[static_cast<std::size_t>(d)].available) open_days.push_back(d);
  }
  ASSERT_FALSE(open_days.empty());
  Visit appt = p.visits[0];
  appt.id = "appointment";
  appt.kind = VisitKind::appointment;
  appt.group = -1;
  appt.lock.reset();
  appt.windows.assign(static_cast<std::size_t>(p.days), {});
  for (int d : open_days) appt.windows[static_cast<std::size_t>(d)] = {{10 * 3600, 12 * 3600}};
  p.visits.push_back(appt);
  const int v = static_cast<int>(p.visits.size()) - 1;
  Problem without = p;
  without.visits.back().windows.assign(static_cast<std::size_t>(p.days), {});  // plan without it
  const Solution plan = solve(without, budget(300));
  ASSERT_FALSE(planned(plan, v));

  const auto options = find_days(p, plan, v);
  ASSERT_EQ(options.size(), static_cast<std::size_t>(p.days) * p.reps.size());
  bool seen_infeasible = false;
  for (const DayOption& d : options) {
    const bool open = std::find(open_days.begin(), open_days.end(), d.day) != open_days.end();
    if (!open) {
      EXPECT_FALSE(d.feasible);
      EXPECT_EQ(d.reason, Reason::closed);
    }
    if (d.feasible) {
      EXPECT_FALSE(seen_infeasible) << "feasible days come first";
      EXPECT_GE(d.start, 10 * 3600);
      EXPECT_LE(d.start + appt.duration, 12 * 3600);
    } else {
      seen_infeasible = true;
    }
  }
  EXPECT_TRUE(options.front().feasible);
  for (std::size_t k = 1; k < options.size(); ++k) {
    if (options[k].feasible) {
      EXPECT_LE(options[k - 1].added_cost, options[k].added_cost);
    }
  }
}

}  // namespace
}  // namespace boucle::plan
