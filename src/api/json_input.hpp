#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "core/domain.hpp"
#include "core/error.hpp"

// Reading hostile JSON objects into typed values. Every problem becomes a FieldError; finish()
// adds one for every field that was not read (unknown fields are refused) and throws a
// validation error if there were any. Nothing is thrown before all fields were examined, so a
// client learns every mistake of a body at once.
namespace boucle::api {

enum class Need { required, optional };

class ObjectReader {
 public:
  explicit ObjectReader(const boost::json::object& object, std::string prefix = "");

  bool has(std::string_view key) const;
  // True when the key is present with an explicit null (PATCH uses it to clear a field).
  bool is_null(std::string_view key) const;

  std::optional<std::string> string(std::string_view key, Need need, std::size_t max_len = 200,
                                    std::size_t min_len = 0);
  std::optional<double> number(std::string_view key, Need need, double min, double max);
  std::optional<std::int64_t> integer(std::string_view key, Need need, std::int64_t min,
                                      std::int64_t max);
  std::optional<bool> boolean(std::string_view key, Need need);
  std::optional<core::UnixSeconds> timestamp(std::string_view key, Need need);
  std::optional<core::MinuteOfDay> clock(std::string_view key, Need need);  // "HH:MM"
  std::optional<std::string> date(std::string_view key, Need need);        // "YYYY-MM-DD"
  std::optional<core::WeeklyHours> weekly_hours(std::string_view key, Need need);
  std::optional<std::vector<std::string>> string_list(std::string_view key, Need need,
                                                      std::size_t max_items,
                                                      std::size_t max_len);
  const boost::json::array* array(std::string_view key, Need need, std::size_t max_items);
  const boost::json::object* object(std::string_view key, Need need);

  template <typename E, typename Parse>
  std::optional<E> enumeration(std::string_view key, Need need, Parse parse,
                               std::string_view allowed) {
    auto s = string(key, need, 64);
    if (!s) return std::nullopt;
    auto v = parse(*s);
    if (!v) error(key, "must be one of " + std::string(allowed));
    return v;
  }

  void error(std::string_view key, std::string message);
  std::vector<core::FieldError>& errors() { return *errors_; }
  // Shares the error list with a parent reader (nested objects and arrays).
  ObjectReader nested(const boost::json::object& object, std::string prefix);

  // Flags unread keys, then throws ErrorCode::validation if any error was recorded.
  void finish();
  // Flags unread keys without throwing: for nested readers, whose errors the parent's finish()
  // reports.
  void flag_unread();

 private:
  ObjectReader(const boost::json::object& object, std::string prefix,
               std::vector<core::FieldError>* errors);
  const boost::json::value* get(std::string_view key, Need need);
  std::string path(std::string_view key) const;

  const boost::json::object& object_;
  std::string prefix_;
  std::set<std::string, std::less<>> read_;
  std::vector<core::FieldError> own_errors_;
  std::vector<core::FieldError>* errors_;
};

// Parses a request body as one JSON object: malformed JSON gives ErrorCode::bad_json, a
// non-object a validation error.
boost::json::object parse_object(std::string_view body);

}  // namespace boucle::api
