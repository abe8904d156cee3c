#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/units.hpp"

// Civil dates and Europe/Paris wall-clock time, without a time-zone database: France follows the
// EU rule (summer time from the last Sunday of March to the last Sunday of October, switching at
// 01:00 UTC), which is all the demo world needs.
namespace boucle::sim {

using Day = int;  // a civil date as days since 1970-01-01

struct LocalTime {
  Day day = 0;
  int weekday = 0;  // 0 = Monday, as in core::WeeklyHours
  int second_of_day = 0;
  core::MinuteOfDay minute() const { return second_of_day / 60; }
};

int paris_utc_offset_seconds(core::UnixSeconds t);
LocalTime paris_local(core::UnixSeconds t);
core::UnixSeconds paris_instant(Day day, int second_of_day);

int weekday_of(Day day);  // 0 = Monday
Day iso_monday(Day day);
Day make_day(int year, unsigned month, unsigned day);
int year_of(Day day);
int day_of_year(Day day);         // 1 = January 1st
std::string format_day(Day day);  // YYYY-MM-DD
std::optional<Day> parse_day(std::string_view text);

// French public holidays (jours fériés), when reps do not work.
bool is_french_holiday(Day day);

}  // namespace boucle::sim
