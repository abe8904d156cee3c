#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/units.hpp"

namespace boucle::core {

// The current instant: the system clock, or the simulated clock while one is set (below).
// Everything that asks "what time is it" (check-ins in the future, "today" for plans, record
// stamps, session expiry) goes through this function.
UnixSeconds now_seconds();

// A simulated clock for the whole process, meant for the simulator (which runs weeks of a
// territory through api::App::handle in minutes) and for tests only: a server never sets it.
// While set, now_seconds() returns it on every thread. Reading and setting are atomic, so a
// request running on another thread sees either the old or the new time, never a torn value.
// The clock does not tick by itself: it moves only when set again.
void set_now_override(std::optional<UnixSeconds> t);  // nullopt: back to the system clock
std::optional<UnixSeconds> now_override();

// Sets the simulated clock for its lifetime and restores what was there before (the system
// clock, or an enclosing ScopedNow's time) when destroyed. Nested objects must be destroyed
// in reverse order of creation, which scopes on one thread guarantee.
class ScopedNow {
 public:
  explicit ScopedNow(UnixSeconds t);
  ~ScopedNow();
  ScopedNow(const ScopedNow&) = delete;
  ScopedNow& operator=(const ScopedNow&) = delete;

  void set(UnixSeconds t);            // moves the simulated clock (backwards too)
  void advance(UnixSeconds seconds);  // set(now() + seconds)
  UnixSeconds now() const { return now_; }

 private:
  std::optional<UnixSeconds> previous_;
  UnixSeconds now_;
};

// RFC 3339 timestamps: "2026-11-27T09:30:00Z" or with an offset ("+01:00"); fractional
// seconds are accepted and truncated. Returns nullopt on anything else.
std::optional<UnixSeconds> parse_timestamp(std::string_view text);
std::string format_timestamp(UnixSeconds t);  // always UTC, "…Z"

// Civil dates "YYYY-MM-DD".
std::optional<std::int64_t> parse_date_days(std::string_view text);  // days since 1970-01-01
bool is_valid_date(std::string_view text);
bool is_monday(std::string_view date);
std::string format_date_days(std::int64_t days);

// "HH:MM" <-> minutes since midnight; "24:00" is allowed as an end of day.
std::optional<MinuteOfDay> parse_hhmm(std::string_view text);
std::string format_hhmm(MinuteOfDay m);

// Whether `name` is a time zone of the IANA database (e.g. "Europe/Paris").
bool is_known_time_zone(const std::string& name);

}  // namespace boucle::core
