#!/bin/sh
# A lead-delivery client for sfconform, written from the README's "Write a
# client for sfconform" section alone: POSIX sh, curl for HTTP, jq for
# JSON (no bashisms; sleep takes fractions of a second, as GNU sleep does).
#
# Its own choices, where the contract leaves them open:
#   * one request at a time: a first pass sends the leads in file order,
#     the first lead alone (it tells whether the token works), then up to
#     50 per curl process (each request on a connection of its own,
#     "Connection: close", so that curl never resends one on its own);
#     each lead that needs a retry or a new token follows in turn;
#   * the token is refreshed ahead of time (idle for
#     auth.session_timeout_seconds - auth.refresh_margin_seconds) and on a
#     401;
#   * a fixed backoff: retry.backoff_ms before every retry (never more than
#     retry.backoff_max_ms), or the Retry-After of a 429/503 if longer;
#   * profile 4xx-final: a 4xx other than 401, 408 and 429 is not retried;
#   * simulated time in whole seconds: SFCONFORM_NOW plus the seconds
#     elapsed since the start.
#
# Run it as: sfconform --profile 4xx-final --client "sh /path/deliver.sh"
set -u

buyer=$SFCONFORM_BUYER
state=$SFCONFORM_STATE
work=$(mktemp -d "${TMPDIR:-/tmp}/deliver-sh.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

US=$(printf '\037') # between the dedup keys of a lead
RS=$(printf '\036') # between the fields of a prepared lead

# --- the buyer, and the time, in one pass -----------------------------------
# (A process costs tens of milliseconds on a loaded machine: one jq call
# sets every variable the run needs, the curl config lines included.)
start_s=$(date +%s)
eval "$(jq -r --arg now "$SFCONFORM_NOW" '
    def s(v): v | tostring | @sh;
    .delivery as $d
    | ($d.content_type // "application/x-www-form-urlencoded") as $ct
    | ($d.timeout_ms // 30000) as $tmo
    | "now0_s=\(s($now | sub("\\.[0-9]+"; "") | fromdateiso8601))",
      "url=\(s($d.url))",
      "ctype=\(s($ct))",
      "format=\(s($d.format // (if ($ct | test("urlencoded")) then "form"
                                else "sobject" end)))",
      "max_retries=\(s(.retry.max_retries // 3))",
      "backoff_ms=\(s(.retry.backoff_ms // 500))",
      "backoff_max_ms=\(s(.retry.backoff_max_ms // 60000))",
      "has_auth=\(s(if .auth then 1 else 0 end))",
      "token_url=\(s(.auth.token_url // ""))",
      "client_id=\(s(.auth.client_id // ""))",
      "client_secret=\(s(.auth.client_secret // ""))",
      "refresh_token=\(s(.auth.refresh_token // ""))",
      "idle_s=\(s((.auth.session_timeout_seconds // 7200)
                  - (.auth.refresh_margin_seconds // 300)))",
      "paused=\(s(if .paused then 1 else 0 end))",
      "budget=\(s(.web_to_lead.daily_budget // 500))",
      "oid=\(s(.static_fields.oid // ""))",
      "has_dedup=\(s(if .dedup then 1 else 0 end))",
      "dedup_window=\(s(.dedup.window_seconds // 86400))",
      "has_reconcile=\(s(if .reconcile then 1 else 0 end))",
      "rc_url=\(s(.reconcile.query_url // ""))",
      "rc_field=\(s(.reconcile.match_field // ""))",
      "rc_lead_field=\(s(.reconcile.lead_field // "id"))",
      "rc_object=\(s(.reconcile.object // "Lead"))",
      "rc_wait_ms=\(s(.reconcile.wait_ms // 2000))",
      "first_token=\(s(($d.headers.Authorization // "")
                       | sub("^[Bb]earer "; "")))",
      # What every request repeats, as curl config lines: the delivery
      # headers but Authorization, and the transfer itself.
      "transfer_conf=\(s([
          ($d.headers // {} | to_entries[]
           | select(.key | ascii_downcase != "authorization")
           | "header = \((.key + ": " + .value) | tojson)"),
          "url = \($d.url | tojson)",
          "header = \("Content-Type: " + $ct | tojson)",
          "header = \"Expect:\"",
          "header = \"Connection: close\"",
          "max-time = \($tmo / 1000)",
          "output = \"/dev/null\"",
          "write-out = \"%{http_code} %{exitcode} %header{retry-after}\\n\""
        ] | join("\n")))"
