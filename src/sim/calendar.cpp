#include "sim/calendar.hpp"

#include <date/date.h>

#include <charconv>
#include <chrono>

namespace boucle::sim {

namespace {

constexpr int SECONDS_PER_DAY = 86400;

date::sys_days to_sys(Day day) { return date::sys_days{date::days{day}}; }
Day from_sys(date::sys_days d) { return static_cast<Day>(d.time_since_epoch().count()); }

Day floor_day(core::UnixSeconds t) {
  core::UnixSeconds d = t / SECONDS_PER_DAY;
  if (t % SECONDS_PER_DAY < 0) --d;
  return static_cast<Day>(d);
}

Day last_sunday(int year, unsigned month) {
  const auto last = date::sys_days{date::year{year} / date::month{month} / date::last};
  const auto back = (date::weekday{last} - date::Sunday).count();
  return from_sys(last - date::days{back});
}

// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
Day easter_sunday(int year) {
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return make_day(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

}  // namespace

int paris_utc_offset_seconds(core::UnixSeconds t) {
  const int year = year_of(floor_day(t));
  const core::UnixSeconds summer_from =
      static_cast<core::UnixSeconds>(last_sunday(year, 3)) * SECONDS_PER_DAY + 3600;
  const core::UnixSeconds summer_to =
      static_cast<core::UnixSeconds>(last_sunday(year, 10)) * SECONDS_PER_DAY + 3600;
  return (t >= summer_from && t < summer_to) ? 7200 : 3600;
}

LocalTime paris_local(core::UnixSeconds t) {
  const core::UnixSeconds local = t + paris_utc_offset_seconds(t);
  const Day day = floor_day(local);
  return {day, weekday_of(day),
          static_cast<int>(local - static_cast<core::UnixSeconds>(day) * SECONDS_PER_DAY)};
}

core::UnixSeconds paris_instant(Day day, int second_of_day) {
  const core::UnixSeconds local =
      static_cast<core::UnixSeconds>(day) * SECONDS_PER_DAY + second_of_day;
  // Try summer time first; in the one ambiguous hour a year this picks summer time.
  if (paris_utc_offset_seconds(local - 7200) == 7200) return local - 7200;
  return local - 3600;
}

int weekday_of(Day day) { return static_cast<int>(date::weekday{to_sys(day)}.iso_encoding()) - 1; }

Day iso_monday(Day day) { return day - weekday_of(day); }

Day make_day(int year, unsigned month, unsigned day) {
  return from_sys(date::sys_days{date::year{year} / date::month{month} / date::day{day}});
}

int year_of(Day day) { return static_cast<int>(date::year_month_day{to_sys(day)}.year()); }

int day_of_year(Day day) { return day - make_day(year_of(day), 1, 1) + 1; }

std::string format_day(Day day) {
  const date::year_month_day ymd{to_sys(day)};
  char buf[16];
  const int y = static_cast<int>(ymd.year());
  const auto m = static_cast<unsigned>(ymd.month());
  const auto d = static_cast<unsigned>(ymd.day());
  buf[0] = static_cast<char>('0' + (y / 1000) % 10);
  buf[1] = static_cast<char>('0' + (y / 100) % 10);
  buf[2] = static_cast<char>('0' + (y / 10) % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + m / 10);
  buf[6] = static_cast<char>('0' + m % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d / 10);
  buf[9] = static_cast<char>('0' + d % 10);
  return std::string(buf, 10);
}

std::optional<Day> parse_day(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  const auto read = [&](std::size_t pos, std::size_t len, auto& out) {
    const auto* first = text.data() + pos;
    const auto [ptr, ec] = std::from_chars(first, first + len, out);
    return ec == std::errc{} && ptr == first + len;
  };
  if (!read(0, 4, y) || !read(5, 2, m) || !read(8, 2, d)) return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return from_sys(date::sys_days{ymd});
}

bool is_french_holiday(Day day) {
  const date::year_month_day ymd{to_sys(day)};
  const auto m = static_cast<unsigned>(ymd.month());
  const auto d = static_cast<unsigned>(ymd.day());
  const bool fixed = (m == 1 && d == 1) || (m == 5 && d == 1) || (m == 5 && d == 8) ||
                     (m == 7 && d == 14) || (m == 8 && d == 15) || (m == 11 && d == 1) ||
                     (m == 11 && d == 11) || (m == 12 && d == 25);
  if (fixed) return true;
  const Day easter = easter_sunday(static_cast<int>(ymd.year()));
  // Easter Monday, Ascension Thursday, Whit Monday.
  return day == easter + 1 || day == easter + 39 || day == easter + 50;
}

}  // namespace boucle::sim
