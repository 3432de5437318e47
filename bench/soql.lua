-- soql.lua - wrk script: SOQL queries on an indexed equality, each for a
-- random lead that exists.
--
--   SOQL_TOKEN=00D...!AQ... SOQL_N=1000 wrk -t1 -c64 -d5s -s bench/soql.lua \
--       URL/services/data/v62.0/query
--
-- Each request is
--   GET /services/data/v62.0/query?q=SELECT+Id+FROM+Lead+WHERE+Email+%3D+%27<email>%27
-- with Authorization: Bearer SOQL_TOKEN, <email> = SOQL_EMAIL formatted with
-- a random number from 1 to SOQL_N (URL-encoded).
--
-- Environment:
--   SOQL_TOKEN  the access token (required)
--   SOQL_N      the largest lead number queried (required)
--   SOQL_EMAIL  the email's format (default "lead%07d@example.com", as
--               w2l.lua and rest.lua post them)
--   SOQL_SEED   seed of the random numbers (default 1)
--   SOQL_SELECT the select list, URL-encoded (default "Id"; the bench also
--               runs "Id,Owner.Name,(SELECT+Id+FROM+Tasks)")
--   SOQL_CHECK  "1": read every answer and count those that are not a 200
--               with "totalSize":1 (costs wrk some CPU; default off)
--
-- When wrk finishes, done() prints one machine-readable line:
--   BENCH requests=N duration_us=N rps=N.N connect=N read=N write=N
--         status=N timeout=N p50_us=N p99_us=N [checked=N missed=N]

dofile("bench/report.lua")

local token = os.getenv("SOQL_TOKEN")
local max_n = tonumber(os.getenv("SOQL_N") or "")
if not token or token == "" or not max_n then
    error("soql.lua: SOQL_TOKEN and SOQL_N must be set")
end
local fmt = os.getenv("SOQL_EMAIL") or "lead%07d@example.com"
local seed = tonumber(os.getenv("SOQL_SEED") or "1") or 1
local check = os.getenv("SOQL_CHECK") == "1"
local headers = {["Authorization"] = "Bearer " .. token}
-- SOQL_SELECT: the select list, URL-encoded (default "Id").
local select = os.getenv("SOQL_SELECT") or "Id"
local prefix = wrk.path .. "?q=SELECT+" .. select .. "+FROM+Lead+WHERE+Email+%3D+%27"

local function urlencode(s)
    return (s:gsub("[^%w%-%._~]", function(c)
        return string.format("%%%02X", string.byte(c))
    end))
end

-- checked and missed are globals of each thread's Lua state; done() runs
-- in the main state and reads them with thread:get().
local threads = {}
function setup(thread)
    thread:set("tid", #threads)
    table.insert(threads, thread)
end

function init(args)
    tid = tid or 0
    math.randomseed(seed + tid)
    checked, missed = 0, 0
end

function request()
    local email = string.format(fmt, math.random(1, max_n))
    return wrk.format("GET", prefix .. urlencode(email) .. "%27", headers)
end

if check then
    -- Defined only with SOQL_CHECK: wrk hands answers to Lua only when a
    -- response() exists.
    function response(status, hdrs, body)
        checked = checked + 1
        if status ~= 200 or not body:find('"totalSize":1,', 1, true) then
            missed = missed + 1
        end
    end
end

function done(summary, latency, requests)
    io.write(bench_line(summary, latency))
    if check then
        local c, m = 0, 0
        for _, t in ipairs(threads) do
            c = c + (t:get("checked") or 0)
            m = m + (t:get("missed") or 0)
        end
        io.write(string.format(" checked=%d missed=%d", c, m))
    end
    io.write("\n")
end
