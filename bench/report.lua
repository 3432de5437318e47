-- report.lua - the summary line of the wrk scripts in bench/ (dofile'd by
-- each; wrk runs from the repository root).
--
-- bench_line(summary, latency) is
--   BENCH requests=N duration_us=N rps=N.N connect=N read=N write=N
--         status=N timeout=N p50_us=N p99_us=N
-- without a newline, so that a script can add its own key=value pairs;
-- run.sh and soak.sh read it with wrk_val (bench/lib.sh).

function bench_line(summary, latency)
    local e = summary.errors
    local secs = summary.duration / 1e6
    return string.format(
        "BENCH requests=%d duration_us=%d rps=%.1f connect=%d read=%d " ..
        "write=%d status=%d timeout=%d p50_us=%d p99_us=%d",
        summary.requests, summary.duration,
        secs > 0 and summary.requests / secs or 0,
        e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50), latency:percentile(99))
end
