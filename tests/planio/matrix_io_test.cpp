#include "planio/matrix_io.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "core/error.hpp"
#include "mutate.hpp"

namespace boucle::planio {
namespace {

namespace json = boost::json;

// Three places: a home and two stores; the second store has two visits (two keys).
MatrixLocations three() {
  MatrixLocations m;
  m.size = 3;
  m.keys = {{"home:R1", 0}, {"visit:A", 1}, {"visit:B1", 2}, {"visit:B2", 2}};
  m.names = {"home:R1", "visit:A", "visit:B1"};
  m.points = {{45.77, 4.89}, {45.70, 4.88}, {45.60, 4.80}};
  return m;
}

core::Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const core::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return core::Error(core::ErrorCode::internal, "none");
}

std::string describe(const core::Error& e) {
  std::string out = e.detail() + "\n";
  for (const auto& f : e.errors()) {
    out += "  line " + std::to_string(f.line) + " " + f.field + ": " + f.message + "\n";
  }
  return out;
}

// True when some error has this field, this line and a message containing `part`.
bool has_error(const core::Error& e, const std::string& field, int line, const std::string& part) {
  for (const auto& f : e.errors()) {
    if (f.field == field && f.line == line && f.message.find(part) != std::string::npos)
      return true;
  }
  return false;
}

TEST(MatrixJson, InProblemOrderWithDistances) {
  const auto m = matrix_from_json(json::parse(R"({
      "durations": [[0, 600.4, 1200], [610, 0, 700.5], [1190, 710, 0]],
      "distances": [[0, 9000, 18000], [9100, 0, 9500], [18100, 9600, 0]]})"),
                                  three());
  ASSERT_EQ(m.size(), 3);
  EXPECT_EQ(m.time(0, 1), 600);
  EXPECT_EQ(m.time(1, 2), 701) << "rounded to the nearest second";
  EXPECT_EQ(m.distance(2, 0), 18100);
  EXPECT_EQ(m.time(2, 2), 0);
}

TEST(MatrixJson, MissingDistancesComeFromTheRoadModel) {
  const auto locs = three();
  const auto m =
      matrix_from_json(json::parse(R"({"durations": [[0, 1, 2], [3, 0, 4], [5, 6, 0]]})"), locs);
  EXPECT_EQ(m.time(1, 0), 3);
  EXPECT_EQ(m.distance(0, 1), plan::road_leg(locs.road, locs.points[0], locs.points[1]).metres);
  EXPECT_EQ(m.distance(1, 1), 0);
}

TEST(MatrixJson, LocationsByKeyOrIndexInAnyOrder) {
  const auto m = matrix_from_json(json::parse(R"({
      "locations": ["visit:B1", 0, "visit:A", "visit:B2"],
      "durations": [[0, 50, 60, 0], [51, 0, 10, 51], [61, 11, 0, 61], [0, 50, 60, 0]]})"),
                                  three());
  EXPECT_EQ(m.time(2, 0), 50);
  EXPECT_EQ(m.time(0, 2), 51);
  EXPECT_EQ(m.time(1, 0), 11);
  EXPECT_EQ(m.time(2, 1), 60);
}

