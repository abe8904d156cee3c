#include <boost/json.hpp>

#include "api/app.hpp"

// Operational routes: health, Prometheus metrics, the OpenAPI document.
namespace boucle::api {

namespace json = boost::json;

namespace {

Response healthz(RequestContext& ctx) {
  json::object out;
  try {
    const auto seq = storage::read(ctx.app.db(), [](storage::Tx& tx) { return tx.last_seq(); });
    out = {{"status", "ok"}, {"database", ctx.app.db().describe()}, {"last_seq", seq},
           {"schema_version", ctx.app.db().schema_version()}};
    return json_response(200, out);
  } catch (const core::Error& e) {
    out = {{"status", "unavailable"}, {"detail", e.detail()}};
    return json_response(503, out);
  }
}

Response metrics(RequestContext& ctx) {
  Response r;
  r.content_type = "text/plain; version=0.0.4";
  r.body = ctx.app.metrics().render();
  return r;
}

Response openapi(RequestContext& ctx) {
  Response r;
  r.body = openapi_document(ctx.app.router());
  return r;
}

}  // namespace

void add_system_routes(Router& r) {
  r.add({Method::get, "/healthz", "Liveness and database check", "system", Access{true},
         Body::none, {}, "", "Health", healthz});
  r.add({Method::get, "/metrics", "Prometheus metrics (text format)", "system", Access{true},
         Body::none, {}, "", "", metrics});
  r.add({Method::get, "/api/openapi.json", "This API, described in OpenAPI 3.1", "system",
         Access{true}, Body::none, {}, "", "", openapi});
}

}  // namespace boucle::api
