#!/usr/bin/env python3
"""A small delivery client following sfconform's client contract.

Correct by default; `--defect NAME` switches on exactly one deliberate bug,
so tests/e2e/test_conformance.c can check that sfconform catches each one.
Defects: never-retries, retries-forever, json-to-w2l, ignores-401,
reports-all-delivered, drops-custom-mapping, no-outcomes,
retries-after-success, burns-leads-on-failed-refresh, flat-flow-body,
resends-unseen.
"""
import http.client
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

# Refresh a token idle this long before sending (a 7,200 s session, less
# a margin), as sfdeliver does.
REFRESH_AHEAD_S = 7200 - 300

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
    if DEFECT == "never-retries":
        max_retries = 0
    fields = payload(buyer, lead)
    attempts = failures = 0
    while True:
        attempts += 1
        wait = backoff * (2 ** failures)
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
        if failures > max_retries and DEFECT != "retries-forever":
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


def main():
    buyer = json.load(open(os.environ["SFCONFORM_BUYER"]))
    now = epoch(os.environ["SFCONFORM_NOW"])
    state, state_path = load_state()
    if ("auth" in buyer and DEFECT != "ignores-401"
            and now - state.get("used", now) >= REFRESH_AHEAD_S):
        try:
            state["token"] = refresh(buyer)
        except Exception:
            pass  # the first send will tell
    out = open(os.environ["SFCONFORM_OUTCOMES"], "a")
    held_for_auth = delivered = False
    for line in open(os.environ["SFCONFORM_LEADS"], encoding="utf-8"):
        if not line.strip():
            continue
        lead = json.loads(line)
        if buyer.get("paused") or held_for_auth:
            outcome, attempts = "held", 0
        else:
            try:
                outcome, attempts = deliver(buyer, lead, state)
            except RefreshFailed:
                # The token cannot be fixed by retrying: hold this lead and
                # every one after it until the buyer's grant is renewed.
                outcome, attempts, held_for_auth = "held", 1, True
        delivered |= outcome == "delivered"
        if DEFECT == "reports-all-delivered":
            outcome = "delivered"
        if DEFECT != "no-outcomes":
            out.write(json.dumps({"lead_id": lead["id"], "outcome": outcome,
                                  "attempts": attempts}) + "\n")
            out.flush()
    if delivered:
        state["used"] = now
        json.dump(state, open(state_path, "w"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
