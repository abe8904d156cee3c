#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace boucle::core {

// The stable error catalogue. Numbers never change meaning; new codes are appended.
// Each code maps to one HTTP status and one problem type in error.cpp (the one table).
enum class ErrorCode : std::uint16_t {
  internal = 1,
  bad_json = 2,          // body is not well-formed JSON
  validation = 3,        // well-formed but fields missing, unknown, wrong type or out of range
  not_found = 4,         // unknown id, or a record the caller may not see
  route_not_found = 5,   // no such path
  method_not_allowed = 6,
  unauthenticated = 7,   // no token, bad token, expired or revoked token
  bad_credentials = 8,   // login with a wrong email or password
  forbidden = 9,         // authenticated but the role may not do this
  conflict = 10,         // unique key already taken, or state does not allow the action
  version_conflict = 11, // version in the body is stale (409)
  precondition_failed = 12,   // If-Match is stale (412)
  precondition_required = 13, // update without If-Match nor version (428)
  payload_too_large = 14,
  unsupported_media_type = 15,
  rate_limited = 16,
  bad_csv = 17,          // CSV import with bad rows: nothing was imported
  bad_query = 18,        // bad query-string parameter (limit, cursor, filter)
  storage = 19,          // database failure
  unavailable = 20,
  bad_request = 21,      // malformed HTTP (transport level)
  header_too_large = 22,
  upstream = 23,         // a service we depend on (OSRM…) failed or answered nonsense (502)
  infeasible = 24,       // a plan request that cannot be satisfied (422)
  not_yet = 25,          // depends on something that has not arrived yet (a photo's bytes): retry
  device_taken = 26,     // a sync device id already used by another user: make a new one (409)
};

struct ErrorInfo {
  int http_status;
  std::string_view slug;   // problem "type" is https://boucle.dev/problems/<slug>
  std::string_view title;
};

const ErrorInfo& error_info(ErrorCode code);

// One failed field of a validated input. For CSV rows, `line` is the 1-based line number.
struct FieldError {
  std::string field;
  std::string message;
  int line = 0;
  int position = -1;  // 0-based byte offset in the field's text (expressions); -1: none
};

// Typed exception carrying a stable code; thrown at boundaries (input parsing, storage, files)
// and translated once into problem+json by the API layer.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string detail, std::vector<FieldError> errors = {})
      : std::runtime_error(detail), code_(code), detail_(std::move(detail)),
        errors_(std::move(errors)) {}

  ErrorCode code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::vector<FieldError>& errors() const noexcept { return errors_; }

 private:
  ErrorCode code_;
  std::string detail_;
  std::vector<FieldError> errors_;
};

}  // namespace boucle::core
