-- rest.lua - wrk script: REST creates, one distinct Lead per request, or
-- REST_BATCH of them per sObject Collections request.
--
--   REST_TOKEN=00D...!AQ... wrk -t1 -c64 -d10s -s bench/rest.lua \
--       URL/services/data/v62.0/sobjects/Lead/ -- 1
--   REST_TOKEN=00D...!AQ... REST_RULES=1 REST_BATCH=200 wrk -t1 -c64 -d10s \
--       -s bench/rest.lua URL/services/data/v62.0/composite/sobjects -- 1
--
-- Each request is POST with Content-Type: application/json and
-- Authorization: Bearer REST_TOKEN, and the body
--   {"LastName":"LeadNNNNNNN","Company":"Acme","Email":"leadNNNNNNN@example.com"}
-- with NNNNNNN a zero-padded counter (fixed width: every lead stores the
-- same number of bytes). The sim answers 201 {"id":...,"success":true,...}.
-- With REST_RULES=1 each lead also passes the rules of orgs/scale.json
-- (LastName=LeadNNNNNNNNN, Email=leadNNNNNNNNN@example.com, Phone=5NNNNNNNNN,
-- LeadSource=Lead Distro AI, a Case Type): three validation rules are
-- evaluated, and the duplicate rule looks the Email up and finds nothing.
-- With REST_BATCH=N (1 to 200) the body is {"allOrNone":false,"records":
-- [...]} with N such leads, each with "attributes":{"type":"Lead"}.
--
-- Environment:
--   REST_TOKEN  the access token (required; POST /__sim/tokens gives one)
--   REST_FROM   the counter starts after this number (default: 1,000,000
--               times BENCH_ROUND - 1, so that the rounds run.sh makes on
--               one sim create different leads)
--   REST_RULES  1: leads that pass orgs/scale.json's rules (default 0)
--   REST_BATCH  leads a Collections request, 1 to 200; 0 (the default):
--               one lead a request, to sobjects/Lead/
--
-- The argument after "--" is the thread count (wrk -t), so that threads
-- number their leads without overlap.
--
-- When wrk finishes, done() prints one machine-readable line, the same as
-- w2l.lua's, and records=N (the leads of the requests answered):
--   BENCH requests=N duration_us=N rps=N.N connect=N read=N write=N
--         status=N timeout=N p50_us=N p99_us=N records=N
-- (status = responses with a status >= 400, wrk's own definition; run.sh
-- also compares the sim's Lead count with the requests.)

dofile("bench/report.lua")

local token = os.getenv("REST_TOKEN")
if not token or token == "" then
    error("rest.lua: REST_TOKEN is not set")
end
local from = tonumber(os.getenv("REST_FROM") or "")
    or 1000000 * ((tonumber(os.getenv("BENCH_ROUND") or "") or 1) - 1)
local rules = os.getenv("REST_RULES") == "1"
local batch = tonumber(os.getenv("REST_BATCH") or "") or 0
if batch < 0 or batch > 200 then
    error("rest.lua: REST_BATCH must be 0 to 200")
end
local per = math.max(batch, 1)
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

-- Lead number n as JSON members (without the braces).
local function lead(n)
    if not rules then
        return string.format(
            '"LastName":"Lead%07d","Company":"Acme","Email":"lead%07d@example.com"',
            n, n)
    end
    return string.format(
        '"LastName":"Lead%09d","Company":"Acme","Email":"lead%09d@example.com",' ..
        '"Phone":"5%09d","LeadSource":"Lead Distro AI",' ..
        '"case_type__c":"Auto Accident"', n, n, n)
end

function request()
    if verifying then
        verifying = false
        return wrk.format("GET", "/__sim/health")
    end
    local first = from + (tid + stride * counter) * per
    counter = counter + 1
    if batch == 0 then
        return wrk.format("POST", path, headers, "{" .. lead(first + 1) .. "}")
    end
    local parts = {}
    for i = 1, batch do
        parts[i] = '{"attributes":{"type":"Lead"},' .. lead(first + i) .. "}"
    end
    return wrk.format("POST", path, headers,
        '{"allOrNone":false,"records":[' .. table.concat(parts, ",") .. "]}")
end

function done(summary, latency, requests)
    io.write(bench_line(summary, latency) ..
        string.format(" records=%d\n", summary.requests * per))
end
