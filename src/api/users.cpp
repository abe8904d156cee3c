#include "api/users.hpp"

#include <algorithm>
#include <boost/json.hpp>

#include "api/app.hpp"
#include "api/json_input.hpp"
#include "api/json_output.hpp"
#include "core/geo.hpp"
#include "core/time.hpp"

namespace boucle::api {

using core::Error;
using core::ErrorCode;
using core::Role;
namespace json = boost::json;

namespace {

constexpr std::size_t MIN_PASSWORD = 10;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Reads the writable fields of a user; on create the essential ones are required.
void read_user_fields(ObjectReader& in, core::User& u, bool creating) {
  const Need need = creating ? Need::required : Need::optional;
  if (auto v = in.string("email", need, 254, 3)) u.email = lower(*v);
  if (auto v = in.string("name", need, 120, 1)) u.name = *v;
  if (auto v = in.enumeration<Role>("role", need, core::parse_role, "admin, manager, rep"))
    u.role = *v;
  if (in.is_null("home")) {
    u.home.reset();
    in.object("home", Need::optional);
  } else if (const auto* home = in.object("home", Need::optional)) {
    auto h = in.nested(*home, "home");
    auto lat = h.number("lat", Need::required, -90, 90);
    auto lon = h.number("lon", Need::required, -180, 180);
    if (lat && lon) u.home = core::GeoPoint{*lat, *lon};
    h.finish();
  }
  if (auto v = in.weekly_hours("working_hours", Need::optional)) u.working_hours = *v;
  if (auto v = in.clock("lunch_start", Need::optional)) u.lunch_start = *v;
  if (auto v = in.clock("lunch_end", Need::optional)) u.lunch_end = *v;
  if (auto v = in.integer("lunch_minutes", Need::optional, 0, 240)) u.lunch_minutes = int(*v);
  if (auto v = in.boolean("overnight_allowed", Need::optional)) u.overnight_allowed = *v;
  if (auto v = in.integer("max_daily_driving_minutes", Need::optional, 0, 1440))
    u.max_daily_driving = int(*v);
  if (auto v = in.boolean("active", Need::optional)) u.active = *v;
}

core::User visible_user(RequestContext& ctx, core::Id id) {
  // A rep sees only themself; anyone else's id is unknown to them.
  if (ctx.who().is_rep() && id != ctx.who().user.meta.id) {
    throw Error(ErrorCode::not_found, "no user " + std::to_string(id));
  }
  auto u = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.user(id); });
  if (!u) throw Error(ErrorCode::not_found, "no user " + std::to_string(id));
  return *u;
}

Response login(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  auto email = in.string("email", Need::required, 254, 1);
  auto password = in.string("password", Need::required, 1024, 1);
  in.finish();
  const std::string key = lower(*email);
  if (auto wait = ctx.app.login_limiter().blocked(key, ctx.request.client_ip)) {
    Response r = problem_response(
        Error(ErrorCode::rate_limited, "too many failed logins; retry in " +
                                           std::to_string(*wait) + " s"));
    r.headers.emplace_back("Retry-After", std::to_string(*wait));
    return r;
  }
  auto user = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.user_by_email(key); });
  // Verify against a dummy hash when the user is unknown so timing does not reveal emails.
  static const std::string DUMMY = hash_password("not-a-real-password");
  const bool ok = user && !user->meta.deleted && user->active &&
                  verify_password(user->password_hash, *password);
  if (!user) verify_password(DUMMY, *password);
  if (!ok) {
    ctx.app.login_limiter().record_failure(key, ctx.request.client_ip);
    throw Error(ErrorCode::bad_credentials, "wrong email or password");
  }
  const std::string token = new_token();
  const auto now = core::now_seconds();
  core::Session session{token_hash(token), user->meta.id, now, now + ctx.app.config().token_ttl,
                        false};
  storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    tx.delete_expired_sessions(now);
    tx.insert_session(session);
  });
  json::object out{{"token", token},
                   {"expires_at", core::format_timestamp(session.expires_at)},
                   {"user", to_json(*user)}};
  return json_response(200, out);
}

Response logout(RequestContext& ctx) {
  constexpr std::size_t BEARER = 7;
  const auto hash = token_hash(std::string_view(ctx.request.authorization).substr(BEARER));
  storage::write(ctx.app.db(), [&](storage::Tx& tx) { tx.revoke_session(hash); });
  return no_content();
}

Response me(RequestContext& ctx) { return item_response(200, to_json(ctx.who().user)); }

Response list_users(RequestContext& ctx) {
  auto page = ctx.page();
  if (ctx.who().is_rep()) {
    json::array items;
    if (page.after < ctx.who().user.meta.id) items.push_back(to_json(ctx.who().user));
    return list_response(std::move(items), std::nullopt);
  }
  auto result = storage::read(ctx.app.db(), [&](storage::Tx& tx) { return tx.users(page); });
  return page_response(result);
}

