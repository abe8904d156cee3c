#include "local_api.hpp"

#include <fmt/core.h>

#include <boost/json.hpp>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>

#include "api/auth.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "storage/sqlite_storage.hpp"

namespace boucle::cli {

namespace json = boost::json;

namespace {

constexpr core::UnixSeconds SESSION_SECONDS = 15 * 60;

// The acting user: `email` if given (an active user), else the first active admin, else the
// first active manager.
core::User acting_user(storage::Storage& db, const std::string& email) {
  if (!email.empty()) {
    auto u = storage::read(db, [&](storage::Tx& tx) { return tx.user_by_email(email); });
    if (!u || u->meta.deleted) throw UsageError("--as: no user " + email + " in this database");
    if (!u->active) throw UsageError("--as: user " + email + " is not active");
    return *u;
  }
  std::optional<core::User> admin, manager;
  storage::read(db, [&](storage::Tx& tx) {
    storage::Page page{0, 500};
    while (!admin) {
      auto r = tx.users(page);
      for (const auto& u : r.items) {
        if (u.meta.deleted || !u.active) continue;
        if (u.role == core::Role::admin && !admin) admin = u;
        if (u.role == core::Role::manager && !manager) manager = u;
      }
      if (!r.next_after) break;
      page.after = *r.next_after;
    }
  });
  if (admin) return *admin;
  if (manager) return *manager;
  throw std::runtime_error(
      "no active admin or manager in this database: create one with `boucle user add`, or "
      "name a user with --as");
}

// The line of `text` holding byte `position`, and a caret line under that byte (tabs kept so
// that the caret lines up).
void print_caret(std::ostream& out, const std::string& text, std::size_t position) {
  position = std::min(position, text.size());
  const auto newline = position == 0 ? std::string::npos : text.rfind('\n', position - 1);
  const std::size_t line_start = newline == std::string::npos ? 0 : newline + 1;
  auto line_end = text.find('\n', line_start);
  if (line_end == std::string::npos) line_end = text.size();
  const std::string_view line(text.data() + line_start, line_end - line_start);
  const std::size_t offset = position - line_start;
  std::string pad;
  for (std::size_t i = 0; i < offset; ++i) {
    if (line[i] == '\t') pad += '\t';
    else if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) pad += ' ';
  }
  out << "    " << line << "\n    " << pad << "^\n";
}

std::string text_of(const json::value* v) {
  if (!v) return {};
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

}  // namespace

void add_local_options(CLI::App* cmd, LocalOptions& options) {
  cmd->add_option("--db", options.db, "SQLite database file")->capture_default_str();
  cmd->add_option("--as", options.as,
                  "Act as this user (email); default: the first active admin, else manager");
  cmd->add_flag("--json", options.json, "Print the API's JSON answer instead of the human view");
}

LocalApi::LocalApi(const LocalOptions& options) : json_(options.json) {
  if (!std::filesystem::exists(options.db)) {
    throw UsageError("no database " + options.db +
                     " (create one with `boucle demo --db FILE --no-serve` or `boucle user add`)");
  }
  db_ = storage::open_sqlite(options.db);
  user_ = acting_user(*db_, options.as);
  app_ = std::make_unique<api::App>(*db_, api::Config{});
  token_ = api::new_token();
  const auto now = core::now_seconds();
  const core::Session session{api::token_hash(token_), user_.meta.id, now, now + SESSION_SECONDS,
                              false};
  storage::write(*db_, [&](storage::Tx& tx) {
    tx.delete_expired_sessions(now);
    tx.insert_session(session);
  });
}

LocalApi::~LocalApi() {
  try {
    const auto hash = api::token_hash(token_);
    storage::write(*db_, [&](storage::Tx& tx) { tx.revoke_session(hash); });
  } catch (const std::exception& e) {
    std::cerr << "warning: could not revoke the command's session: " << e.what() << "\n";
  }
}

json::value LocalApi::call(api::Method method, const std::string& target, std::string body) {
  api::Request req;
  req.method = method;
  req.target = target;
  req.authorization = "Bearer " + token_;
  req.content_type = body.empty() ? "" : "application/json";
  req.body = std::move(body);
  const auto res = app_->handle(req);
  json::value answer;
  if (!res.body.empty()) {
    boost::system::error_code ec;
    answer = json::parse(res.body, ec);
    if (ec) answer = json::string(res.body);
  }
  if (res.status >= 300) {
    throw ApiProblem(fmt::format("{} {} answered {}", api::to_string(method), target, res.status),
                     res.status, std::move(answer), inputs_);
  }
  return answer;
}

json::value LocalApi::get(const std::string& target) { return call(api::Method::get, target, ""); }

json::value LocalApi::post(const std::string& target, const json::value& body) {
  return call(api::Method::post, target, json::serialize(body));
}

json::value LocalApi::post(const std::string& target) {
  return call(api::Method::post, target, "");
}

json::value LocalApi::patch(const std::string& target, const json::value& body) {
  return call(api::Method::patch, target, json::serialize(body));
}

void LocalApi::del(const std::string& target) { call(api::Method::del, target, ""); }

std::vector<json::object> LocalApi::all(const std::string& path) {
  std::vector<json::object> out;
  std::string cursor;
  const char sep = path.find('?') == std::string::npos ? '?' : '&';
  while (true) {
    std::string target = path + sep + "limit=500";
    if (!cursor.empty()) target += "&cursor=" + url_encode(cursor);
    auto page = get(target);
    for (auto& item : page.at("items").as_array()) out.push_back(item.as_object());
    const auto& next = page.at("next_cursor");
    if (next.is_null()) break;
    cursor = std::string(next.as_string());
  }
  return out;
}

int run_local(const LocalOptions& options, const std::function<int(LocalApi&)>& body) {
  try {
    LocalApi api(options);
    return body(api);
  } catch (const ApiProblem& p) {
    print_problem(std::cerr, p);
    return 1;
  } catch (const UsageError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}

void print_problem(std::ostream& out, const ApiProblem& p) {
  const auto* o = p.problem.if_object();
  if (!o) {
    out << "error: " << p.what() << (p.problem.is_null() ? "" : ": " + text_of(&p.problem))
        << "\n";
    return;
  }
  const std::string title = text_of(o->if_contains("title"));
  const std::string detail = text_of(o->if_contains("detail"));
  out << "error: " << (title.empty() ? p.what() : title) << " (" << p.status << ")";
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  if (!detail.empty() && lower(detail) != lower(title)) out << ": " << detail;
  out << "\n";
  const auto* errors = o->if_contains("errors");
  if (!errors || !errors->is_array()) return;
  for (const auto& item : errors->as_array()) {
    const auto* e = item.if_object();
    if (!e) continue;
    const std::string field = text_of(e->if_contains("field"));
    out << "  " << (field.empty() ? "" : field + ": ") << text_of(e->if_contains("message"));
    if (const auto* line = e->if_contains("line"); line && line->is_int64()) {
      out << " (line " << line->as_int64() << ")";
    }
    out << "\n";
    const auto* position = e->if_contains("position");
    const auto input = p.inputs.find(field);
    if (position && position->is_int64() && position->as_int64() >= 0 &&
        input != p.inputs.end()) {
      print_caret(out, input->second, static_cast<std::size_t>(position->as_int64()));
    }
  }
}

std::string url_encode(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += fmt::format("%{:02X}", u);
    }
  }
  return out;
}

