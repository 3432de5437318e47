#!/usr/bin/env python3
"""A lead-delivery client for sfconform, written from the README's
"Write a client for sfconform" section alone (Python 3, standard library).

Its own choices, where the contract leaves them open:
  * 16 worker threads, each with its own kept-alive HTTP connection;
  * one token shared by all threads, refreshed by whichever thread meets a
    401 first, the others waiting for that refresh and reusing its token;
  * the token is also refreshed ahead of time, once it has been idle for
    auth.session_timeout_seconds - auth.refresh_margin_seconds;
  * full-jitter backoff: the wait before retry n is uniform in
    [0, min(backoff_max_ms, backoff_ms * 2^(n-1))];
  * profile 4xx-final: a 4xx other than 401, 408 and 429 is not retried.

Run it as: sfconform --profile 4xx-final --client "python3 /path/deliver.py"
"""
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timezone

WORKERS = 16
DAY_MS = 24 * 3600 * 1000
RECONCILE_BATCH = 100
FINAL_4XX_EXCEPT = (401, 408, 429)


# --- time: SFCONFORM_NOW plus the real time elapsed since we started -------

_T0 = time.monotonic()
_NOW0 = datetime.strptime(
    os.environ["SFCONFORM_NOW"].replace("Z", "+0000"),
    "%Y-%m-%dT%H:%M:%S.%f%z" if "." in os.environ["SFCONFORM_NOW"]
    else "%Y-%m-%dT%H:%M:%S%z").timestamp() * 1000


def now_ms():
    return int(_NOW0 + (time.monotonic() - _T0) * 1000)


# --- the state directory ---------------------------------------------------

STATE = os.environ["SFCONFORM_STATE"]


def load_state(name, default):
    try:
        with open(os.path.join(STATE, name), encoding="utf-8") as fp:
            return json.load(fp)
    except (OSError, ValueError):
        return default


def save_state(name, value):
    tmp = os.path.join(STATE, name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fp:
        json.dump(value, fp)
    os.replace(tmp, os.path.join(STATE, name))


# --- leads and fields ---------------------------------------------------

def lookup(lead, path):
    """The lead's value at a dotted path, as the string sent, or None."""
    v = lead
    for part in path.split("."):
        if not isinstance(v, dict) or part not in v:
            return None
        v = v[part]
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float, str)):
        return str(v)
    return None


def fields_of(buyer, lead):
    fields = {}
    mapping = buyer.get("mapping")
    if mapping is None:
        mapping = {k: k for k in lead}
    for src, dst in mapping.items():
        v = lookup(lead, src)
        if v is not None:
            fields[dst] = v
    for name, v in (buyer.get("static_fields") or {}).items():
        if name not in fields:
            fields[name] = v if isinstance(v, str) else json.dumps(v)
    return fields


def body_of(buyer, fields):
    d = buyer["delivery"]
    ctype = d.get("content_type", "application/x-www-form-urlencoded")
    fmt = d.get("format") or ("form" if "urlencoded" in ctype else "sobject")
    if fmt == "form":
        return ctype, urllib.parse.urlencode(list(fields.items())).encode()
    if fmt == "flow":
        return ctype, json.dumps({"inputs": [fields]}).encode()
    return ctype, json.dumps(fields).encode()


def norm(v):
    return v.strip().lower() if isinstance(v, str) else v


# --- HTTP: one kept-alive connection per thread -------------------------

class TransportError(Exception):
    pass


_local = threading.local()


def _conn(url, timeout):
    u = urllib.parse.urlsplit(url)
    key = (u.scheme, u.netloc)
    c = getattr(_local, "conns", {}).get(key)
    if c is None:
        cls = (http.client.HTTPSConnection if u.scheme == "https"
               else http.client.HTTPConnection)
        c = cls(u.hostname, u.port, timeout=timeout)
        _local.conns = getattr(_local, "conns", {})
        _local.conns[key] = c
    c.timeout = timeout
    if c.sock is not None:
        c.sock.settimeout(timeout)
    return key, c


