#pragma once

#include <CLI/CLI.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "api/app.hpp"
#include "core/domain.hpp"
#include "storage/storage.hpp"

// The API in-process on a database file, for the commands that manage targeting, KPIs and
// campaigns (cmd_target.cpp, cmd_kpi.cpp, cmd_campaign.cpp): every request goes through
// api::App::handle exactly as over HTTP, so validation, roles and answers are the API's.
// No password is asked: whoever can read the database file already has all it holds.
namespace boucle::cli {

// Options every such command takes.
struct LocalOptions {
  std::string db = "boucle.db";
  std::string as;     // the acting user's email; empty: the first active admin, else manager
  bool json = false;  // print the API's JSON answer instead of the human view
};

void add_local_options(CLI::App* cmd, LocalOptions& options);

// A bad command line the parser could not see (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A non-2xx answer: its status and problem+json body, and the texts the request carried for
// the fields an error may point into (an expression and its byte position).
class ApiProblem : public std::runtime_error {
 public:
  ApiProblem(std::string what, int status, boost::json::value problem,
             std::map<std::string, std::string> inputs)
      : std::runtime_error(std::move(what)), status(status), problem(std::move(problem)),
        inputs(std::move(inputs)) {}
  int status;
  boost::json::value problem;
  std::map<std::string, std::string> inputs;
};

class LocalApi {
 public:
  // Opens the database (which must exist) and starts a 15-minute session of the acting user.
  explicit LocalApi(const LocalOptions& options);
  ~LocalApi();  // revokes the session
  LocalApi(const LocalApi&) = delete;
  LocalApi& operator=(const LocalApi&) = delete;

  // Each returns the parsed JSON answer (null when empty) or throws ApiProblem.
  boost::json::value get(const std::string& target);
  boost::json::value post(const std::string& target, const boost::json::value& body);
  boost::json::value post(const std::string& target);  // no body
  boost::json::value patch(const std::string& target, const boost::json::value& body);
  void del(const std::string& target);

  // Every item of a paginated list (`path` may carry a query already).
  std::vector<boost::json::object> all(const std::string& path);

  // Remembers the text sent as `field`, so that an error at a position in it can be shown
  // with a caret.
  void input(const std::string& field, const std::string& text) { inputs_[field] = text; }

  const core::User& user() const { return user_; }
  bool json() const { return json_; }

 private:
  boost::json::value call(api::Method method, const std::string& target, std::string body);

  std::unique_ptr<storage::Storage> db_;
  std::unique_ptr<api::App> app_;
  core::User user_;
  std::string token_;
  bool json_ = false;
  std::map<std::string, std::string> inputs_;
};

// Runs `body` with a LocalApi; an ApiProblem is printed readably on standard error (exit code
// 1), a UsageError too (exit code 2).
int run_local(const LocalOptions& options, const std::function<int(LocalApi&)>& body);

// Writes a problem answer readably: title, detail, each field error, and for a field whose
// text is known and an error with a position, the text with a caret under that byte.
void print_problem(std::ostream& out, const ApiProblem& problem);

// Percent-encodes a query-string value (RFC 3986 unreserved characters pass).
std::string url_encode(std::string_view s);

// A path with the query parameters that are set, in order: "/p?a=1&b=x".
std::string with_query(std::string path,
                       const std::vector<std::pair<std::string, std::string>>& params);

// An id given as digits, else the id of the item of `list_path` whose "name" is `ref`
// (exactly, else case-insensitively if that is unique); `noun` names it in the error.
std::int64_t resolve_id(LocalApi& api, const std::string& list_path, const std::string& ref,
                        std::string_view noun);

// The answer as JSON on standard output (one line); returns 0, the exit code of a command
// that printed its answer.
int print_json(const boost::json::value& v);

}  // namespace boucle::cli
