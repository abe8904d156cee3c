// The solver on seeded random problems, every plan re-checked by the independent validator.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "generator.hpp"
#include "plan/solver.hpp"
#include "plan/travel.hpp"
#include "plan/validate.hpp"

namespace boucle::plan {
namespace {

using testing::GeneratorOptions;
using testing::random_problem;

SolveOptions budget(std::int64_t iterations, std::uint64_t seed = 7) {
  SolveOptions o;
  o.seed = seed;
  o.max_iterations = iterations;
  o.time_limit_seconds = 600;  // the iteration budget decides: results do not depend on speed
  return o;
}

std::string describe(const std::vector<Violation>& vs) {
  std::string s;
  for (const auto& v : vs) s += v.rule + ": " + v.message + "\n";
  return s;
}

void expect_same(const Solution& a, const Solution& b) {
  ASSERT_EQ(a.routes.size(), b.routes.size());
  for (std::size_t r = 0; r < a.routes.size(); ++r) {
    EXPECT_EQ(a.routes[r].rep, b.routes[r].rep);
    EXPECT_EQ(a.routes[r].day, b.routes[r].day);
    EXPECT_EQ(a.routes[r].end_location, b.routes[r].end_location);
    ASSERT_EQ(a.routes[r].stops.size(), b.routes[r].stops.size());
    for (std::size_t k = 0; k < a.routes[r].stops.size(); ++k) {
      EXPECT_EQ(a.routes[r].stops[k].visit, b.routes[r].stops[k].visit);
      EXPECT_EQ(a.routes[r].stops[k].start, b.routes[r].stops[k].start);
    }
  }
  EXPECT_EQ(a.objective.value, b.objective.value);
}

struct Case {
  const char* name;
  GeneratorOptions options;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  GeneratorOptions plain;
  plain.visits = 40;
  out.push_back({"plain", plain});
  GeneratorOptions rich = plain;
  rich.visits = 60;
  rich.reps = 2;
  rich.fixed_appointments = 2;
  rich.day_appointments = 1;
  rich.week_appointments = 1;
  rich.frequency_groups = 3;
  rich.locks = 2;
  rich.typed_share = 0.6;
  rich.restricted_share = 0.2;
  out.push_back({"rich", rich});
  GeneratorOptions far = plain;
  far.radius_km = 140;
  far.overnight = true;
  far.visits = 50;
  out.push_back({"overnight", far});
  GeneratorOptions euclid;
  euclid.euclidean = true;
  euclid.visits = 50;
  euclid.reps = 3;
  euclid.days = 1;
  out.push_back({"euclidean", euclid});
  return out;
}

TEST(Solver, EveryPlanPassesTheIndependentValidator) {
  for (const Case& c : cases()) {
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
      const Problem p = random_problem(seed, c.options);
      const Solution s = solve(p, budget(400, seed));
      const auto violations = validate(p, s);
      EXPECT_TRUE(violations.empty()) << c.name << " seed " << seed << "\n" << describe(violations);
      // Every visit is accounted for exactly once.
      std::multiset<int> seen;
      for (const auto& r : s.routes) {
        for (const auto& st : r.stops) seen.insert(st.visit);
      }
      for (const auto& u : s.unplanned) seen.insert(u.visit);
      EXPECT_EQ(seen.size(), p.visits.size()) << c.name;
      for (int v = 0; v < static_cast<int>(p.visits.size()); ++v) EXPECT_EQ(seen.count(v), 1u);
    }
  }
}

TEST(Solver, NightsAwayStayValidWhenRoutesChange) {
  // Hotels "near the last visit" must follow the day's last visit as the search moves visits.
  GeneratorOptions o;
  o.visits = 60;
  o.days = 5;
  o.reps = 2;
  o.radius_km = 150;
  o.overnight = true;
  o.frequency_groups = 3;
  o.fixed_appointments = 2;
  o.day_appointments = 2;
  o.week_appointments = 2;
  o.locks = 3;
  o.typed_share = 0.4;
  o.restricted_share = 0.2;
  o.lunch_closure_share = 0.5;
  o.mandatory_share = 0.2;
  int nights = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Problem p = random_problem(seed, o);
    const Solution s = solve(p, budget(seed == 6 || seed == 16 ? 2000 : 300, 1));
    const auto violations = validate(p, s);
    EXPECT_TRUE(violations.empty()) << "seed " << seed << "\n" << describe(violations);
    for (const auto& r : s.routes) {
      if (r.day + 1 < p.days && r.end_location != p.reps[static_cast<std::size_t>(r.rep)].home) ++nights;
    }
  }
  EXPECT_GT(nights, 0);  // the far territory does use hotels
}

