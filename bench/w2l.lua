-- w2l.lua - wrk script: Web-to-Lead form posts, one distinct lead per post.
--
--   wrk -t1 -c64 -d10s -s bench/w2l.lua URL/servlet/servlet.WebToLead?encoding=UTF-8
--
-- Each post is application/x-www-form-urlencoded:
--   oid=00D000000000001&first_name=Bench&last_name=LeadNNNNNNN&company=Acme
--   &email=leadNNNNNNN%40example.com
-- with NNNNNNN a zero-padded counter (fixed width, so every lead stores the
-- same number of field bytes; run.sh relies on that for "memory per lead").
--
-- Environment:
--   W2L_OID   org id to post (default 00D000000000001)
--   W2L_MAX   send this many posts in all (split evenly between threads),
--             then GET /__sim/health until every post is answered, then
--             stop the thread. wrk itself still runs until -d or SIGINT:
--             run.sh watches the sim's count and sends SIGINT.
--
-- When wrk finishes, done() prints one machine-readable line:
--   BENCH requests=N duration_us=N rps=N.N connect=N read=N write=N
--         status=N timeout=N p50_us=N p99_us=N
-- (status = responses with a status >= 400, wrk's own definition.)

dofile("bench/report.lua")

local oid = os.getenv("W2L_OID") or "00D000000000001"
local max_total = tonumber(os.getenv("W2L_MAX") or "")
local path = wrk.path
local post_headers = {["Content-Type"] = "application/x-www-form-urlencoded"}

local nthreads = 0
function setup(thread)
    thread:set("tid", nthreads)
    nthreads = nthreads + 1
end

-- tid is a global: setup() sets it in each thread with thread:set().
local stride, counter, share, sent, answered, verifying

function init(args)
    tid = tid or 0
    -- wrk calls request() once more in thread 0, before the run, only to
    -- count pipelined requests; that answer is thrown away.
    verifying = (tid == 0)
    stride = tonumber(args[1] or "") or 1 -- thread count, passed by run.sh
    counter = 0
    sent = 0
    answered = 0
    if max_total then
        share = math.floor(max_total / stride)
        if tid < max_total % stride then
            share = share + 1
        end
    end
end

function request()
    if verifying then
        verifying = false
        return wrk.format("GET", "/__sim/health")
    end
    if share and sent >= share then
        return wrk.format("GET", "/__sim/health")
    end
    sent = sent + 1
    local n = tid + stride * counter + 1
    counter = counter + 1
    local body = string.format(
        "oid=%s&first_name=Bench&last_name=Lead%07d&company=Acme" ..
        "&email=lead%07d%%40example.com", oid, n, n)
    return wrk.format("POST", path, post_headers, body)
end

if max_total then
    -- Defined only with W2L_MAX: wrk parses responses for Lua only when a
    -- response() exists, which would slow the throughput runs.
    function response(status, headers, body)
        if headers["Is-Processed"] ~= nil then
            answered = answered + 1
            if answered >= share then
                wrk.thread:stop()
            end
        end
    end
end

function done(summary, latency, requests)
    io.write(bench_line(summary, latency) .. "\n")
end
