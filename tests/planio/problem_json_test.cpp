#include "planio/problem_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "mutate.hpp"

namespace boucle::planio {
namespace {

namespace json = boost::json;

// Monday 7 to Wednesday 9 December 2026; one rep, one visit: the smallest valid problem.
constexpr const char* MINIMAL = R"({
  "horizon": {"start_date": "2026-12-07", "days": 3, "time_zone": "Europe/Paris"},
  "reps": [{"id": "R1", "home": {"lat": 45.77, "lon": 4.89},
            "working_hours": {"mon": ["08:00", "18:30"], "tue": ["08:00", "18:30"],
                              "wed": ["08:00", "18:30"]}}],
  "visits": [{"id": "A", "store": "Shop A", "lat": 45.70, "lon": 4.88, "duration_minutes": 30}]
})";

// Every feature once.
constexpr const char* FULL = R"({
  "horizon": {"start_date": "2026-12-07", "days": 5, "time_zone": "Europe/Paris"},
  "costs": {"per_km_eur": 0.35, "per_hour_eur": 25, "mix_penalty_eur": 15.5, "minimise_routes": true},
  "travel": {"model": "road", "circuity": 1.25, "fixed_seconds": 60},
  "reps": [
    {"id": "R1", "home": {"lat": 45.77, "lon": 4.89}, "final": {"lat": 45.76, "lon": 4.85},
     "working_hours": {"mon": ["08:00", "18:30"], "tue": ["08:00", "18:30"], "wed": ["08:00", "18:30"],
                       "thu": ["08:00", "18:30"], "fri": ["08:00", "17:00"]},
     "hours_on_dates": {"2026-12-08": ["09:15", "16:00"], "2027-01-04": ["09:00", "12:00"]},
     "days_off": ["2026-12-10"],
     "lunch": {"earliest": "12:00", "latest": "13:30", "minutes": 45},
     "max_work_minutes": 540, "max_drive_minutes": 240.5, "capacity": 12,
     "overnight": {"allowed": true, "nights": ["mon", "tue"], "cost_eur": 95.5,
                   "min_distance_km": 60.5, "max_consecutive": 2, "near_last_visit": true,
                   "home_allowed": true,
                   "hotels": [{"name": "Ibis Grenoble", "lat": 45.19, "lon": 5.71}]}},
    {"id": "R2", "home": {"lat": 45.19, "lon": 5.71}, "working_hours": {"mon": ["07:30", "24:00"]}}
  ],
  "visits": [
    {"id": "A", "store": "Shop A", "lat": 45.70, "lon": 4.88, "duration_minutes": 7.5,
     "prize_eur": 12.34, "kind": "optional", "type": "quick", "load": 3,
     "opening_hours": {"mon": [["08:30", "12:00"], ["14:00", "19:00"]], "wed": [["08:30", "19:00"]]},
     "closed_dates": ["2026-12-09", "2025-01-01"]},
    {"id": "B", "store": "Shop B", "lat": 45.60, "lon": 4.80, "duration_minutes": 60,
     "prize_eur": 200, "kind": "appointment", "type": "deep", "rep": "R1", "at": "2026-12-08T10:00"},
    {"id": "C", "store": "Shop C", "lat": 45.50, "lon": 4.70, "duration_minutes": 45,
     "kind": "appointment", "on": "2026-12-09", "window": ["09:00", "11:30"],
     "lock": {"rep": "R2", "date": "2026-12-09"}},
    {"id": "D1", "store": "Shop D", "lat": 45.40, "lon": 4.60, "duration_minutes": 20,
     "kind": "mandatory", "between": ["2026-12-08", "2026-12-09"],
     "frequency": {"key": "shop-d", "max_visits": 1, "window_days": 5, "min_spacing_days": 2}},
    {"id": "D2", "store": "Shop D", "lat": 45.40, "lon": 4.60, "duration_minutes": 20,
     "allowed_dates": ["2026-12-11"],
     "frequency": {"key": "shop-d", "max_visits": 1, "window_days": 5, "min_spacing_days": 2}},
    {"id": "E", "store": "Ibis shop", "lat": 45.19, "lon": 5.71, "duration_minutes": 10}
  ]
})";

json::value parse(const char* text) { return json::parse(text); }

LoadedProblem load(const json::value& v) { return read_problem(v, ReadOptions{}); }

