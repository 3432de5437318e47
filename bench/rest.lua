-- rest.lua - wrk script: REST creates, one distinct Lead per request.
--
--   REST_TOKEN=00D...!AQ... wrk -t1 -c64 -d10s -s bench/rest.lua \
--       URL/services/data/v62.0/sobjects/Lead/ -- 1
--
-- Each request is POST with Content-Type: application/json and
-- Authorization: Bearer REST_TOKEN, and the body
--   {"LastName":"LeadNNNNNNN","Company":"Acme","Email":"leadNNNNNNN@example.com"}
-- with NNNNNNN a zero-padded counter (fixed width: every lead stores the
-- same number of bytes). The sim answers 201 {"id":...,"success":true,...}.
--
-- Environment:
--   REST_TOKEN  the access token (required; POST /__sim/tokens gives one)
--   REST_FROM   the counter starts after this number (default: 1,000,000
--               times BENCH_ROUND - 1, so that the rounds run.sh makes on
--               one sim create different leads)
--
-- The argument after "--" is the thread count (wrk -t), so that threads
-- number their leads without overlap.
--
-- When wrk finishes, done() prints one machine-readable line, the same as
-- w2l.lua's:
--   BENCH requests=N duration_us=N rps=N.N connect=N read=N write=N
--         status=N timeout=N p50_us=N p99_us=N
-- (status = responses with a status >= 400, wrk's own definition; run.sh
-- also compares the sim's Lead count with the requests.)

dofile("bench/report.lua")

local token = os.getenv("REST_TOKEN")
if not token or token == "" then
    error("rest.lua: REST_TOKEN is not set")
end
local from = tonumber(os.getenv("REST_FROM") or "")
    or 1000000 * ((tonumber(os.getenv("BENCH_ROUND") or "") or 1) - 1)
local path = wrk.path
local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
}

local nthreads = 0
function setup(thread)
    thread:set("tid", nthreads)
    nthreads = nthreads + 1
end

local stride, counter, verifying

function init(args)
    tid = tid or 0
    -- wrk calls request() once more in thread 0 before the run, only to
    -- count pipelined requests: that call must not use up a number.
    verifying = (tid == 0)
    stride = tonumber(args[1] or "") or 1
    counter = 0
end

function request()
    if verifying then
        verifying = false
        return wrk.format("GET", "/__sim/health")
    end
    local n = from + tid + stride * counter + 1
    counter = counter + 1
    return wrk.format("POST", path, headers, string.format(
        '{"LastName":"Lead%07d","Company":"Acme","Email":"lead%07d@example.com"}',
        n, n))
end

function done(summary, latency, requests)
    io.write(bench_line(summary, latency) .. "\n")
end
