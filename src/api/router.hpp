#pragma once

#include <functional>
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

enum class Body { none, json, csv };

// Who may call a route. `public_route` needs no token.
struct Access {
  bool public_route = false;
  std::vector<core::Role> roles = {core::Role::admin, core::Role::manager, core::Role::rep};
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
