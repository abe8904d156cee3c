#include "planio/bench_formats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/error.hpp"

namespace {

using namespace boucle;
using planio::BenchFormat;
using planio::PRIZE_SCALE;

// The first field error of the validation error `read` throws.
template <class F>
core::FieldError format_error(F read) {
  try {
    read();
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::validation);
    EXPECT_EQ(e.errors().size(), 1u);
    if (!e.errors().empty()) return e.errors().front();
    return {};
  }
  ADD_FAILURE() << "no error thrown";
  return {};
}

// `text` with the first `from` replaced by `to` (built anew: g++ 12 at -O3 warns wrongly about
// std::string::replace with -Wrestrict).
std::string replaced(const std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "\"" << from << "\" not in the test text";
    return text;
  }
  return text.substr(0, at) + to + text.substr(at + from.size());
}

plan::Route route(int rep, int day, plan::Location from, plan::Location to,
                  std::vector<int> visits) {
  plan::Route r;
  r.rep = rep;
  r.day = day;
  r.start_location = from;
  r.end_location = to;
  for (int v : visits) r.stops.push_back(plan::Stop{v, 0, 0, 0});
  return r;
}

bool has_rule(const planio::BenchResult& result, const std::string& rule) {
  for (const auto& v : result.violations) {
    if (v.rfind(rule + ":", 0) == 0) return true;
  }
  return false;
}

// Solomon layout with CRLF line ends, a line holding only a space, trailing spaces.
std::string solomon_text(const std::string& capacity = "50", const std::string& due1 = "20") {
  return "TINY\r\n\r\nVEHICLE\r\nNUMBER     CAPACITY\r\n  2         " + capacity +
         "\r\n\r\nCUSTOMER\r\n"
         "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r\n \r\n"
         "    0      0      0      0      0    100      0   \r\n"
         "    1      3      4     10      5    " +
         due1 +
         "      7   \r\n"
         "    2      1      1     20      0     50      3   \r\n";
}

// ---- Solomon
// -------------------------------------------------------------------------------------

TEST(Solomon, ConvertsToTicksWithWholeVisitWindows) {
  const auto inst = planio::read_solomon(solomon_text(), "TINY");
  const auto& p = inst.problem;
  EXPECT_EQ(inst.name, "TINY");
  EXPECT_EQ(p.days, 1);
  ASSERT_EQ(p.reps.size(), 2u);
  for (const auto& rep : p.reps) {
    EXPECT_EQ(rep.capacity, 50);
    EXPECT_EQ(rep.home, 0);
    EXPECT_EQ(rep.final_location, 0);
    ASSERT_EQ(rep.shifts.size(), 1u);
    EXPECT_EQ(rep.shifts[0].start_earliest, 0);
    EXPECT_EQ(rep.shifts[0].end_latest, 100 * 10000);
  }
  ASSERT_EQ(p.visits.size(), 2u);
  const auto& v1 = p.visits[0];
  EXPECT_EQ(v1.location, 1);
  EXPECT_EQ(v1.duration, 70000);
  EXPECT_EQ(v1.load, 10);
  EXPECT_EQ(v1.kind, plan::VisitKind::mandatory);
  // Ready 5, due 20, service 7: the whole visit within [5, 27].
  ASSERT_EQ(v1.windows.size(), 1u);
  EXPECT_EQ(v1.windows[0], (std::vector<plan::Window>{{50000, 270000}}));
  EXPECT_EQ(p.visits[1].windows[0], (std::vector<plan::Window>{{0, 530000}}));
  EXPECT_EQ(p.visits[1].load, 20);
  // Time = distance = llround(euclid × 10^4).
  EXPECT_EQ(p.travel.size(), 3);
  EXPECT_EQ(p.travel.time(0, 1), 50000);
  EXPECT_EQ(p.travel.distance(0, 1), 50000);
  EXPECT_EQ(p.travel.time(0, 2), 14142);      // √2 = 1.41421356…
  EXPECT_EQ(p.travel.distance(2, 1), 36056);  // √13 = 3.60555127…
  EXPECT_EQ(p.travel.time(1, 1), 0);
  EXPECT_EQ(p.weights.per_distance, 1);
  EXPECT_FALSE(p.weights.minimise_routes);
  EXPECT_EQ(inst.visits[0].score, 1.0);
  EXPECT_EQ(inst.visits[0].due, 20.0);
  EXPECT_TRUE(inst.warnings.empty());
}