// Reads `base` after `mutate`, expecting a validation error that includes `field`.
core::Error read_error(json::value v) {
  try {
    load(v);
  } catch (const core::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << json::serialize(v);
  return core::Error(core::ErrorCode::internal, "none");
}

std::string fields_of(const core::Error& e) {
  std::string out;
  for (const auto& f : e.errors()) out += "  " + f.field + ": " + f.message + "\n";
  return out;
}

void expect_field_error(const char* base, const std::function<void(json::value&)>& mutate,
                        const std::string& field, const std::string& message_part = "") {
  json::value v = parse(base);
  mutate(v);
  const auto e = read_error(v);
  EXPECT_EQ(e.code(), core::ErrorCode::validation) << e.detail();
  bool found = false;
  for (const auto& f : e.errors()) {
    if (f.field == field && f.message.find(message_part) != std::string::npos) found = true;
  }
  EXPECT_TRUE(found) << "expected an error at " << field << " (" << message_part << "), got:\n"
                     << fields_of(e);
}

json::object& visit0(json::value& v) { return v.at("visits").at(0).as_object(); }
json::object& rep0(json::value& v) { return v.at("reps").at(0).as_object(); }

TEST(ProblemJson, MinimalProblemHasDefaults) {
  const auto lp = load(parse(MINIMAL));
  const auto& p = lp.problem;
  EXPECT_EQ(p.days, 3);
  EXPECT_EQ(lp.dates, (std::vector<std::string>{"2026-12-07", "2026-12-08", "2026-12-09"}));
  EXPECT_EQ(lp.time_zone, "Europe/Paris");
  ASSERT_EQ(p.reps.size(), 1u);
  EXPECT_EQ(p.reps[0].home, 0);
  EXPECT_EQ(p.reps[0].final_location, 0);
  EXPECT_FALSE(p.reps[0].overnight.allowed);
  EXPECT_FALSE(p.reps[0].shifts[0].lunch.has_value());
  EXPECT_EQ(p.reps[0].shifts[0].max_work, plan::NO_TIME_LIMIT);
  ASSERT_EQ(p.visits.size(), 1u);
  EXPECT_TRUE(p.visits[0].windows.empty()) << "no restriction: any time of any day";
  EXPECT_EQ(p.visits[0].kind, plan::VisitKind::optional);
  EXPECT_EQ(p.visits[0].type, plan::VisitType::none);
  EXPECT_EQ(p.visits[0].prize, 0);
  EXPECT_EQ(p.weights.per_distance, 350) << "0.35 €/km by default";
  EXPECT_EQ(p.weights.per_time, 0);
  EXPECT_EQ(p.travel.size(), 2);
  EXPECT_EQ(lp.cost_per_euro, 1'000'000);
  EXPECT_EQ(lp.travel_source, "road");
}

TEST(ProblemJson, UnitConversionsAreExact) {
  const auto lp = load(parse(FULL));
  const auto& p = lp.problem;
  // € → micro-euros; €/km → micro-euros per metre; €/h → micro-euros per second.
  EXPECT_EQ(p.weights.per_distance, 350);
  EXPECT_EQ(p.weights.per_time, 6944);  // 25e6 / 3600 = 6944.4
  EXPECT_EQ(p.weights.mix_penalty, 15'500'000);
  EXPECT_TRUE(p.weights.minimise_routes);
  EXPECT_EQ(p.visits[0].prize, 12'340'000);
  EXPECT_EQ(p.visits[1].prize, 200'000'000);
  EXPECT_EQ(p.reps[0].overnight.cost_per_night, 95'500'000);
  // minutes → seconds; km → metres; "HH:MM" → seconds since midnight.
  EXPECT_EQ(p.visits[0].duration, 450);
  EXPECT_EQ(p.visits[1].duration, 3600);
  EXPECT_EQ(p.reps[0].overnight.min_distance_from_home, 60'500);
  const auto& mon = p.reps[0].shifts[0];
  EXPECT_TRUE(mon.available);
  EXPECT_EQ(mon.start_earliest, 8 * 3600);
  EXPECT_EQ(mon.end_latest, 18 * 3600 + 30 * 60);
  EXPECT_EQ(mon.max_work, 540 * 60);
  EXPECT_EQ(mon.max_drive, 240 * 60 + 30);
  ASSERT_TRUE(mon.lunch.has_value());
  EXPECT_EQ(mon.lunch->earliest_start, 12 * 3600);
  EXPECT_EQ(mon.lunch->latest_start, 13 * 3600 + 30 * 60);
  EXPECT_EQ(mon.lunch->duration, 45 * 60);
  EXPECT_EQ(p.reps[1].shifts[0].start_earliest, 7 * 3600 + 30 * 60);
  EXPECT_EQ(p.reps[1].shifts[0].end_latest, 24 * 3600);
  EXPECT_EQ(p.reps[0].capacity, 12);
  EXPECT_EQ(p.visits[0].load, 3);
}

TEST(ProblemJson, ShiftsFollowWeekdaysOverridesAndDaysOff) {
  const auto lp = load(parse(FULL));
  const auto& s = lp.problem.reps[0].shifts;
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[1].start_earliest, 9 * 3600 + 15 * 60) << "hours_on_dates overrides Tuesday";
  EXPECT_EQ(s[1].end_latest, 16 * 3600);
  EXPECT_TRUE(s[2].available);
  EXPECT_FALSE(s[3].available) << "Thursday is a day off";
  EXPECT_EQ(s[4].end_latest, 17 * 3600);
  const auto& r2 = lp.problem.reps[1].shifts;
  EXPECT_TRUE(r2[0].available);
  for (int d = 1; d < 5; ++d) EXPECT_FALSE(r2[static_cast<std::size_t>(d)].available) << d;
}

TEST(ProblemJson, OvernightNightsFollowAllowedWeekdays) {
  const auto lp = load(parse(FULL));
  const auto& ov = lp.problem.reps[0].overnight;
  EXPECT_TRUE(ov.allowed);
  EXPECT_EQ(ov.nights, (std::vector<bool>{true, true, false, false, false}));
  EXPECT_EQ(ov.max_consecutive_nights, 2);
  EXPECT_TRUE(ov.near_last_visit);
  ASSERT_EQ(ov.hotels.size(), 1u);
  EXPECT_EQ(lp.places[static_cast<std::size_t>(ov.hotels[0])].name, "Ibis Grenoble");
  EXPECT_FALSE(lp.problem.reps[1].overnight.allowed);
}

TEST(ProblemJson, WindowsPerDay) {
  const auto lp = load(parse(FULL));
  const auto& v = lp.problem.visits;
  using W = std::vector<plan::Window>;
  // A: Monday two intervals, Tuesday closed (no hours), Wednesday closed by date.
  ASSERT_EQ(v[0].windows.size(), 5u);
  EXPECT_EQ(v[0].windows[0], (W{{8 * 3600 + 30 * 60, 12 * 3600}, {14 * 3600, 19 * 3600}}));
  EXPECT_EQ(v[0].windows[1], W{});
  EXPECT_EQ(v[0].windows[2], W{});
  // B: fixed at Tuesday 10:00 for its 60 minutes.
  EXPECT_EQ(v[1].windows[0], W{});
  EXPECT_EQ(v[1].windows[1], (W{{10 * 3600, 11 * 3600}}));
  EXPECT_EQ(v[1].windows[2], W{});
  EXPECT_EQ(v[1].kind, plan::VisitKind::appointment);
  EXPECT_EQ(v[1].rep, 0);
  // C: on Wednesday within 09:00-11:30, locked on R2 that day.
  EXPECT_EQ(v[2].windows[2], (W{{9 * 3600, 11 * 3600 + 30 * 60}}));
  EXPECT_EQ(v[2].windows[3], W{});
  ASSERT_TRUE(v[2].lock.has_value());
  EXPECT_EQ(v[2].lock->rep, 1);
  EXPECT_EQ(v[2].lock->day, 2);
  // D1: between Tuesday and Wednesday, any time; D2: only Friday.
  EXPECT_EQ(v[3].windows[0], W{});
  EXPECT_EQ(v[3].windows[1], (W{{0, 24 * 3600}}));
  EXPECT_EQ(v[3].windows[2], (W{{0, 24 * 3600}}));
  EXPECT_EQ(v[3].windows[3], W{});
  EXPECT_EQ(v[4].windows[4], (W{{0, 24 * 3600}}));
  EXPECT_EQ(v[4].windows[3], W{});
  EXPECT_TRUE(v[5].windows.empty());
}

TEST(ProblemJson, FrequencyGroupsByKey) {
  const auto lp = load(parse(FULL));
  ASSERT_EQ(lp.problem.groups.size(), 1u);
  EXPECT_EQ(lp.problem.groups[0].max_visits, 1);
  EXPECT_EQ(lp.problem.groups[0].window_days, 5);
  EXPECT_EQ(lp.problem.groups[0].min_spacing_days, 2);
  EXPECT_EQ(lp.problem.visits[3].group, 0);
  EXPECT_EQ(lp.problem.visits[4].group, 0);
  EXPECT_EQ(lp.problem.visits[0].group, -1);
}

TEST(ProblemJson, LocationsAreDeduplicated) {
  const auto lp = load(parse(FULL));
  const auto& p = lp.problem;
  // R1 home, R1 final, hotel (= R2's home), then stores A, B, C, D (D1 and D2 share it).
  ASSERT_EQ(lp.places.size(), 7u);
  EXPECT_EQ(p.reps[0].home, 0);
  EXPECT_EQ(p.reps[0].final_location, 1);
  EXPECT_EQ(p.reps[0].overnight.hotels[0], 2);
  EXPECT_EQ(p.reps[1].home, 2) << "R2 lives at the hotel's coordinates";
  EXPECT_EQ(p.visits[3].location, p.visits[4].location);
  EXPECT_EQ(p.visits[5].location, 2) << "store E stands at the same point as the hotel";
  EXPECT_EQ(lp.places[6].keys, (std::vector<std::string>{"visit:D1", "visit:D2"}));
  EXPECT_EQ(lp.places[2].keys,
            (std::vector<std::string>{"hotel:Ibis Grenoble", "home:R2", "visit:E"}));
  EXPECT_EQ(lp.stores[3], "Shop D");
  EXPECT_EQ(p.travel.size(), 7);
  EXPECT_EQ(p.travel.time(3, 3), 0);
  EXPECT_GT(p.travel.distance(0, 2), 90'000);
  // The road model as configured (circuity 1.25, 60 s per trip).
  plan::RoadModel road;
  road.circuity = 1.25;
  road.fixed_seconds = 60;
  const auto leg = plan::road_leg(road, lp.places[0].point, lp.places[3].point);
  EXPECT_EQ(p.travel.time(0, 3), leg.seconds);
  EXPECT_EQ(p.travel.distance(0, 3), leg.metres);
}

TEST(ProblemJson, ExplicitDatesWithAGapSendTheRepHome) {
  json::value v = parse(MINIMAL);
  v.at("horizon") = json::object{{"dates", json::array{"2026-12-07", "2026-12-08", "2026-12-10"}}};
  rep0(v)["working_hours"].as_object()["thu"] = json::array{"08:00", "18:30"};
  rep0(v)["overnight"] = json::parse(R"({"near_last_visit": true})");
  const auto lp = load(v);
  EXPECT_EQ(lp.problem.days, 3);
  EXPECT_EQ(lp.dates[2], "2026-12-10");
  EXPECT_TRUE(lp.problem.reps[0].shifts[2].available) << "a Thursday";
  EXPECT_EQ(lp.problem.reps[0].overnight.nights, (std::vector<bool>{true, false, false}))
      << "Tuesday night is not followed by a day of the horizon";
}

TEST(ProblemJson, InlineMatrixByKeys) {
  json::value v = parse(MINIMAL);
  v.as_object()["travel"] = json::parse(R"({"matrix": {
      "locations": ["visit:A", "home:R1"],
      "durations": [[0, 600], [660, 0]],
      "distances": [[0, 9000], [9100, 0]]}})");
  const auto lp = load(v);
  EXPECT_EQ(lp.travel_source, "matrix");
  EXPECT_EQ(lp.problem.travel.time(0, 1), 660);  // home → A
  EXPECT_EQ(lp.problem.travel.time(1, 0), 600);
  EXPECT_EQ(lp.problem.travel.distance(0, 1), 9100);
}

