-- POST /api/v1/visits {"store_id": ID, "type": "quick"}: args = token, store id.
-- Every request creates one planned visit (a write transaction and a commit).
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
require("common")

function init(args)
  bearer(args)
  wrk.method = "POST"
  wrk.path = "/api/v1/visits"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = string.format('{"store_id": %d, "type": "quick"}',
                           assert(tonumber(args[2]), "store id missing"))
end
