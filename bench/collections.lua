-- collections.lua - wrk script: Leads that pass the rules of
-- bench/orgs/scale.json, created one a request (REST) or COLL_BATCH a
-- request (sObject Collections), every lead distinct.
--
--   REST_TOKEN=00D...!AQ... COLL_BATCH=200 wrk -t1 -c64 -d10s \
--       -s bench/collections.lua URL/services/data/v62.0/composite/sobjects
--   REST_TOKEN=00D...!AQ... COLL_BATCH=0 wrk -t1 -c64 -d10s \
--       -s bench/collections.lua URL/services/data/v62.0/sobjects/Lead/
--
-- Lead number n carries LastName=LeadNNNNNNNNN, Email=leadNNNNNNNNN@example.com,
-- Phone=5NNNNNNNNN (10 digits), LeadSource=Lead Distro AI and a Case Type:
-- the three validation rules are evaluated and pass, and the duplicate
-- rule looks the Email up (and finds nothing). With COLL_BATCH > 0 the
-- body is {"allOrNone":false,"records":[{"attributes":{"type":"Lead"},
-- ...}, ...]} with COLL_BATCH leads; with 0 it is one Lead's fields.
--
-- Environment:
--   REST_TOKEN  the access token (required)
--   COLL_BATCH  leads a request, 0 (one a request, REST) to 200 (default 200)
--   COLL_FROM   numbering starts after this (default 0); run.sh gives each
--               round and mode its own range
--
-- done() prints the line of report.lua plus records=N (leads sent in the
-- requests answered).

dofile("bench/report.lua")

local token = os.getenv("REST_TOKEN")
if not token or token == "" then
    error("collections.lua: REST_TOKEN is not set")
end
local batch = tonumber(os.getenv("COLL_BATCH") or "") or 200
if batch < 0 or batch > 200 then
    error("collections.lua: COLL_BATCH must be 0 to 200")
end
local from = tonumber(os.getenv("COLL_FROM") or "") or 0
local path = wrk.path
local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
}
local per = math.max(batch, 1)

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

local function lead(n, typed)
    return string.format(
        '{%s"LastName":"Lead%09d","Company":"Acme",' ..
        '"Email":"lead%09d@example.com","Phone":"5%09d",' ..
        '"LeadSource":"Lead Distro AI","case_type__c":"Auto Accident"}',
        typed and '"attributes":{"type":"Lead"},' or "", n, n, n)
end

function request()
    if verifying then
        verifying = false
        return wrk.format("GET", "/__sim/health")
    end
    local first = from + (tid + stride * counter) * per
    counter = counter + 1
    if batch == 0 then
        return wrk.format("POST", path, headers, lead(first + 1, false))
    end
    local parts = {}
    for i = 1, batch do
        parts[i] = lead(first + i, true)
    end
    return wrk.format("POST", path, headers,
        '{"allOrNone":false,"records":[' .. table.concat(parts, ",") .. "]}")
end

function done(summary, latency, requests)
    io.write(bench_line(summary, latency) ..
        string.format(" records=%d\n", summary.requests * per))
end