TEST(ProblemJson, InlineMatrixErrorsHaveTheirPath) {
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        v.as_object()["travel"] = json::parse(R"({"matrix": {"durations": [[0, -1], [5, 0]]}})");
      },
      "travel.matrix.durations[0][1]", "between 0 and");
}

TEST(ProblemJson, MatrixFileRelativeToTheProblem) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "planio_matrix_file";
  std::filesystem::create_directories(dir / "data");
  {
    json::value v = parse(MINIMAL);
    v.as_object()["travel"] = json::object{{"matrix_file", "data/m.csv"}};
    std::ofstream(dir / "problem.json") << json::serialize(v);
    std::ofstream(dir / "data" / "m.csv") << "from,to,seconds,metres\nhome:R1,visit:A,700,8000\n"
                                             "1,0,720,8100\n";
  }
  const auto lp = read_problem_file(dir / "problem.json", {});
  EXPECT_EQ(lp.travel_source, "matrix_file");
  EXPECT_EQ(lp.problem.travel.time(0, 1), 700);
  EXPECT_EQ(lp.problem.travel.distance(1, 0), 8100);
}

TEST(ProblemJson, OsrmGoesThroughTheProvider) {
  json::value v = parse(MINIMAL);
  v.as_object()["travel"] = json::object{{"osrm", "http://127.0.0.1:5000"}, {"profile", "car"}};
  ReadOptions options;
  OsrmRequest seen;
  options.osrm = [&](const OsrmRequest& r, const std::vector<core::GeoPoint>& points) {
    seen = r;
    plan::Matrix m(static_cast<int>(points.size()));
    m.set(0, 1, 42, 4200);
    return m;
  };
  const auto lp = read_problem(v, options);
  EXPECT_EQ(seen.url, "http://127.0.0.1:5000");
  EXPECT_EQ(seen.profile, "car");
  EXPECT_EQ(lp.problem.travel.time(0, 1), 42);
  expect_field_error(
      MINIMAL,
      [](json::value& x) {
        x.as_object()["travel"] = json::object{{"osrm", "http://127.0.0.1:5000"}};
      },
      "travel.osrm", "not available");
}