TEST(Solver, ReachesAFarClusterBySleepingNextToIt) {
  // A rep in Lyon and ten stores around Toulouse, about 4 h 30 away: a day trip leaves time for
  // one or two visits; a night next to the last store of the day makes room for all of them.
  Problem p;
  p.days = 3;
  std::vector<core::GeoPoint> points{{45.76, 4.84}};
  for (int k = 0; k < 10; ++k) points.push_back({43.60 + 0.01 * (k % 4), 1.44 + 0.012 * (k / 4)});
  p.travel = road_matrix(RoadModel{}, points);
  Rep r;
  r.id = "lyon";
  Shift sh;
  sh.start_earliest = 7 * 3600;
  sh.end_latest = 20 * 3600;
  sh.max_drive = 10 * 3600;
  sh.lunch = Lunch{12 * 3600, 14 * 3600, 2700};
  r.shifts = {sh, sh, sh};
  r.overnight.allowed = true;
  r.overnight.cost_per_night = 90'000'000;
  r.overnight.near_last_visit = true;
  r.overnight.min_distance_from_home = 50'000;
  p.reps = {r};
  p.weights.per_distance = 300;
  p.weights.per_time = 6944;
  for (int k = 1; k <= 10; ++k) {
    Visit v;
    v.id = "toulouse-" + std::to_string(k);
    v.location = k;
    v.duration = 2700;
    v.prize = 150'000'000;
    p.visits.push_back(v);
  }
  const Solution s = solve(p, budget(3000));
  EXPECT_TRUE(validate(p, s).empty()) << describe(validate(p, s));
  int planned = 0, nights = 0;
  for (const auto& route : s.routes) {
    planned += static_cast<int>(route.stops.size());
    if (route.day + 1 < p.days && route.end_location != 0) ++nights;
  }
  EXPECT_GE(nights, 1);
  EXPECT_GE(planned, 8);
}

TEST(Solver, SameInputAndSeedGiveTheSamePlan) {
  for (const Case& c : cases()) {
    const Problem p = random_problem(11, c.options);
    expect_same(solve(p, budget(300, 3)), solve(p, budget(300, 3)));
  }
}

TEST(Solver, TwoThreadsAreDeterministicUnderAnIterationBudget) {
  const Problem p = random_problem(5, cases()[1].options);
  SolveOptions o = budget(200, 9);
  o.threads = 2;
  const Solution a = solve(p, o), b = solve(p, o);
  expect_same(a, b);
  EXPECT_TRUE(validate(p, a).empty());
}

TEST(Solver, MoreIterationsNeverEndWorse) {
  const Problem p = random_problem(21, cases()[0].options);
  const Solution few = solve(p, budget(20));
  const Solution many = solve(p, budget(1500));
  EXPECT_FALSE(better(few.objective, many.objective, p.weights));
}

TEST(Solver, ReportsProgressOnlyWhenTheBestImproves) {
  const Problem p = random_problem(4, cases()[0].options);
  SolveOptions o = budget(500);
  std::vector<Progress> seen;
  o.on_improve = [&](const Progress& pr) { seen.push_back(pr); };
  const Solution s = solve(p, o);
  ASSERT_FALSE(seen.empty());
  for (std::size_t k = 1; k < seen.size(); ++k) {
    EXPECT_TRUE(better(seen[k].best, seen[k - 1].best, p.weights)) << k;
  }
  EXPECT_FALSE(better(seen.back().best, s.objective, p.weights));
}

TEST(Solver, LockedVisitsStayOnTheirDay) {
  GeneratorOptions o = cases()[1].options;
  o.locks = 4;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    const Problem p = random_problem(seed, o);
    const Solution s = solve(p, budget(200, seed));
    for (const auto& r : s.routes) {
      for (const auto& st : r.stops) {
        const auto& lock = p.visits[static_cast<std::size_t>(st.visit)].lock;
        if (lock) {
          EXPECT_EQ(lock->rep, r.rep);
          EXPECT_EQ(lock->day, r.day);
        }
      }
    }
  }
}

TEST(Solver, StartingFromItsOwnPlanKeepsAtLeastItsValue) {
  const Problem p = random_problem(8, cases()[1].options);
  const Solution first = solve(p, budget(300));
  SolveOptions again = budget(50);
  again.initial = &first;
  const Solution second = solve(p, again);
  EXPECT_FALSE(better(first.objective, second.objective, p.weights));
  EXPECT_TRUE(validate(p, second).empty()) << describe(validate(p, second));
}

