#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

#include "mutate.hpp"

#include "core/csv.hpp"
#include "core/json.hpp"
#include "core/time.hpp"

// Seeded mutation tests: hostile bytes never crash the readers of outside input, and what they
// return keeps its invariants. (Deterministic: the same seed gives the same inputs.)
namespace boucle::core {

namespace {

const std::string CSV_ALPHABET = std::string("\",;\n\r \t\xEF\xBB\xBF" "ab09:-.[]{}\xC3\xA9\xFF") + '\0';

std::string mutate(std::string s, std::mt19937_64& rng) {
  return testing::mutate(std::move(s), rng, CSV_ALPHABET, 8);
}

}  // namespace

TEST(Robustness, CsvReaderKeepsItsInvariantsOnMutatedInput) {
  std::mt19937_64 rng(20261127);
  const std::string seed_csv =
      "code;name;lat;lon;mon\nA;\"Shop; one\";45,1;4,9;08:00-12:00 14:00-19:00\n"
      "B;\"multi\nline\";45,2;4,8;\n";
  for (int i = 0; i < 200'000; ++i) {
    const std::string input = mutate(seed_csv, rng);
    const CsvDocument doc = parse_csv(input);
    const int lines = 1 + static_cast<int>(std::count(input.begin(), input.end(), '\n'));
    for (const auto& row : doc.rows) {
      ASSERT_EQ(row.fields.size(), doc.header.size()) << input;
      ASSERT_GE(row.line, 2);
      ASSERT_LE(row.line, lines);
    }
    for (const auto& e : doc.errors) {
      ASSERT_GE(e.line, 1);
      ASSERT_LE(e.line, lines) << input;
    }
  }
}

TEST(Robustness, WeeklyHoursAndTimesNeverAcceptNonsense) {
  std::mt19937_64 rng(7);
  const std::string seed_json = R"({"mon":[["08:30","12:30"],["14:00","19:00"]],"sat":[["09:00","24:00"]]})";
  int accepted = 0;
  for (int i = 0; i < 100'000; ++i) {
    const std::string input = mutate(seed_json, rng);
    boost::system::error_code ec;
    auto v = boost::json::parse(input, ec);
    if (ec) continue;
    std::vector<FieldError> errors;
    auto hours = weekly_hours_from_json(v, "h", errors);
    ASSERT_EQ(hours.has_value(), errors.empty());
    if (!hours) continue;
    ++accepted;
    for (const auto& day : hours->days) {
      for (std::size_t k = 0; k < day.size(); ++k) {
        ASSERT_LT(day[k].open, day[k].close);
        ASSERT_LE(day[k].close, 1440);
        if (k > 0) {
          ASSERT_LE(day[k - 1].close, day[k].open);
        }
      }
    }
  }
  EXPECT_GT(accepted, 0);
  for (int i = 0; i < 100'000; ++i) {
    const std::string t = mutate("2026-11-27T09:30:00+01:00", rng);
    if (auto s = parse_timestamp(t)) {
      // Whatever is accepted formats back to a valid timestamp that parses to the same instant.
      ASSERT_EQ(parse_timestamp(format_timestamp(*s)), s) << t;
    }
  }
}

}  // namespace boucle::core