TEST(Solomon, VehiclesObjectiveMinimisesRoutes) {
  planio::BenchOptions options;
  options.objective = planio::SolomonObjective::vehicles;
  EXPECT_TRUE(planio::read_solomon(solomon_text(), "T", options).problem.weights.minimise_routes);
}

TEST(Solomon, LfAndCrlfReadTheSame) {
  std::string lf = solomon_text();
  std::erase(lf, '\r');
  const auto a = planio::read_solomon(lf, "T");
  const auto b = planio::read_solomon(solomon_text(), "T");
  ASSERT_EQ(a.problem.visits.size(), b.problem.visits.size());
  EXPECT_EQ(a.problem.visits[1].windows, b.problem.visits[1].windows);
  EXPECT_EQ(a.problem.travel.time(1, 2), b.problem.travel.time(1, 2));
}

TEST(Solomon, MalformedInputNamesTheLine) {
  std::string text = solomon_text();
  // Line 11 is customer 1; drop its service time.
  const auto short_row = replaced(text, "      7   ", "");
  auto e = format_error([&] { planio::read_solomon(short_row, "T"); });
  EXPECT_EQ(e.line, 11);
  EXPECT_EQ(e.field, "customer");

  const auto word = replaced(text, "     10      5", "    ten      5");
  e = format_error([&] { planio::read_solomon(word, "T"); });
  EXPECT_EQ(e.line, 11);
  EXPECT_EQ(e.field, "demand");

  const auto gap = replaced(text, "    2      1", "    3      1");
  e = format_error([&] { planio::read_solomon(gap, "T"); });
  EXPECT_EQ(e.line, 12);
  EXPECT_EQ(e.field, "cust no");

  e = format_error([&] { planio::read_solomon(solomon_text("50", "4"), "T"); });
  EXPECT_EQ(e.line, 11);
  EXPECT_EQ(e.field, "due date");

  e = format_error([&] { planio::read_solomon(solomon_text("15"), "T"); });
  EXPECT_EQ(e.line, 12);  // demand 20 > capacity 15
  EXPECT_EQ(e.field, "demand");

  e = format_error([&] { planio::read_solomon("C1\nCUSTOMER\n0 0 0 0 0 100 0\n", "T"); });
  EXPECT_EQ(e.field, "vehicle");

  e = format_error([&] { planio::read_solomon(text + "trailing words\r\n", "T"); });
  EXPECT_EQ(e.line, 13);
}

// ---- TOPTW --------------------------------------------------------------------------------------

// Vertex 2 has a list of two entries: O and C are the last two fields.
const char* const TOPTW_TEXT =
    "4 2 2 1\n"
    "0 100\n"
    "  0 0.00 0.00 0.00 0.00 0 0 0 100\n"
    "  1 1.00 1.00 5.00 10.00 1 1 1 10 40\n"
    "  2 3.00 4.00 2.50 7.00 1 2 1 2 0 60\n";

