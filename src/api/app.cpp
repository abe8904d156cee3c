#include "api/app.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>
#include <chrono>

#include "api/json_input.hpp"
#include "core/assert.hpp"
#include "core/time.hpp"

namespace boucle::api {

using core::Error;
using core::ErrorCode;
namespace json = boost::json;

std::size_t body_limit_for(const Config& config, std::string_view target) {
  if (target.starts_with("/api/v1/imports/")) return config.max_csv_body;
  if (target.starts_with("/api/v1/uploads/")) return config.max_chunk_body;
  return config.max_json_body;
}

Response json_response(int status, const json::value& body) {
  Response r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

Response json_response(int status, const json::object& body) {
  Response r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

Response item_response(int status, const json::object& item) {
  Response r = json_response(status, item);
  if (const auto* v = item.if_contains("version")) {
    std::string tag = "\"";
    tag.append(json::serialize(*v)).push_back('"');
    r.headers.emplace_back("ETag", std::move(tag));
  }
  return r;
}

Response list_response(json::array items, std::optional<core::Id> next_after) {
  json::object o;
  o["items"] = std::move(items);
  o["next_cursor"] = next_after ? json::value(std::to_string(*next_after)) : json::value(nullptr);
  return json_response(200, o);
}

Response tombstone(RequestContext& ctx, storage::EntityKind kind, core::Id id,
                   std::string_view noun) {
  if (!storage::write(ctx.app.db(), [&](storage::Tx& tx) { return tx.remove(kind, id); })) {
    throw Error(ErrorCode::not_found, "no " + std::string(noun) + " " + std::to_string(id));
  }
  return no_content();
}

Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response problem_response(const Error& e) {
  const auto& info = core::error_info(e.code());
  json::object o;
  o["type"] = "https://boucle.dev/problems/" + std::string(info.slug);
  o["title"] = info.title;
  o["status"] = info.http_status;
  o["detail"] = e.detail();
  o["code"] = static_cast<int>(e.code());
  if (!e.errors().empty()) {
    json::array errors;
    for (const auto& fe : e.errors()) {
      json::object item{{"field", fe.field}, {"message", fe.message}};
      if (fe.line > 0) item["line"] = fe.line;
      if (fe.position >= 0) item["position"] = fe.position;
      errors.push_back(std::move(item));
    }
    o["errors"] = std::move(errors);
  }
  Response r = json_response(info.http_status, o);
  r.content_type = "application/problem+json";
  return r;
}

App::App(storage::Storage& db, Config config)
    : db_(db),
      config_(config),
      limiter_(config.login_max_failures, std::chrono::seconds(config.login_window_seconds)),
      analytics_(db) {
  add_system_routes(router_);
  add_auth_routes(router_);
  add_user_routes(router_);
  add_store_routes(router_);
  add_product_routes(router_);
  add_visit_routes(router_);
  add_audit_routes(router_);
  add_order_routes(router_);
  add_sales_routes(router_);
  add_change_routes(router_);
  add_sync_routes(router_);
  add_import_routes(router_);
  add_plan_routes(router_);
  add_calendar_routes(router_);
  add_segment_routes(router_);
  add_kpi_routes(router_);
  add_campaign_routes(router_);
}

App::~App() = default;

namespace {

bool media_type_is(std::string_view content_type, std::string_view wanted) {
  auto semi = content_type.find(';');
  auto base = content_type.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  if (base.size() != wanted.size()) return false;
  for (std::size_t i = 0; i < base.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(base[i])) != wanted[i]) return false;
  }
  if (semi == std::string_view::npos) return true;
  // Only UTF-8 is accepted when a charset is named.
  auto params = content_type.substr(semi + 1);
  auto cs = params.find("charset=");
  if (cs == std::string_view::npos) return true;
  auto charset = params.substr(cs + 8);
  if (!charset.empty() && charset.front() == '"') charset.remove_prefix(1);
  return charset.size() >= 5 && (charset.substr(0, 5) == "utf-8" || charset.substr(0, 5) == "UTF-8");
}

}  // namespace

Response App::handle(const Request& request) {
  const auto started = std::chrono::steady_clock::now();
  std::string route_label = "unmatched";
  Response response;
  try {
    auto url = boost::urls::parse_origin_form(request.target);
    if (!url) throw Error(ErrorCode::route_not_found, "the request target is not a valid path");
    const std::string path = url->path();  // percent-decoded
    // The web app, when there is one, answers every GET outside /api (its page replaces the
    // server's plain landing page at "/").
    std::optional<Response> file = serve_static(config_, request, path);
    std::vector<Method> allowed;
    std::optional<Match> match;
    if (!file) match = router_.match(request.method, path, allowed);
    if (file) {
      route_label = "static";
      response = std::move(*file);
    } else if (!match) {
      if (allowed.empty()) {
        throw Error(ErrorCode::route_not_found, "no route for " + path);
      }
      std::string allow;
      for (auto m : allowed) allow += (allow.empty() ? "" : ", ") + std::string(to_string(m));
      response = problem_response(Error(ErrorCode::method_not_allowed,
                                        std::string(to_string(request.method)) +
                                            " is not allowed here; allowed: " + allow));
      response.headers.emplace_back("Allow", allow);
    } else {
      route_label = match->route->pattern;
      std::vector<std::pair<std::string, std::string>> query;
      for (auto p : url->params()) query.emplace_back(p.key, p.value);
      response = dispatch(request, *match, std::move(query));
    }
  } catch (const Error& e) {
    response = problem_response(e);
  } catch (const std::exception& e) {
    response = problem_response(Error(ErrorCode::internal, "unexpected error"));
  }
  if (request.method != Method::get && request.method != Method::head && response.status < 300) {
    writes_.fetch_add(1, std::memory_order_relaxed);
  }
  if (request.method == Method::head) response.body.clear();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.observe(to_string(request.method), route_label, response.status, seconds);
  return response;
}

Response App::dispatch(const Request& request, const Match& match,
                       std::vector<std::pair<std::string, std::string>> query) {
  const Route& route = *match.route;
  RequestContext ctx(*this, request, match, std::move(query));

  if (!route.access.public_route) {
    constexpr std::string_view BEARER = "Bearer ";
    const std::string& auth = request.authorization;
    if (auth.size() <= BEARER.size() || auth.compare(0, BEARER.size(), BEARER) != 0) {
      throw Error(ErrorCode::unauthenticated, "send Authorization: Bearer <token>");
    }
    ctx.principal = authenticate(std::string_view(auth).substr(BEARER.size()));
    if (!ctx.principal) {
      throw Error(ErrorCode::unauthenticated, "the token is unknown, expired or revoked");
    }
    if (!route.access.allows(ctx.principal->role())) throw Error(ErrorCode::forbidden, "your role may not do this");
  }

  if (route.body != Body::none) {
    const std::string_view wanted = route.body == Body::json    ? "application/json"
                                    : route.body == Body::bytes ? "application/octet-stream"
                                                                : "text/csv";
    if (!media_type_is(request.content_type, wanted)) {
      throw Error(ErrorCode::unsupported_media_type,
                  "send Content-Type: " + std::string(wanted) + " (UTF-8)");
    }
    const std::size_t limit = route.body == Body::json    ? config_.max_json_body
                              : route.body == Body::bytes ? config_.max_chunk_body
                                                          : config_.max_csv_body;
    if (request.body.size() > limit) {
      throw Error(ErrorCode::payload_too_large,
                  "the body is larger than " + std::to_string(limit) + " bytes");
    }
  }
  return route.handler(ctx);
}

std::optional<Principal> App::authenticate(std::string_view token) {
  const std::string hash = token_hash(token);
  const auto now = core::now_seconds();
  std::optional<Principal> out;
  storage::read(db_, [&](storage::Tx& tx) {
    auto session = tx.session(hash);
    if (!session || session->revoked || session->expires_at <= now) return;
    auto user = tx.user(session->user_id);
    if (!user || !user->active) return;
    out = Principal{std::move(*user)};
  });
  return out;
}

std::variant<App::Listener, Response> App::listen(const Request& request) {
  try {
    std::string token;
    constexpr std::string_view BEARER = "Bearer ";
    if (request.authorization.starts_with(BEARER)) {
      token = request.authorization.substr(BEARER.size());
    } else if (auto url = boost::urls::parse_origin_form(request.target)) {
      for (auto p : url->params()) {
        if (p.key == "token") token = p.value;
      }
    }
    if (token.empty()) throw Error(ErrorCode::unauthenticated, "send a token (?token= or Bearer)");
    auto principal = authenticate(token);
    if (!principal) throw Error(ErrorCode::unauthenticated, "the token is unknown, expired or revoked");
    // Changes before the stream opened are the client's first pull's business, not news.
    const auto seen = storage::read(db_, [](storage::Tx& tx) { return tx.last_seq(); });
    return Listener{std::move(*principal), seen};
  } catch (const Error& e) {
    return problem_response(e);
  }
}

std::optional<core::Seq> App::news_for(Listener& l) {
  storage::Scope scope;
  if (l.principal.is_rep()) scope.rep_id = l.principal.user.meta.id;
  std::optional<core::Seq> news;
  storage::read(db_, [&](storage::Tx& tx) {
    const auto last = tx.last_seq();
    if (last <= l.seen) return;
    auto changes = tx.changes_since(l.seen, scope, 1, false);
    if (!changes.empty()) news = last;
    l.seen = last;
  });
  return news;
}

RequestContext::RequestContext(App& a, const Request& r, const Match& m,
                               std::vector<std::pair<std::string, std::string>> query)
    : app(a), request(r), match(m), query_(std::move(query)) {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : query_) {
    bool known = false;
    for (const auto& q : m.route->query) known = known || q == key;
    if (!known) unknown.push_back(key);
  }
  if (!unknown.empty()) {
    std::vector<core::FieldError> errors;
    for (auto& k : unknown) errors.push_back({k, "is not a known query parameter"});
    throw Error(ErrorCode::bad_query, "unknown query parameters", errors);
  }
}

