#!/usr/bin/env python3
"""A small delivery client following sfconform's client contract.

Correct by default (it passes every case of the default profile,
4xx-retried); `--defect NAME` switches on exactly one deliberate bug, so
that tests/e2e/test_conformance.c can check that sfconform catches each
one, and only with the cases aimed at it. Defects: never-retries,
ignores-max-retries, json-to-w2l, ignores-401, reports-all-delivered,
drops-custom-mapping, no-outcomes, retries-after-success,
burns-leads-on-failed-refresh, flat-flow-body, resends-unseen,
no-refresh-ahead.
"""
import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

DAY_S = 86400

DEFECT = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--defect" else ""


def value(lead, path):
    for part in path.split("."):
        if not isinstance(lead, dict) or part not in lead:
            return None
        lead = lead[part]
    if isinstance(lead, bool):
        return "true" if lead else "false"
    return None if lead is None or isinstance(lead, (dict, list)) else str(lead)


def payload(buyer, lead):
    fields = {}
    for src, dst in buyer.get("mapping", {}).items():
        if DEFECT == "drops-custom-mapping" and src.startswith("custom."):
            continue
        v = value(lead, src)
        if v is not None:
            fields[dst] = v
    for k, v in buyer.get("static_fields", {}).items():
        fields.setdefault(k, str(v))
    return fields


def refresh(buyer):
    auth = buyer.get("auth", {})
    body = urllib.parse.urlencode({
        "grant_type": "refresh_token",
        "client_id": auth.get("client_id", ""),
        "client_secret": auth.get("client_secret", ""),
        "refresh_token": auth.get("refresh_token", ""),
    }).encode()
    req = urllib.request.Request(auth["token_url"], data=body, method="POST")
    req.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)["access_token"]


def body_of(buyer, fields):
    d = buyer["delivery"]
    ctype = d.get("content_type", "application/x-www-form-urlencoded")
    if DEFECT == "json-to-w2l":
        ctype = "application/json"
    if not ctype.startswith("application/json"):
        return ctype, urllib.parse.urlencode(fields).encode()
    if d.get("format") == "flow" and DEFECT != "flat-flow-body":
        return ctype, json.dumps({"inputs": [fields]}).encode()
    return ctype, json.dumps(fields).encode()


def send(buyer, fields, token):
    try:
        return send_once(buyer, fields, token)
    except (http.client.HTTPException, ConnectionError):
        if DEFECT != "resends-unseen":
            raise
        # What an HTTP library does for a request that got no answer on a
        # kept-alive connection: send it again at once, and say nothing.
        return send_once(buyer, fields, token)


def send_once(buyer, fields, token):
    d = buyer["delivery"]
    ctype, body = body_of(buyer, fields)
    req = urllib.request.Request(d["url"], data=body, method="POST")
    req.add_header("Content-Type", ctype)
    for k, v in d.get("headers", {}).items():
        req.add_header(k, v)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    timeout = d.get("timeout_ms", 30000) / 1000.0
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            r.read()
            return r.status, {}, b""
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class RefreshFailed(Exception):
    pass


def deliver(buyer, lead, state):
    retry = buyer.get("retry", {})
    max_retries = retry.get("max_retries", 3)
    backoff = retry.get("backoff_ms", 500) / 1000.0
    cap = retry.get("backoff_max_ms", 60000) / 1000.0
    if DEFECT == "never-retries":
        max_retries = 0
    elif DEFECT == "ignores-max-retries":
        max_retries, cap = 20, backoff  # 20 retries, whatever the buyer says
    fields = payload(buyer, lead)
    attempts = failures = 0
    while True:
        attempts += 1
        wait = min(cap, backoff * (2 ** failures))
        try:
            status, headers, body = send(buyer, fields, state.get("token"))
        except (urllib.error.URLError, http.client.HTTPException,
                ConnectionError, TimeoutError, OSError):
            status, headers, body = 0, {}, b""
        if 200 <= status < 300:
            if DEFECT == "retries-after-success" and attempts == 1:
                continue
            return "delivered", attempts
        if (status == 401 and b"INVALID_SESSION_ID" in body
                and DEFECT != "ignores-401" and "auth" in buyer):
            try:
                state["token"] = refresh(buyer)
                continue  # the 401 does not use up a retry
            except Exception:
                if DEFECT == "burns-leads-on-failed-refresh":
                    return "rejected", attempts
                raise RefreshFailed()
        failures += 1
        if failures > max_retries:
            return "delivery_failed", attempts
        ra = headers.get("Retry-After")
        if ra is not None and ra.isdigit():
            wait = max(wait, float(ra))
        time.sleep(wait)


def epoch(rfc3339):
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def load_state():
    """The token and when it was last used (SFCONFORM_NOW), kept across the
    steps of a case in the state directory."""
    path = os.path.join(os.environ["SFCONFORM_STATE"], "token.json")
    try:
        return json.load(open(path)), path
    except (OSError, ValueError):
        return {}, path