TEST(ProblemJson, ListingLocationsNeedsNoMatrix) {
  json::value v = parse(MINIMAL);
  v.as_object()["travel"] = json::object{{"matrix_file", "does-not-exist.csv"}};
  ReadOptions options;
  options.build_travel = false;
  const auto lp = read_problem(v, options);
  EXPECT_EQ(lp.places.size(), 2u);
  EXPECT_EQ(lp.problem.travel.size(), 0);
}

TEST(ProblemJson, TheExampleWeekLoads) {
  const auto lp = read_problem_file(
      std::filesystem::path(BOUCLE_SOURCE_DIR) / "docs/examples/week-problem.json", {});
  EXPECT_EQ(lp.problem.days, 5);
  EXPECT_GE(lp.problem.visits.size(), 25u);
  EXPECT_EQ(lp.problem.groups.size(), 1u);
  int appointments = 0;
  for (const auto& v : lp.problem.visits) appointments += v.kind == plan::VisitKind::appointment;
  EXPECT_EQ(appointments, 2);
  EXPECT_EQ(lp.problem.reps[0].overnight.hotels.size(), 1u);
}

// --- validation: each problem reported at its JSON path ---

TEST(ProblemJsonErrors, WrongTypes) {
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["duration_minutes"] = "30"; },
      "visits[0].duration_minutes", "must be a number");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["id"] = 12; }, "visits[0].id", "must be a string");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.as_object()["reps"] = json::object{}; }, "reps",
      "must be an array");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.at("visits").as_array().push_back(3); }, "visits[1]",
      "must be an object");
  expect_field_error(
      MINIMAL, [](json::value& v) { rep0(v)["capacity"] = 1.5; }, "reps[0].capacity",
      "whole number");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        rep0(v)["overnight"] = json::object{{"allowed", "yes"}};
      },
      "reps[0].overnight.allowed", "true or false");
  const auto e = read_error(json::value(json::array{}));
  EXPECT_EQ(e.code(), core::ErrorCode::validation);
}

