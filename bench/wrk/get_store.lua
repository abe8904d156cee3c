-- GET /api/v1/stores/{id}: args = token, store id.
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
require("common")

function init(args)
  bearer(args)
  wrk.method = "GET"
  wrk.path = "/api/v1/stores/" .. assert(args[2], "store id missing")
end
