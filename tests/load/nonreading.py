#!/usr/bin/env python3
"""Non-reading clients against a running sfsim, and its resident memory.

Opens CLIENTS connections to the sim, sends each one GET PATH and never
reads the answer; samples the sim's RSS (from /proc/PID/status) while they
hang, checks that a fresh client still gets GET /__sim/health answered,
then closes them all and samples again. Bounded: at most 2,000 clients,
at most 60 s of holding, loopback only.

    tests/load/nonreading.py --pid PID --port PORT [--leads N] \
        [--path /__sim/records/Lead] [--clients 1000] [--hold 5]

With --leads N it first creates N leads through Web-to-Lead (the org must
allow that many posts a day: e.g. an org file with
{"web_to_lead": {"daily_limit": 1000000}}). Prints one JSON object.
"""
import argparse
import http.client
import json
import socket
import sys
import time

MAX_CLIENTS = 2000
MAX_HOLD = 60.0


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def create_leads(port, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for i in range(n):
        body = (f"oid=00D000000000001&first_name=Load&last_name=Lead{i:07d}"
                f"&company=Acme%20Holdings%20{i}&email=lead{i:07d}%40example.com"
                f"&phone=555{i:07d}&city=Springfield&state=IL&zip=62701"
                f"&description=A+lead+created+to+make+the+answer+large")
        conn.request("POST", "/servlet/servlet.WebToLead?encoding=UTF-8", body,
                     {"Content-Type": "application/x-www-form-urlencoded"})
        conn.getresponse().read()
    conn.close()


def answer_size(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    n = len(conn.getresponse().read())
    conn.close()
    return n


def health_ms(port):
    t0 = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/__sim/health")
        ok = conn.getresponse().status == 200
        conn.close()
    except OSError:
        ok = False
    return round((time.monotonic() - t0) * 1000, 1) if ok else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", default="/__sim/records/Lead")
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--hold", type=float, default=5.0)
    ap.add_argument("--leads", type=int, default=0)
    a = ap.parse_args()
    clients = min(a.clients, MAX_CLIENTS)
    hold = min(a.hold, MAX_HOLD)

    if a.leads:
        create_leads(a.port, a.leads)
    size = answer_size(a.port, a.path)
    before = rss_kib(a.pid)
    socks = []
    request = (f"GET {a.path} HTTP/1.1\r\nHost: 127.0.0.1:{a.port}\r\n\r\n"
               ).encode()
    for _ in range(clients):
        s = socket.create_connection(("127.0.0.1", a.port), timeout=5)
        # A small receive buffer: the client takes little off the server.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(request)
        socks.append(s)
    peak = before
    deadline = time.monotonic() + hold
    while time.monotonic() < deadline:
        peak = max(peak, rss_kib(a.pid))
        time.sleep(0.25)
    probe = health_ms(a.port)
    held = rss_kib(a.pid)
    for s in socks:
        s.close()
    time.sleep(2.0)
    after = rss_kib(a.pid)
    print(json.dumps({"path": a.path, "answer_bytes": size,
                      "clients": clients, "hold_s": hold,
                      "rss_kib_before": before, "rss_kib_peak": peak,
                      "rss_kib_holding": held, "rss_kib_after_close": after,
                      "health_ms_while_holding": probe}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