TEST(Toptw, ConvertsWithTruncatedLegsAndScaledPrizes) {
  planio::BenchOptions options;
  options.tours = 3;
  const auto inst = planio::read_toptw(TOPTW_TEXT, "t", options);
  const auto& p = inst.problem;
  ASSERT_EQ(p.reps.size(), 3u);
  EXPECT_EQ(p.reps[2].shifts[0].start_earliest, 0);
  EXPECT_EQ(p.reps[2].shifts[0].end_latest, 1000);
  // floor(euclid × 10): √2 → 14, 5 → 50, √13 = 3.6055… → 36.
  EXPECT_EQ(p.travel.time(0, 1), 14);
  EXPECT_EQ(p.travel.distance(1, 0), 14);
  EXPECT_EQ(p.travel.time(0, 2), 50);
  EXPECT_EQ(p.travel.time(1, 2), 36);
  ASSERT_EQ(p.visits.size(), 2u);
  EXPECT_EQ(p.visits[0].kind, plan::VisitKind::optional);
  EXPECT_EQ(p.visits[0].duration, 50);
  EXPECT_EQ(p.visits[0].prize, 10 * PRIZE_SCALE);
  // Start in [10, 40] with d = 5: the whole visit in [10, 45].
  EXPECT_EQ(p.visits[0].windows[0], (std::vector<plan::Window>{{100, 450}}));
  EXPECT_EQ(p.visits[1].duration, 25);
  EXPECT_EQ(p.visits[1].prize, 7 * PRIZE_SCALE);
  EXPECT_EQ(p.visits[1].windows[0], (std::vector<plan::Window>{{0, 625}}));
  EXPECT_EQ(p.weights.per_distance, 1);
  EXPECT_DOUBLE_EQ(planio::bench_leg(inst, 0, 1), 1.4);
  EXPECT_DOUBLE_EQ(planio::bench_leg(inst, 2, 1), 3.6);
  EXPECT_TRUE(inst.warnings.empty());
}

TEST(Toptw, MalformedInputNamesTheLine) {
  std::string text = TOPTW_TEXT;
  const auto wrong_a = replaced(text, "1 1 1 10 40", "1 2 1 10 40");
  auto e = format_error([&] { planio::read_toptw(wrong_a, "t"); });
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.field, "a");

  e = format_error(
      [&] { planio::read_toptw("4 2 3 1\n" + text.substr(text.find('\n') + 1), "t"); });
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.field, "N");

  const auto late = replaced(text, "1 2 1 2 0 60", "1 2 1 2 70 60");
  e = format_error([&] { planio::read_toptw(late, "t"); });
  EXPECT_EQ(e.line, 5);
  EXPECT_EQ(e.field, "C");

  e = format_error([&] { planio::read_toptw(text + "  3 1.00 x 0 0 1 0 0 100\n", "t"); });
  EXPECT_EQ(e.line, 6);
}

// ---- OPHS ---------------------------------------------------------------------------------------

// N = 5 (3 vertices + 2), H = 1, D = 2; tabs, trailing tabs, a blank line, the dashed trailer.
std::string ophs_text(const std::string& tmax = "60") {
  return "5\t1\t2\n" + tmax +
         "\n4.5\t45.657\t\n\n"
         "0\t0\t0\n"   // H0
         "10\t0\t0\n"  // H1
         "5\t5\t0\n"   // extra hotel
         "2\t0\t7\n"
         "8\t0\t9\n"
         "5\t1\t4\n"
         "---------------------------------------------------\n";
}

TEST(Ophs, ConvertsHotelsLimitsAndPrizes) {
  const auto inst = planio::read_ophs(ophs_text(), "o");
  const auto& p = inst.problem;
  EXPECT_EQ(p.days, 2);
  ASSERT_EQ(p.reps.size(), 1u);
  const auto& rep = p.reps[0];
  EXPECT_EQ(rep.home, 0);
  EXPECT_EQ(rep.final_location, 1);
  EXPECT_TRUE(rep.overnight.allowed);
  EXPECT_FALSE(rep.overnight.home_allowed);
  EXPECT_EQ(rep.overnight.cost_per_night, 0);
  EXPECT_TRUE(rep.overnight.nights.empty());
  EXPECT_EQ(rep.overnight.hotels, (std::vector<plan::Location>{0, 1, 2}));
  ASSERT_EQ(rep.shifts.size(), 2u);
  EXPECT_EQ(rep.shifts[0].max_drive, 45000);
  EXPECT_EQ(rep.shifts[1].max_drive, 456570);  // 45.657 × 10^4 is 456569.99999999994 in doubles
  EXPECT_EQ(rep.shifts[0].end_latest, plan::NO_TIME_LIMIT);
  ASSERT_EQ(p.visits.size(), 3u);
  EXPECT_EQ(p.visits[0].location, 3);
  EXPECT_EQ(p.visits[0].prize, 7 * PRIZE_SCALE);
  EXPECT_EQ(p.visits[2].prize, 4 * PRIZE_SCALE);
  EXPECT_TRUE(p.visits[0].windows.empty());
  EXPECT_EQ(p.visits[0].duration, 0);
  EXPECT_EQ(p.visits[0].kind, plan::VisitKind::optional);
  EXPECT_EQ(p.travel.time(0, 1), 100000);
  EXPECT_EQ(p.travel.distance(0, 2), 70711);  // 5√2 = 7.0710678…
  EXPECT_EQ(inst.hotel_count, 3);
  EXPECT_DOUBLE_EQ(inst.total_limit, 60);
  EXPECT_TRUE(inst.warnings.empty());
}

