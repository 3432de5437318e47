# bench/lib.sh - process and measurement helpers shared by bench/run.sh and
# bench/soak.sh (sourced, after cd to the repository root).
#
# The caller provides: $tmp (a private temporary directory holding the file
# $tmp/pids), $OUT (where logs go), $SFSIM (the sim under test) and die().
# Everything started with start_bg is listed in $tmp/pids with its start
# time, so that stop_all stops exactly those processes, by pid.

# "STATE STARTTIME" of a process from /proc/PID/stat (fields 3 and 22,
# counted after the parenthesised command name); empty when it is gone.
proc_stat() {
    sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $1, $20 }' || true
}

# Starts "$@" in the background and records its pid, with its start time,
# for cleanup; the pid is left in BG_PID. Redirections go on the call:
# start_bg cmd args >file.
start_bg() {
    "$@" &
    BG_PID=$!
    echo "$BG_PID $(proc_stat "$BG_PID" | cut -d' ' -f2)" >>"$tmp/pids"
}

# True while pid runs (a zombie, left when its parent subshell is gone and
# not yet reaped, counts as ended).
alive() {
    local st
    st=$(proc_stat "$1")
    [ -n "$st" ] && [ "${st%% *}" != Z ]
}

# Stops one process we started: TERM, up to 3 s, then KILL.
stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 30); do
        alive "$pid" || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Stops everything still listed in a pid file ($tmp/pids unless one is
# given), by pid and nothing broader. A pid whose start time has changed was
# reused by another process since ours ended: it is left alone.
stop_all() {
    local file=${1:-$tmp/pids} pid start now
    while read -r pid start; do
        [ -n "$pid" ] || continue
        now=$(proc_stat "$pid")
        if [ -n "$now" ] && [ "${now#* }" = "$start" ]; then
            stop_pid "$pid"
        fi
    done <"$file"
    : >"$file"
}

# Runs wrk in the background and waits for it (a foreground child would hold
# off the signal traps until it ends). Output goes to $1.
run_wrk() {
    local log=$1
    shift
    start_bg wrk "$@" >"$log" 2>&1
    wait "$BG_PID"
}

# Reads "BENCH key=value ..." (printed by the done() of w2l.lua, rest.lua
# and soql.lua) from a wrk log; prints the value of one key.
wrk_val() {
    sed -n 's/^BENCH //p' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# Starts sfsim ("$@" are extra options) on a free port and waits (5 s at
# most) for its ready line. Sets SIM_PID and SIM_URL; stderr goes to $OUT.
start_sim() {
    local log=$1 i
    shift
    start_bg "$SFSIM" --port 0 "$@" >"$tmp/sim.out" 2>"$OUT/$log"
    SIM_PID=$BG_PID
    SIM_URL=
    for i in $(seq 50); do
        SIM_URL=$(sed -n 's/^sfsim listening on //p' "$tmp/sim.out")
        [ -n "$SIM_URL" ] && return 0
        kill -0 "$SIM_PID" 2>/dev/null || die "sfsim exited: $(tail -3 "$OUT/$log")"
        sleep 0.1
    done
    die "sfsim printed no ready line in 5 s"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

calc() { awk "BEGIN { printf \"$1\", $2 }"; }