TEST(MatrixJson, ShapeAndValueErrorsHaveTheirPath) {
  const auto locs = three();
  auto e = error_of([&] {
    matrix_from_json(json::parse(R"({"durations": [[0, 1, 2], [3, 0]]})"), locs, "travel.matrix");
  });
  EXPECT_EQ(e.code(), core::ErrorCode::validation);
  EXPECT_TRUE(has_error(e, "travel.matrix.durations", 0, "3 rows")) << describe(e);

  e = error_of([&] {
    matrix_from_json(json::parse(R"({"durations": [[0, 1, 2], [3, 0], [1, 2, 0]]})"), locs);
  });
  EXPECT_TRUE(has_error(e, "durations[1]", 0, "3 numbers")) << describe(e);

  e = error_of([&] {
    matrix_from_json(json::parse(R"({"durations": [[0, -1, 2], [3, 0, null], [1, "2", 0]],
                                     "distances": [[0, 1, 2], [3, 7, 4], [1e400, 2, 0]]})"),
                     locs);
  });
  EXPECT_TRUE(has_error(e, "durations[0][1]", 0, "between 0 and")) << describe(e);
  EXPECT_TRUE(has_error(e, "durations[1][2]", 0, "null")) << describe(e);
  EXPECT_TRUE(has_error(e, "durations[2][1]", 0, "must be a number")) << describe(e);
  EXPECT_TRUE(has_error(e, "distances[1][1]", 0, "same place")) << describe(e);
  EXPECT_TRUE(has_error(e, "distances[2][0]", 0, "between 0 and")) << describe(e);

  e = error_of([&] { matrix_from_json(json::parse(R"({"durations": [[0]], "speed": 3})"), locs); });
  EXPECT_TRUE(has_error(e, "speed", 0, "unknown field")) << describe(e);
  e = error_of(
      [&] { matrix_from_json(json::parse(R"([[0, 1], [1, 0]])"), locs, "travel.matrix"); });
  EXPECT_TRUE(has_error(e, "travel.matrix", 0, "must be an object")) << describe(e);
  e = error_of([&] { matrix_from_json(json::parse(R"({"distances": []})"), locs); });
  EXPECT_TRUE(has_error(e, "durations", 0, "is required")) << describe(e);
}

TEST(MatrixJson, LocationErrors) {
  const auto locs = three();
  auto e = error_of([&] {
    matrix_from_json(json::parse(R"({"locations": ["home:R1", "visit:Z", 7, "home:R1"],
                                     "durations": [[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0]]})"),
                     locs);
  });
  EXPECT_TRUE(has_error(e, "locations[1]", 0, "'visit:Z' is not a location")) << describe(e);
  EXPECT_TRUE(has_error(e, "locations[2]", 0, "is not a location")) << describe(e);
  EXPECT_TRUE(has_error(e, "locations[3]", 0, "repeats locations[0]")) << describe(e);

  e = error_of([&] {
    matrix_from_json(json::parse(R"({"locations": ["home:R1", "visit:A"],
                                     "durations": [[0, 1], [1, 0]]})"),
                     locs);
  });
  EXPECT_TRUE(has_error(e, "locations", 0, "location 2 (visit:B1) is missing")) << describe(e);

  // Two names of one place must agree.
  e = error_of([&] {
    matrix_from_json(json::parse(R"({"locations": [0, 1, "visit:B1", "visit:B2"],
        "durations": [[0, 5, 6, 7], [5, 0, 5, 5], [6, 5, 0, 0], [6, 5, 0, 0]]})"),
                     locs);
  });
  EXPECT_TRUE(has_error(e, "durations[0][3]", 0, "differs from an earlier value")) << describe(e);
}

TEST(MatrixCsv, LongFormByKeysAndIndices) {
  const auto m = matrix_from_csv(
      "from,to,seconds,metres\n"
      "home:R1,visit:A,600,9000\n"
      "visit:A,home:R1,610,9100\n"
      "0,2,1200,18000\n"
      "2,0,1190,18100\n"
      "visit:A,visit:B2,700,9500\n"
      "visit:B1,1,710.4,9600\n"
      "visit:B1,visit:B2,0,0\n",
      three());
  EXPECT_EQ(m.time(0, 1), 600);
  EXPECT_EQ(m.distance(1, 0), 9100);
  EXPECT_EQ(m.time(2, 1), 710);
  EXPECT_EQ(m.distance(1, 2), 9500);
}

TEST(MatrixCsv, LongFormWithoutMetresAndSemicolons) {
  const auto locs = three();
  const auto m = matrix_from_csv(
      "From;To;Seconds\r\n0;1;1\r\n0;2;2\r\n1;0;3\r\n1;2;4\r\n2;0;5\r\n2;1;6\r\n", locs);
  EXPECT_EQ(m.time(2, 1), 6);
  EXPECT_EQ(m.distance(2, 1), plan::road_leg(locs.road, locs.points[2], locs.points[1]).metres);
}