def norm(v):
    return v.strip().lower() if isinstance(v, str) else v


def gate(buyer, lead, now, dedup):
    """The outcome of a lead stopped before sending, or None."""
    for f in buyer.get("filters", []):
        v = value(lead, f["field"])
        if v is None or not v.strip():
            if f.get("required"):
                return "rejected"
        elif ("pattern" in f and not re.search(f["pattern"], v)
              or "allowed" in f and v not in f["allowed"]):
            return "rejected"
    sup = buyer.get("suppression", {})
    if any(norm(value(lead, p)) in {norm(v) for v in sup.get("values", [])}
           for p in sup.get("fields", [])):
        return "suppressed"
    dd = buyer.get("dedup")
    if dd:
        keys = ["%s=%s" % (p, norm(value(lead, p))) for p in dd["fields"]
                if value(lead, p)]
        if dd.get("match") == "all":
            keys = [";".join(keys)] if len(keys) == len(dd["fields"]) else []
        window = dd.get("window_seconds", DAY_S)
        if any(k in dedup and dedup[k][0] != lead["id"]
               and now - dedup[k][1] < window for k in keys):
            return "duplicate"
        for k in keys:
            dedup[k] = [lead["id"], now]
    return "held" if buyer.get("paused") else None


def w2l_oid(buyer):
    ctype = buyer["delivery"].get("content_type", "")
    return (buyer.get("static_fields", {}).get("oid")
            if "urlencoded" in ctype else None)


def reconcile(buyer, state, ids):
    """The ids of delivered leads the org does not hold (none when it
    cannot be asked)."""
    rc = buyer["reconcile"]
    time.sleep(rc.get("wait_ms", 2000) / 1000.0)
    field = rc["match_field"]
    q = "SELECT %s FROM %s WHERE %s IN (%s)" % (
        field, rc.get("object", "Lead"), field,
        ",".join("'%s'" % i.replace("'", "\\'") for i in ids))
    try:
        if not state.get("token"):
            state["token"] = refresh(buyer)
        req = urllib.request.Request(
            rc["query_url"] + "?" + urllib.parse.urlencode({"q": q}),
            headers={"Authorization": "Bearer " + state["token"]})
        with urllib.request.urlopen(req, timeout=10) as r:
            found = {str(x.get(field)) for x in json.load(r)["records"]}
    except Exception:
        return set()
    return {i for i in ids if i not in found}


def main():
    buyer = json.load(open(os.environ["SFCONFORM_BUYER"]))
    now = epoch(os.environ["SFCONFORM_NOW"])
    state, state_path = load_state()
    auth = buyer.get("auth", {})
    idle = (auth.get("session_timeout_seconds", 7200)
            - auth.get("refresh_margin_seconds", 300))
    if ("auth" in buyer and DEFECT not in ("ignores-401", "no-refresh-ahead")
            and now - state.get("used", now) >= idle):
        try:
            state["token"] = refresh(buyer)
        except Exception:
            pass  # the first send will tell
    oid = w2l_oid(buyer)
    budget = buyer.get("web_to_lead", {}).get("daily_budget", 500)
    posts = [t for t in state.get("posts", []) if t > now - DAY_S]
    dedup = state.setdefault("dedup", {})
    lines = []
    held_for_auth = delivered = False
    for line in open(os.environ["SFCONFORM_LEADS"], encoding="utf-8"):
        if not line.strip():
            continue
        lead = json.loads(line)
        outcome, attempts = gate(buyer, lead, now, dedup), 0
        if outcome is None and held_for_auth:
            outcome = "held"
        elif outcome is None and oid and len(posts) >= budget:
            outcome = "held"  # the day's budget is spent
        elif outcome is None:
            try:
                outcome, attempts = deliver(buyer, lead, state)
            except RefreshFailed:
                # The token cannot be fixed by retrying: hold this lead and
                # every one after it until the buyer's grant is renewed.
                outcome, attempts, held_for_auth = "held", 1, True
            if oid:
                posts += [now] * attempts
        delivered |= outcome == "delivered"
        lines.append([lead, outcome, attempts])
    if buyer.get("reconcile"):
        ok = [l[0]["id"] for l in lines if l[1] == "delivered"]
        dropped = reconcile(buyer, state, ok) if ok else set()
        for l in lines:
            if l[0]["id"] in dropped:
                l[1] = "delivery_failed"
    out = open(os.environ["SFCONFORM_OUTCOMES"], "a")
    for lead, outcome, attempts in lines:
        if DEFECT == "reports-all-delivered":
            outcome = "delivered"
        if DEFECT != "no-outcomes":
            out.write(json.dumps({"lead_id": lead["id"], "outcome": outcome,
                                  "attempts": attempts}) + "\n")
    out.close()
    if delivered:
        state["used"] = now
    state["posts"] = posts
    json.dump(state, open(state_path, "w"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
