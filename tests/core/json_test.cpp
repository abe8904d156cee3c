#include "core/json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

using namespace boucle::core;

TEST(WeeklyHoursJson, RoundTripWithLunchClosure) {
  auto v = boost::json::parse(R"({"mon":[["08:30","12:30"],["14:00","19:00"]],"sat":[["09:00","24:00"]]})");
  std::vector<FieldError> errors;
  auto hours = weekly_hours_from_json(v, "opening_hours", errors);
  ASSERT_TRUE(hours) << errors.size();
  EXPECT_EQ(hours->days[0].size(), 2u);
  EXPECT_EQ(hours->days[0][1], (Interval{840, 1140}));
  EXPECT_TRUE(hours->days[1].empty());
  EXPECT_EQ(hours->days[5][0].close, 1440);
  EXPECT_EQ(weekly_hours_to_json(*hours), v);
}

TEST(WeeklyHoursJson, EveryProblemNamed) {
  auto v = boost::json::parse(
      R"({"mon":[["12:00","10:00"]],"tue":[["08:00","13:00"],["12:00","18:00"]],"xyz":[],"wed":"open","thu":[["8h","9h"]]})");
  std::vector<FieldError> errors;
  EXPECT_FALSE(weekly_hours_from_json(v, "h", errors));
  ASSERT_EQ(errors.size(), 5u);
  std::vector<std::string> fields;
  for (auto& e : errors) fields.push_back(e.field);
  EXPECT_NE(std::find(fields.begin(), fields.end(), "h.mon[0]"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "h.tue[1]"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "h.xyz"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "h.wed"), fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(), "h.thu[0]"), fields.end());
}