' "$buyer")" || exit 1

now_s() {
    echo $((now0_s + $(date +%s) - start_s))
}
[ "$format" = form ] || oid=""

# --- the state directory -----------------------------------------------------
token=$first_token
last_ok=""
[ -s "$state/token" ] && token=$(cat "$state/token")
[ -s "$state/token-last-ok" ] && last_ok=$(cat "$state/token-last-ok")
auth_failed=0

save_token() {
    [ "$has_auth" = 1 ] || return 0
    printf '%s\n' "$token" >"$state/token"
    [ -n "$last_ok" ] && printf '%s\n' "$last_ok" >"$state/token-last-ok"
}

refresh() {
    curl -sS -m 30 -o "$work/token.json" -w '%{http_code}' \
        --data-urlencode "grant_type=refresh_token" \
        --data-urlencode "client_id=$client_id" \
        --data-urlencode "client_secret=$client_secret" \
        --data-urlencode "refresh_token=$refresh_token" \
        "$token_url" >"$work/token.status" 2>/dev/null
    if [ "$(cat "$work/token.status")" = 200 ] &&
        new=$(jq -er '.access_token' "$work/token.json" 2>/dev/null); then
        token=$new
        last_ok=$(now_s)
        return 0
    fi
    auth_failed=1
    return 1
}

# The Web-to-Lead budget: one line per post (its second), per oid, kept
# for 24 hours. Posts only ever join during a run, so the window is pruned
# once at the start; one that would leave it during the run is still
# counted, which errs on the safe side.
budget_file="$state/w2l-$oid.posts"
posts=0
if [ -n "$oid" ]; then
    touch "$budget_file"
    cut=$(($(now_s) - 86400))
    awk -v cut="$cut" '$1 > cut' "$budget_file" >"$work/posts" &&
        cat "$work/posts" >"$budget_file"
    posts=$(wc -l <"$budget_file")
fi

dedup_file="$state/dedup"
[ "$has_dedup" = 1 ] && touch "$dedup_file"

# 0 when one of the lead's keys was seen for another lead within the
# window; otherwise records the keys.
is_duplicate() {
    dup_id=$1
    dup_keys=$2
    dup_now=$(now_s)
    [ -n "$dup_keys" ] || return 1
    old_ifs=$IFS
    IFS=$US
    for k in $dup_keys; do
        if awk -F "$RS" -v k="$k" -v id="$dup_id" -v cut=$((dup_now - dedup_window)) \
            '$1 == k && $2 != id && $3 > cut { found = 1 } END { exit !found }' \
            "$dedup_file"; then
            IFS=$old_ifs
            return 0
        fi
    done
    for k in $dup_keys; do
        printf '%s%s%s%s%s\n' "$k" "$RS" "$dup_id" "$RS" "$dup_now" \
            >>"$dedup_file"
    done
    IFS=$old_ifs
    return 1
}