TEST(Ophs, WarnsWhenTheTotalLimitCanBind) {
  const auto inst = planio::read_ophs(ophs_text("10"), "o");
  ASSERT_EQ(inst.warnings.size(), 1u);
  EXPECT_NE(inst.warnings[0].find("Tmax"), std::string::npos);
}

TEST(Ophs, MalformedInputNamesTheLine) {
  auto e = format_error([&] { planio::read_ophs(ophs_text() + "1 2 3\n", "o"); });
  EXPECT_EQ(e.line, 12);
  const auto full = ophs_text();
  const auto text = full.substr(0, full.find("5\t1\t4\n"));
  e = format_error([&] { planio::read_ophs(text, "o"); });
  EXPECT_EQ(e.line, 9);  // the last token read
  const auto bad = replaced(ophs_text(), "8\t0\t9", "x\t0\t9");
  e = format_error([&] { planio::read_ophs(bad, "o"); });
  EXPECT_EQ(e.line, 9);
  EXPECT_EQ(e.field, "x");
}

// ---- files --------------------------------------------------------------------------------------

TEST(BenchFile, NamedAfterItsStemAndUnreadableIsAnError) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "R999.txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << solomon_text();
  }
  const auto inst = planio::read_bench_file(path, BenchFormat::solomon);
  EXPECT_EQ(inst.name, "R999");
  EXPECT_EQ(inst.problem.visits.size(), 2u);
  std::filesystem::remove(path);
  try {
    planio::read_bench_file(path, BenchFormat::solomon);
    ADD_FAILURE() << "no error";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::validation);
  }
}

// ---- the double-precision re-check --------------------------------------------------------------

TEST(Evaluate, SolomonInDoublesFromCoordinates) {
  const auto inst = planio::read_solomon(solomon_text(), "T");
  plan::Solution s;
  s.routes.push_back(route(0, 0, 0, 0, {1, 0}));  // depot → 2 → 1 → depot
  const auto r = planio::evaluate_bench(inst, s);
  EXPECT_TRUE(r.violations.empty()) << r.violations.front();
  EXPECT_EQ(r.vehicles, 1);
  EXPECT_NEAR(r.distance, std::sqrt(2.0) + std::sqrt(13.0) + 5.0, 1e-12);
  EXPECT_EQ(r.score, 2.0);
  EXPECT_EQ(r.served, 2);
  EXPECT_EQ(r.mandatory_missing, 0);
}

TEST(Evaluate, SolomonViolationsAndMissingVisits) {
  // Customer 1 reached at 1.414 + 3 + 3.606 = 8.02, after its due date 8.
  const auto late = planio::read_solomon(solomon_text("50", "8"), "T");
  plan::Solution s;
  s.routes.push_back(route(0, 0, 0, 0, {1, 0}));
  EXPECT_TRUE(has_rule(planio::evaluate_bench(late, s), "window"));

  const auto small = planio::read_solomon(solomon_text("25"), "T");
  EXPECT_TRUE(has_rule(planio::evaluate_bench(small, s), "capacity"));

  const auto inst = planio::read_solomon(solomon_text(), "T");
  plan::Solution partial;
  partial.routes.push_back(route(1, 0, 0, 0, {0}));
  partial.routes.push_back(route(0, 0, 0, 0, {}));
  auto r = planio::evaluate_bench(inst, partial);
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.mandatory_missing, 1);
  EXPECT_EQ(r.vehicles, 1);  // the empty route does not count

  plan::Solution twice;
  twice.routes.push_back(route(0, 0, 0, 0, {0, 1}));
  twice.routes.push_back(route(1, 0, 0, 0, {0}));
  EXPECT_TRUE(has_rule(planio::evaluate_bench(inst, twice), "duplicate"));
}