def http_call(method, url, body, headers, timeout):
    """(status, headers, body); TransportError when no whole answer came."""
    u = urllib.parse.urlsplit(url)
    target = u.path + ("?" + u.query if u.query else "")
    key, c = _conn(url, timeout)
    try:
        c.request(method, target or "/", body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        if r.will_close:
            c.close()
            del _local.conns[key]
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data
    except (OSError, http.client.HTTPException) as e:
        c.close()
        _local.conns.pop(key, None)
        raise TransportError(repr(e))


# --- tokens: one shared token, one refresh at a time -------------------

class Tokens:
    def __init__(self, buyer):
        self.auth = buyer.get("auth")
        self.lock = threading.Lock()
        self.failed = None
        saved = load_state("token.json", {})
        hdr = (buyer["delivery"].get("headers") or {}).get("Authorization", "")
        self.token = saved.get("token") or (
            hdr[7:] if hdr.lower().startswith("bearer ") else None)
        self.last_ok = saved.get("last_ok")
        self.gen = 0
        a = self.auth or {}
        self.idle_ms = (a.get("session_timeout_seconds", 7200)
                        - a.get("refresh_margin_seconds", 300)) * 1000

    def current(self):
        """(token, generation) to send with, refreshing an idle token."""
        with self.lock:
            if (self.auth and self.failed is None and self.last_ok is not None
                    and now_ms() - self.last_ok >= self.idle_ms):
                self._refresh_locked()
            return self.token, self.gen

    def worked(self, gen):
        with self.lock:
            if gen == self.gen:
                self.last_ok = now_ms()

    def refresh(self, gen):
        """After a 401 on a request sent with generation gen: a fresh token
        (refreshed here unless another thread did since), or None."""
        with self.lock:
            if self.failed is None and gen == self.gen:
                self._refresh_locked()
            return None if self.failed else self.token

    def _refresh_locked(self):
        a = self.auth
        form = urllib.parse.urlencode({
            "grant_type": "refresh_token", "client_id": a.get("client_id", ""),
            "client_secret": a.get("client_secret", ""),
            "refresh_token": a.get("refresh_token", "")}).encode()
        try:
            st, _, data = http_call(
                "POST", a["token_url"], form,
                {"Content-Type": "application/x-www-form-urlencoded"}, 30)
            tok = json.loads(data).get("access_token") if st == 200 else None
        except (TransportError, ValueError):
            st, tok = 0, None
        if not tok:
            self.failed = "token refresh failed (%s)" % st
            return
        self.token = tok
        self.gen += 1
        self.last_ok = now_ms()

    def save(self):
        if self.auth:
            save_state("token.json", {"token": self.token,
                                      "last_ok": self.last_ok})


# --- the Web-to-Lead budget: posts per oid in any 24 h ------------------

class Budget:
    def __init__(self, buyer):
        d = buyer["delivery"]
        ctype = d.get("content_type", "application/x-www-form-urlencoded")
        form = (d.get("format") or ("form" if "urlencoded" in ctype
                                    else "sobject")) == "form"
        self.oid = (buyer.get("static_fields") or {}).get("oid") if form else None
        self.limit = (buyer.get("web_to_lead") or {}).get("daily_budget", 500)
        self.lock = threading.Lock()
        self.posts = load_state("w2l-budget.json", {}).get(self.oid or "", [])

    def take(self):
        """True when one more post fits; it is counted at once."""
        if self.oid is None:
            return True
        with self.lock:
            t = now_ms()
            self.posts = [p for p in self.posts if p > t - DAY_MS]
            if len(self.posts) >= self.limit:
                return False
            self.posts.append(t)
            return True

    def save(self):
        if self.oid is not None:
            doc = load_state("w2l-budget.json", {})
            doc[self.oid] = self.posts
            save_state("w2l-budget.json", doc)


# --- before sending: filters, suppression, dedup, pause ----------------

def gate(buyer, lead, dedup_hist):
    for f in buyer.get("filters") or []:
        v = lookup(lead, f["field"])
        if v is None or v.strip() == "":
            if f.get("required"):
                return "rejected"
            continue
        if "pattern" in f and not re.search(f["pattern"], v):
            return "rejected"
        if "allowed" in f and v not in f["allowed"]:
            return "rejected"
    sup = buyer.get("suppression")
    if sup:
        values = {norm(v) for v in sup.get("values", [])}
        for path in sup.get("fields", []):
            if norm(lookup(lead, path)) in values:
                return "suppressed"
    dd = buyer.get("dedup")
    if dd:
        t = now_ms()
        window = dd.get("window_seconds", 86400) * 1000
        vals = [(p, norm(lookup(lead, p))) for p in dd.get("fields", [])]
        if dd.get("match", "any") == "all":
            keys = (["\x1f".join("%s=%s" % kv for kv in vals)]
                    if all(v for _, v in vals) else [])
        else:
            keys = ["%s=%s" % (p, v) for p, v in vals if v]
        for k in keys:
            seen = dedup_hist.get(k)
            if seen and seen["id"] != lead["id"] and t - seen["t"] < window:
                return "duplicate"
        for k in keys:
            dedup_hist[k] = {"id": lead["id"], "t": t}
    if buyer.get("paused"):
        return "held"
    return None


# --- delivering one lead ------------------------------------------------

def retryable(status, profile_final=True):
    if status >= 500 or status in (408, 429):
        return True
    return not profile_final


def deliver(buyer, lead, tokens, budget):
    """(outcome, attempts, extra) for one lead."""
    d = buyer["delivery"]
    retry = buyer.get("retry") or {}
    max_retries = retry.get("max_retries", 3)
    base = retry.get("backoff_ms", 500)
    cap = retry.get("backoff_max_ms", 60000)
    timeout = d.get("timeout_ms", 30000) / 1000.0
    ctype, body = body_of(buyer, fields_of(buyer, lead))
    attempts = retries = 0
    while True:
        if tokens.failed:
            return "held", attempts, {"error": tokens.failed}
        if not budget.take():
            return "held", attempts, {"reason": "web_to_lead budget used up"}
        token, gen = tokens.current()
        if tokens.failed:
            return "held", attempts, {"error": tokens.failed}
        headers = dict(d.get("headers") or {})
        headers["Content-Type"] = ctype
        if token and tokens.auth:
            headers["Authorization"] = "Bearer " + token
        attempts += 1
        try:
            status, rh, data = http_call("POST", d["url"], body, headers,
                                         timeout)
        except TransportError as e:
            status, rh, data = 0, {}, str(e).encode()
        if 200 <= status < 300:
            tokens.worked(gen)
            return "delivered", attempts, {"status": status}
        if status == 401:
            if not tokens.auth or tokens.refresh(gen) is None:
                return "held", attempts, {"error": tokens.failed or
                                          "401 and no refresh credentials"}
            continue
        if status != 0 and not retryable(status):
            return "delivery_failed", attempts, {"status": status}
        if retries >= max_retries:
            return "delivery_failed", attempts, {"status": status}
        retries += 1
        wait = random.uniform(0, min(cap, base * 2 ** (retries - 1))) / 1000
        ra = rh.get("retry-after", "")
        if status in (429, 503) and ra.isdigit():
            wait = max(wait, float(ra))
        time.sleep(wait)


def reconcile(buyer, tokens, delivered):
    """Web-to-Lead answers 200 for leads it drops: ask the org which of
    the delivered leads it holds. The ids it does not hold."""
    rc = buyer["reconcile"]
    time.sleep(rc.get("wait_ms", 2000) / 1000.0)
    field = rc["match_field"]
    obj = rc.get("object", "Lead")
    want = {}
    for lead in delivered:
        v = lookup(lead, rc.get("lead_field", "id"))
        if v is not None:
            want[v] = lead["id"]
    found = set()
    keys = list(want)
    for i in range(0, len(keys), RECONCILE_BATCH):
        chunk = keys[i:i + RECONCILE_BATCH]
        quoted = ",".join("'%s'" % k.replace("\\", "\\\\").replace("'", "\\'")
                          for k in chunk)
        q = "SELECT %s FROM %s WHERE %s IN (%s)" % (field, obj, field, quoted)
        url = rc["query_url"] + "?" + urllib.parse.urlencode({"q": q})
        for _ in range(2):
            token, gen = tokens.current()
            if token is None or tokens.failed:
                if tokens.refresh(gen) is None:
                    return set()
                token, gen = tokens.current()
            try:
                st, _, data = http_call(
                    "GET", url, None, {"Authorization": "Bearer " + token}, 30)
            except TransportError:
                return set()
            if st == 401 and tokens.refresh(gen) is not None:
                continue
            break
        if st != 200:
            return set()  # the org cannot be asked: the leads stay delivered
        for rec in json.loads(data).get("records", []):
            found.add(str(rec.get(field)))
    return {want[k] for k in keys if k not in found}


# --- the run -------------------------------------------------------------

def main():
    with open(os.environ["SFCONFORM_BUYER"], encoding="utf-8") as fp:
        buyer = json.load(fp)
    leads = []
    with open(os.environ["SFCONFORM_LEADS"], encoding="utf-8") as fp:
        for line in fp:
            if line.strip():
                leads.append(json.loads(line))
    out = open(os.environ["SFCONFORM_OUTCOMES"], "a", encoding="utf-8")
    out_lock = threading.Lock()

    def write(lead_id, outcome, attempts, extra=None):
        line = {"lead_id": lead_id, "outcome": outcome, "attempts": attempts}
        line.update(extra or {})
        with out_lock:
            out.write(json.dumps(line) + "\n")

    tokens, budget = Tokens(buyer), Budget(buyer)
    dedup_hist = load_state("dedup.json", {})
    todo = []
    for lead in leads:
        stopped = gate(buyer, lead, dedup_hist)
        if stopped:
            write(lead["id"], stopped, 0)
        else:
            todo.append(lead)
    if buyer.get("dedup"):
        save_state("dedup.json", dedup_hist)

    results = {}
    queue = list(reversed(todo))
    qlock = threading.Lock()

    def worker():
        while True:
            with qlock:
                if not queue:
                    return
                lead = queue.pop()
            try:
                res = deliver(buyer, lead, tokens, budget)
            except Exception as e:  # a bug here must not lose the lead
                res = ("held", 0, {"error": repr(e)})
            with qlock:
                results[lead["id"]] = (lead, res)

    threads = [threading.Thread(target=worker)
               for _ in range(min(WORKERS, len(todo)))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    dropped = set()
    if buyer.get("reconcile"):
        delivered = [lead for lead, res in results.values()
                     if res[0] == "delivered"]
        if delivered:
            dropped = reconcile(buyer, tokens, delivered)
    for lead in todo:
        _, (outcome, attempts, extra) = results[lead["id"]]
        if lead["id"] in dropped:
            outcome, extra = "delivery_failed", {"reason": "silently_dropped"}
        write(lead["id"], outcome, attempts, extra)
    out.close()
    tokens.save()
    budget.save()
    return 0


if __name__ == "__main__":
    sys.exit(main())
