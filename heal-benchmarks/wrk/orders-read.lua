-- wrk script: GET /orders/{id} over the ids the demo wrote with --wrk-targets FILE.
-- Usage: wrk -t2 -c64 -d60s --latency -s heal-benchmarks/wrk/orders-read.lua <base-url> -- FILE
local ids = {}
function init(args)
  local f = assert(io.open(args[1], "r"), "cannot open the targets file " .. tostring(args[1]))
  local first = true
  for line in f:lines() do
    if first then first = false elseif #line > 0 then ids[#ids + 1] = line end
  end
  f:close()
  assert(#ids > 0, "no order ids in " .. args[1])
  math.randomseed(42)
end
function request()
  return wrk.format("GET", "/orders/" .. ids[math.random(#ids)])
end
function done(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end