TEST(MatrixCsv, LongFormErrorsCarryTheirLine) {
  const auto e = error_of([] {
    matrix_from_csv(
        "from,to,seconds,metres\n"
        "home:R1,visit:A,600,9000\n"  // line 2
        "visit:A,home:R1,-5,9100\n"   // line 3: negative
        "0,visit:Q,1200,18000\n"      // line 4: unknown key
        "0,2,abc,18000\n"             // line 5: not a number
        "2,0,1190\n"                  // line 6: field count
        "1,2,inf,1\n"                 // line 7: not finite
        "0,1,601,9000\n",             // line 8: conflicts with line 2
        three());
  });
  EXPECT_EQ(e.code(), core::ErrorCode::validation);
  EXPECT_TRUE(has_error(e, "seconds", 3, "between 0 and")) << describe(e);
  EXPECT_TRUE(has_error(e, "to", 4, "'visit:Q' is not a location")) << describe(e);
  EXPECT_TRUE(has_error(e, "seconds", 5, "must be a number")) << describe(e);
  EXPECT_TRUE(has_error(e, "matrix", 6, "expected 4 fields")) << describe(e);
  EXPECT_TRUE(has_error(e, "seconds", 7, "between 0 and")) << describe(e);
  EXPECT_TRUE(has_error(e, "seconds", 8, "differs from an earlier value")) << describe(e);
  EXPECT_TRUE(has_error(e, "matrix", 0, "no duration from visit:B1 to visit:A")) << describe(e);
}

TEST(MatrixCsv, LongFormHeaderMustBeKnown) {
  const auto e = error_of([] { matrix_from_csv("from,to,seconds,km\n0,1,1,1\n", three()); });
  EXPECT_TRUE(has_error(e, "matrix", 1, "from,to,seconds")) << describe(e);
}

TEST(MatrixCsv, SquareWithoutHeaderIsInProblemOrder) {
  const auto m = matrix_from_csv("0,10,20\n11,0,21\n12,22,0\n", three());
  EXPECT_EQ(m.time(0, 2), 20);
  EXPECT_EQ(m.time(2, 1), 22);
}

TEST(MatrixCsv, SquareWithHeaderOfKeys) {
  const auto m = matrix_from_csv(
      ";visit:A;Home:R1;visit:B1\n"
      "visit:A;0;11;21\n"
      "Home:R1;10;0;20\n"
      "visit:B1;22;12;0\n",
      [] {
        auto l = three();
        l.keys.erase("home:R1");
        l.keys["Home:R1"] = 0;  // keys are case-sensitive
        return l;
      }());
  EXPECT_EQ(m.time(0, 1), 10);
  EXPECT_EQ(m.time(1, 0), 11);
  EXPECT_EQ(m.time(2, 1), 22);
  EXPECT_EQ(m.time(0, 2), 20);
}

TEST(MatrixCsv, SquareErrorsCarryTheirLine) {
  auto e = error_of([] { matrix_from_csv("0,10\n11,0\n", three()); });
  EXPECT_TRUE(has_error(e, "matrix", 1, "2 columns, the problem has 3 locations")) << describe(e);

  e = error_of([] { matrix_from_csv("0,10,20\n11,0,21\n", three()); });
  EXPECT_TRUE(has_error(e, "matrix", 0, "2 rows of values and 3 columns")) << describe(e);

  e = error_of([] { matrix_from_csv("0,10,20\n11,x,21\n12,22,-1\n", three()); });
  EXPECT_TRUE(has_error(e, "column 2", 2, "must be a number of seconds")) << describe(e);
  EXPECT_TRUE(has_error(e, "column 3", 3, "between 0 and")) << describe(e);

  e = error_of([] { matrix_from_csv(",0,1,visit:X\n0,0,1,2\n1,1,0,2\nvisit:X,1,2,0\n", three()); });
  EXPECT_TRUE(has_error(e, "column 4", 1, "'visit:X' is not a location")) << describe(e);

  e = error_of([] { matrix_from_csv(",0,1,2\n0,0,1,2\n2,1,0,2\n1,1,2,0\n", three()); });
  EXPECT_TRUE(has_error(e, "column 1", 3, "same location as column 3")) << describe(e);

  e = error_of([] { matrix_from_csv(",0,1,1\n0,0,1,1\n1,1,0,0\n1,1,0,0\n", three()); });
  EXPECT_TRUE(has_error(e, "matrix", 1, "location 2 (visit:B1) is missing")) << describe(e);

  e = error_of([] { matrix_from_csv("0,1,2\n1,5,2\n1,2,0\n", three()); });
  EXPECT_TRUE(has_error(e, "column 2", 2, "same place at both ends")) << describe(e);

  e = error_of([] { matrix_from_csv("", three()); });
  EXPECT_TRUE(has_error(e, "matrix", 1, "empty")) << describe(e);
}

