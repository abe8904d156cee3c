-- Shared by the scenario scripts: the bearer token comes as the first script argument, and
-- every response that is not 2xx is counted, so a run of fast 401s or 404s cannot pass for
-- a result. `done` prints one machine-readable line that bench/run.sh parses.
--
-- The `response` hook makes wrk hand each response to Lua; on 2 cores that did not change the
-- figures measurably (docs/PERFORMANCE.md).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

non2xx = 0

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if non2xx <= 3 then
      io.stderr:write("non-2xx: " .. status .. " " .. string.sub(body or "", 1, 200) .. "\n")
    end
  end
end

function bearer(args)
  if not args[1] or args[1] == "" then
    error("usage: wrk ... -s <script> <url> -- <token> [...]")
  end
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "non2xx=%d socket_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    bad, e.connect + e.read + e.write + e.timeout))
end