TEST(Evaluate, SeesAWindowTheTicksRoundedAway) {
  // 2.00004 rounds to 20000 ticks, exactly the due date 2: feasible in ticks, late in doubles.
  const std::string text =
      "R\nVEHICLE\nNUMBER CAPACITY\n1 10\nCUSTOMER\n"
      "0 0 0 0 0 100 0\n"
      "1 0 2.00004 1 0 2 1\n";
  const auto inst = planio::read_solomon(text, "R");
  EXPECT_EQ(inst.problem.travel.time(0, 1), 20000);
  EXPECT_EQ(inst.problem.visits[0].windows[0][0].close, 30000);
  plan::Solution s;
  s.routes.push_back(route(0, 0, 0, 0, {0}));
  const auto r = planio::evaluate_bench(inst, s);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_TRUE(has_rule(r, "window"));
}

TEST(Evaluate, ToptwUsesTheTruncatedConventionAndTheHorizon) {
  const auto inst = planio::read_toptw(TOPTW_TEXT, "t");
  plan::Solution s;
  s.routes.push_back(route(0, 0, 0, 0, {0}));
  auto r = planio::evaluate_bench(inst, s);
  EXPECT_TRUE(r.violations.empty());
  EXPECT_DOUBLE_EQ(r.distance, 2.8);
  EXPECT_EQ(r.score, 10.0);
  EXPECT_EQ(r.mandatory_missing, 0);

  // Back at 10 + 5 + 1.4 = 16.4.
  const auto tight = replaced(TOPTW_TEXT, "0 0 0 100", "0 0 0 16");
  const auto short_day = planio::read_toptw(tight, "t");
  EXPECT_TRUE(has_rule(planio::evaluate_bench(short_day, s), "horizon"));
}

TEST(Evaluate, OphsTripsHotelsAndLimits) {
  const auto inst = planio::read_ophs(ophs_text(), "o");
  // Day 0: H0 → vertex (2,0) → hotel (5,5); day 1: hotel → (8,0) → H1.
  plan::Solution s;
  s.routes.push_back(route(0, 0, 0, 2, {0}));
  s.routes.push_back(route(0, 1, 2, 1, {1}));
  auto r = planio::evaluate_bench(inst, s);
  EXPECT_TRUE(has_rule(r, "max_drive"));  // day 0 drives 2 + √34 = 7.83 > 4.5
  EXPECT_EQ(r.violations.size(), 1u);
  EXPECT_NEAR(r.distance, 2 + std::sqrt(34.0) + std::sqrt(34.0) + 2, 1e-12);
  EXPECT_EQ(r.score, 16.0);
  EXPECT_EQ(r.vehicles, 2);

  plan::Solution broken;
  broken.routes.push_back(route(0, 0, 0, 4, {0}));  // ends at a vertex, not a hotel
  broken.routes.push_back(route(0, 1, 2, 0, {}));   // starts elsewhere, ends at H0
  r = planio::evaluate_bench(inst, broken);
  EXPECT_TRUE(has_rule(r, "hotel"));
  EXPECT_TRUE(has_rule(r, "continuity"));
  EXPECT_TRUE(has_rule(r, "final"));

  const auto bound = planio::read_ophs(ophs_text("10"), "o");
  plan::Solution longer;
  longer.routes.push_back(route(0, 0, 0, 0, {}));
  longer.routes.push_back(route(0, 1, 0, 1, {0, 1, 2}));  // 2 + 6 + √10 + √26 = 16.3 > Tmax 10
  EXPECT_TRUE(has_rule(planio::evaluate_bench(bound, longer), "total_limit"));
}

}  // namespace