# --- the leads, prepared in one pass: id, body, gate verdict, dedup keys ----
jq -r --slurpfile b "$buyer" '
    $b[0] as $buyer
    | def str: if type == "string" then .
               elif type == "number" or type == "boolean" then tostring
               else null end;
      def at(p): (try getpath(p | split(".")) catch null) | str;
      def norm: ascii_downcase | sub("^\\s+"; "") | sub("\\s+$"; "");
    . as $lead
    | ($buyer.mapping // (keys_unsorted | map({(.): .}) | add // {})) as $m
    | (reduce ($m | to_entries[]) as $e ({};
          ($lead | at($e.key)) as $v
          | if $v == null then . else . + {($e.value): $v} end)) as $mapped
    | (reduce (($buyer.static_fields // {}) | to_entries[]) as $e ($mapped;
          if has($e.key) then . else . + {($e.key): ($e.value | str)} end))
      as $fields
    | ($buyer.delivery.content_type // "application/x-www-form-urlencoded")
      as $ct
    | ($buyer.delivery.format // (if ($ct | test("urlencoded")) then "form"
                                  else "sobject" end)) as $fmt
    | (if $fmt == "form" then
           [$fields | to_entries[] | "\(.key | @uri)=\(.value | @uri)"]
           | join("&")
       elif $fmt == "flow" then {inputs: [$fields]} | tojson
       else $fields | tojson end) as $body
    | ([($buyer.filters // [])[] as $f
        | ($lead | at($f.field)) as $v
        | if ($v == null or ($v | norm) == "") then
              (if $f.required then "rejected" else empty end)
          elif ($f.pattern and ($v | test($f.pattern) | not)) then "rejected"
          elif ($f.allowed and (($f.allowed | index([$v])) == null))
          then "rejected"
          else empty end] | first // "") as $filtered
    | ([($buyer.suppression.fields // [])[] as $p
        | ($lead | at($p)) as $v
        | select($v != null)
        | select(($buyer.suppression.values // []) | map(norm)
                 | index([$v | norm]) != null)] | length) as $suppressed
    | ([($buyer.dedup.fields // [])[] as $p
        | ($lead | at($p)) as $v
        | select($v != null and ($v | norm) != "")
        | "\($p)=\($v | norm)"]) as $dk
    | (if ($buyer.dedup.match // "any") == "all" then
           (if ($dk | length) == ($buyer.dedup.fields | length)
            then [$dk | join("\u001e")] else [] end)
       else $dk end) as $keys
    | [($lead.id | tojson), $body,
       (if $filtered != "" then $filtered
        elif $suppressed > 0 then "suppressed" else "-" end),
       ($lead | at($buyer.reconcile.lead_field // "id") // ""),
       ($keys | join("\u001f"))]
    | join("\u001e")
' "$SFCONFORM_LEADS" >"$work/leads.tsv" || exit 1

lines="$work/outcomes"
: >"$lines"
: >"$work/delivered"
: >"$work/queue"

outcome() { # id-json outcome attempts [extra json members]
    printf '{"lead_id":%s,"outcome":"%s","attempts":%s%s}\n' \
        "$1" "$2" "$3" "${4:+,$4}" >>"$lines"
}

# The end of one lead: $1 id-json, $2 outcome, $3 attempts, $4 its value
# for reconciliation. Delivered Web-to-Lead leads wait for the read-back.
finish() {
    if [ "$2" = delivered ] && [ "$has_reconcile" = 1 ]; then
        printf '%s%s%s%s%s\n' "$1" "$RS" "$4" "$RS" "$3" >>"$work/delivered"
    else
        outcome "$1" "$2" "$3"
    fi
}

# --- the gates: filters, suppression, dedup, pause ---------------------------
while IFS=$RS read -r idj body gate rc_value keys; do
    if [ "$gate" != "-" ]; then
        outcome "$idj" "$gate" 0
    elif [ "$has_dedup" = 1 ] && is_duplicate "$idj" "$keys"; then
        outcome "$idj" duplicate 0
    elif [ "$paused" = 1 ]; then
        outcome "$idj" held 0
    else
        printf '%s%s%s%s%s\n' "$idj" "$RS" "$body" "$RS" "$rc_value" \
            >>"$work/queue"
    fi
done <"$work/leads.tsv"

# --- sending -------------------------------------------------------------------
# Sends the leads of file $1 (id RS body RS value) in order, one request at
# a time, through one curl; $work/answers gets "id RS body RS value RS
# status RS exit code RS Retry-After" per lead.
send_list() {
    sl_n=0
    {
        while IFS=$RS read -r sl_id sl_body sl_value; do
            sl_n=$((sl_n + 1))
            printf '%s' "$sl_body" >"$work/body.$sl_n"
            [ "$sl_n" -gt 1 ] && echo next
            printf '%s\n' "$transfer_conf"
            if [ "$has_auth" = 1 ] && [ -n "$token" ]; then
                printf 'header = "Authorization: Bearer %s"\n' "$token"
            fi
            printf 'data-binary = "@%s/body.%s"\n' "$work" "$sl_n"
        done <"$1"
    } >"$work/curl.conf"
    sent_token=$token
    curl -s -K "$work/curl.conf" 2>/dev/null |
        tr ' ' "$RS" >"$work/results"
    paste -d "$RS" "$1" "$work/results" >"$work/answers"
}

# Room in the Web-to-Lead budget for $1 more posts: sets room to how many
# fit, and counts those at once. (Not in a $(...) subshell: posts must
# stay counted.)
budget_room() {
    room=$1
    [ -n "$oid" ] || return 0
    [ $((budget - posts)) -lt "$room" ] && room=$((budget - posts))
    [ "$room" -lt 0 ] && room=0
    br_t=$(now_s)
    br_i=0
    while [ "$br_i" -lt "$room" ]; do
        printf '%s\n' "$br_t" >>"$budget_file"
        br_i=$((br_i + 1))
    done
    posts=$((posts + room))
}

refresh_if_idle() {
    if [ "$has_auth" = 1 ] && [ "$auth_failed" = 0 ] && [ -n "$last_ok" ] &&
        [ $(($(now_s) - last_ok)) -ge "$idle_s" ]; then
        refresh
    fi
    return 0
}

# What to do after one answer: sets verdict to done (with result), again
# (send again at once, a new token) or retry (after a wait).
classify() { # status exit-code
    c_status=${1:-0}
    [ "$2" = 0 ] || c_status=0
    case $c_status in
    2??)
        [ "$has_auth" = 1 ] && [ -n "$token" ] && last_ok=$(now_s)
        verdict=done result=delivered
        ;;
    401)
        if [ "$has_auth" = 1 ] && [ "$auth_failed" = 0 ]; then
            verdict=again
        else
            verdict=done result=held
        fi
        ;;
    000 | 0 | 408 | 429 | 5??) verdict=retry ;;
    *) verdict=done result=delivery_failed ;;
    esac
}

# One lead after its first answer: retries and new tokens, one request at
# a time. $1 id, $2 body, $3 value, $4 status, $5 exit code, $6
# Retry-After.
follow_up() {
    fu_attempts=1
    fu_retries=0
    fu_reauths=0
    fu_status=$4
    fu_exit=$5
    fu_ra=$6
    fu_token=$sent_token
    while :; do
        classify "$fu_status" "$fu_exit"
        case $verdict in
        done)
            finish "$1" "$result" "$fu_attempts" "$3"
            return
            ;;
        again)
            # Sent with a token replaced since: just send it again. A
            # fresh token that still meets a 401 is not refreshed for
            # ever: the lead waits for the buyer's credentials.
            fu_reauths=$((fu_reauths + 1))
            if [ "$fu_token" = "$token" ] &&
                { [ "$fu_reauths" -gt 3 ] || ! refresh; }; then
                finish "$1" held "$fu_attempts" "$3"
                return
            fi
            ;;
        retry)
            if [ "$fu_retries" -ge "$max_retries" ]; then
                finish "$1" delivery_failed "$fu_attempts" "$3"
                return
            fi
            fu_retries=$((fu_retries + 1))
            fu_wait=$backoff_ms
            [ "$fu_wait" -gt "$backoff_max_ms" ] && fu_wait=$backoff_max_ms
            case "$fu_status:$fu_ra" in
            429:[0-9]* | 503:[0-9]*)
                [ $((fu_ra * 1000)) -gt "$fu_wait" ] &&
                    fu_wait=$((fu_ra * 1000))
                ;;
            esac
            sleep "$(awk "BEGIN { printf \"%.3f\", $fu_wait / 1000 }")"
            ;;
        esac
        refresh_if_idle
        [ "$auth_failed" = 1 ] || budget_room 1
        if [ "$auth_failed" = 1 ] || [ "$room" = 0 ]; then
            finish "$1" held "$fu_attempts" "$3"
            return
        fi
        printf '%s%s%s%s%s\n' "$1" "$RS" "$2" "$RS" "$3" >"$work/one"
        send_list "$work/one"
        IFS=$RS read -r _ _ _ fu_status fu_exit fu_ra <"$work/answers"
        fu_attempts=$((fu_attempts + 1))
        fu_token=$sent_token
    done
}

# Holds every lead of file $1 from line $2 on.
hold_from() {
    tail -n "+$2" "$1" | while IFS=$RS read -r h_id h_body h_value; do
        outcome "$h_id" held 0
    done
}

total=$(wc -l <"$work/queue")
done_n=0
while [ "$done_n" -lt "$total" ]; do
    refresh_if_idle
    if [ "$auth_failed" = 1 ]; then
        hold_from "$work/queue" $((done_n + 1))
        break
    fi
    want=$((total - done_n))
    if [ "$done_n" = 0 ]; then
        want=1
    elif [ "$want" -gt 50 ]; then
        want=50
    fi
    budget_room "$want"
    if [ "$room" = 0 ]; then
        hold_from "$work/queue" $((done_n + 1))
        break
    fi
    sed -n "$((done_n + 1)),$((done_n + room))p" "$work/queue" >"$work/batch"
    done_n=$((done_n + room))
    send_list "$work/batch"
    cp "$work/answers" "$work/batch.answers"
    while IFS=$RS read -r b_id b_body b_value b_status b_exit b_ra; do
        follow_up "$b_id" "$b_body" "$b_value" "$b_status" "$b_exit" "$b_ra"
    done <"$work/batch.answers"
done

# --- reconciliation: which leads answered 200 did the org store? ----------
if [ -s "$work/delivered" ]; then
    sleep "$(awk "BEGIN { printf \"%.3f\", $rc_wait_ms / 1000 }")"
    : >"$work/found"
    asked=1
    [ -n "$token" ] || refresh || asked=0
    if [ "$asked" = 1 ]; then
        split -l 100 "$work/delivered" "$work/chunk."
        for chunk in "$work"/chunk.*; do
            q=$(cut -d "$RS" -f2 "$chunk" | jq -Rrs --arg f "$rc_field" \
                --arg o "$rc_object" --arg sq "'" '
                split("\n") | map(select(. != "")
                    | $sq + gsub($sq; "\\" + $sq) + $sq)
                | "SELECT \($f) FROM \($o) WHERE \($f) IN (\(join(",")))"')
            for try in 1 2; do
                st=$(curl -sS -m 30 -G --data-urlencode "q=$q" \
                    -H "Authorization: Bearer $token" -o "$work/query.json" \
                    -w '%{http_code}' "$rc_url" 2>/dev/null) || st=0
                [ "$st" = 401 ] && [ "$try" = 1 ] && refresh && continue
                break
            done
            if [ "$st" != 200 ]; then
                asked=0
                break
            fi
            jq -r --arg f "$rc_field" '.records[] | .[$f] | tostring' \
                "$work/query.json" >>"$work/found"
        done
    fi
    while IFS=$RS read -r idj rc_value attempts; do
        if [ "$asked" = 1 ] && ! grep -qxF -- "$rc_value" "$work/found"; then
            outcome "$idj" delivery_failed "$attempts" '"reason":"silently_dropped"'
        else
            outcome "$idj" delivered "$attempts"
        fi
    done <"$work/delivered"
fi

cat "$lines" >>"$SFCONFORM_OUTCOMES"
save_token
exit 0
