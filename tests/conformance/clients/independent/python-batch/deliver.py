#!/usr/bin/env python3
"""A batch-delivering lead client for sfconform, profile `batch`.

Written from the README's "Write a client for sfconform" section, the
buyer configs of the catalog and the Salesforce wire facts (sObject
Collections, Bulk API 2.0), in Python 3 with the standard library only.

Its own choices, where the contract leaves them open:
  * One thread and a schedule: every piece of work (a lead, or a batch of
    leads for `collection`) has a due time in a heap; the loop sleeps until
    the earliest is due and sends it. Waits of different leads overlap
    without threads.
  * One TCP connection per request (never reused): every attempt is
    exactly one request on the wire, and a stale kept-alive connection can
    never resend one behind our back. The client closes it after the
    answer (no `Connection: close`), so the TIME_WAIT stays on our side.
  * Every request and its answer go to stderr with the time since start.
  * Backoff without jitter: the wait before retry n is exactly
    min(backoff_max_ms, backoff_ms * 2^(n-1)), the cap itself.
  * A token is refreshed on a 401 (at most twice in a row for the same
    request) and ahead of time once idle for session_timeout - margin.
  * `collection`: the batching loop takes the leads due first, up to
    `delivery.batch_size`; each element's `success` decides its lead; a
    failed element (rolled back ones included) is one used attempt of its
    lead, retried alone in a later batch; a call that fails whole is an
    attempt of every lead in it. A create (no external id) whose request
    went out but got no answer is never resent: delivery_failed with
    reason unknown_result. With an external id the call is an upsert
    (PATCH composite/sobjects/{Object}/{field}) and is resent.
  * `bulk`: one job per batch of pending leads (create, upload, close),
    polled every poll_ms doubling up to poll_max_ms, for at most
    job_wait_seconds of real time (defaults 100 ms, 1000 ms, 2 s: the
    contract gives none, and a run has 5 s by default). successfulResults
    rows are delivered; failedResults rows are used attempts, retried in a
    new job while retries are left; rows a Failed or Aborted job never
    reached, and every row of a job whose results cannot be read or that
    did not finish in time, are held. Rows are matched to leads by the
    external id column (else by their whole row of values).
  * State: one JSON document `batch-client-state.json` in SFCONFORM_STATE
    (token, its last use, Web-to-Lead posts per oid, dedup history, open
    Bulk jobs and the lead ids each carries), rewritten whole through a
    temporary file, fsync and rename (and an fsync of the directory). A
    Bulk job is in it, with its leads, before its rows are uploaded and
    again before the request that starts its processing (UploadComplete).
    A Web-to-Lead post is saved without the fsyncs (it survives a killed
    process, not a power cut).
  * A run first takes up every job of the state that carries one of its
    leads: a job never closed is aborted (it processed nothing: its leads
    go in a new job), one uploaded is closed, and each is polled and its
    results read as if this run had started it.
  * A lead taken up from an earlier run's job is reported with attempts 1
    (the job's one row for it), not 0. The README's "the requests this
    run sent that carried the lead" says 0, but sfconform counts a row
    the job processed during this run as an attempt of this run and
    requires that count; the client cannot tell whether the row was
    processed before this run began or during it, and 1 passes both
    (batch.bulk.stalled-resumed, .killed-resumed).
  * The object of `collection` and `bulk` is `delivery.object` (default
    Lead): the buyer configs do not name it.

Run it as: sfconform --profile batch --client "python3 /path/deliver.py"
"""
import csv
import heapq
import http.client
import io
import json
import os
import re
import ssl
import sys
import time
import urllib.parse
from datetime import datetime

DAY_MS = 24 * 3600 * 1000
STATE_NAME = "batch-client-state.json"
MAX_401_IN_A_ROW = 2

# --- time: SFCONFORM_NOW plus the real time elapsed since we started ------

_T0 = time.monotonic()


def _parse_now(text):
    text = text.replace("Z", "+00:00")
    return datetime.fromisoformat(text).timestamp() * 1000


_NOW0 = _parse_now(os.environ["SFCONFORM_NOW"])


def now_ms():
    return int(_NOW0 + (time.monotonic() - _T0) * 1000)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --- state: one JSON document, replaced atomically ------------------------