const Principal& RequestContext::who() const {
  BOUCLE_ASSERT(principal.has_value(), "who() is only called on authenticated routes");
  return *principal;
}

storage::Scope RequestContext::scope() const {
  if (principal && principal->is_rep()) return storage::Scope{principal->user.meta.id};
  return storage::Scope{};
}

std::optional<std::string> RequestContext::query(std::string_view key) const {
  std::optional<std::string> out;
  for (const auto& [k, v] : query_) {
    if (k == key) {
      if (out) throw Error(ErrorCode::bad_query, "query parameter " + k + " is repeated");
      out = v;
    }
  }
  return out;
}

namespace {

std::optional<std::int64_t> to_int64(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<core::Id> RequestContext::query_id(std::string_view key) const {
  auto s = query(key);
  if (!s) return std::nullopt;
  auto v = to_int64(*s);
  if (!v || *v <= 0) {
    throw Error(ErrorCode::bad_query, "bad query parameter",
                {{std::string(key), "must be a positive integer id"}});
  }
  return v;
}

storage::Page RequestContext::page() const {
  storage::Page page;
  page.limit = app.config().default_page;
  if (auto limit = query("limit")) {
    auto v = to_int64(*limit);
    if (!v || *v < 1 || *v > app.config().max_page) {
      throw Error(ErrorCode::bad_query, "bad query parameter",
                  {{"limit", "must be an integer between 1 and " +
                                 std::to_string(app.config().max_page)}});
    }
    page.limit = static_cast<int>(*v);
  }
  if (auto cursor = query("cursor")) {
    auto v = to_int64(*cursor);
    if (!v || *v < 0) {
      throw Error(ErrorCode::bad_query, "bad query parameter",
                  {{"cursor", "is not a cursor returned by this list"}});
    }
    page.after = *v;
  }
  return page;
}

json::object RequestContext::body_object() const { return parse_object(request.body); }

void RequestContext::check_version(std::int64_t current,
                                   std::optional<std::int64_t> body_version) const {
  if (!request.if_match.empty()) {
    std::string_view tag = request.if_match;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
    if (tag == "*") return;
    auto v = to_int64(tag);
    if (!v || *v != current) {
      throw Error(ErrorCode::precondition_failed,
                  "If-Match does not match the current version " + std::to_string(current));
    }
    return;
  }
  if (body_version) {
    if (*body_version != current) {
      throw Error(ErrorCode::version_conflict,
                  "version " + std::to_string(*body_version) + " is stale; current is " +
                      std::to_string(current));
    }
    return;
  }
  throw Error(ErrorCode::precondition_required,
              "send If-Match: \"<version>\" or a \"version\" field to update");
}

}  // namespace boucle::api
