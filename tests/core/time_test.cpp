#include "core/time.hpp"

#include <gtest/gtest.h>

using namespace boucle::core;

TEST(Time, TimestampsRoundTripAndOffsets) {
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_timestamp("2026-11-27T09:30:00Z"), 1795771800);
  EXPECT_EQ(parse_timestamp("2026-11-27T10:30:00+01:00"), 1795771800);
  EXPECT_EQ(parse_timestamp("2026-11-27T09:30:00.123Z"), 1795771800);
  EXPECT_EQ(format_timestamp(1795771800), "2026-11-27T09:30:00Z");
}

TEST(Time, RejectsMalformedTimestamps) {
  for (const char* bad : {"", "2026-11-27", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-27T25:00:00Z", "2026-11-27T09:30:00", "2026-11-27 09:30:00Z",
                          "2026-11-27T09:30:00+1:00", "2026-11-27T09:30:00.Z"}) {
    EXPECT_FALSE(parse_timestamp(bad).has_value()) << bad;
  }
}

TEST(Time, DatesWeeksAndClock) {
  EXPECT_TRUE(is_monday("2026-11-23"));
  EXPECT_FALSE(is_monday("2026-11-24"));
  EXPECT_FALSE(is_valid_date("2026-02-29"));
  EXPECT_TRUE(is_valid_date("2028-02-29"));
  EXPECT_EQ(format_date_days(*parse_date_days("2026-11-23")), "2026-11-23");
  EXPECT_EQ(parse_hhmm("08:30"), 510);
  EXPECT_EQ(parse_hhmm("24:00"), 1440);
  EXPECT_FALSE(parse_hhmm("24:01").has_value());
  EXPECT_FALSE(parse_hhmm("8:30").has_value());
  EXPECT_EQ(format_hhmm(510), "08:30");
}

TEST(Time, TimeZonesFromTheSystemDatabase) {
  EXPECT_TRUE(is_known_time_zone("Europe/Paris"));
  EXPECT_TRUE(is_known_time_zone("America/Martinique"));
  EXPECT_FALSE(is_known_time_zone("Europe/Atlantis"));
  EXPECT_FALSE(is_known_time_zone(""));
}
