#include "api/json_input.hpp"

#include <fmt/core.h>

#include <boost/json.hpp>
#include <cmath>

#include "core/json.hpp"
#include "core/time.hpp"

namespace boucle::api {

using core::ErrorCode;

ObjectReader::ObjectReader(const boost::json::object& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)), errors_(&own_errors_) {}

ObjectReader::ObjectReader(const boost::json::object& object, std::string prefix,
                           std::vector<core::FieldError>* errors)
    : object_(object), prefix_(std::move(prefix)), errors_(errors) {}

ObjectReader ObjectReader::nested(const boost::json::object& object, std::string prefix) {
  return ObjectReader(object, std::move(prefix), errors_);
}

std::string ObjectReader::path(std::string_view key) const {
  return prefix_.empty() ? std::string(key) : prefix_ + "." + std::string(key);
}

void ObjectReader::error(std::string_view key, std::string message) {
  errors_->push_back({path(key), std::move(message)});
}

bool ObjectReader::has(std::string_view key) const { return object_.contains(key); }

bool ObjectReader::is_null(std::string_view key) const {
  auto it = object_.find(key);
  return it != object_.end() && it->value().is_null();
}

const boost::json::value* ObjectReader::get(std::string_view key, Need need) {
  read_.emplace(key);
  auto it = object_.find(key);
  if (it == object_.end() || it->value().is_null()) {
    if (need == Need::required) error(key, "is required");
    return nullptr;
  }
  return &it->value();
}

std::optional<std::string> ObjectReader::string(std::string_view key, Need need,
                                                std::size_t max_len, std::size_t min_len) {
  const auto* v = get(key, need);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    error(key, "must be a string");
    return std::nullopt;
  }
  std::string s(v->get_string());
  if (s.size() > max_len) {
    error(key, "must be at most " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  if (s.size() < min_len) {
    error(key, min_len == 1 ? "must not be empty"
                            : "must be at least " + std::to_string(min_len) + " characters");
    return std::nullopt;
  }
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
      error(key, "must not contain control characters");
      return std::nullopt;
    }
  }
  return s;
}

std::optional<double> ObjectReader::number(std::string_view key, Need need, double min,
                                           double max) {
  const auto* v = get(key, need);
  if (!v) return std::nullopt;
  double d = 0;
  if (v->is_double()) {
    d = v->get_double();
  } else if (v->is_int64()) {
    d = static_cast<double>(v->get_int64());
  } else if (v->is_uint64()) {
    d = static_cast<double>(v->get_uint64());
  } else {
    error(key, "must be a number");
    return std::nullopt;
  }
  if (!std::isfinite(d) || d < min || d > max) {
    // fmt's shortest form: "0 and 100", not Boost.JSON's "0E0 and 1E2".
    error(key, fmt::format("must be between {} and {}", min, max));
    return std::nullopt;
  }
  return d;
}

std::optional<std::int64_t> ObjectReader::integer(std::string_view key, Need need,
                                                  std::int64_t min, std::int64_t max) {
  const auto* v = get(key, need);
  if (!v) return std::nullopt;
  std::int64_t i = 0;
  if (v->is_int64()) {
    i = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(max)) {
    i = static_cast<std::int64_t>(v->get_uint64());
  } else if (v->is_uint64()) {
    i = max;
    error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  } else {
    error(key, "must be an integer");
    return std::nullopt;
  }
  if (i < min || i > max) {
    error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return i;
}

std::optional<bool> ObjectReader::boolean(std::string_view key, Need need) {
  const auto* v = get(key, need);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    error(key, "must be true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<core::UnixSeconds> ObjectReader::timestamp(std::string_view key, Need need) {
  auto s = string(key, need, 40);
  if (!s) return std::nullopt;
  auto t = core::parse_timestamp(*s);
  if (!t) error(key, "must be an RFC 3339 timestamp such as 2026-11-27T09:30:00Z");
  return t;
}

std::optional<core::MinuteOfDay> ObjectReader::clock(std::string_view key, Need need) {
  auto s = string(key, need, 5);
  if (!s) return std::nullopt;
  auto m = core::parse_hhmm(*s);
  if (!m) error(key, "must be a time HH:MM between 00:00 and 24:00");
  return m;
}

std::optional<std::string> ObjectReader::date(std::string_view key, Need need) {
  auto s = string(key, need, 10);
  if (!s) return std::nullopt;
  if (!core::is_valid_date(*s)) {
    error(key, "must be a date YYYY-MM-DD");
    return std::nullopt;
  }
  return s;
}

std::optional<core::WeeklyHours> ObjectReader::weekly_hours(std::string_view key, Need need) {
  const auto* v = get(key, need);
  if (!v) return std::nullopt;
  return core::weekly_hours_from_json(*v, path(key), *errors_);
}

std::optional<std::vector<std::string>> ObjectReader::string_list(std::string_view key, Need need,
                                                                  std::size_t max_items,
                                                                  std::size_t max_len) {
  const auto* v = get(key, need);
  if (!v) return std::nullopt;
  const auto* arr = v->if_array();
  if (!arr || arr->size() > max_items) {
    error(key, "must be an array of at most " + std::to_string(max_items) + " strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : *arr) {
    if (!item.is_string() || item.get_string().empty() || item.get_string().size() > max_len) {
      error(key, "items must be non-empty strings of at most " + std::to_string(max_len) +
                     " bytes");
      return std::nullopt;
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

const boost::json::array* ObjectReader::array(std::string_view key, Need need,
                                              std::size_t max_items) {
  const auto* v = get(key, need);
  if (!v) return nullptr;
  const auto* arr = v->if_array();
  if (!arr || arr->size() > max_items) {
    error(key, "must be an array of at most " + std::to_string(max_items) + " items");
    return nullptr;
  }
  return arr;
}

const boost::json::object* ObjectReader::object(std::string_view key, Need need) {
  const auto* v = get(key, need);
  if (!v) return nullptr;
  if (!v->is_object()) {
    error(key, "must be an object");
    return nullptr;
  }
  return &v->get_object();
}

void ObjectReader::flag_unread() {
  for (const auto& [key, value] : object_) {
    if (!read_.contains(std::string_view(key))) error(key, "is not a known field");
  }
}

void ObjectReader::finish() {
  flag_unread();
  if (!own_errors_.empty() || (errors_ != &own_errors_ && !errors_->empty())) {
    throw core::Error(ErrorCode::validation, "the request body has invalid fields", *errors_);
  }
}

boost::json::object parse_object(std::string_view body) {
  boost::json::parse_options options;
  options.max_depth = 20;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec, {}, options);
  if (ec) throw core::Error(ErrorCode::bad_json, "body is not valid JSON: " + ec.message());
  if (!v.is_object()) {
    throw core::Error(ErrorCode::validation, "body must be a JSON object",
                      {{"", "must be a JSON object"}});
  }
  return std::move(v.get_object());
}

}  // namespace boucle::api