TEST(ProblemJsonErrors, UnknownFieldsAreRefused) {
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["colour"] = "red"; }, "visits[0].colour",
      "unknown field");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.as_object()["comment"] = "hi"; }, "comment", "unknown field");
  expect_field_error(
      MINIMAL, [](json::value& v) { rep0(v)["home"].as_object()["alt"] = 200; }, "reps[0].home.alt",
      "unknown field");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        rep0(v)["working_hours"].as_object()["monday"] = json::array{"08:00", "12:00"};
      },
      "reps[0].working_hours.monday", "unknown field");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.at("horizon").as_object()["weeks"] = 1; }, "horizon.weeks",
      "unknown field");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        v.as_object()["travel"] = json::object{{"model", "road"}, {"speed", 50}};
      },
      "travel.speed", "unknown field");
}

TEST(ProblemJsonErrors, MissingFields) {
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v).erase("store"); }, "visits[0].store", "is required");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.as_object().erase("horizon"); }, "horizon", "is required");
  expect_field_error(
      MINIMAL, [](json::value& v) { rep0(v).erase("working_hours"); }, "reps[0].working_hours",
      "is required");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.at("horizon").as_object().erase("days"); }, "horizon.days",
      "is required");
}

TEST(ProblemJsonErrors, BadTimes) {
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        rep0(v)["working_hours"].as_object()["mon"] = json::array{"8:00", "18:30"};
      },
      "reps[0].working_hours.mon[0]", "HH:MM");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        rep0(v)["working_hours"].as_object()["mon"] = json::array{"18:00", "08:30"};
      },
      "reps[0].working_hours.mon", "before the end");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        rep0(v)["lunch"] =
            json::object{{"earliest", "12:60"}, {"latest", "13:00"}, {"minutes", 30}};
      },
      "reps[0].lunch.earliest", "HH:MM");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        rep0(v)["lunch"] =
            json::object{{"earliest", "13:00"}, {"latest", "12:00"}, {"minutes", 30}};
      },
      "reps[0].lunch.latest", "not be before");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        visit0(v)["opening_hours"] = json::parse(R"({"mon": [["08:30", "25:00"]]})");
      },
      "visits[0].opening_hours.mon[0]", "HH:MM");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["at"] = "2026-12-08 10:00"; }, "visits[0].at",
      "YYYY-MM-DDTHH:MM");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["at"] = "2026-12-08T23:50"; }, "visits[0].at",
      "end by 24:00");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        visit0(v)["window"] = json::array{"10:00", "10:15"};
      },
      "visits[0].window", "shorter than duration_minutes");
}

