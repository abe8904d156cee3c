#include "core/error.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>

#include "core/assert.hpp"

namespace boucle::core {

namespace {

struct Row {
  ErrorCode code;
  ErrorInfo info;
};

// The one table from error code to HTTP status and problem type.
constexpr std::array TABLE = {
    Row{ErrorCode::internal, {500, "internal", "Internal error"}},
    Row{ErrorCode::bad_json, {400, "bad-json", "Malformed JSON"}},
    Row{ErrorCode::validation, {422, "validation", "Invalid input"}},
    Row{ErrorCode::not_found, {404, "not-found", "Not found"}},
    Row{ErrorCode::route_not_found, {404, "route-not-found", "No such route"}},
    Row{ErrorCode::method_not_allowed, {405, "method-not-allowed", "Method not allowed"}},
    Row{ErrorCode::unauthenticated, {401, "unauthenticated", "Authentication required"}},
    Row{ErrorCode::bad_credentials, {401, "bad-credentials", "Wrong email or password"}},
    Row{ErrorCode::forbidden, {403, "forbidden", "Forbidden"}},
    Row{ErrorCode::conflict, {409, "conflict", "Conflict"}},
    Row{ErrorCode::version_conflict, {409, "version-conflict", "Stale version"}},
    Row{ErrorCode::precondition_failed, {412, "precondition-failed", "Precondition failed"}},
    Row{ErrorCode::precondition_required,
        {428, "precondition-required", "If-Match or version required"}},
    Row{ErrorCode::payload_too_large, {413, "payload-too-large", "Payload too large"}},
    Row{ErrorCode::unsupported_media_type,
        {415, "unsupported-media-type", "Unsupported media type"}},
    Row{ErrorCode::rate_limited, {429, "rate-limited", "Too many requests"}},
    Row{ErrorCode::bad_csv, {422, "bad-csv", "CSV rejected, nothing imported"}},
    Row{ErrorCode::bad_query, {400, "bad-query", "Bad query parameter"}},
    Row{ErrorCode::storage, {500, "storage", "Storage failure"}},
    Row{ErrorCode::unavailable, {503, "unavailable", "Service unavailable"}},
    Row{ErrorCode::bad_request, {400, "bad-request", "Malformed HTTP request"}},
    Row{ErrorCode::header_too_large, {431, "header-too-large", "Request header too large"}},
    Row{ErrorCode::upstream, {502, "upstream", "An upstream service failed"}},
    Row{ErrorCode::infeasible, {422, "infeasible", "The planning request cannot be satisfied"}},
    Row{ErrorCode::not_yet, {409, "not-yet", "Not possible yet; retry later"}},
    Row{ErrorCode::device_taken, {409, "device-taken", "This device id belongs to another user"}},
};

}  // namespace

const ErrorInfo& error_info(ErrorCode code) {
  for (const auto& row : TABLE) {
    if (row.code == code) return row.info;
  }
  BOUCLE_ASSERT(false, "every ErrorCode has a row in TABLE");
  return TABLE[0].info;
}

[[noreturn]] void assertion_failed(const char* expr, const char* reason, const char* file,
                                   int line) {
  std::fprintf(stderr, "BOUCLE_ASSERT failed: %s (%s) at %s:%d\n", expr, reason, file, line);
  std::abort();
}

}  // namespace boucle::core