Response post_user(RequestContext& ctx) {
  auto body = ctx.body_object();
  ObjectReader in(body);
  core::User u;
  read_user_fields(in, u, true);
  auto password = in.string("password", Need::required, 1024);
  in.finish();
  return item_response(201, to_json(create_user(ctx.app.db(), u, *password)));
}

Response get_user(RequestContext& ctx) { return item_response(200, to_json(visible_user(ctx, ctx.id()))); }

Response patch_user(RequestContext& ctx) {
  auto body = ctx.body_object();
  const auto id = ctx.id();
  auto result = storage::write(ctx.app.db(), [&](storage::Tx& tx) {
    auto u = tx.user(id);
    if (!u) throw Error(ErrorCode::not_found, "no user " + std::to_string(id));
    ObjectReader in(body);
    const std::string old_email = u->email;
    read_user_fields(in, *u, false);
    auto version = in.integer("version", Need::optional, 1, INT64_MAX);
    std::optional<std::string> password;
    if (in.has("password")) password = in.string("password", Need::optional, 1024);
    in.finish();
    ctx.check_version(u->meta.version, version);
    std::vector<core::FieldError> errors;
    validate_user(*u, errors);
    if (password) validate_password(*password, errors);
    if (id == ctx.who().user.meta.id && (u->role != Role::admin || !u->active)) {
      errors.push_back({"role", "an admin cannot demote or deactivate themself"});
    }
    if (!errors.empty()) throw Error(ErrorCode::validation, "invalid user", errors);
    if (u->email != old_email && tx.user_by_email(u->email)) {
      throw Error(ErrorCode::conflict, "email " + u->email + " is already taken");
    }
    if (password) u->password_hash = hash_password(*password);
    tx.update_user(*u);
    return *u;
  });
  return item_response(200, to_json(result));
}

Response delete_user(RequestContext& ctx) {
  const auto id = ctx.id();
  if (id == ctx.who().user.meta.id) {
    throw Error(ErrorCode::conflict, "an admin cannot delete themself");
  }
  return tombstone(ctx, storage::EntityKind::user, id, "user");
}

}  // namespace

void validate_password(const std::string& password, std::vector<core::FieldError>& errors) {
  if (password.size() < MIN_PASSWORD) {
    errors.push_back({"password", "must be at least " + std::to_string(MIN_PASSWORD) +
                                      " characters"});
  }
}

void validate_user(const core::User& u, std::vector<core::FieldError>& errors) {
  const auto at = u.email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= u.email.size() ||
      u.email.find(' ') != std::string::npos || u.email.find('@', at + 1) != std::string::npos) {
    errors.push_back({"email", "must be an email address"});
  }
  if (u.lunch_start >= u.lunch_end) {
    errors.push_back({"lunch_end", "must be after lunch_start"});
  } else if (u.lunch_minutes > u.lunch_end - u.lunch_start) {
    errors.push_back({"lunch_minutes", "must fit between lunch_start and lunch_end"});
  }
}

core::User create_user(storage::Storage& db, core::User user, const std::string& password) {
  std::vector<core::FieldError> errors;
  user.email = lower(user.email);
  validate_user(user, errors);
  validate_password(password, errors);
  if (!errors.empty()) throw Error(ErrorCode::validation, "invalid user", errors);
  if (user.working_hours.empty()) {
    for (int d = 0; d < 5; ++d) user.working_hours.days[d] = {{8 * 60, 18 * 60}};
  }
  user.password_hash = hash_password(password);  // slow: outside the write lock
  storage::write(db, [&](storage::Tx& tx) {
    if (tx.user_by_email(user.email)) {
      throw Error(ErrorCode::conflict, "email " + user.email + " is already taken");
    }
    tx.insert_user(user);
  });
  return user;
}

void add_auth_routes(Router& r) {
  r.add({Method::post, "/api/v1/auth/login", "Log in: trade an email and password for a token",
         "auth", Access{true}, Body::json, {}, "Login", "LoginResult", login});
  r.add({Method::post, "/api/v1/auth/logout", "Revoke the token of this request", "auth", {},
         Body::none, {}, "", "", logout});
  r.add({Method::get, "/api/v1/me", "The authenticated user", "auth", {}, Body::none, {}, "",
         "User", me});
}

void add_user_routes(Router& r) {
  const Access admin = Access::only({Role::admin});
  r.add({Method::get, "/api/v1/users", "List users (a rep sees only themself)", "users", {},
         Body::none, {"limit", "cursor"}, "", "UserList", list_users});
  r.add({Method::post, "/api/v1/users", "Create a user", "users", admin, Body::json, {},
         "UserCreate", "User", post_user});
  r.add({Method::get, "/api/v1/users/{id}", "Get a user", "users", {}, Body::none, {}, "", "User",
         get_user});
  r.add({Method::patch, "/api/v1/users/{id}", "Update a user (If-Match or version)", "users",
         admin, Body::json, {}, "UserPatch", "User", patch_user});
  r.add({Method::del, "/api/v1/users/{id}", "Delete a user (tombstone)", "users", admin,
         Body::none, {}, "", "", delete_user});
}

}  // namespace boucle::api