TEST(ProblemJsonErrors, BadDates) {
  expect_field_error(
      MINIMAL, [](json::value& v) { v.at("horizon").as_object()["start_date"] = "2026-02-30"; },
      "horizon.start_date", "YYYY-MM-DD");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        visit0(v)["closed_dates"] = json::array{"2026-12-07", "tomorrow"};
      },
      "visits[0].closed_dates[1]", "YYYY-MM-DD");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["on"] = "2026-12-25"; }, "visits[0].on",
      "not a day of the horizon");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        visit0(v)["between"] = json::array{"2026-12-09", "2026-12-08"};
      },
      "visits[0].between", "not be after");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        visit0(v)["between"] = json::array{"2027-01-04", "2027-01-08"};
      },
      "visits[0].between", "no day of the horizon");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        v.at("horizon") = json::object{{"dates", json::array{"2026-12-08", "2026-12-07"}}};
      },
      "horizon.dates[1]", "after the date before");
  expect_field_error(
      MINIMAL,
      [](json::value& v) { v.at("horizon").as_object()["dates"] = json::array{"2026-12-08"}; },
      "horizon.dates", "not both");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        visit0(v)["lock"] = json::object{{"rep", "R1"}, {"date", "2026-12-31"}};
      },
      "visits[0].lock.date", "not a day of the horizon");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        rep0(v)["hours_on_dates"] = json::object{{"12/08/2026", json::array{"08:00", "12:00"}}};
      },
      "reps[0].hours_on_dates.12/08/2026", "keyed by dates");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.at("horizon").as_object()["time_zone"] = "Europe/Lyon"; },
      "horizon.time_zone", "IANA");
}

TEST(ProblemJsonErrors, OutOfRangeValues) {
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["duration_minutes"] = -5; },
      "visits[0].duration_minutes", "between 1 and 720");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["duration_minutes"] = 0; },
      "visits[0].duration_minutes", "between 1 and 720");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["lat"] = 91; }, "visits[0].lat",
      "between -90 and 90");
  expect_field_error(
      MINIMAL, [](json::value& v) { rep0(v)["home"].as_object()["lon"] = -180.5; },
      "reps[0].home.lon", "between -180 and 180");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["prize_eur"] = -1; }, "visits[0].prize_eur",
      "between 0 and");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["lat"] = json::parse("1e400"); }, "visits[0].lat",
      "must be a number");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.at("horizon").as_object()["days"] = 0; }, "horizon.days",
      "between 1 and 31");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        visit0(v)["frequency"] = json::object{{"key", "k"}, {"max_visits", 0}, {"window_days", 7}};
      },
      "visits[0].frequency.max_visits", "between 1 and 31");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["store"] = std::string(201, 'x'); },
      "visits[0].store", "at most 200 bytes");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["store"] = "Shop\nA"; }, "visits[0].store",
      "control characters");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["id"] = ""; }, "visits[0].id", "must not be empty");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["kind"] = "urgent"; }, "visits[0].kind",
      "optional, mandatory or appointment");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["type"] = "long"; }, "visits[0].type",
      "deep or quick");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        v.as_object()["costs"] = json::object{{"per_km_eur", 500}};
      },
      "costs.per_km_eur", "between 0 and 100");
}

