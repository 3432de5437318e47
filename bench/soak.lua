-- soak.lua - wrk script for make soak (bench/soak.sh): a steady mix of
-- Web-to-Lead posts, REST creates, SOQL queries and admin reads.
--
--   SOAK_TOKEN=00D...!AQ... SOAK_DELAY_MS=5 wrk -t1 -c16 -d180s \
--       -s bench/soak.lua URL
--
-- Of every 10 requests: 4 Web-to-Lead posts, 3 REST creates (both with a
-- distinct Email each), 2 SOQL queries on the indexed Email (one for a
-- lead created earlier, one for a lead that does not exist) and 1 admin
-- read, in turn GET /__sim/health, /__sim/webtolead, a page of 10 records
-- and the journal's first 10 entries. Each connection waits SOAK_DELAY_MS
-- between its requests (wrk's delay()), so that the load is steady and
-- leaves the machine room for the slow clients and the probe.
--
-- Environment:
--   SOAK_TOKEN     an access token (required; POST /__sim/tokens gives one)
--   SOAK_DELAY_MS  the pause between a connection's requests (default 5)
--   SOAK_OID       the org id posted to Web-to-Lead (default 00D000000000001)
--
-- When wrk finishes, done() prints one machine-readable line:
--   BENCH requests=N duration_us=N rps=N.N connect=N read=N write=N
--         status=N timeout=N p50_us=N p99_us=N max_us=N
-- (status = answers with a status >= 400).

dofile("bench/report.lua")

local token = os.getenv("SOAK_TOKEN")
if not token or token == "" then
    error("soak.lua: SOAK_TOKEN is not set")
end
local pause = tonumber(os.getenv("SOAK_DELAY_MS") or "") or 5
local oid = os.getenv("SOAK_OID") or "00D000000000001"
local api = "/services/data/v62.0"
local form = {["Content-Type"] = "application/x-www-form-urlencoded"}
local json = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
}
local bearer = {["Authorization"] = "Bearer " .. token}
local admin = {
    "/__sim/health",
    "/__sim/webtolead",
    "/__sim/records/Lead?limit=10",
    "/__sim/journal?limit=10",
}

local n, nadmin = 0, 0

local function soql(email)
    return wrk.format("GET", api .. "/query?q=SELECT+Id+FROM+Lead+WHERE+" ..
        "Email+%3D+%27" .. email:gsub("@", "%%40") .. "%27", bearer)
end

function request()
    n = n + 1
    local k = n % 10
    if k < 4 then
        return wrk.format("POST", "/servlet/servlet.WebToLead?encoding=UTF-8",
            form, string.format("oid=%s&last_name=Soak%d&company=Acme" ..
                "&email=w%d%%40example.com", oid, n, n))
    elseif k < 7 then
        return wrk.format("POST", api .. "/sobjects/Lead/", json,
            string.format('{"LastName":"Soak%d","Company":"Acme",' ..
                '"Email":"r%d@example.com"}', n, n))
    elseif k == 7 then
        return soql(string.format("r%d@example.com", math.max(n - 5, 1)))
    elseif k == 8 then
        return soql(string.format("nobody%d@example.com", n))
    end
    nadmin = nadmin + 1
    return wrk.format("GET", admin[nadmin % #admin + 1])
end

function delay()
    return pause
end

function done(summary, latency, requests)
    io.write(bench_line(summary, latency) ..
        string.format(" max_us=%d\n", latency.max))
end
