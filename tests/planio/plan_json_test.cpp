#include "planio/plan_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>
#include <string>

namespace boucle::planio {
namespace {

namespace json = boost::json;

// Monday and Tuesday; a hotel; four visits of every kind.
constexpr const char* PROBLEM = R"({
  "horizon": {"start_date": "2026-12-07", "days": 2},
  "reps": [{"id": "R1", "home": {"lat": 45.77, "lon": 4.89},
            "working_hours": {"mon": ["08:00", "18:30"], "tue": ["08:00", "18:30"]},
            "lunch": {"earliest": "12:00", "latest": "13:30", "minutes": 45},
            "overnight": {"cost_eur": 95, "hotels": [{"name": "Ibis Test", "lat": 45.19, "lon": 5.71}]}}],
  "visits": [
    {"id": "A", "store": "Shop A", "lat": 45.70, "lon": 4.88, "duration_minutes": 60,
     "prize_eur": 120.5, "type": "deep"},
    {"id": "B", "store": "Shop \"B\"", "lat": 45.60, "lon": 4.80, "duration_minutes": 20,
     "prize_eur": 40, "type": "quick", "kind": "mandatory"},
    {"id": "C", "store": "Shop C", "lat": 45.50, "lon": 4.70, "duration_minutes": 15, "prize_eur": 10},
    {"id": "D", "store": "Shop D", "lat": 45.20, "lon": 5.70, "duration_minutes": 30,
     "kind": "appointment", "at": "2026-12-08T09:00"}
  ]
})";

LoadedProblem load() { return read_problem(json::parse(PROBLEM), {}); }

// Places: 0 home, 1 hotel, 2 A, 3 B, 4 C, 5 D.
plan::Solution solution() {
  plan::Solution s;
  plan::Route monday;
  monday.rep = 0;
  monday.day = 0;
  monday.start_location = 0;
  monday.end_location = 1;
  monday.depart = 7 * 3600 + 43 * 60 + 20;
  monday.back = 18 * 3600 + 2 * 60 + 59;
  monday.stops = {{0, 30037, 30600, 34200}, {1, 35410, 35410, 36610}};
  monday.has_lunch = true;
  monday.lunch_after = 2;
  monday.lunch_start = 12 * 3600;
  monday.distance = 123'456;
  monday.drive = 5437;
  monday.work = 5437 + 3600 + 1200;
  plan::Route tuesday;
  tuesday.rep = 0;
  tuesday.day = 1;
  tuesday.start_location = 1;
  tuesday.end_location = 0;
  tuesday.depart = 8 * 3600 + 50 * 60;
  tuesday.back = 11 * 3600;
  tuesday.stops = {{3, 32400, 32400, 34200}};
  tuesday.distance = 140'049;
  tuesday.drive = 6000;
  tuesday.work = 7800;
  // Listed out of order: the plan sorts by rep and day.
  s.routes = {tuesday, monday};
  s.unplanned = {{2, plan::Reason::not_worth_detour}};
  s.objective.mandatory_planned = 2;
  s.objective.mandatory_total = 2;
  s.objective.routes = 2;
  s.objective.prizes = 160'500'000;
  s.objective.travel_cost = 92'345'678;
  s.objective.hotel_cost = 95'000'000;
  s.objective.penalties = 0;
  s.objective.value = 160'500'000 - 92'345'678 - 95'000'000;
  return s;
}

constexpr const char* EXPECTED = R"({
  "time_zone": "Europe/Paris",
  "dates": ["2026-12-07", "2026-12-08"],
  "objective": {
    "mandatory_planned": 2,
    "mandatory_total": 2,
    "routes": 2,
    "value_eur": -26.85,
    "prizes_eur": 160.5,
    "travel_cost_eur": 92.35,
    "hotel_cost_eur": 95,
    "penalties_eur": 0
  },
  "totals": {
    "visits_planned": 3,
    "visits_unplanned": 1,
    "km": 263.5,
    "drive_hours": 3.18,
    "work_hours": 5.01,
    "nights_away": 1
  },
  "routes": [
    {
      "rep": "R1",
      "date": "2026-12-07",
      "weekday": "mon",
      "start": {"place": "home"},
      "end": {"place": "hotel", "name": "Ibis Test"},
      "depart": "07:43",
      "back": "18:02",
      "km": 123.5,
      "drive_minutes": 91,
      "work_minutes": 171,
      "lunch": {"after_stop": 2, "start": "12:00", "minutes": 45},
      "stops": [
        {
          "visit": "A",
          "store": "Shop A",
          "arrival": "08:20",
          "start": "08:30",
          "end": "09:30",
          "kind": "optional",
          "type": "deep",
          "prize_eur": 120.5
        },
        {
          "visit": "B",
          "store": "Shop \"B\"",
          "arrival": "09:50",
          "start": "09:50",
          "end": "10:10",
          "kind": "mandatory",
          "type": "quick",
          "prize_eur": 40
        }
      ]
    },
    {
      "rep": "R1",
      "date": "2026-12-08",
      "weekday": "tue",
      "start": {"place": "hotel", "name": "Ibis Test"},
      "end": {"place": "home"},
      "depart": "08:50",
      "back": "11:00",
      "km": 140,
      "drive_minutes": 100,
      "work_minutes": 130,
      "stops": [
        {
          "visit": "D",
          "store": "Shop D",
          "arrival": "09:00",
          "start": "09:00",
          "end": "09:30",
          "kind": "appointment",
          "prize_eur": 0
        }
      ]
    }
  ],
  "nights": [
    {"rep": "R1", "date": "2026-12-07", "place": "hotel", "name": "Ibis Test", "cost_eur": 95}
  ],
  "unplanned": [
    {
      "visit": "C",
      "store": "Shop C",
      "kind": "optional",
      "prize_eur": 10,
      "reason": "not_worth_detour",
      "text": "Its prize is lower than the cost of the detour to make it."
    }
  ],
  "stats": {"iterations": 1234, "seconds": 0.457}
}
)";