TEST(ProblemJsonErrors, HugeArraysAreRefusedWithoutReadingThem) {
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        auto& visits = v.at("visits").as_array();
        const json::value one = visits[0];
        for (int i = 0; i < 5000; ++i) visits.push_back(one);
      },
      "visits", "at most 5000 items, has 5001");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.at("horizon").as_object()["days"] = 32; }, "horizon.days",
      "between 1 and 31");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        json::array dates;
        for (int d = 1; d <= 32; ++d)
          dates.push_back(json::string((d < 10 ? "2027-01-0" : "2027-01-") + std::to_string(d)));
        v.at("horizon") = json::object{{"dates", dates}};
      },
      "horizon.dates", "at most 31 items");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        json::array reps;
        for (int i = 0; i < 51; ++i) reps.push_back(rep0(v));
        v.as_object()["reps"] = reps;
      },
      "reps", "at most 50 items");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        json::array days;
        for (int i = 0; i < 367; ++i) days.push_back("2026-12-07");
        visit0(v)["closed_dates"] = days;
      },
      "visits[0].closed_dates", "at most 366 items");
}

TEST(ProblemJsonErrors, ReferencesAndConsistency) {
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["rep"] = "R9"; }, "visits[0].rep",
      "not the id of a rep");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.at("visits").as_array().push_back(visit0(v)); },
      "visits[1].id", "repeats");
  expect_field_error(
      MINIMAL, [](json::value& v) { v.at("reps").as_array().push_back(rep0(v)); }, "reps[1].id",
      "repeats");
  expect_field_error(
      MINIMAL, [](json::value& v) { visit0(v)["kind"] = "appointment"; }, "visits[0].kind",
      "needs at, on or between");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        visit0(v)["on"] = "2026-12-08";
        visit0(v)["at"] = "2026-12-08T10:00";
      },
      "visits[0].on", "exclude each other");
  expect_field_error(
      FULL,
      [](json::value& v) { v.at("visits").at(4).at("frequency").as_object()["max_visits"] = 2; },
      "visits[4].frequency", "differs from the frequency of visits[3]");
  expect_field_error(
      FULL,
      [](json::value& v) {
        v.at("visits").at(1).as_object()["lock"] =
            json::object{{"rep", "R2"}, {"date", "2026-12-08"}};
      },
      "visits[1].lock.rep", "differs from the visit's rep");
  expect_field_error(
      FULL,
      [](json::value& v) {
        v.at("visits").at(1).as_object()["lock"] =
            json::object{{"rep", "R1"}, {"date", "2026-12-09"}};
      },
      "visits[1].lock.date", "cannot take place that day");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        rep0(v)["overnight"] = json::object{{"allowed", true}};
      },
      "reps[0].overnight.hotels", "need hotels or near_last_visit");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        rep0(v)["days_off"] = json::array{"2026-12-08"};
        rep0(v)["hours_on_dates"] = json::object{{"2026-12-08", json::array{"08:00", "12:00"}}};
      },
      "reps[0].days_off", "also has hours");
  expect_field_error(
      FULL,
      [](json::value& v) {
        v.at("reps").at(1).at("home").as_object()["lat"] = 45.20;  // another "Ibis Grenoble" place
        v.at("reps").at(1).as_object()["overnight"] =
            json::parse(R"({"hotels": [{"name": "Ibis Grenoble", "lat": 45.21, "lon": 5.71}]})");
      },
      "reps[1].overnight.hotels[0].name", "already has the name");
}

TEST(ProblemJsonErrors, TravelSpecification) {
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        v.as_object()["travel"] = json::object{{"model", "road"}, {"osrm", "http://x:5000"}};
      },
      "travel", "exactly one of");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        v.as_object()["travel"] = json::object{{"model", "air"}};
      },
      "travel.model", "\"road\"");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        v.as_object()["travel"] = json::object{{"matrix_file", "/etc/m.csv"}};
      },
      "travel.matrix_file", "relative");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        v.as_object()["travel"] = json::object{{"matrix_file", "m.xlsx"}};
      },
      "travel.matrix_file", ".json or .csv");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        v.as_object()["travel"] = json::object{{"model", "road"}, {"circuity", 0.5}};
      },
      "travel.circuity", "between 1 and 3");
  expect_field_error(
      MINIMAL,
      [](json::value& v) {
        v.as_object()["travel"] = json::object{{"matrix_file", "m.csv"}, {"circuity", 1.2}};
      },
      "travel", "go with \"model\": \"road\"");
}

