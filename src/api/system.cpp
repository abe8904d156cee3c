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

// Until the web app lands (issue 6), the root says what is running and where to look.
Response home(RequestContext&) {
  Response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = R"HTML(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Boucle</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:0 .25rem}</style></head>
<body><h1>Boucle</h1>
<p>The Boucle server is running. The API lives under <code>/api/v1</code>
(log in with <code>POST /api/v1/auth/login</code>).</p>
<ul><li><a href="/api/openapi.json">API description (OpenAPI)</a></li>
<li><a href="/healthz">Health</a></li><li><a href="/metrics">Metrics</a></li></ul>
<p lang="fr">Le serveur Boucle fonctionne. L’application web arrive bientôt.</p>
</body></html>
)HTML";
  return r;
}

Response openapi(RequestContext& ctx) {
  Response r;
  r.body = openapi_document(ctx.app.router());
  return r;
}

}  // namespace

void add_system_routes(Router& r) {
  r.add({Method::get, "/", "What is running here (HTML)", "system", Access{true}, Body::none, {},
         "", "", home});
  r.add({Method::get, "/healthz", "Liveness and database check", "system", Access{true},
         Body::none, {}, "", "Health", healthz});
  r.add({Method::get, "/metrics", "Prometheus metrics (text format)", "system", Access{true},
         Body::none, {}, "", "", metrics});
  r.add({Method::get, "/api/openapi.json", "This API, described in OpenAPI 3.1", "system",
         Access{true}, Body::none, {}, "", "", openapi});
}

}  // namespace boucle::api