std::string with_query(std::string path,
                       const std::vector<std::pair<std::string, std::string>>& params) {
  char sep = '?';
  for (const auto& [key, value] : params) {
    path += sep;
    path += key + "=" + url_encode(value);
    sep = '&';
  }
  return path;
}

std::int64_t resolve_id(LocalApi& api, const std::string& list_path, const std::string& ref,
                        std::string_view noun) {
  if (ref.empty()) throw UsageError(fmt::format("name a {} by id or name", noun));
  if (ref.size() <= 18 &&
      std::all_of(ref.begin(), ref.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::stoll(ref);
  }
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::vector<std::int64_t> folded;
  for (const auto& item : api.all(list_path)) {
    const auto name = text_of(item.if_contains("name"));
    if (name == ref) return item.at("id").as_int64();
    if (lower(name) == lower(ref)) folded.push_back(item.at("id").as_int64());
  }
  if (folded.size() == 1) return folded.front();
  throw ApiProblem(fmt::format("no {} named {}", noun, ref), 404,
                   json::object{{"title", "Not found"},
                                {"detail", fmt::format("no {} named \"{}\"", noun, ref)}},
                   {});
}

int print_json(const json::value& v) {
  std::cout << json::serialize(v) << "\n";
  return 0;
}

}  // namespace boucle::cli
