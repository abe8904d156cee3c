#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http.hpp"
#include "core/domain.hpp"
#include "core/units.hpp"

namespace boucle::api {

class RequestContext;
using Handler = std::function<Response(RequestContext&)>;

enum class Body { none, json, csv, bytes };  // bytes: application/octet-stream

// Who may call a route. `public_route` needs no token; otherwise `roles` holds one bit per
// core::Role allowed (all by default).
struct Access {
  bool public_route = false;
  unsigned roles = 0b111;

  static Access only(std::initializer_list<core::Role> allowed) {
    Access a;
    a.roles = 0;
    for (auto r : allowed) a.roles |= 1u << static_cast<unsigned>(r);
    return a;
  }
  bool allows(core::Role r) const { return (roles >> static_cast<unsigned>(r)) & 1u; }
};

struct Route {
  Method method;
  std::string pattern;  // "/api/v1/stores/{id}": a {name} segment captures a positive integer
  std::string summary;  // for the OpenAPI document
  std::string tag;
  Access access;
  Body body = Body::none;
  std::vector<std::string> query;  // accepted query parameters; others are rejected
  std::string request_schema;      // name of the OpenAPI schema of the body, if JSON
  std::string response_schema;     // name of the OpenAPI schema of a 2xx body
  Handler handler;
};

struct Match {
  const Route* route = nullptr;
  std::vector<core::Id> ids;  // captured {…} segments, in order
  std::string hash;           // a captured {sha256} segment: 64 lower-case hex digits
};

class Router {
 public:
  void add(Route route);

  // nullopt and `allowed` filled when the path exists but not for `method` (405);
  // nullopt and `allowed` empty when no route has this path (404).
  std::optional<Match> match(Method method, std::string_view path,
                             std::vector<Method>& allowed) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // each route's pattern, split once
};

}  // namespace boucle::api
