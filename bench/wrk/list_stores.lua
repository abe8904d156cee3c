-- GET /api/v1/stores?limit=N, walking pages: args = token, limit, then the cursors of the
-- pages to visit ("-" for the first page). With only the token and limit, it asks the first
-- page every time. Pages are taken in turn, request after request, on each wrk thread.
package.path = (debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "?.lua;" .. package.path
require("common")

local paths = {}
local next_page = 1

function init(args)
  bearer(args)
  local limit = assert(args[2], "limit missing")
  local base = "/api/v1/stores?limit=" .. limit
  for i = 3, #args do
    if args[i] == "-" then
      table.insert(paths, base)
    else
      table.insert(paths, base .. "&cursor=" .. args[i])
    end
  end
  if #paths == 0 then table.insert(paths, base) end
end

function request()
  local path = paths[next_page]
  next_page = next_page % #paths + 1
  return wrk.format("GET", path)
end
