#!/usr/bin/env bash
#
# bench/soak.sh - make soak: minutes of mixed and hostile load on one sfsim,
# then POST /__sim/reset. Prints a table; exits 1 when the sim crashed,
# stopped answering its probe, or kept its memory after the reset.
#
#   make soak            (installs wrk if root, builds, runs this)
#   bash bench/soak.sh   the same without the build (run make first)
#
# Against one sim on 127.0.0.1 (bench/orgs/soak.json), for SOAK_SECS:
#   wrk -t1 -cSOAK_CONNS -s bench/soak.lua: Web-to-Lead posts, REST
#     creates, SOQL queries and admin reads, each connection pausing
#     SOAK_DELAY_MS between requests
#   soakc (tests/hostile/soakc.c): SOAK_SLOW slowloris connections (headers
#     or a form body, a byte a second), SOAK_STUCK connections that ask for
#     every record and the whole journal and never read, and a probe that
#     times GET /__sim/health on a new connection every SOAK_PROBE_MS
# Every SOAK_SAMPLE seconds a row: the sim's resident memory, open
# descriptors, threads and stored leads. Then the clients end, the sim is
# reset, and after SOAK_SETTLE seconds its RSS must be back within 20% +
# 10 MiB of the baseline (RSS once warmed up by one request of each kind
# and reset, before the load).
#
# Knobs (environment): SOAK_SECS=180 SOAK_CONNS=16 SOAK_DELAY_MS=5
# SOAK_SLOW=200 SOAK_STUCK=50 SOAK_PROBE_MS=100 SOAK_SAMPLE=15
# SOAK_SETTLE=3; SFSIM (default sim/sfsim), SOAKC (default
# build/tests/hostile/soakc). Loopback only; everything started is stopped
# on exit, also after Ctrl-C; logs go to bench/out/soak-*.

set -euo pipefail

cd "$(dirname "$0")/.."
SFSIM=${SFSIM:-sim/sfsim}
SOAKC=${SOAKC:-build/tests/hostile/soakc}
SOAK_SECS=${SOAK_SECS:-180}
SOAK_CONNS=${SOAK_CONNS:-16}
SOAK_DELAY_MS=${SOAK_DELAY_MS:-5}
SOAK_SLOW=${SOAK_SLOW:-200}
SOAK_STUCK=${SOAK_STUCK:-50}
SOAK_PROBE_MS=${SOAK_PROBE_MS:-100}
SOAK_SAMPLE=${SOAK_SAMPLE:-15}
SOAK_SETTLE=${SOAK_SETTLE:-3}
# RSS after the reset may exceed the baseline by this much.
RSS_SLACK_PCT=20
RSS_SLACK_KB=10240
OUT=bench/out
API=/services/data/v62.0

die() { echo "soak: $*" >&2; exit 1; }

for tool in wrk curl awk; do
    command -v "$tool" >/dev/null 2>&1 || die "needs $tool (make soak installs wrk)"
done
[ -x "$SFSIM" ] || die "$SFSIM not built (run make)"
[ -x "$SOAKC" ] || die "$SOAKC not built (run make soak)"
mkdir -p "$OUT"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sfsim-soak.XXXXXX")
: >"$tmp/pids"

# shellcheck source=bench/lib.sh
. bench/lib.sh

