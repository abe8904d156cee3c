#include "plan/validate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "plan/generator.hpp"

namespace boucle::plan {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr Time H = 3600;
constexpr Time M = 60;
constexpr Cost EURO = 1'000'000;

// Locations of the hand-built fixture.
constexpr Location HOME = 0, STORE_A = 1, STORE_B = 2, STORE_C = 3, HOTEL = 4, STORE_D = 5;
// Visits of the fixture.
constexpr int A = 0, B = 1, C = 2, D = 3, E = 4;

// Six places: home, three stores close to home, a hotel and a store 80 km away. Symmetric.
Matrix fixture_matrix() {
  Matrix m(6);
  const auto both = [&](Location a, Location b, Time t, Distance d) {
    m.set(a, b, t, d);
    m.set(b, a, t, d);
  };
  both(HOME, STORE_A, 600, 10'000);
  both(HOME, STORE_B, 900, 15'000);
  both(HOME, STORE_C, 1200, 20'000);
  both(HOME, HOTEL, 3600, 80'000);
  both(HOME, STORE_D, 3900, 85'000);
  both(STORE_A, STORE_B, 300, 5'000);
  both(STORE_A, STORE_C, 600, 10'000);
  both(STORE_A, HOTEL, 3000, 70'000);
  both(STORE_A, STORE_D, 3300, 75'000);
  both(STORE_B, STORE_C, 300, 5'000);
  both(STORE_B, HOTEL, 2700, 65'000);
  both(STORE_B, STORE_D, 3000, 70'000);
  both(STORE_C, HOTEL, 2400, 60'000);
  both(STORE_C, STORE_D, 2700, 65'000);
  both(HOTEL, STORE_D, 300, 5'000);
  return m;
}

// Two reps living at location 0 (R2 never works in the plans below), shifts 08:00-18:30 with a
// 45 min lunch starting 12:00-13:00. A and C are always open, B closes for lunch, D is closed on
// day 0, E is a small optional visit left out.
Problem fixture(int days = 2) {
  Problem p;
  p.days = days;
  p.travel = fixture_matrix();
  p.weights.per_distance = 300;
  p.weights.per_time = 7000;
  p.weights.mix_penalty = 10 * EURO;
  Shift shift;
  shift.start_earliest = 8 * H;
  shift.end_latest = 18 * H + 30 * M;
  shift.max_drive = 5 * H;
  shift.max_work = 9 * H;
  shift.lunch = Lunch{12 * H, 13 * H, 45 * M};
  for (const char* id : {"R1", "R2"}) {
    Rep rep;
    rep.id = id;
    rep.home = HOME;
    rep.final_location = HOME;
    rep.shifts.assign(static_cast<std::size_t>(days), shift);
    p.reps.push_back(rep);
  }
  const auto visit = [&](const char* id, Location at, Time duration, Cost prize) {
    Visit v;
    v.id = id;
    v.location = at;
    v.duration = duration;
    v.prize = prize * EURO;
    p.visits.push_back(v);
  };
  visit("A", STORE_A, 30 * M, 50);
  visit("B", STORE_B, 30 * M, 40);
  visit("C", STORE_C, 30 * M, 30);
  visit("D", STORE_D, 60 * M, 100);
  visit("E", STORE_B, 30 * M, 5);
  p.visits[C].kind = VisitKind::mandatory;
  p.visits[B].windows.assign(static_cast<std::size_t>(days), {{9 * H, 12 * H}, {14 * H, 19 * H}});
  p.visits[D].windows.assign(static_cast<std::size_t>(days), {{8 * H + 30 * M, 19 * H}});
  p.visits[D].windows[0].clear();
  return p;
}

// A route without visits (a night change, or nothing at all), leaving at 08:00.
Route empty_route(int rep, int day, Location from, Location to, Time drive = 0,
                  Distance distance = 0) {
  Route r;
  r.rep = rep;
  r.day = day;
  r.start_location = from;
  r.end_location = to;
  r.depart = 8 * H;
  r.back = 8 * H + drive;
  r.distance = distance;
  r.drive = drive;
  r.work = drive;
  return r;
}

// Day 0: home → A → B (waits for 09:00) → lunch at 12:00 → C → `night`.
Route day0_route(Location night) {
  Route r = empty_route(0, 0, HOME, night);
  r.stops = {{A, 8 * H + 600, 8 * H + 600, 8 * H + 600 + 1800},  // 29400 → 31200
             {B, 31500, 9 * H, 9 * H + 1800},                    // 32400 → 34200
             {C, 12 * H + 45 * M + 300, 46200, 48000}};
  r.has_lunch = true;
  r.lunch_after = 2;
  r.lunch_start = 12 * H;
  return r;
}

// Day `day`: `from` → D → lunch at 12:00 (waiting at D) → home.
Route d_route(int day, Location from, Time arrival, Distance distance, Time drive) {
  Route r = empty_route(0, day, from, HOME);
  r.stops = {{D, arrival, 32700, 36300}};
  r.has_lunch = true;
  r.lunch_after = 1;
  r.lunch_start = 12 * H;
  r.back = 12 * H + 45 * M + 3900;  // 49800
  r.distance = distance;
  r.drive = drive;
  r.work = drive + 3600;
  return r;
}

// A valid plan: every rep sleeps at home; E is left out.
Solution base_plan() {
  Solution s;
  Route day0 = day0_route(HOME);
  day0.back = 48000 + 1200;
  day0.distance = 40'000;
  day0.drive = 2400;
  day0.work = 2400 + 3 * 1800;
  s.routes = {day0, d_route(1, HOME, 8 * H + 3900, 170'000, 7800)};
  s.unplanned = {{E, Reason::not_worth_detour}};
  // By hand: prizes 50 + 40 + 30 + 100 €; travel 300 × 210 km + 7000 × 10200 s.
  s.objective = {.mandatory_planned = 1,
                 .mandatory_total = 1,
                 .routes = 2,
                 .prizes = 220 * EURO,
                 .travel_cost = 63'000'000 + 71'400'000,
                 .hotel_cost = 0,
                 .penalties = 0,
                 .value = 220 * EURO - 134'400'000,
                 .distance = 210'000,
                 .drive = 10'200};
  return s;
}

// The same visits with a night at the hotel after day 0 (travel 300 × 170 km + 7000 × 7800 s:
// 105.6 € instead of 134.4 €).
Solution away_plan(const Problem& p) {
  Solution s;
  Route day0 = day0_route(HOTEL);
  day0.back = 48000 + 2400;
  day0.distance = 80'000;
  day0.drive = 3600;
  day0.work = 3600 + 3 * 1800;
  s.routes = {day0, d_route(1, HOTEL, 8 * H + 300, 90'000, 4200)};
  s.unplanned = {{E, Reason::not_worth_detour}};
  s.objective = recompute_objective(p, s);
  return s;
}

// The night after day 0 spent next to C, day 0's last visit (same travel cost as away_plan).
Solution near_last_visit_plan(const Problem& p) {
  Solution s;
  Route day0 = day0_route(STORE_C);
  day0.back = 48000;
  day0.distance = 20'000;
  day0.drive = 1200;
  day0.work = 1200 + 3 * 1800;
  s.routes = {day0, d_route(1, STORE_C, 8 * H + 2700, 150'000, 6600)};
  s.unplanned = {{E, Reason::not_worth_detour}};
  s.objective = recompute_objective(p, s);
  return s;
}

Problem with_nights(Problem p, Cost per_night) {
  Overnight& o = p.reps[0].overnight;
  o.allowed = true;
  o.cost_per_night = per_night;
  o.hotels = {HOTEL};
  o.min_distance_from_home = 50'000;
  o.max_consecutive_nights = 2;
  return p;
}

// The rule names reported, sorted, each once.
std::vector<std::string> rules(const Problem& p, const Solution& s) {
  std::set<std::string> names;
  for (const Violation& v : validate(p, s)) names.insert(v.rule);
  return {names.begin(), names.end()};
}

// The same after putting the recomputed objective in, for plans changed by hand: isolates the
// rule under test from "objective".
std::vector<std::string> rules_with_objective(const Problem& p, Solution s) {
  s.objective = recompute_objective(p, s);
  return rules(p, s);
}

std::string messages(const Problem& p, const Solution& s) {
  std::string out;
  for (const Violation& v : validate(p, s)) out += v.rule + ": " + v.message + "\n";
  return out;
}

// ---- valid plans -----------------------------------------------------------------------------

TEST(Validator, HandBuiltPlanIsValid) {
  const Problem p = fixture();
  EXPECT_THAT(validate(p, base_plan()), IsEmpty()) << messages(p, base_plan());
}

TEST(Validator, ObjectiveMatchesHandComputation) {
  const Problem p = fixture();
  const Objective o = recompute_objective(p, base_plan());
  const Objective want = base_plan().objective;
  EXPECT_EQ(o.mandatory_planned, 1);
  EXPECT_EQ(o.mandatory_total, 1);
  EXPECT_EQ(o.routes, 2);
  EXPECT_EQ(o.prizes, want.prizes);
  EXPECT_EQ(o.travel_cost, 134'400'000);
  EXPECT_EQ(o.hotel_cost, 0);
  EXPECT_EQ(o.penalties, 0);
  EXPECT_EQ(o.value, 85'600'000);
  EXPECT_EQ(o.distance, 210'000);
  EXPECT_EQ(o.drive, 10'200);
}

TEST(Validator, EmptyPlanIsValid) {
  const Problem p = fixture();
  Solution s;
  for (int v = 0; v < 5; ++v) s.unplanned.push_back({v, Reason::no_time_left});
  s.objective = recompute_objective(p, s);
  EXPECT_EQ(s.objective.mandatory_total, 1);
  EXPECT_EQ(s.objective.mandatory_planned, 0);
  EXPECT_EQ(s.objective.value, 0);
  EXPECT_THAT(validate(p, s), IsEmpty()) << messages(p, s);
}

TEST(Validator, WorthwhileNightAwayIsValidAndPaid) {
  // Going home would cost 134.4 €, the hotel plan 105.6 € + 20 € for the night.
  const Problem p = with_nights(fixture(), 20 * EURO);
  const Solution s = away_plan(p);
  EXPECT_THAT(validate(p, s), IsEmpty()) << messages(p, s);
  EXPECT_EQ(s.objective.hotel_cost, 20 * EURO);
  EXPECT_EQ(s.objective.travel_cost, 105'600'000);
  EXPECT_EQ(s.objective.value, 220 * EURO - 105'600'000 - 20 * EURO);
}

TEST(Validator, NightNextToTheLastVisitIsValid) {
  Problem p = with_nights(fixture(), 20 * EURO);
  p.reps[0].overnight.near_last_visit = true;
  p.reps[0].overnight.min_distance_from_home = 15'000;
  const Solution s = near_last_visit_plan(p);
  EXPECT_THAT(validate(p, s), IsEmpty()) << messages(p, s);
}

// ---- problem shape ---------------------------------------------------------------------------

TEST(Validator, MalformedProblemIsReportedAlone) {
  Problem p = fixture();
  p.reps[1].shifts.pop_back();
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("problem"));
}

// ---- structure -------------------------------------------------------------------------------

TEST(Validator, RouteOutsideTheHorizon) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.routes.push_back(empty_route(0, 2, HOME, HOME));
  EXPECT_THAT(rules(p, s), ElementsAre("route_range"));
  s.routes.back().day = 0;
  s.routes.back().rep = 2;
  EXPECT_THAT(rules(p, s), ElementsAre("route_range"));
}

TEST(Validator, TwoRoutesForOneRepAndDay) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.routes.push_back(empty_route(0, 0, HOME, HOME));
  EXPECT_THAT(rules(p, s), ElementsAre("route_duplicate"));
}

TEST(Validator, LocationOutsideTheMatrix) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.routes.push_back(empty_route(1, 0, HOME, 6));
  EXPECT_THAT(rules(p, s), ::testing::Contains("location"));
}

TEST(Validator, UnknownVisit) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.unplanned.push_back({42, Reason::closed});
  EXPECT_THAT(rules(p, s), ElementsAre("visit_index"));
  s = base_plan();
  s.routes[0].stops[0].visit = -1;
  EXPECT_THAT(rules(p, s), ::testing::Contains("visit_index"));
}

TEST(Validator, VisitPlannedTwice) {
  const Problem p = fixture();
  Solution s = base_plan();
  // A made twice in a row (no travel between): B and the rest 30 min later.
  Route& r = s.routes[0];
  r.stops.insert(r.stops.begin() + 1, Stop{A, 31200, 31200, 33000});
  r.stops[2] = {B, 33300, 33300, 35100};
  r.lunch_after = 3;
  r.work += 1800;
  EXPECT_THAT(rules(p, s), ElementsAre("visit_twice")) << messages(p, s);
}

TEST(Validator, VisitNeitherPlannedNorUnplanned) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.unplanned.clear();
  EXPECT_THAT(rules(p, s), ElementsAre("visit_missing"));
}

TEST(Validator, VisitUnplannedTwice) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.unplanned.push_back({E, Reason::closed});
  EXPECT_THAT(rules(p, s), ElementsAre("unplanned_twice"));
}

TEST(Validator, VisitPlannedAndUnplanned) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.unplanned.push_back({A, Reason::closed});
  EXPECT_THAT(rules(p, s), ElementsAre("planned_and_unplanned"));
}

TEST(Validator, VisitRestrictedToAnotherRep) {
  Problem p = fixture();
  p.visits[B].rep = 1;
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("visit_rep"));
  p.visits[B].rep = 0;
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
}

TEST(Validator, LockedVisitOnAnotherDayOrRep) {
  Problem p = fixture();
  p.visits[C].lock = Lock{0, 0};
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
  p.visits[C].lock = Lock{0, 1};
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("lock"));
  p.visits[C].lock = Lock{1, 0};
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("lock"));
  // A locked visit may stay unplanned.
  p.visits[C].lock.reset();
  p.visits[E].lock = Lock{1, 1};
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
}

// ---- timing ----------------------------------------------------------------------------------

TEST(Validator, DepartureBeforeTheShift) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.routes[0].depart = 7 * H;
  s.routes[0].stops[0].arrival = 7 * H + 600;  // then waits until 08:10 at A
  EXPECT_THAT(rules(p, s), ElementsAre("depart"));
}

TEST(Validator, ArrivalNotMatchingTheTravelTime) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.routes[0].stops[1].arrival = 31400;  // A ends 31200, A → B is 300 s
  EXPECT_THAT(rules(p, s), ElementsAre("arrival"));
  s = base_plan();
  s.routes[0].stops[2].arrival = 34500;  // as if lunch were not taken before C
  EXPECT_THAT(rules(p, s), ElementsAre("arrival"));
  s = base_plan();
  s.routes[1].stops[0].arrival = 8 * H;  // no travel from home to D
  EXPECT_THAT(rules(p, s), ElementsAre("arrival"));
}

TEST(Validator, StartBeforeArrival) {
  const Problem p = fixture();
  Solution s = base_plan();
  Route& r = s.routes[0];
  r.stops[0] = {A, 29400, 29000, 30800};
  r.stops[1].arrival = 31100;
  EXPECT_THAT(rules(p, s), ElementsAre("start")) << messages(p, s);
}

TEST(Validator, EndNotStartPlusDuration) {
  const Problem p = fixture();
  Solution s = base_plan();
  Route& r = s.routes[0];
  r.stops[0].end = 31000;
  r.stops[1].arrival = 31300;
  EXPECT_THAT(rules(p, s), ElementsAre("duration")) << messages(p, s);
}

TEST(Validator, VisitOutsideItsWindows) {
  Problem p = fixture();
  p.visits[B].windows[0] = {{9 * H, 9 * H + 20 * M}, {14 * H, 19 * H}};
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("window"));
  const std::string text = messages(p, base_plan());
  EXPECT_THAT(text, ::testing::HasSubstr("rep 'R1' day 0"));
  EXPECT_THAT(text, ::testing::HasSubstr("visit 'B'"));
  // The whole visit must fit ONE window, even when two touch.
  p.visits[B].windows[0] = {{9 * H, 9 * H + 15 * M}, {9 * H + 15 * M, 19 * H}};
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("window"));
  p.visits[B].windows[0] = {{8 * H, 8 * H + 15 * M}, {9 * H, 9 * H + 30 * M}};
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
}

TEST(Validator, VisitOnAClosedDay) {
  Problem p = fixture();
  p.visits[D].windows[1].clear();
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("closed"));
}

// ---- lunch -----------------------------------------------------------------------------------

TEST(Validator, LunchMissing) {
  const Problem p = fixture();
  Solution s = base_plan();
  Route& r = s.routes[1];
  r.has_lunch = false;
  r.back = 36300 + 3900;
  EXPECT_THAT(rules(p, s), ElementsAre("lunch"));
}

TEST(Validator, LunchOutsideItsWindow) {
  const Problem p = fixture();
  Solution s = base_plan();
  Route& r = s.routes[1];
  r.lunch_start = 13 * H + 30 * M;
  r.back = r.lunch_start + 45 * M + 3900;
  EXPECT_THAT(rules(p, s), ElementsAre("lunch"));
}

TEST(Validator, LunchBeforeThePreviousVisitEnds) {
  const Problem p = fixture();
  Solution s = base_plan();
  Route& r = s.routes[1];
  r.stops[0].start = 11 * H + 45 * M;
  r.stops[0].end = 12 * H + 45 * M;  // lunch at 12:00 would overlap the visit
  EXPECT_THAT(rules(p, s), ElementsAre("lunch")) << messages(p, s);
}

TEST(Validator, LunchPositionOutOfRange) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.routes[1].lunch_after = 2;
  EXPECT_THAT(rules(p, s), ::testing::Contains("lunch"));
  s.routes[1].lunch_after = -1;
  EXPECT_THAT(rules(p, s), ::testing::Contains("lunch"));
}

TEST(Validator, LunchOnAShiftWithoutLunch) {
  Problem p = fixture();
  p.reps[0].shifts[1].lunch.reset();
  Solution s = base_plan();
  s.routes[1].back = 36300 + 3900;
  EXPECT_THAT(rules(p, s), ElementsAre("lunch"));
  s.routes[1].has_lunch = false;
  EXPECT_THAT(rules(p, s), IsEmpty());
}

TEST(Validator, LunchBeforeTheFirstVisitAtTheStartingPlace) {
  const Problem p = fixture();
  Solution s = base_plan();
  // Lunch at home from 12:00, then D (arrival 13:50, open until 19:00), then home.
  Route& r = s.routes[1];
  r.depart = 8 * H;
  r.lunch_after = 0;
  r.stops[0] = {D, 12 * H + 45 * M + 3900, 12 * H + 45 * M + 3900, 12 * H + 45 * M + 7500};
  r.back = r.stops[0].end + 3900;
  EXPECT_THAT(rules(p, s), IsEmpty()) << messages(p, s);
  r.lunch_start = 7 * H + 50 * M;  // before the departure, and too early
  EXPECT_THAT(rules(p, s), ::testing::Contains("lunch"));
}

// ---- end of day and limits -------------------------------------------------------------------

TEST(Validator, BackNotMatchingTheLastLeg) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.routes[0].back = 49000;
  EXPECT_THAT(rules(p, s), ElementsAre("back"));
}

TEST(Validator, BackAfterTheShiftEnds) {
  Problem p = fixture();
  p.reps[0].shifts[1].end_latest = 49'000;
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("shift_end"));
  p.reps[0].shifts[1].end_latest = 49'800;
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
}

TEST(Validator, VisitsOnADayOff) {
  Problem p = fixture();
  p.reps[0].shifts[1].available = false;
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("unavailable"));
}

TEST(Validator, TooMuchDriving) {
  Problem p = fixture();
  p.reps[0].shifts[1].max_drive = 7799;  // the day drives 7800 s
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("max_drive"));
  p.reps[0].shifts[1].max_drive = 7800;
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
}

TEST(Validator, TooMuchWork) {
  Problem p = fixture();
  p.reps[0].shifts[1].max_work = 11'399;  // 7800 s driving + 3600 s visiting
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("max_work"));
  p.reps[0].shifts[1].max_work = 11'400;
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
}

TEST(Validator, OverCapacity) {
  Problem p = fixture();
  p.reps[0].capacity = 10;
  p.visits[A].load = 4;
  p.visits[B].load = 6;
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
  p.visits[C].load = 1;
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("capacity"));
}

TEST(Validator, ReportedRouteTotalsWrong) {
  const Problem p = fixture();
  for (int field = 0; field < 3; ++field) {
    Solution s = base_plan();
    Route& r = s.routes[0];
    (field == 0 ? r.distance : field == 1 ? r.drive : r.work) += 1;
    EXPECT_THAT(rules(p, s), ElementsAre("route_totals")) << "field " << field;
  }
}

// ---- days and nights -------------------------------------------------------------------------

TEST(Validator, FirstDayNotFromHome) {
  const Problem p = fixture();
  Solution s = base_plan();
  // R2 drives from A to home on day 0 without having slept at A.
  s.routes.push_back(empty_route(1, 0, STORE_A, HOME, 600, 10'000));
  EXPECT_THAT(rules_with_objective(p, s), ElementsAre("start_location"));
}

TEST(Validator, DayNotFromWhereTheRepSlept) {
  const Problem p = with_nights(fixture(), 20 * EURO);
  Solution s = away_plan(p);
  // Day 1 leaves from home although the rep slept at the hotel.
  s.routes[1] = d_route(1, HOME, 8 * H + 3900, 170'000, 7800);
  EXPECT_THAT(rules_with_objective(p, s), ElementsAre("start_location"));
}

TEST(Validator, LastDayNotAtTheFinalLocation) {
  Problem p = fixture();
  p.reps[1].final_location = HOTEL;  // R2 has no route: it stays at home
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("final_location"));
  Solution s = base_plan();
  s.routes.push_back(empty_route(1, 1, HOME, HOTEL, 3600, 80'000));
  EXPECT_THAT(rules_with_objective(p, s), IsEmpty()) << messages(p, s);
}

TEST(Validator, NightAwayNotAllowed) {
  Problem p = with_nights(fixture(), 20 * EURO);
  p.reps[0].overnight.allowed = false;
  EXPECT_THAT(rules(p, away_plan(p)), ElementsAre("overnight_not_allowed"));
}

TEST(Validator, NightAwayOnADayWithoutNightsAway) {
  Problem p = with_nights(fixture(), 20 * EURO);
  p.reps[0].overnight.nights = {false, true};
  EXPECT_THAT(rules(p, away_plan(p)), ElementsAre("overnight_day"));
  p.reps[0].overnight.nights = {true, false};
  EXPECT_THAT(rules(p, away_plan(p)), IsEmpty());
}

TEST(Validator, NightNeitherAtAHotelNorNearTheLastVisit) {
  Problem p = with_nights(fixture(), 20 * EURO);
  p.reps[0].overnight.hotels.clear();
  EXPECT_THAT(rules(p, away_plan(p)), ElementsAre("hotel"));
  p = with_nights(fixture(), 20 * EURO);
  p.reps[0].overnight.min_distance_from_home = 15'000;
  p.reps[0].overnight.near_last_visit = false;  // C is not a hotel
  EXPECT_THAT(rules(p, near_last_visit_plan(p)), ElementsAre("hotel"));
}

TEST(Validator, HotelTooCloseToHome) {
  Problem p = with_nights(fixture(), 20 * EURO);
  p.reps[0].overnight.min_distance_from_home = 80'001;
  EXPECT_THAT(rules(p, away_plan(p)), ElementsAre("hotel_too_close"));
  p.reps[0].overnight.min_distance_from_home = 80'000;
  EXPECT_THAT(rules(p, away_plan(p)), IsEmpty());
}

TEST(Validator, TooManyNightsInARow) {
  Problem p = with_nights(fixture(), 20 * EURO);
  p.reps[0].overnight.max_consecutive_nights = 0;
  EXPECT_THAT(rules(p, away_plan(p)), ElementsAre("consecutive_nights"));
}

// Three days: a night at the hotel, a day without a route (the rep stays at the hotel), then D
// and home. Both nights are away and paid.
TEST(Validator, DayWithoutRouteKeepsTheRepWhereTheySlept) {
  Problem p = with_nights(fixture(3), 20 * EURO);
  Solution s = away_plan(p);
  s.routes[1].day = 2;
  s.objective = recompute_objective(p, s);
  EXPECT_EQ(s.objective.hotel_cost, 40 * EURO);
  EXPECT_THAT(validate(p, s), IsEmpty()) << messages(p, s);
  p.reps[0].overnight.max_consecutive_nights = 1;
  EXPECT_THAT(rules(p, s), ElementsAre("consecutive_nights"));
}

TEST(Validator, HomeNotAllowedBetweenDays) {
  Problem p = with_nights(fixture(), 20 * EURO);
  p.reps[0].overnight.home_allowed = false;
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("home_not_allowed"));
  p.reps[0].overnight.hotels = {HOME, HOTEL};  // home listed as a hotel: fine
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
}

TEST(Validator, NightAwayThatDoesNotPay) {
  // Going home: 134.4 €; the hotel plan: 105.6 € + 40 € for the night.
  Problem p = with_nights(fixture(), 40 * EURO);
  const Solution s = away_plan(p);
  EXPECT_THAT(rules(p, s), ElementsAre("night_not_worth"));
  // Going home fits day 1 (home → D → home by 13:50) only with lunch after D, not before it.
  p.reps[0].shifts[1].end_latest = 13 * H + 50 * M;
  EXPECT_THAT(rules(p, away_plan(p)), ElementsAre("night_not_worth"));
  // Exactly as costly as going home is not "strictly less": allowed.
  p = with_nights(fixture(), 134'400'000 - 105'600'000);
  EXPECT_THAT(rules(p, away_plan(p)), IsEmpty());
  // Without the option of going home the rule does not apply.
  p = with_nights(fixture(), 40 * EURO);
  p.reps[0].overnight.home_allowed = false;
  p.reps[0].overnight.hotels = {HOME, HOTEL};
  EXPECT_THAT(rules(p, away_plan(p)), IsEmpty());
}

TEST(Validator, NightAwayNeededWhenGoingHomeIsInfeasible) {
  // Going home would cost less, but the days home → D → home drive too much: the night stays.
  Problem p = with_nights(fixture(), 40 * EURO);
  p.reps[0].shifts[1].max_drive = 7000;  // home → D → home drives 7800 s; hotel → D → home 4200 s
  EXPECT_THAT(rules(p, away_plan(p)), IsEmpty());
}

// ---- frequency -------------------------------------------------------------------------------

TEST(Validator, FrequencyGroupRespected) {
  Problem p = fixture();
  p.groups = {{.max_visits = 2, .window_days = 2, .min_spacing_days = 1}};
  p.visits[A].group = 0;
  p.visits[D].group = 0;
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
}

TEST(Validator, FrequencyGroupTwiceOnOneDay) {
  Problem p = fixture();
  p.groups = {{.max_visits = 2, .window_days = 1, .min_spacing_days = 0}};
  p.visits[A].group = 0;
  p.visits[B].group = 0;
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("frequency_same_day"));
}

TEST(Validator, FrequencyGroupTooClose) {
  Problem p = fixture();
  p.groups = {{.max_visits = 2, .window_days = 7, .min_spacing_days = 2}};
  p.visits[A].group = 0;
  p.visits[D].group = 0;
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("frequency_spacing"));
}

TEST(Validator, FrequencyGroupTooManyInAWindow) {
  Problem p = fixture();
  p.groups = {{.max_visits = 1, .window_days = 2, .min_spacing_days = 0}};
  p.visits[A].group = 0;
  p.visits[D].group = 0;
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("frequency"));
  // A window longer than the horizon counts the whole horizon.
  p.groups[0].window_days = 7;
  EXPECT_THAT(rules(p, base_plan()), ElementsAre("frequency"));
  p.groups[0].window_days = 1;
  EXPECT_THAT(rules(p, base_plan()), IsEmpty());
}

// ---- objective -------------------------------------------------------------------------------

TEST(Validator, ReportedObjectiveWrong) {
  const Problem p = fixture();
  Solution s = base_plan();
  s.objective.value += 1;
  EXPECT_THAT(rules(p, s), ElementsAre("objective"));
  s = base_plan();
  s.objective.mandatory_total = 2;
  EXPECT_THAT(rules(p, s), ElementsAre("objective"));
  s = base_plan();
  s.objective.drive = 0;
  EXPECT_THAT(rules(p, s), ElementsAre("objective"));
}

TEST(Validator, MixPenaltyForRoutesOfOneType) {
  Problem p = fixture();
  p.visits[A].type = VisitType::deep;
  p.visits[B].type = VisitType::deep;
  p.visits[D].type = VisitType::quick;  // alone on its route: no penalty
  Objective o = recompute_objective(p, base_plan());
  EXPECT_EQ(o.penalties, 10 * EURO);
  EXPECT_EQ(o.value, 85'600'000 - 10 * EURO);
  p.visits[C].type = VisitType::quick;  // day 0 now mixes deep and quick
  o = recompute_objective(p, base_plan());
  EXPECT_EQ(o.penalties, 0);
}

TEST(Validator, AppointmentsCountAsMandatory) {
  Problem p = fixture();
  p.visits[D].kind = VisitKind::appointment;
  p.visits[E].kind = VisitKind::appointment;
  const Objective o = recompute_objective(p, base_plan());
  EXPECT_EQ(o.mandatory_total, 3);
  EXPECT_EQ(o.mandatory_planned, 2);
}

// ---- generator -------------------------------------------------------------------------------

// Every field of a problem as text, to compare problems whole.
std::string fingerprint(const Problem& p) {
  std::ostringstream out;
  out << p.days << ' ' << p.weights.per_distance << ' ' << p.weights.per_time << ' '
      << p.weights.mix_penalty << ' ' << p.weights.minimise_routes << '\n';
  for (const Rep& r : p.reps) {
    out << r.id << ' ' << r.home << ' ' << r.final_location << ' ' << r.capacity << ' '
        << r.overnight.allowed << ' ' << r.overnight.cost_per_night << ' '
        << r.overnight.min_distance_from_home << ' ' << r.overnight.max_consecutive_nights << ' '
        << r.overnight.near_last_visit << ' ' << r.overnight.home_allowed;
    for (bool n : r.overnight.nights) out << " n" << n;
    for (Location h : r.overnight.hotels) out << " h" << h;
    for (const Shift& s : r.shifts) {
      out << " [" << s.available << ' ' << s.start_earliest << ' ' << s.end_latest << ' '
          << s.max_work << ' ' << s.max_drive;
      if (s.lunch) {
        out << ' ' << s.lunch->earliest_start << ' ' << s.lunch->latest_start << ' '
            << s.lunch->duration;
      }
      out << ']';
    }
    out << '\n';
  }
  for (const Visit& v : p.visits) {
    out << v.id << ' ' << v.location << ' ' << v.duration << ' ' << v.prize << ' '
        << static_cast<int>(v.kind) << ' ' << static_cast<int>(v.type) << ' ' << v.load << ' '
        << v.rep << ' ' << v.group;
    if (v.lock) out << " lock " << v.lock->rep << ' ' << v.lock->day;
    for (const auto& day : v.windows) {
      out << " |";
      for (const Window& w : day) out << ' ' << w.open << '-' << w.close;
    }
    out << '\n';
  }
  for (const FrequencyGroup& g : p.groups) {
    out << g.max_visits << ' ' << g.window_days << ' ' << g.min_spacing_days << '\n';
  }
  for (int i = 0; i < p.travel.size(); ++i) {
    for (int j = 0; j < p.travel.size(); ++j) {
      out << p.travel.time(i, j) << ',' << p.travel.distance(i, j) << ' ';
    }
  }
  return out.str();
}

testing::GeneratorOptions rich_options() {
  testing::GeneratorOptions o;
  o.visits = 40;
  o.days = 5;
  o.reps = 3;
  o.radius_km = 120;
  o.lunch_closure_share = 0.5;
  o.closed_day_share = 0.3;
  o.unavailable_day_share = 0.2;
  o.mandatory_share = 0.2;
  o.fixed_appointments = 2;
  o.day_appointments = 2;
  o.week_appointments = 1;
  o.frequency_groups = 3;
  o.overnight = true;
  o.hotels = 4;
  o.restricted_share = 0.3;
  o.locks = 4;
  o.typed_share = 0.5;
  return o;
}

int count_kind(const Problem& p, VisitKind kind) {
  return static_cast<int>(std::count_if(p.visits.begin(), p.visits.end(),
                                        [&](const Visit& v) { return v.kind == kind; }));
}

TEST(Generator, SameSeedSameProblem) {
  const auto o = rich_options();
  EXPECT_EQ(fingerprint(testing::random_problem(7, o)), fingerprint(testing::random_problem(7, o)));
  EXPECT_NE(fingerprint(testing::random_problem(7, o)), fingerprint(testing::random_problem(8, o)));
  testing::GeneratorOptions e;
  e.euclidean = true;
  EXPECT_EQ(fingerprint(testing::random_problem(3, e)), fingerprint(testing::random_problem(3, e)));
  EXPECT_NE(fingerprint(testing::random_problem(3, e)), fingerprint(testing::random_problem(4, e)));
}

TEST(Generator, SizesFollowTheOptions) {
  const auto o = rich_options();
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const Problem p = testing::random_problem(seed, o);
    ASSERT_EQ(p.days, 5);
    ASSERT_EQ(p.reps.size(), 3u);
    ASSERT_EQ(p.visits.size(), 40u);
    ASSERT_EQ(p.groups.size(), 3u);
    // Homes, hotels, then one place per store (the two copies of a group share one).
    EXPECT_EQ(p.travel.size(), 3 + 4 + (40 - 3));
    for (const Rep& r : p.reps) {
      ASSERT_EQ(r.shifts.size(), 5u);
      EXPECT_EQ(r.home, r.final_location);
      EXPECT_TRUE(r.overnight.allowed);
      EXPECT_EQ(r.overnight.hotels.size(), 4u);
      EXPECT_TRUE(std::any_of(r.shifts.begin(), r.shifts.end(),
                              [](const Shift& s) { return s.available; }));
      for (const Shift& s : r.shifts) {
        EXPECT_EQ(s.start_earliest, 8 * H);
        EXPECT_EQ(s.end_latest, 18 * H + 30 * M);
        ASSERT_TRUE(s.lunch.has_value());
        EXPECT_EQ(s.lunch->earliest_start, 12 * H);
        EXPECT_GE(s.lunch->duration, 45 * M);
        EXPECT_LE(s.lunch->duration, 60 * M);
        EXPECT_EQ(s.lunch->latest_start + s.lunch->duration, 14 * H);
      }
    }
    EXPECT_EQ(count_kind(p, VisitKind::appointment), 5);
    int fixed = 0, in_a_day = 0, locked = 0, typed = 0;
    std::vector<int> per_group(3, 0);
    for (const Visit& v : p.visits) {
      ASSERT_EQ(v.windows.size(), 5u) << v.id;
      EXPECT_GE(v.prize, 5 * EURO);
      EXPECT_LE(v.prize, 200 * EURO);
      EXPECT_GE(v.location, 7);
      if (v.group >= 0) ++per_group[static_cast<std::size_t>(v.group)];
      if (v.lock) {
        ++locked;
        const auto d = static_cast<std::size_t>(v.lock->day);
        EXPECT_FALSE(v.windows[d].empty());
        EXPECT_TRUE(p.reps[static_cast<std::size_t>(v.lock->rep)].shifts[d].available);
        if (v.rep >= 0) {
          EXPECT_EQ(v.rep, v.lock->rep);
        }
      }
      if (v.type != VisitType::none) ++typed;
      const auto open_days = std::count_if(v.windows.begin(), v.windows.end(),
                                           [](const auto& w) { return !w.empty(); });
      if (v.kind != VisitKind::appointment) continue;
      if (open_days == 1) {
        const auto day = std::find_if(v.windows.begin(), v.windows.end(),
                                      [](const auto& w) { return !w.empty(); });
        const bool exact = day->size() == 1 && day->front().close - day->front().open == v.duration;
        if (exact) {
          EXPECT_GE(day->front().open, 9 * H);
          EXPECT_LE(day->front().close, 17 * H);
          ++fixed;
        } else {
          ++in_a_day;
        }
      }
    }
    EXPECT_EQ(fixed, 2);
    EXPECT_EQ(in_a_day, 2);
    EXPECT_EQ(per_group, std::vector<int>(3, 2));
    EXPECT_EQ(locked, 4);
    EXPECT_GT(typed, 0);
    EXPECT_GT(p.weights.mix_penalty, 0);
  }
}

TEST(Generator, RealisticDistancesAndCosts) {
  testing::GeneratorOptions o;
  o.radius_km = 50;
  const Problem p = testing::random_problem(11, o);
  EXPECT_EQ(p.weights.per_distance, 300);
  EXPECT_EQ(p.weights.per_time, 6944);
  double longest_km = 0;
  for (int i = 0; i < p.travel.size(); ++i) {
    EXPECT_EQ(p.travel.time(i, i), 0);
    for (int j = 0; j < p.travel.size(); ++j) {
      EXPECT_EQ(p.travel.distance(i, j), p.travel.distance(j, i));
      if (i == j) continue;
      // Within a 50 km radius: at most 100 km as the crow flies, × 1.3 on roads.
      const double km = static_cast<double>(p.travel.distance(i, j)) / 1000.0;
      longest_km = std::max(longest_km, km);
      EXPECT_LE(km, 140);
      EXPECT_GE(p.travel.time(i, j), 120);  // parking and walking to the door
      if (km < 10) continue;                // short hops are slowed down by the fixed time
      const double kmh = km / (static_cast<double>(p.travel.time(i, j)) / 3600.0);
      EXPECT_GT(kmh, 20);
      EXPECT_LT(kmh, 95);
    }
  }
  EXPECT_GT(longest_km, 40);
  for (const Visit& v : p.visits) {
    EXPECT_GE(v.duration, 15 * M);
    EXPECT_LE(v.duration, 90 * M);
    for (const auto& day : v.windows) {
      for (const Window& w : day) {
        EXPECT_GE(w.open, 8 * H);
        EXPECT_LE(w.close, 19 * H + 30 * M);
        EXPECT_LT(w.open, w.close);
      }
    }
  }
}

TEST(Generator, EuclideanBenchmarkLike) {
  testing::GeneratorOptions o;
  o.euclidean = true;
  o.visits = 25;
  o.reps = 4;
  o.days = 1;
  const Problem p = testing::random_problem(5, o);
  ASSERT_EQ(p.visits.size(), 25u);
  ASSERT_EQ(p.reps.size(), 4u);
  ASSERT_EQ(p.travel.size(), 26);
  EXPECT_EQ(p.weights.per_distance, 1);
  EXPECT_EQ(p.weights.per_time, 0);
  for (const Rep& r : p.reps) {
    EXPECT_EQ(r.home, 0);
    EXPECT_EQ(r.final_location, 0);
    EXPECT_EQ(r.capacity, 100);
    ASSERT_EQ(r.shifts.size(), 1u);
    EXPECT_FALSE(r.shifts[0].lunch.has_value());
  }
  for (int i = 0; i < p.travel.size(); ++i) {
    for (int j = 0; j < p.travel.size(); ++j) {
      EXPECT_EQ(p.travel.time(i, j), p.travel.distance(i, j));
      EXPECT_LE(p.travel.distance(i, j), 1415);  // 10 × the diagonal of a 100 × 100 square
    }
  }
  for (const Visit& v : p.visits) {
    ASSERT_EQ(v.windows.size(), 1u);
    ASSERT_EQ(v.windows[0].size(), 1u);
    EXPECT_LE(v.windows[0][0].close, 2300);
  }
}

// Every generated problem is consistent with the validator: planning nothing is a valid plan.
TEST(Generator, EmptyPlanOfAGeneratedProblemIsValid) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto o = rich_options();
    o.euclidean = seed % 4 == 0;
    const Problem p = testing::random_problem(seed, o);
    Solution s;
    for (int v = 0; v < static_cast<int>(p.visits.size()); ++v) {
      s.unplanned.push_back({v, Reason::no_time_left});
    }
    s.objective = recompute_objective(p, s);
    EXPECT_THAT(validate(p, s), IsEmpty()) << "seed " << seed << "\n" << messages(p, s);
  }
}

}  // namespace
}  // namespace boucle::plan
