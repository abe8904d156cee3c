#pragma once

#include <atomic>
#include <memory>
#include <variant>
#include <optional>
#include <string>

#include <boost/json/array.hpp>

#include "api/analytics.hpp"
#include "api/auth.hpp"
#include "api/http.hpp"
#include "api/json_output.hpp"
#include "api/metrics.hpp"
#include "api/router.hpp"
#include "core/error.hpp"
#include "storage/storage.hpp"

namespace boucle::api {

struct Config {
  core::UnixSeconds token_ttl = 12 * 3600;
  std::size_t max_json_body = 1 << 20;   // 1 MiB
  std::size_t max_csv_body = 32 << 20;   // 32 MiB
  std::size_t max_chunk_body = 1 << 20;  // one chunk of a photo upload (docs/SYNC.md)
  std::int64_t max_blob_bytes = 10 << 20;  // one photo
  std::int64_t max_upload_bytes_per_day = std::int64_t{1} << 30;  // per user: 1 GiB of photos a day
  std::string web_root;                  // the built web app served at / (empty: none)
  std::size_t max_import_rows = 200'000;
  core::Metres checkin_far = 300;        // a check-in farther than this from the store is flagged
  int login_max_failures = 5;            // per email within login_window
  int login_window_seconds = 300;
  int default_page = 50;
  int max_page = 500;
  // Planning (POST /api/v1/plans): the search stops after plan_iterations (same input and seed,
  // same plan) or plan_time_limit_seconds, whichever comes first; a request may ask for less time.
  double plan_time_limit_seconds = 5.0;
  std::int64_t plan_iterations = 3000;
};

// The largest body the route of `target` accepts (the transport enforces it while reading).
std::size_t body_limit_for(const Config& config, std::string_view target);

// The application: every route, from a parsed request to a response. No sockets here; the
// server module is a transport in front of it, and tests and the demo seeder call it directly.
class App {
 public:
  App(storage::Storage& db, Config config);
  ~App();

  // Never throws: every failure becomes a problem+json response.
  Response handle(const Request& request);

  const Router& router() const { return router_; }
  const Config& config() const { return config_; }
  storage::Storage& db() { return db_; }
  LoginLimiter& login_limiter() { return limiter_; }
  Metrics& metrics() { return metrics_; }
  Analytics& analytics() { return analytics_; }

  // Server-sent events (GET /api/v1/events, docs/SYNC.md). The transport holds the stream; the
  // app says who listens and whether anything they may see changed since they last heard.
  struct Listener {
    Principal principal;
    core::Seq seen = 0;
  };
  // Authenticates the request (Authorization: Bearer, or ?token= since EventSource sends no
  // headers): a listener, or the problem response to send instead.
  std::variant<Listener, Response> listen(const Request& request);
  // The newest change the listener may see, if it is newer than what it saw (which moves).
  std::optional<core::Seq> news_for(Listener& listener);
  // Counts successful writes: a cheap "did anything happen" before news_for's query.
  std::uint64_t writes() const { return writes_.load(std::memory_order_relaxed); }

 private:
  // The active user of a live, unrevoked session token, if any (one read transaction).
  std::optional<Principal> authenticate(std::string_view token);
  Response dispatch(const Request& request, const Match& match,
                    std::vector<std::pair<std::string, std::string>> query);

  storage::Storage& db_;
  Config config_;
  Router router_;
  LoginLimiter limiter_;
  Metrics metrics_;
  Analytics analytics_;
  std::atomic<std::uint64_t> writes_{0};
};

// What a handler sees: the request, its captured ids, the caller and the services.
class RequestContext {
 public:
  RequestContext(App& app, const Request& request, const Match& match,
                 std::vector<std::pair<std::string, std::string>> query);

  App& app;
  const Request& request;
  const Match& match;
  std::optional<Principal> principal;

  core::Id id(std::size_t i = 0) const { return match.ids.at(i); }
  const Principal& who() const;
  // The storage scope of the caller: a rep sees their territory only.
  storage::Scope scope() const;

  std::optional<std::string> query(std::string_view key) const;
  std::optional<core::Id> query_id(std::string_view key) const;  // positive integer or 400
  storage::Page page() const;                                       // limit & cursor, or 400

  boost::json::object body_object() const;

  // Enforces optimistic concurrency on an update: If-Match (412) or a body version (409);
  // neither is a 428.
  void check_version(std::int64_t current, std::optional<std::int64_t> body_version) const;

 private:
  std::vector<std::pair<std::string, std::string>> query_;
};

Response json_response(int status, const boost::json::value& body);
// An item with its ETag (the version).
Response item_response(int status, const boost::json::object& item);
Response json_response(int status, const boost::json::object& body);  // no copy into a value
Response list_response(boost::json::array items, std::optional<core::Id> next_after);
// A storage page as a list response, each item in its API form.
template <typename T>
Response page_response(const storage::PageResult<T>& page) {
  boost::json::array items;
  for (const auto& item : page.items) items.push_back(to_json(item));
  return list_response(std::move(items), page.next_after);
}
// Tombstones the record `id` of `kind` (404 naming `noun` if there is none) and answers 204.
Response tombstone(RequestContext& ctx, storage::EntityKind kind, core::Id id,
                   std::string_view noun);
Response problem_response(const core::Error& error);
// A file of the web app (Config::web_root) for a GET outside /api, if there is one.
std::optional<Response> serve_static(const Config& config, const Request& request,
                                     std::string_view path);
Response no_content();

// Route registration, one function per resource family (users.cpp, stores.cpp, …).
void add_auth_routes(Router& r);
void add_user_routes(Router& r);
void add_store_routes(Router& r);
void add_product_routes(Router& r);
void add_visit_routes(Router& r);
void add_audit_routes(Router& r);
void add_order_routes(Router& r);
void add_sales_routes(Router& r);
void add_change_routes(Router& r);
void add_sync_routes(Router& r);  // sync.cpp: push, pull, uploads, conflicts (docs/SYNC.md)
void add_import_routes(Router& r);
void add_system_routes(Router& r);
void add_plan_routes(Router& r);      // plans.cpp
void add_calendar_routes(Router& r);  // calendar.cpp
void add_segment_routes(Router& r);   // segments.cpp: targeting and segments
void add_kpi_routes(Router& r);       // kpis.cpp
void add_campaign_routes(Router& r);  // campaigns.cpp

// The OpenAPI 3.1 document of every route in `router`.
std::string openapi_document(const Router& router);

}  // namespace boucle::api
