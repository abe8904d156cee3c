#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/domain.hpp"
#include "core/error.hpp"

// JSON forms of composite domain values shared by the API and by storage (which keeps them in
// TEXT columns). Weekly hours: {"mon": [["08:30","12:30"],["14:00","19:00"]], ...}; a missing
// day is closed.
namespace boucle::core {

boost::json::value weekly_hours_to_json(const WeeklyHours& hours);

// Appends a FieldError (field prefixed by `field`) for every problem; returns the value when
// there was none.
std::optional<WeeklyHours> weekly_hours_from_json(const boost::json::value& v,
                                                  const std::string& field,
                                                  std::vector<FieldError>& errors);

boost::json::value strings_to_json(const std::vector<std::string>& items);

}  // namespace boucle::core
