-- rules.lua - wrk script: Web-to-Lead posts that pass the validation rules
-- of bench/orgs/scale.json and go through its duplicate rule, one distinct
-- lead per post.
--
--   RULES_FROM=0 RULES_MAX=1000 wrk -t1 -c64 -d1h -s bench/rules.lua \
--       URL/servlet/servlet.WebToLead?encoding=UTF-8
--
-- Post number n (RULES_FROM + 1, + 2, ...) carries last_name=LeadNNNNNNNN,
-- email=LeadNNNNNNNN@Example.com and phone=55NNNNNNNN (8 digits: 10 in the
-- Phone), lead_source=Lead Distro AI and a Case Type: every rule is
-- evaluated and passes, and the Email is looked up for duplicates.
--
-- Environment:
--   RULES_FROM  numbering starts after this (default 0)
--   RULES_MAX   send this many posts, then only GET /__sim/health (run.sh
--               watches the sim's Web-to-Lead count and stops wrk)
--
-- done() prints: BENCH rps=N.N p99_us=N requests=N status=N

local n = tonumber(os.getenv("RULES_FROM") or "0") or 0
local max = tonumber(os.getenv("RULES_MAX") or "")
local sent = 0
local verifying = true
local hdr = {["Content-Type"] = "application/x-www-form-urlencoded"}

function request()
    -- wrk calls request() once before the run only to count pipelined
    -- requests: that call must not use up a number.
    if verifying or (max and sent >= max) then
        verifying = false
        return wrk.format("GET", "/__sim/health")
    end
    sent = sent + 1
    n = n + 1
    return wrk.format("POST", wrk.path, hdr, string.format(
        "oid=00D000000000001&first_name=Bench&last_name=Lead%08d" ..
        "&company=Acme&email=Lead%08d%%40Example.com&phone=55%08d" ..
        "&lead_source=Lead+Distro+AI&00N5j000000pTbO=Auto+Accident", n, n, n))
end

function done(summary, latency, requests)
    io.write(string.format("BENCH rps=%.1f p99_us=%d requests=%d status=%d\n",
        summary.requests / (summary.duration / 1e6), latency:percentile(99),
        summary.requests, summary.errors.status))
end