TEST(PlanJson, GoldenPlan) {
  const auto lp = load();
  ASSERT_EQ(lp.places.size(), 6u);
  plan::SolveStats stats;
  stats.iterations = 1234;
  stats.seconds = 0.45678;
  const auto text = to_pretty_json(plan_to_json(lp, solution(), stats));
  EXPECT_EQ(text, EXPECTED);
  EXPECT_EQ(json::parse(text), json::parse(EXPECTED));
}

TEST(PlanJson, WithoutTimingTheOutputDependsOnlyOnThePlan) {
  const auto lp = load();
  plan::SolveStats a, b;
  a.iterations = b.iterations = 10;
  a.seconds = 1.5;
  b.seconds = 9.25;
  PlanJsonOptions o;
  o.timing = false;
  const auto ta = to_pretty_json(plan_to_json(lp, solution(), a, o));
  EXPECT_EQ(ta, to_pretty_json(plan_to_json(lp, solution(), b, o)));
  EXPECT_EQ(json::parse(ta).at("stats"), (json::object{{"iterations", 10}}));
}

TEST(PlanJson, PlacesNearTheLastVisitAndTheFinalPlace) {
  json::value v = json::parse(PROBLEM);
  auto& rep = v.at("reps").at(0).as_object();
  rep["final"] = json::object{{"lat", 45.0}, {"lon", 5.0}};
  rep["overnight"].as_object()["near_last_visit"] = true;
  const auto lp = read_problem(v, {});
  plan::Solution s;
  plan::Route monday;
  monday.start_location = 0;
  monday.end_location = 3;  // places: home, final, hotel, A, … : A's store
  monday.stops = {{0, 30000, 30600, 34200}};
  plan::Route tuesday = monday;
  tuesday.day = 1;
  tuesday.start_location = 3;
  tuesday.end_location = 1;
  s.routes = {monday, tuesday};
  s.unplanned = {{1, plan::Reason::locked_elsewhere}};
  const auto out = plan_to_json(lp, s, {});
  const auto& routes = out.at("routes").as_array();
  EXPECT_EQ(routes[0].at("end"), (json::object{{"place", "near_last_visit"}, {"name", "Shop A"}}));
  EXPECT_EQ(routes[1].at("start"),
            (json::object{{"place", "near_last_visit"}, {"name", "Shop A"}}));
  EXPECT_EQ(routes[1].at("end"), (json::object{{"place", "final"}}));
  EXPECT_EQ(out.at("nights").as_array().size(), 1u);
  EXPECT_EQ(out.at("unplanned").at(0).at("text").as_string(),
            "Mandatory, yet not planned. It is locked on a rep and day where it cannot fit.");
}

TEST(PlanJson, EveryReasonHasAText) {
  for (auto r : {plan::Reason::closed, plan::Reason::unreachable, plan::Reason::frequency,
                 plan::Reason::no_time_left, plan::Reason::not_worth_detour,
                 plan::Reason::locked_elsewhere}) {
    EXPECT_GT(reason_text(r).size(), 20u) << plan::to_string(r);
    EXPECT_NE(reason_text(r), "Not planned.");
  }
}

TEST(PrettyJson, NumbersAsPeopleWriteThem) {
  EXPECT_EQ(to_pretty_json(json::parse(R"({"a": 123.4, "b": 0.1, "c": -5, "d": 1e21, "e": 2.0})")),
            "{\"a\": 123.4, \"b\": 0.1, \"c\": -5, \"d\": 1e+21, \"e\": 2}\n");
  EXPECT_EQ(to_pretty_json(json::value(std::numeric_limits<double>::infinity())), "null\n");
  EXPECT_EQ(
      to_pretty_json(json::parse(R"({"s": "é\"\n\\", "n": null, "t": true, "x": [], "o": {}})")),
      "{\"s\": \"é\\\"\\n\\\\\", \"n\": null, \"t\": true, \"x\": [], \"o\": {}}\n");
}

TEST(PrettyJson, LongContainersBreakLines) {
  json::array long_array;
  for (int i = 0; i < 40; ++i) long_array.push_back(i);
  const auto text = to_pretty_json(json::object{{"k", long_array}, {"short", json::array{1, 2}}});
  EXPECT_EQ(text.rfind("{\n  \"k\": [\n    0,\n    1,", 0), 0u) << text;
  EXPECT_NE(text.find("  \"short\": [1, 2]\n}"), std::string::npos) << text;
  EXPECT_EQ(json::parse(text), (json::object{{"k", long_array}, {"short", json::array{1, 2}}}));
}

}  // namespace
}  // namespace boucle::planio