cleanup() {
    trap - EXIT INT TERM
    stop_all
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'echo; echo "soak: interrupted" >&2; exit 130' INT
trap 'exit 143' TERM

new_token() {
    curl -sf -X POST "$SIM_URL/__sim/tokens" |
        sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

fds() { find "/proc/$SIM_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
threads() { awk '/^Threads:/ { print $2 }' "/proc/$SIM_PID/status"; }
leads() {
    curl -sf -D - -o /dev/null "$SIM_URL/__sim/records/Lead?limit=0" |
        tr -d '\r' | sed -n 's/^[Xx]-[Tt]otal-[Cc]ount: //p'
}

# One row: label, RSS in MiB, descriptors, threads, leads.
row() {
    printf '%-14s %9.1f %7s %8s %9s\n' "$1" "$(calc %.1f "$(rss_kb "$SIM_PID") / 1024")" \
        "$(fds)" "$(threads)" "$(leads || echo '?')"
}

# One request of every kind the load sends, so that what the sim allocates
# once (pools, tables, the first page of each structure) is in the baseline.
warm_up() {
    local tok=$1 auth="Authorization: Bearer $1"
    curl -sf -o /dev/null -X POST "$SIM_URL/servlet/servlet.WebToLead?encoding=UTF-8" \
        -d 'oid=00D000000000001&last_name=Warm&company=Acme&email=warm%40example.com'
    curl -sf -o /dev/null -X POST "$SIM_URL$API/sobjects/Lead/" -H "$auth" \
        -H 'Content-Type: application/json' \
        -d '{"LastName":"Warm","Company":"Acme","Email":"warm2@example.com"}'
    curl -sf -o /dev/null -G "$SIM_URL$API/query" -H "$auth" \
        --data-urlencode "q=SELECT Id FROM Lead WHERE Email = 'warm@example.com'"
    curl -sf -o /dev/null "$SIM_URL/__sim/records/Lead?limit=10"
    curl -sf -o /dev/null "$SIM_URL/__sim/journal?limit=10"
    [ -n "$tok" ]
}

start_sim soak-sim.log --org bench/orgs/soak.json
warm_up "$(new_token)" || die "the warm-up requests failed (see $OUT/soak-sim.log)"
curl -sf -o /dev/null -X POST "$SIM_URL/__sim/reset" || die "reset failed"
sleep 1
base_kb=$(rss_kb "$SIM_PID")
base_fds=$(fds)
token=$(new_token)
[ -n "$token" ] || die "no token"

echo "soak: ${SOAK_SECS} s on $SIM_URL: wrk -t1 -c$SOAK_CONNS (${SOAK_DELAY_MS} ms" \
    "pauses), $SOAK_SLOW slowloris and $SOAK_STUCK non-reading clients, a" \
    "probe every $SOAK_PROBE_MS ms"
printf '%-14s %9s %7s %8s %9s\n' "time" "RSS MiB" "fds" "threads" "leads"
row "baseline"

start_bg "$SOAKC" "$SIM_URL" "$SOAK_SECS" "$SOAK_SLOW" "$SOAK_STUCK" \
    "$SOAK_PROBE_MS" >"$OUT/soak-clients.log" 2>&1
clients_pid=$BG_PID
SOAK_TOKEN=$token SOAK_DELAY_MS=$SOAK_DELAY_MS start_bg wrk -t1 \
    -c"$SOAK_CONNS" -d"${SOAK_SECS}s" --timeout 10s -s bench/soak.lua \
    "$SIM_URL" >"$OUT/soak-wrk.log" 2>&1
wrk_pid=$BG_PID

start=$(date +%s)
peak_kb=$base_kb
while alive "$wrk_pid" || alive "$clients_pid"; do
    sleep "$SOAK_SAMPLE"
    alive "$SIM_PID" || die "the sim died under load (see $OUT/soak-sim.log)"
    kb=$(rss_kb "$SIM_PID")
    [ "$kb" -gt "$peak_kb" ] && peak_kb=$kb
    row "$(($(date +%s) - start)) s"
done
wait "$wrk_pid" || true
wait "$clients_pid" || true
alive "$SIM_PID" || die "the sim died (see $OUT/soak-sim.log)"
row "load over"
loaded_leads=$(leads || echo 0)

curl -sf -o /dev/null -X POST "$SIM_URL/__sim/reset" || die "reset failed after the load"
sleep "$SOAK_SETTLE"
row "after reset"
after_kb=$(rss_kb "$SIM_PID")
after_fds=$(fds)
health=$(curl -s -o /dev/null -w '%{http_code}' "$SIM_URL/__sim/health" || true)

limit_kb=$((base_kb + base_kb * RSS_SLACK_PCT / 100 + RSS_SLACK_KB))
probe=$(sed -n 's/^SOAK //p' "$OUT/soak-clients.log")
val() { echo "$probe" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
reqs=$(wrk_val "$OUT/soak-wrk.log" requests)
echo
printf 'load      %s requests (%s/s), %s answers >= 400, socket errors: connect %s read %s write %s timeout %s\n' \
    "${reqs:-?}" "$(wrk_val "$OUT/soak-wrk.log" rps)" \
    "$(wrk_val "$OUT/soak-wrk.log" status)" "$(wrk_val "$OUT/soak-wrk.log" connect)" \
    "$(wrk_val "$OUT/soak-wrk.log" read)" "$(wrk_val "$OUT/soak-wrk.log" write)" \
    "$(wrk_val "$OUT/soak-wrk.log" timeout)"
printf '          latency p50 %s ms, p99 %s ms, max %s ms; %s leads stored at the end\n' \
    "$(calc %.1f "$(wrk_val "$OUT/soak-wrk.log" p50_us) / 1000")" \
    "$(calc %.1f "$(wrk_val "$OUT/soak-wrk.log" p99_us) / 1000")" \
    "$(calc %.1f "$(wrk_val "$OUT/soak-wrk.log" max_us) / 1000")" "$loaded_leads"
printf 'probe     %s probes, %s without a 200 in 5 s; p50 %s ms, p90 %s ms, p99 %s ms, max %s ms\n' \
    "$(val probes)" "$(val failed)" "$(val p50_ms)" "$(val p90_ms)" \
    "$(val p99_ms)" "$(val max_ms)"
printf 'clients   slowloris connections the sim closed (and reopened): %s; non-reading ones it closed: %s\n' \
    "$(val slow_reopened)" "$(val stuck_closed)"
printf 'fds       %s at the baseline, %s after the reset\n' "$base_fds" "$after_fds"
printf 'RSS       baseline %.1f MiB, peak %.1f MiB, after the reset %.1f MiB (limit %.1f MiB: baseline + %d%% + %d MiB)\n' \
    "$(calc %.1f "$base_kb / 1024")" "$(calc %.1f "$peak_kb / 1024")" \
    "$(calc %.1f "$after_kb / 1024")" "$(calc %.1f "$limit_kb / 1024")" \
    "$RSS_SLACK_PCT" "$((RSS_SLACK_KB / 1024))"

failed=()
[ -n "$probe" ] || failed+=("the clients printed no summary (see $OUT/soak-clients.log)")
[ "$(val failed)" = 0 ] || failed+=("$(val failed) probes got no 200 within 5 s")
[ "$health" = 200 ] || failed+=("GET /__sim/health answered $health after the reset")
[ "$after_kb" -le "$limit_kb" ] || failed+=("RSS did not come back after the reset")
if [ ${#failed[@]} -gt 0 ]; then
    printf 'soak: FAILED: %s\n' "${failed[@]}"
    exit 1
fi
echo "soak: ok"