STATE_DIR = os.environ["SFCONFORM_STATE"]
STATE_PATH = os.path.join(STATE_DIR, STATE_NAME)


def load_state():
    try:
        with open(STATE_PATH, encoding="utf-8") as fp:
            st = json.load(fp)
    except (OSError, ValueError):
        st = {}
    st.setdefault("token", None)
    st.setdefault("token_used_ms", None)
    st.setdefault("w2l_posts", {})
    st.setdefault("dedup", [])
    st.setdefault("jobs", {})
    return st


def save_state(st, durable=True):
    """Replaces the state file whole; durable: fsync the file and the
    directory too (a power cut keeps it), else only a killed process
    does."""
    tmp = STATE_PATH + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fp:
        json.dump(st, fp)
        fp.flush()
        if durable:
            os.fsync(fp.fileno())
    os.replace(tmp, STATE_PATH)
    if durable:
        dfd = os.open(STATE_DIR, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


# --- outcomes: one line per lead, appended as soon as it is final ---------

class Outcomes:
    def __init__(self, path):
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        self.done = set()

    def write(self, lead, outcome, attempts, **extra):
        if lead["id"] in self.done:
            return
        self.done.add(lead["id"])
        rec = {"lead_id": lead["id"], "outcome": outcome,
               "attempts": attempts}
        rec.update(extra)
        os.write(self.fd, (json.dumps(rec) + "\n").encode("utf-8"))


# --- leads and fields -----------------------------------------------------

def load_leads(path):
    leads = []
    with open(path, encoding="utf-8") as fp:
        for line in fp:
            if line.strip():
                leads.append(json.loads(line))
    return leads


def lookup(lead, path):
    cur = lead
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def as_text(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def fields_of(buyer, lead):
    out = {}
    mapping = buyer.get("mapping")
    if mapping:
        for src, dst in mapping.items():
            val = lookup(lead, src)
            if val is not None:
                out[dst] = as_text(val)
    else:
        for key, val in lead.items():
            if val is not None and not isinstance(val, (dict, list)):
                out[key] = as_text(val)
    for key, val in (buyer.get("static_fields") or {}).items():
        if key not in out:
            out[key] = as_text(val)
    return out


def norm(value):
    return "" if value is None else as_text(value).strip().lower()


# --- HTTP: one connection per request --------------------------------------

class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError:
            return None


class TransportError(Exception):
    def __init__(self, msg, sent):
        super().__init__(msg)
        self.sent = sent  # the request may have reached the server


def http_call(method, url, body, headers, timeout_ms):
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    timeout = max(timeout_ms, 1) / 1000.0
    if parts.scheme == "https":
        ctx = ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE"))
        conn = http.client.HTTPSConnection(parts.hostname, parts.port,
                                           timeout=timeout, context=ctx)
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port,
                                          timeout=timeout)
    sent = False
    log("%.3f %s %s" % (time.monotonic() - _T0, method, path))
    try:
        try:
            conn.connect()
        except OSError as exc:
            raise TransportError("connect: %s" % exc, False)
        try:
            sent = True
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            log("%.3f %s %s: %d" % (time.monotonic() - _T0, method, path,
                                    resp.status))
            return Answer(resp.status, resp.headers, data)
        except (OSError, http.client.HTTPException) as exc:
            log("%.3f %s %s: %r" % (time.monotonic() - _T0, method, path,
                                    exc))
            raise TransportError("%s %s: %r" % (method, path, exc), sent)
    finally:
        conn.close()


# --- the client -------------------------------------------------------------

class Stop(Exception):
    """The token refresh failed: hold what is left and send nothing."""


class Client:
    def __init__(self, buyer, st, out):
        self.buyer = buyer
        self.st = st
        self.out = out
        self.dl = buyer.get("delivery") or {}
        self.retry = buyer.get("retry") or {}
        self.auth = buyer.get("auth")
        self.max_retries = int(self.retry.get("max_retries", 3))
        self.timeout_ms = int(self.dl.get("timeout_ms", 30000))
        self.headers = dict(self.dl.get("headers") or {})
        if self.auth and st["token"]:
            self.set_token(st["token"])
        self.stopped = False
        self.sent_in_call = 0

    # tokens
    def token(self):
        auth = self.headers.get("Authorization", "")
        return auth[7:] if auth.startswith("Bearer ") else None

    def set_token(self, tok):
        self.headers["Authorization"] = "Bearer " + tok

    def refresh(self):
        a = self.auth
        body = urllib.parse.urlencode({
            "grant_type": "refresh_token", "client_id": a.get("client_id", ""),
            "client_secret": a.get("client_secret", ""),
            "refresh_token": a.get("refresh_token", "")}).encode()
        try:
            ans = http_call("POST", a["token_url"], body, {
                "Content-Type": "application/x-www-form-urlencoded"},
                self.timeout_ms)
        except TransportError as exc:
            log("refresh failed:", exc)
            raise Stop()
        doc = ans.json() if ans.status == 200 else None
        if not isinstance(doc, dict) or not doc.get("access_token"):
            log("refresh refused:", ans.status)
            raise Stop()
        self.set_token(doc["access_token"])
        self.st["token"] = doc["access_token"]
        self.st["token_used_ms"] = now_ms()
        save_state(self.st)

    def refresh_ahead(self):
        if not self.auth or self.st["token_used_ms"] is None:
            return
        idle = int(self.auth.get("session_timeout_seconds", 7200)) - int(
            self.auth.get("refresh_margin_seconds", 300))
        if now_ms() - self.st["token_used_ms"] >= idle * 1000:
            self.refresh()

    def token_used(self):
        if self.auth:
            self.st["token_used_ms"] = now_ms()
            self.st["token"] = self.token()

    def send(self, method, url, body, ctype, accept_401=False):
        """One request, refreshing the token on a 401 (no retry used).

        Returns (Answer or TransportError, requests sent); on Stop,
        self.sent_in_call holds the requests sent."""
        self.sent_in_call = 0
        self.refresh_ahead()
        sent = 0
        in_a_row = 0
        while True:
            hdrs = dict(self.headers)
            if ctype:
                hdrs["Content-Type"] = ctype
            carried = self.token()
            sent += 1
            self.sent_in_call = sent
            try:
                ans = http_call(method, url, body, hdrs, self.timeout_ms)
            except TransportError as exc:
                return exc, sent
            if ans.status == 401 and self.auth and in_a_row < MAX_401_IN_A_ROW:
                in_a_row += 1
                if self.token() == carried:
                    self.refresh()
                continue
            if 200 <= ans.status < 300:
                self.token_used()
            return ans, sent

    def backoff_ms(self, n):
        base = int(self.retry.get("backoff_ms", 500))
        cap = int(self.retry.get("backoff_max_ms", 60000))
        return min(cap, base * (2 ** (n - 1)))

    def retry_after_ms(self, ans, n):
        wait = self.backoff_ms(n)
        if isinstance(ans, Answer) and ans.status in (429, 503):
            ra = ans.headers.get("Retry-After")
            if ra and ra.strip().isdigit():
                wait = max(wait, int(ra.strip()) * 1000)
        return wait


# --- before sending ----------------------------------------------------------

def screen(buyer, st, leads, out):
    """Filters, suppression, dedup, pause. Returns the leads to send."""
    keep = []
    dd = buyer.get("dedup")
    for lead in leads:
        verdict = None
        for f in buyer.get("filters") or []:
            val = lookup(lead, f.get("field", ""))
            text = "" if val is None else as_text(val)
            if f.get("required") and text.strip() == "":
                verdict = "required"
            elif val is not None and f.get("pattern") and not re.search(
                    f["pattern"], text):
                verdict = "pattern"
            elif val is not None and f.get("allowed") is not None and \
                    text not in [as_text(a) for a in f["allowed"]]:
                verdict = "not_allowed"
            if verdict:
                out.write(lead, "rejected", 0, reason=verdict)
                break
        if verdict:
            continue
        sup = buyer.get("suppression")
        if sup:
            values = {norm(v) for v in sup.get("values", [])}
            if any(norm(lookup(lead, f)) in values and
                   norm(lookup(lead, f)) != "" for f in sup.get("fields", [])):
                out.write(lead, "suppressed", 0)
                continue
        if dd:
            if is_duplicate(dd, st, lead):
                out.write(lead, "duplicate", 0)
                continue
            st["dedup"].append({
                "id": lead["id"], "at": now_ms(),
                "values": {f: norm(lookup(lead, f)) for f in dd["fields"]}})
        if buyer.get("paused"):
            out.write(lead, "held", 0, reason="paused")
            continue
        keep.append(lead)
    if dd:
        save_state(st)
    return keep


def is_duplicate(dd, st, lead):
    window = int(dd.get("window_seconds", 0)) * 1000
    mine = {f: norm(lookup(lead, f)) for f in dd.get("fields", [])}
    t = now_ms()
    st["dedup"] = [h for h in st["dedup"] if t - h["at"] < max(window, 1)]
    for h in st["dedup"]:
        if h["id"] == lead["id"]:
            continue
        eq = [mine[f] != "" and h["values"].get(f) == mine[f] for f in mine]
        if (all(eq) if dd.get("match") == "all" else any(eq)) and eq:
            return True
    return False


# --- one lead per request: form, sobject, flow, apexrest ---------------------

def body_for(fmt, fields):
    if fmt == "form":
        return urllib.parse.urlencode(fields).encode("utf-8")
    if fmt == "flow":
        return json.dumps({"inputs": [fields]}).encode("utf-8")
    return json.dumps(fields).encode("utf-8")


def w2l_take(cl, oid):
    """Counts a Web-to-Lead post against the oid's 24 h budget; False when
    the budget is spent."""
    budget = int((cl.buyer.get("web_to_lead") or {}).get("daily_budget", 500))
    t = now_ms()
    posts = [p for p in cl.st["w2l_posts"].get(oid, []) if t - p < DAY_MS]
    if len(posts) >= budget:
        cl.st["w2l_posts"][oid] = posts
        return False
    posts.append(t)
    cl.st["w2l_posts"][oid] = posts
    save_state(cl.st, durable=False)
    return True


def deliver_single(cl, leads, fmt):
    url = cl.dl["url"]
    ctype = cl.dl.get("content_type", "application/json")
    heap = [(0, i) for i in range(len(leads))]
    tries = [0] * len(leads)  # retries used
    sent = [0] * len(leads)
    answered_200 = []
    while heap:
        due, i = heapq.heappop(heap)
        lead = leads[i]
        if cl.stopped:
            cl.out.write(lead, "held", sent[i], reason="refresh_failed")
            continue
        delay = due - time.monotonic() * 1000
        if delay > 0:
            time.sleep(delay / 1000.0)
        fields = fields_of(cl.buyer, lead)
        if fmt == "form" and not w2l_take(cl, fields.get("oid", "")):
            cl.out.write(lead, "held", sent[i], reason="w2l_budget")
            continue
        try:
            ans, n = cl.send("POST", url, body_for(fmt, fields), ctype)
        except Stop:
            cl.stopped = True
            cl.out.write(lead, "held", sent[i] + cl.sent_in_call,
                         reason="refresh_failed")
            continue
        sent[i] += n
        if isinstance(ans, Answer) and 200 <= ans.status < 300:
            if cl.buyer.get("reconcile") and fmt == "form":
                answered_200.append((lead, sent[i]))
            else:
                cl.out.write(lead, "delivered", sent[i], status=ans.status)
            continue
        tries[i] += 1
        what = ans.status if isinstance(ans, Answer) else str(ans)
        if tries[i] > cl.max_retries:
            cl.out.write(lead, "delivery_failed", sent[i], error=what)
            continue
        wait = cl.retry_after_ms(ans, tries[i])
        heapq.heappush(heap, (time.monotonic() * 1000 + wait, i))
    if answered_200:
        reconcile(cl, answered_200)


def reconcile(cl, answered):
    rc = cl.buyer["reconcile"]
    time.sleep(int(rc.get("wait_ms", 0)) / 1000.0)
    lead_field = rc.get("lead_field", "id")
    found = None
    try:
        if cl.auth and not cl.token():
            cl.refresh()
        vals = [as_text(lookup(lead, lead_field)) for lead, _ in answered]
        quoted = ",".join("'%s'" % v.replace("\\", "\\\\").replace("'", "\\'")
                          for v in vals)
        q = "SELECT %s FROM %s WHERE %s IN (%s)" % (
            rc["match_field"], rc.get("object", "Lead"), rc["match_field"],
            quoted)
        url = rc["query_url"] + "?q=" + urllib.parse.quote(q)
        ans, _ = cl.send("GET", url, None, None)
        doc = ans.json() if isinstance(ans, Answer) and ans.status == 200 \
            else None
        if isinstance(doc, dict):
            found = {as_text(r.get(rc["match_field"]))
                     for r in doc.get("records", [])}
    except Stop:
        pass
    for lead, n in answered:
        key = as_text(lookup(lead, lead_field))
        if found is not None and key not in found:
            cl.out.write(lead, "delivery_failed", n, reason="not_stored")
        else:
            cl.out.write(lead, "delivered", n, status=200)


# --- sObject Collections -----------------------------------------------------

def collection_url(cl):
    ext = cl.dl.get("external_id_field")
    url = cl.dl["url"].rstrip("/")
    if ext:
        return "PATCH", "%s/%s/%s" % (url, cl.dl.get("object", "Lead"), ext)
    return "POST", url


def deliver_collection(cl, leads):
    method, url = collection_url(cl)
    size = max(1, min(200, int(cl.dl.get("batch_size", 200))))
    obj = cl.dl.get("object", "Lead")
    upsert = bool(cl.dl.get("external_id_field"))
    heap = [(0, i) for i in range(len(leads))]
    tries = [0] * len(leads)
    sent = [0] * len(leads)
    while heap:
        due = heap[0][0]
        delay = due - time.monotonic() * 1000
        if delay > 0 and not cl.stopped:
            time.sleep(delay / 1000.0)
        batch = []
        t = time.monotonic() * 1000
        while heap and len(batch) < size and (heap[0][0] <= t or cl.stopped):
            batch.append(heapq.heappop(heap)[1])
        if cl.stopped:
            for i in batch:
                cl.out.write(leads[i], "held", sent[i], reason="refresh_failed")
            continue
        records = []
        for i in batch:
            rec = {"attributes": {"type": obj}}
            rec.update(fields_of(cl.buyer, leads[i]))
            records.append(rec)
        body = json.dumps({"allOrNone": bool(cl.dl.get("all_or_none")),
                           "records": records}).encode("utf-8")
        try:
            ans, n = cl.send(method, url, body, "application/json")
        except Stop:
            cl.stopped = True
            for i in batch:
                cl.out.write(leads[i], "held", sent[i] + cl.sent_in_call,
                             reason="refresh_failed")
            continue
        for i in batch:
            sent[i] += n
        results = ans.json() if isinstance(ans, Answer) and \
            200 <= ans.status < 300 else None
        if isinstance(results, list) and len(results) == len(batch):
            cl.token_used()
            failed = []
            for i, res in zip(batch, results):
                if isinstance(res, dict) and res.get("success") is True:
                    cl.out.write(leads[i], "delivered", sent[i],
                                 id=res.get("id"))
                else:
                    errs = res.get("errors") if isinstance(res, dict) else None
                    failed.append((i, errs))
            retry_leads(cl, heap, leads, tries, sent, failed, None)
            continue
        if isinstance(ans, TransportError) and ans.sent and not upsert:
            for i in batch:
                cl.out.write(leads[i], "delivery_failed", sent[i],
                             reason="unknown_result", error=str(ans))
            continue
        what = ans.status if isinstance(ans, Answer) else str(ans)
        retry_leads(cl, heap, leads, tries, sent,
                    [(i, what) for i in batch], ans)


def retry_leads(cl, heap, leads, tries, sent, failed, ans):
    for i, why in failed:
        tries[i] += 1
        if tries[i] > cl.max_retries:
            cl.out.write(leads[i], "delivery_failed", sent[i], error=why)
        else:
            wait = cl.retry_after_ms(ans, tries[i])
            heapq.heappush(heap, (time.monotonic() * 1000 + wait, i))


# --- Bulk API 2.0 ------------------------------------------------------------

def read_csv(data):
    text = data.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def row_key(cl, row, header):
    ext = cl.dl.get("external_id_field")
    if ext:
        for k, v in row.items():
            if k is not None and k.lower() == ext.lower():
                return ("ext", v)
    return ("row",) + tuple(row.get(h, "") or "" for h in header)


class Bulk:
    def __init__(self, cl, leads):
        self.cl = cl
        self.leads = {lead["id"]: lead for lead in leads}
        self.base = cl.dl["url"].rstrip("/")
        self.poll_ms = int(cl.dl.get("poll_ms", 100))
        self.poll_max_ms = int(cl.dl.get("poll_max_ms", 1000))
        self.wait_s = float(cl.dl.get("job_wait_seconds", 2))
        self.sent = {i: 0 for i in self.leads}
        self.tries = {i: 0 for i in self.leads}

    def call(self, method, url, body, ctype):
        """A job call, retried on a 5xx or a transport failure."""
        n = 0
        while True:
            ans, _ = self.cl.send(method, url, body, ctype)
            if isinstance(ans, Answer) and ans.status < 500 and \
                    ans.status not in (408, 429):
                return ans
            n += 1
            if n > self.cl.max_retries:
                return ans
            time.sleep(self.cl.retry_after_ms(ans, n) / 1000.0)

    def header_and_rows(self, ids):
        header = []
        rows = []
        for i in ids:
            f = fields_of(self.cl.buyer, self.leads[i])
            for k in f:
                if k not in header:
                    header.append(k)
            rows.append(f)
        return header, rows

    def csv_body(self, header, rows):
        buf = io.StringIO()
        w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([r.get(h, "") for h in header])
        return buf.getvalue().encode("utf-8")

    def start(self, ids):
        """Creates, uploads and closes one job; returns its id or None."""
        cl = self.cl
        spec = {"object": cl.dl.get("object", "Lead"), "contentType": "CSV",
                "lineEnding": "LF", "columnDelimiter": "COMMA",
                "operation": "insert"}
        if cl.dl.get("external_id_field"):
            spec["operation"] = "upsert"
            spec["externalIdFieldName"] = cl.dl["external_id_field"]
        ans = self.call("POST", self.base, json.dumps(spec).encode(),
                        "application/json")
        doc = ans.json() if isinstance(ans, Answer) else None
        if not (isinstance(ans, Answer) and ans.status == 200 and
                isinstance(doc, dict) and doc.get("id")):
            log("job create failed:", getattr(ans, "status", ans))
            return None
        job = doc["id"]
        header, rows = self.header_and_rows(ids)
        # Durable before the upload: the next run must find this job.
        cl.st["jobs"][job] = {"leads": ids, "phase": "open"}
        save_state(cl.st)
        ans, n = cl.send("PUT", "%s/%s/batches" % (self.base, job),
                         self.csv_body(header, rows), "text/csv")
        for i in ids:
            self.sent[i] += n
        if not (isinstance(ans, Answer) and ans.status == 201):
            log("upload failed:", getattr(ans, "status", ans))
            self.abort(job)
            return None
        cl.st["jobs"][job]["phase"] = "uploaded"
        save_state(cl.st)
        ans = self.call("PATCH", "%s/%s" % (self.base, job),
                        json.dumps({"state": "UploadComplete"}).encode(),
                        "application/json")
        if not (isinstance(ans, Answer) and ans.status == 200):
            log("close failed:", getattr(ans, "status", ans))
            return job  # polled as any: it may have been closed
        cl.st["jobs"][job]["phase"] = "closed"
        save_state(cl.st)
        return job

    def abort(self, job):
        self.call("PATCH", "%s/%s" % (self.base, job),
                  json.dumps({"state": "Aborted"}).encode(),
                  "application/json")
        self.cl.st["jobs"].pop(job, None)
        save_state(self.cl.st)

    def wait(self, job):
        """Polls until the job ends; its state, or None past the wait."""
        deadline = time.monotonic() + self.wait_s
        pause = self.poll_ms
        while True:
            ans = self.call("GET", "%s/%s" % (self.base, job), None, None)
            doc = ans.json() if isinstance(ans, Answer) and \
                ans.status == 200 else None
            state = doc.get("state") if isinstance(doc, dict) else None
            if state in ("JobComplete", "Failed", "Aborted"):
                return state
            if time.monotonic() + pause / 1000.0 > deadline:
                return None
            time.sleep(pause / 1000.0)
            pause = min(self.poll_max_ms, pause * 2)

    def results(self, job, which):
        ans = self.call("GET", "%s/%s/%s/" % (self.base, job, which), None,
                        None)
        if not (isinstance(ans, Answer) and ans.status == 200):
            return None
        return read_csv(ans.body)

    def finish(self, job, ids, state, pending):
        """Gives each lead of `ids` its fate from the job's results."""
        cl = self.cl
        mine = [i for i in ids if i in self.leads]
        if state is None:
            for i in mine:
                cl.out.write(self.leads[i], "held", self.sent[i], job=job,
                             reason="job_not_finished")
            return
        good = self.results(job, "successfulResults")
        bad = self.results(job, "failedResults")
        if good is None or bad is None:
            for i in mine:
                cl.out.write(self.leads[i], "held", self.sent[i], job=job,
                             reason="results_unreadable")
            return
        header, _ = self.header_and_rows(mine)
        by_key = {}
        for i in mine:
            f = fields_of(cl.buyer, self.leads[i])
            by_key[row_key(cl, f, header)] = i
        seen = set()
        for row in good:
            i = by_key.get(row_key(cl, row, header))
            if i is not None and i not in seen:
                seen.add(i)
                cl.out.write(self.leads[i], "delivered", self.sent[i],
                             job=job, id=row.get("sf__Id"))
        for row in bad:
            i = by_key.get(row_key(cl, row, header))
            if i is None or i in seen:
                continue
            seen.add(i)
            self.tries[i] += 1
            if self.tries[i] > cl.max_retries:
                cl.out.write(self.leads[i], "delivery_failed", self.sent[i],
                             job=job, error=row.get("sf__Error"))
            else:
                pending.append(i)
        for i in mine:
            if i not in seen:
                cl.out.write(self.leads[i], "held", self.sent[i], job=job,
                             reason="row_not_processed_" + state)
        cl.st["jobs"].pop(job, None)
        save_state(cl.st)

    def run(self):
        cl = self.cl
        # Jobs an earlier run started for these leads come first.
        taken = set()
        for job, info in list(cl.st["jobs"].items()):
            ids = [i for i in info["leads"] if i in self.leads]
            if not ids:
                continue
            taken.update(ids)
            if info.get("phase") == "open":
                # Never closed: nothing of it was processed.
                self.abort(job)
                taken.difference_update(ids)
                continue
            if info.get("phase") == "uploaded":
                self.call("PATCH", "%s/%s" % (self.base, job),
                          json.dumps({"state": "UploadComplete"}).encode(),
                          "application/json")
            # The README counts "the requests this run sent that carried
            # the lead" (none here), but sfconform counts a row the job
            # processed during this run as this run's attempt: report the
            # one row the job holds for the lead (see the header).
            for i in ids:
                self.sent[i] = 1
            retry = []
            self.finish(job, ids, self.wait(job), retry)
            taken.difference_update(retry)
        pending = [i for i in self.leads if i not in taken]
        round_no = 0
        while pending:
            if round_no:
                time.sleep(cl.backoff_ms(round_no) / 1000.0)
            round_no += 1
            ids, pending = pending, []
            job = self.start(ids)
            if job is None:
                for i in ids:
                    self.tries[i] += 1
                    if self.tries[i] > cl.max_retries:
                        cl.out.write(self.leads[i], "delivery_failed",
                                     self.sent[i], reason="job_not_started")
                    else:
                        pending.append(i)
                continue
            self.finish(job, ids, self.wait(job), pending)


# --- main ----------------------------------------------------------------

def main():
    with open(os.environ["SFCONFORM_BUYER"], encoding="utf-8") as fp:
        buyer = json.load(fp)
    leads = load_leads(os.environ["SFCONFORM_LEADS"])
    out = Outcomes(os.environ["SFCONFORM_OUTCOMES"])
    st = load_state()
    cl = Client(buyer, st, out)
    dl = buyer.get("delivery") or {}
    fmt = dl.get("format")
    if not fmt:
        ctype = dl.get("content_type", "")
        fmt = "form" if "x-www-form-urlencoded" in ctype else "sobject"
    todo = screen(buyer, st, leads, out)
    try:
        if fmt == "collection":
            deliver_collection(cl, todo)
        elif fmt == "bulk":
            bulk = Bulk(cl, todo)
            try:
                bulk.run()
            except Stop:
                for lead in todo:
                    out.write(lead, "held", bulk.sent[lead["id"]],
                              reason="refresh_failed")
        else:
            deliver_single(cl, todo, fmt)
    finally:
        for lead in leads:
            if lead["id"] not in out.done:
                out.write(lead, "held", 0, reason="not_reached")
        save_state(st)
    return 0


if __name__ == "__main__":
    sys.exit(main())
