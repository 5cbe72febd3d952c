-- wrk script: a different page each request (the long tail), read from the file named after
-- `--` (one path a line), each thread starting at its own place in the list; then the run's
-- figures as one JSON line, as wrk_summary.lua writes them.
local paths = {}
local counter = 0
local threads = 0

setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

init = function(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  counter = (tonumber(offset) or 0) * math.floor(#paths / 8)
end

request = function()
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\nWRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, "non2xx": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean))
end