TEST(ProblemJsonErrors, EveryProblemIsReportedAtOnce) {
  json::value v = parse(MINIMAL);
  visit0(v)["lat"] = 100;
  visit0(v)["duration_minutes"] = -1;
  visit0(v)["colour"] = "red";
  rep0(v)["working_hours"].as_object()["tue"] = json::array{"25:00", "26:00"};
  v.at("horizon").as_object()["start_date"] = "2026-13-01";
  const auto e = read_error(v);
  std::set<std::string> fields;
  for (const auto& f : e.errors()) fields.insert(f.field);
  for (const char* f :
       {"visits[0].lat", "visits[0].duration_minutes", "visits[0].colour",
        "reps[0].working_hours.tue[0]", "reps[0].working_hours.tue[1]", "horizon.start_date"}) {
    EXPECT_TRUE(fields.count(f)) << f << " missing from\n" << fields_of(e);
  }
  EXPECT_NE(e.detail().find("problems"), std::string::npos);
}

TEST(ProblemJsonErrors, LocationCap) {
  json::value v = parse(MINIMAL);
  auto& visits = v.at("visits").as_array();
  for (int i = 0; i < 30; ++i) {
    json::value one = visits[0];
    one.as_object()["id"] = "X" + std::to_string(i);
    one.as_object()["lat"] = 45.0 + i * 0.01;
    visits.push_back(one);
  }
  ReadOptions options;
  options.limits.max_locations = 20;
  try {
    read_problem(v, options);
    FAIL() << "expected the location cap";
  } catch (const core::Error& e) {
    ASSERT_EQ(e.errors().size(), 1u) << fields_of(e);
    EXPECT_EQ(e.errors()[0].field, "visits");
    EXPECT_NE(e.errors()[0].message.find("32 distinct places"), std::string::npos);
  }
}

// Seeded mutations of the example: every outcome is a valid problem or a validation error whose
// every entry names a field; never a crash or another exception.
TEST(ProblemJsonErrors, MutatedExamplesAreReadOrRefusedCleanly) {
  std::ifstream in(std::filesystem::path(BOUCLE_SOURCE_DIR) / "docs/examples/week-problem.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string original = ss.str();
  std::mt19937_64 rng(20261207);
  int parsed = 0, accepted = 0;
  for (int i = 0; i < 600; ++i) {
    const auto text = boucle::testing::mutate(original, rng, "0123456789-:.,\"[]{}tfnaeu ", 4);
    json::error_code ec;
    const auto v = json::parse(text, ec);
    if (ec) continue;
    ++parsed;
    try {
      const auto lp = load(v);
      ++accepted;
      const auto n = lp.problem.travel.size();
      EXPECT_EQ(static_cast<std::size_t>(n), lp.places.size());
      for (const auto& visit : lp.problem.visits) {
        EXPECT_LT(visit.location, n);
        EXPECT_TRUE(visit.windows.empty() ||
                    visit.windows.size() == static_cast<std::size_t>(lp.problem.days));
        for (const auto& day : visit.windows) {
          for (const auto& w : day) EXPECT_LE(w.open, w.close);
        }
      }
    } catch (const core::Error& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::validation) << e.detail();
      EXPECT_FALSE(e.errors().empty()) << e.detail();
      for (const auto& f : e.errors()) EXPECT_FALSE(f.field.empty()) << f.message;
    }
  }
  EXPECT_GT(parsed, 100);
  EXPECT_GT(accepted, 10);
}

TEST(ProblemJsonFile, MalformedJsonGivesItsPosition) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "planio_bad.json";
  std::ofstream(path) << "{\n  \"horizon\": {\n    \"days\": 3,,\n  }\n}\n";
  try {
    read_problem_file(path, {});
    FAIL() << "expected bad_json";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::bad_json);
    EXPECT_NE(e.detail().find("line 3"), std::string::npos) << e.detail();
  }
  std::ofstream(path) << "{\"horizon\": 1} trailing";
  try {
    read_problem_file(path, {});
    FAIL() << "expected bad_json";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::bad_json) << e.detail();
  }
  std::ofstream(path) << "{\"horizon\": ";
  EXPECT_THROW(read_problem_file(path, {}), core::Error);
  EXPECT_THROW(read_problem_file(path.string() + ".missing", {}), core::Error);
}

}  // namespace
}  // namespace boucle::planio
