#include "core/time.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <limits>
#include <sstream>

#include <date/date.h>
#include <date/tz.h>

#include "core/assert.hpp"

namespace boucle::core {

namespace {

// The simulated clock; NO_OVERRIDE (an instant no caller can mean) when the system clock rules.
constexpr UnixSeconds NO_OVERRIDE = std::numeric_limits<UnixSeconds>::min();
std::atomic<UnixSeconds> simulated_now{NO_OVERRIDE};
static_assert(std::atomic<UnixSeconds>::is_always_lock_free);

}  // namespace

UnixSeconds now_seconds() {
  const UnixSeconds simulated = simulated_now.load(std::memory_order_relaxed);
  if (simulated != NO_OVERRIDE) return simulated;
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void set_now_override(std::optional<UnixSeconds> t) {
  BOUCLE_ASSERT(!t || *t != NO_OVERRIDE, "the sentinel instant cannot be simulated");
  simulated_now.store(t.value_or(NO_OVERRIDE), std::memory_order_relaxed);
}

std::optional<UnixSeconds> now_override() {
  const UnixSeconds simulated = simulated_now.load(std::memory_order_relaxed);
  if (simulated == NO_OVERRIDE) return std::nullopt;
  return simulated;
}

ScopedNow::ScopedNow(UnixSeconds t) : previous_(now_override()), now_(t) { set_now_override(t); }

ScopedNow::~ScopedNow() { set_now_override(previous_); }

void ScopedNow::set(UnixSeconds t) {
  now_ = t;
  set_now_override(t);
}

void ScopedNow::advance(UnixSeconds seconds) { set(now_ + seconds); }

namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<std::int64_t> parse_date_days(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
  date::year_month_day ymd{date::year{to_int(y)}, date::month{static_cast<unsigned>(to_int(m))},
                           date::day{static_cast<unsigned>(to_int(d))}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd}.time_since_epoch().count();
}

bool is_valid_date(std::string_view text) { return parse_date_days(text).has_value(); }

bool is_monday(std::string_view text) {
  auto days = parse_date_days(text);
  if (!days) return false;
  return date::weekday{date::sys_days{date::days{*days}}} == date::Monday;
}

std::string format_date_days(std::int64_t days) {
  return date::format("%F", date::sys_days{date::days{days}});
}

std::optional<UnixSeconds> parse_timestamp(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)
  if (text.size() < 20 || text.size() > 40) return std::nullopt;
  auto days = parse_date_days(text.substr(0, 10));
  if (!days || (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
    return std::nullopt;
  auto hh = text.substr(11, 2), mm = text.substr(14, 2), ss = text.substr(17, 2);
  if (!all_digits(hh) || !all_digits(mm) || !all_digits(ss)) return std::nullopt;
  int h = to_int(hh), mi = to_int(mm), s = to_int(ss);
  if (h > 23 || mi > 59 || s > 60) return std::nullopt;
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start || pos - start > 9) return std::nullopt;
  }
  auto zone = text.substr(pos);
  int offset = 0;
  if (zone == "Z" || zone == "z") {
    offset = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
             all_digits(zone.substr(1, 2)) && all_digits(zone.substr(4, 2))) {
    int oh = to_int(zone.substr(1, 2)), om = to_int(zone.substr(4, 2));
    if (oh > 23 || om > 59) return std::nullopt;
    offset = (oh * 60 + om) * 60 * (zone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  return *days * 86400 + h * 3600 + mi * 60 + std::min(s, 59) - offset;
}

std::string format_timestamp(UnixSeconds t) {
  return date::format("%FT%TZ", date::sys_seconds{std::chrono::seconds{t}});
}

std::optional<MinuteOfDay> parse_hhmm(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto hh = text.substr(0, 2), mm = text.substr(3, 2);
  if (!all_digits(hh) || !all_digits(mm)) return std::nullopt;
  int h = to_int(hh), m = to_int(mm);
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
  return h * 60 + m;
}

std::string format_hhmm(MinuteOfDay m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (m / 60) % 100, m % 60);
  return buf;
}

bool is_known_time_zone(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  try {
    return date::locate_zone(name) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace boucle::core
