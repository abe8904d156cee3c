#include "core/time.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

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

TEST(Time, ScopedNowOverridesTheClockAndRestoresIt) {
  const UnixSeconds t2027 = *parse_timestamp("2027-03-01T08:00:00Z");
  ASSERT_FALSE(now_override().has_value());
  const UnixSeconds real = now_seconds();
  {
    ScopedNow clock(t2027);
    EXPECT_EQ(now_seconds(), t2027);
    EXPECT_EQ(now_override(), t2027);
    clock.advance(3600);
    EXPECT_EQ(now_seconds(), t2027 + 3600);
    {
      // A nested clock hides the outer one and gives it back when it ends.
      ScopedNow inner(t2027 - 86'400);
      EXPECT_EQ(now_seconds(), t2027 - 86'400);
      inner.set(42);
      EXPECT_EQ(now_seconds(), 42);
    }
    EXPECT_EQ(now_seconds(), t2027 + 3600);
    clock.set(t2027 - 7 * 86'400);  // the clock may go backwards too
    EXPECT_EQ(now_seconds(), t2027 - 7 * 86'400);
    EXPECT_EQ(clock.now(), t2027 - 7 * 86'400);
  }
  EXPECT_FALSE(now_override().has_value());
  EXPECT_GE(now_seconds(), real);
  EXPECT_LT(now_seconds(), real + 3600) << "back on the system clock";
}

TEST(Time, TheSimulatedClockIsProcessWide) {
  const UnixSeconds t = *parse_timestamp("2030-01-01T00:00:00Z");
  set_now_override(t);
  UnixSeconds seen = 0;
  std::thread reader([&] { seen = now_seconds(); });
  reader.join();
  EXPECT_EQ(seen, t);
  // Many threads moving and reading the clock at once only ever see values that were set.
  std::atomic<bool> torn{false};
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      for (int i = 0; i < 10'000; ++i) {
        if (k % 2 == 0) {
          set_now_override(t + (i % 2) * 86'400);
        } else {
          const auto n = now_seconds();
          if (n != t && n != t + 86'400) torn = true;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(torn.load());
  set_now_override(std::nullopt);
  EXPECT_FALSE(now_override().has_value());
  EXPECT_NE(now_seconds(), t);
}
