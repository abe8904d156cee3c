#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/units.hpp"

namespace boucle::core {

UnixSeconds now_seconds();

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