TEST(MatrixCsv, ManyErrorsAreCapped) {
  std::string text = "from,to,seconds\n";
  for (int i = 0; i < 500; ++i) text += "0,1,bad\n";
  const auto e = error_of([&] { matrix_from_csv(text, three()); });
  ASSERT_EQ(e.errors().size(), 101u);
  EXPECT_NE(e.errors().back().message.find("more problems"), std::string::npos);
}

TEST(MatrixCsv, MutatedFilesAreReadOrRefusedCleanly) {
  const std::string original =
      "from,to,seconds,metres\nhome:R1,visit:A,600,9000\nvisit:A,home:R1,610,9100\n"
      "0,2,1200,18000\n2,0,1190,18100\nvisit:A,visit:B2,700,9500\nvisit:B1,1,710,9600\n";
  const std::string square =
      ",home:R1,visit:A,visit:B1\nhome:R1,0,1,2\nvisit:A,3,0,4\nvisit:B1,5,6,0\n";
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    const auto text =
        boucle::testing::mutate(i % 2 ? original : square, rng, "0123456789,;:.\"\n-eAB", 4);
    try {
      const auto m = matrix_from_csv(text, three());
      ASSERT_EQ(m.size(), 3);
      for (int a = 0; a < 3; ++a) {
        EXPECT_EQ(m.time(a, a), 0);
        for (int b = 0; b < 3; ++b) EXPECT_GE(m.time(a, b), 0);
      }
    } catch (const core::Error& e) {
      EXPECT_EQ(e.code(), core::ErrorCode::validation) << e.detail();
      EXPECT_FALSE(e.errors().empty());
    }
  }
}

TEST(MatrixFile, ByExtension) {
  const auto dir = std::filesystem::path(::testing::TempDir()) / "planio_matrix_io";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "m.json") << R"({"durations": [[0, 1, 2], [3, 0, 4], [5, 6, 0]]})";
  std::ofstream(dir / "m.csv") << "0,1,2\n3,0,4\n5,6,0\n";
  std::ofstream(dir / "m.txt") << "0,1,2\n3,0,4\n5,6,0\n";
  std::ofstream(dir / "bad.json") << R"({"durations": [[0, 1, 2], [3, 0, 4], [5, 6, 0]],})";
  std::ofstream(dir / "bad.csv") << "0,1,2\n3,0,4\n5,-6,0\n";
  EXPECT_EQ(read_matrix_file(dir / "m.json", three()).time(2, 1), 6);
  EXPECT_EQ(read_matrix_file(dir / "m.csv", three()).time(1, 2), 4);
  auto e = error_of([&] { read_matrix_file(dir / "m.txt", three()); });
  EXPECT_TRUE(has_error(e, "travel.matrix_file", 0, ".json or .csv")) << describe(e);
  e = error_of([&] { read_matrix_file(dir / "bad.json", three()); });
  EXPECT_EQ(e.code(), core::ErrorCode::bad_json);
  e = error_of([&] { read_matrix_file(dir / "bad.csv", three()); });
  EXPECT_NE(e.detail().find("bad.csv"), std::string::npos) << e.detail();
  EXPECT_TRUE(has_error(e, "column 2", 3, "between 0 and")) << describe(e);
  e = error_of([&] { read_matrix_file(dir / "none.csv", three()); });
  EXPECT_EQ(e.code(), core::ErrorCode::validation);
}

}  // namespace
}  // namespace boucle::planio
