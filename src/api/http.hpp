#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Transport-neutral request and response: the server module converts Beast messages to and
// from these, tests and the demo seeder build them directly. Nothing here knows about sockets.
namespace boucle::api {

enum class Method { get, post, patch, put, del, head, options, other };

std::string_view to_string(Method m);
Method parse_method(std::string_view m);

struct Request {
  Method method = Method::get;
  std::string target;  // path and query, as received
  std::string content_type;
  std::string authorization;
  std::string if_match;
  std::string accept_encoding;
  std::string body;
  std::string client_ip = "127.0.0.1";
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (ETag, Allow…)
};

}  // namespace boucle::api
