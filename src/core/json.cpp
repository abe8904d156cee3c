#include "core/json.hpp"

#include <array>
#include <string_view>

#include <boost/json.hpp>

#include "core/time.hpp"

namespace boucle::core {

namespace {
constexpr std::array<std::string_view, 7> DAY_KEYS = {"mon", "tue", "wed", "thu",
                                                      "fri", "sat", "sun"};
}

boost::json::value weekly_hours_to_json(const WeeklyHours& hours) {
  boost::json::object out;
  for (std::size_t d = 0; d < 7; ++d) {
    if (hours.days[d].empty()) continue;
    boost::json::array day;
    for (const auto& iv : hours.days[d]) {
      day.push_back(boost::json::array{boost::json::string(format_hhmm(iv.open)),
                                       boost::json::string(format_hhmm(iv.close))});
    }
    out[DAY_KEYS[d]] = std::move(day);
  }
  return out;
}

std::optional<WeeklyHours> weekly_hours_from_json(const boost::json::value& v,
                                                  const std::string& field,
                                                  std::vector<FieldError>& errors) {
  // Field names are built only when reporting a problem: stored hours are read on every
  // store look-up and are valid.
  const auto before = errors.size();
  const auto* obj = v.if_object();
  if (!obj) {
    errors.push_back({field, "must be an object keyed by weekday (mon..sun)"});
    return std::nullopt;
  }
  WeeklyHours hours;
  for (const auto& [key, day_value] : *obj) {
    std::size_t d = 0;
    while (d < 7 && DAY_KEYS[d] != std::string_view(key)) ++d;
    auto day_field = [&] { return field + "." + std::string(key); };
    if (d == 7) {
      errors.push_back({day_field(), "unknown weekday (expected mon..sun)"});
      continue;
    }
    const auto* arr = day_value.if_array();
    if (!arr || arr->size() > 8) {
      errors.push_back({day_field(), "must be an array of at most 8 [\"HH:MM\",\"HH:MM\"] pairs"});
      continue;
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
      auto fail = [&](const char* message) {
        errors.push_back({day_field() + "[" + std::to_string(i) + "]", message});
      };
      const auto* pair = (*arr)[i].if_array();
      if (!pair || pair->size() != 2 || !(*pair)[0].is_string() || !(*pair)[1].is_string()) {
        fail("must be a pair [\"HH:MM\",\"HH:MM\"]");
        continue;
      }
      auto open = parse_hhmm((*pair)[0].get_string());
      auto close = parse_hhmm((*pair)[1].get_string());
      if (!open || !close) {
        fail("times must be HH:MM between 00:00 and 24:00");
        continue;
      }
      if (*open >= *close) {
        fail("opening must be before closing");
        continue;
      }
      if (!hours.days[d].empty() && hours.days[d].back().close > *open) {
        fail("intervals must be sorted and must not overlap");
        continue;
      }
      hours.days[d].push_back({*open, *close});
    }
  }
  if (errors.size() != before) return std::nullopt;
  return hours;
}

boost::json::value strings_to_json(const std::vector<std::string>& items) {
  boost::json::array out;
  for (const auto& s : items) out.push_back(boost::json::string(s));
  return out;
}

}  // namespace boucle::core