// A tiny hand-built week: home at 0, stores on a line (1 km ≈ 60 s), windows per case.
Problem line_problem() {
  Problem p;
  p.days = 2;
  const int n = 6;
  p.travel = Matrix(n);
  for (int a = 0; a < n; ++a) {
    for (int b = 0; b < n; ++b) p.travel.set(a, b, std::abs(a - b) * 600, std::abs(a - b) * 10'000);
  }
  p.travel.set(0, 5, 40'000, 400'000);  // location 5 is far away
  p.travel.set(5, 0, 40'000, 400'000);
  for (int a = 1; a < 5; ++a) {
    p.travel.set(a, 5, 40'000, 400'000);
    p.travel.set(5, a, 40'000, 400'000);
  }
  Rep r;
  r.id = "rep";
  Shift sh;
  sh.start_earliest = 8 * 3600;
  sh.end_latest = 18 * 3600;
  sh.lunch = Lunch{12 * 3600, 13 * 3600, 3600};
  r.shifts = {sh, sh};
  p.reps = {r};
  p.weights.per_distance = 300;
  p.weights.per_time = 6944;
  auto visit = [&](std::string id, Location l, Cost prize) {
    Visit v;
    v.id = std::move(id);
    v.location = l;
    v.duration = 1800;
    v.prize = prize;
    p.visits.push_back(v);
  };
  visit("open", 1, 50'000'000);
  visit("closed", 2, 50'000'000);
  p.visits.back().windows = {{}, {}};
  visit("far", 5, 50'000'000);
  visit("cheap", 4, 1);
  return p;
}

TEST(Solver, UnplannedVisitsComeBackWithTheirReason) {
  const Problem p = line_problem();
  const Solution s = solve(p, budget(200));
  EXPECT_TRUE(validate(p, s).empty()) << describe(validate(p, s));
  std::map<std::string, Reason> reasons;
  for (const auto& u : s.unplanned) reasons[p.visits[static_cast<std::size_t>(u.visit)].id] = u.reason;
  EXPECT_EQ(reasons.count("open"), 0u);
  EXPECT_EQ(reasons.at("closed"), Reason::closed);
  EXPECT_EQ(reasons.at("far"), Reason::unreachable);
  EXPECT_EQ(reasons.at("cheap"), Reason::not_worth_detour);
}

TEST(Solver, TheWholeVisitFitsItsWindowNotOnlyItsStart) {
  Problem p = line_problem();
  p.visits.resize(1);
  // Open 09:00-09:20 only: a 30-minute visit cannot be made even though it could start at 9:00.
  p.visits[0].windows = {{{9 * 3600, 9 * 3600 + 1200}}, {{9 * 3600, 9 * 3600 + 1200}}};
  const Solution s = solve(p, budget(50));
  ASSERT_EQ(s.unplanned.size(), 1u);
  EXPECT_EQ(s.unplanned[0].reason, Reason::closed);
}

TEST(Solver, InsertsBetweenVisitsWhenTheDayHasNoEndTime) {
  // Orienteering-like: no end of shift, only a driving limit. Home at 0, stores at 1, 2, 3 on a
  // line; all three fit only as 0-1-2-3-0, and the prizes make the greedy insert 3 and 1 first,
  // so 2 must go between them (a regression: unbounded days once refused every middle insertion).
  Problem p;
  p.days = 1;
  p.travel = Matrix(4);
  for (int a = 0; a < 4; ++a) {
    for (int b = 0; b < 4; ++b) p.travel.set(a, b, std::abs(a - b) * 100, std::abs(a - b) * 100);
  }
  Rep r;
  Shift sh;
  sh.max_drive = 600;
  r.shifts = {sh};
  p.reps = {r};
  p.weights.per_distance = 1;
  for (int l = 1; l <= 3; ++l) {
    Visit v;
    v.id = "s" + std::to_string(l);
    v.location = l;
    v.prize = l == 3 ? 3000 : (l == 1 ? 2000 : 1000);
    p.visits.push_back(v);
  }
  const Solution s = solve(p, budget(30));
  EXPECT_TRUE(s.unplanned.empty());
  ASSERT_EQ(s.routes.size(), 1u);
  EXPECT_EQ(s.routes[0].drive, 600);
  EXPECT_TRUE(validate(p, s).empty()) << describe(validate(p, s));
}

TEST(Solver, MandatoryVisitsComeBeforeAnyValue) {
  Problem p = line_problem();
  p.visits.resize(2);
  p.visits[1].windows.clear();
  p.visits[1].prize = 0;
  p.visits[1].kind = VisitKind::mandatory;
  const Solution s = solve(p, budget(100));
  EXPECT_EQ(s.objective.mandatory_planned, 1);
  EXPECT_EQ(s.objective.mandatory_total, 1);
}

}  // namespace
}  // namespace boucle::plan
