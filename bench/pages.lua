-- wrk script of bench/pages.py: each request is the next line of a file (method, path, cookie, body; tab-separated),
-- so wrk's connections act as many distinct citizens; answers other than the expected status are counted.
-- Environment: BENCH_WRK_REQUESTS (the file), BENCH_WRK_EXPECT (status, default 200), BENCH_WRK_ORIGIN (for POSTs).

local file_name = os.getenv("BENCH_WRK_REQUESTS")
local expected = tonumber(os.getenv("BENCH_WRK_EXPECT") or "200")
local origin = os.getenv("BENCH_WRK_ORIGIN") or ""
local threads = {}

function setup(thread)
   thread:set("number", #threads)
   table.insert(threads, thread)
end

function init(args)
   lines = {}
   for line in io.lines(file_name) do
      local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      -- As the TLS proxy in front of gunicorn says; without it the server redirects to https.
      local headers = {["X-Forwarded-Proto"] = "https"}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if method == "POST" then
         headers["Content-Type"] = "application/x-www-form-urlencoded"
         headers["Origin"] = origin
      end
      if body == "" then body = nil end
      lines[#lines + 1] = wrk.format(method, path, headers, body)
   end
   -- The two threads start half the list apart, so they do not send the same citizen at the same moment.
   position = math.floor(#lines * number / 2)
   unexpected = 0
end

function request()
   position = position % #lines + 1
   return lines[position]
end

function response(status, headers, body)
   if status ~= expected then
      unexpected = unexpected + 1
   end
end

function done(summary, latency, requests)
   local wrong = 0
   for _, thread in ipairs(threads) do
      wrong = wrong + thread:get("unexpected")
   end
   local errors = summary.errors
   io.write(string.format(
      'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, ' ..
      '"unexpected": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
      latency.max, wrong, errors.connect, errors.read, errors.write, errors.timeout))
end
