#!/usr/bin/env python3
"""recscan_ab.py - two sfsim binaries, the same requests, the same answers.

    python3 tests/e2e/recscan_ab.py OLD_SFSIM NEW_SFSIM [ORG ...]

Starts each binary (--seed 7, --journal FILE) on each org (default: the
built-in org and bench/orgs/scale.json) and sends the same sequence of
record writes: sObject Collections create, update and upsert, single-record
REST create, update and upsert, Composite and sObject Tree, good, bad and
hostile bodies (escapes, numbers, duplicate keys, nesting, invalid UTF-8,
NUL bytes, wrong media types), 1,500 bodies generated from a fixed seed,
and record-scope fault rules that match on field values. Compares every
answer (status, headers but Date, body), the journal (GET /__sim/journal
and the --journal file, byte for byte) and the stored records. Written
for the record scanner (sim/rest/recscan.h): a change of the way bodies are
read must change nothing a client or the journal sees. Exits 1 on the
first difference, printing it.
"""
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile

V = "/services/data/v62.0"
COLL = V + "/composite/sobjects"


def lead(name, extra=""):
    return ('{"attributes":{"type":"Lead"},"LastName":"%s","Company":"Acme"%s}'
            % (name, extra))


def coll(*recs, aon=None):
    head = '' if aon is None else '"allOrNone":%s,' % aon
    return '{%s"records":[%s]}' % (head, ",".join(recs))


HAND = [
    coll(lead("Plain")),
    coll(lead("A"), lead("B"), aon="false"),
    coll(lead("Esc\\u00e9\\n\\t\\\"\\\\\\/"), lead("Emoji\\uD83D\\uDE00")),
    coll(lead("Num", ',"NumberOfEmployees":-0,"AnnualRevenue":1e5')),
    coll(lead("Num2", ',"NumberOfEmployees":12345678901234567890')),
    coll(lead("Num3", ',"NumberOfEmployees":1.0,"AnnualRevenue":0.1')),
    coll(lead("Num4", ',"AnnualRevenue":1e400')),
    coll(lead("Nulls", ',"Email":null,"Phone":null')),
    coll(lead("Bools", ',"HasOptedOutOfEmail":true,"DoNotCall":false')),
    coll(lead("Dup", ',"LastName":"Dup2","Company":"Other"')),
    coll(lead("Id", ',"Id":"00Q000000000001"')),
    coll(lead("Unknown", ',"Nope__c":"x"')),
    coll(lead("Nested", ',"Email":{"a":1}')),
    coll(lead("Arr", ',"Email":[1]')),
    coll('{"LastName":"NoAttrs"}'),
    coll('{"attributes":{},"LastName":"NoType"}'),
    coll('{"attributes":{"type":"Widget__c"}}'),
    coll('{"attributes":{"type":"lead"},"LastName":"lower"}'),
    coll(lead("Aon1"), lead("", ""), aon="true"),
    coll(lead("Aon2"), lead("Bad", ',"Nope__c":1'), aon="true"),
    '{"allOrNone":"yes","records":[%s]}' % lead("x"),
    '{"records":"x"}', '{"records":[]}', '{"records":["x"]}', '{}', '[]',
    '{"other":1,"records":[%s]}' % lead("Other"),
    '{"records":[%s],}' % lead("x"), '{"records":[%s]' % lead("x"),
    '{"records":[{"attributes":{"type":"Lead"},"LastName":"\\u0000"}]}',
    '{"records":[{"attributes":{"type":"Lead"},"LastName":"\\uD83D"}]}',
    b'{"records":[{"attributes":{"type":"Lead"},"LastName":"\xff","Company":"A"}]}',
    b'{"records":[{"attributes":{"type":"Lead"},"LastName":"a\x00b"}]}',
    b'{"records":[{"attributes":{"type":"Lead"},"LastName":"caf\xc3\xa9","Company":"A"}]}',
    coll(*[lead("Many%d" % i) for i in range(201)]),
    coll(*[lead("Full%d" % i) for i in range(200)]),
    coll(lead("FailMe"), lead("Keep"), lead("FailToo")),
    coll(lead("NumFault", ',"NumberOfEmployees":15')),
    coll(lead("RealFault", ',"AnnualRevenue":1.5')),
    coll(lead("Secret", ',"Password":"hunter2"')),
    coll('{"attributes":{"type":"Contact"},"LastName":"C1"}', lead("L1"),
         '{"attributes":{"type":"Account"},"Name":"Acc"}'),
]

ONE = [
    '{"LastName":"One","Company":"Acme"}',
    '{"LastName":"Esc\\u00e9","Company":"A","NumberOfEmployees":-0}',
    '{"attributes":{"type":"Lead"},"LastName":"Attr","Company":"A"}',
    '{"attributes":"x","LastName":"AttrStr","Company":"A"}',
    '{"LastName":"Dup","LastName":"Dup2","Company":"A"}',
    '{"LastName":"Id","Company":"A","Id":"00Q000000000001"}',
    '{"LastName":"U","Company":"A","Nope__c":1}',
    '{"LastName":{"x":1},"Company":"A"}',
    '{"LastName":"R","Company":"A","AnnualRevenue":2.5e3}',
    '{"LastName":"Big","Company":"A","NumberOfEmployees":99999999999999999999}',
    '{"LastName":"Pw","Company":"A","Password":"x"}',
    '{}', '[]', '"x"', '{"LastName":', '',
    b'{"LastName":"\xc0\x80","Company":"A"}',
    '{"LastName":null,"Company":"A"}',
    '{"LastName":"FailOne","Company":"A"}',
]


def gen_value(rng, depth=0):
    r = rng.random()
    if r < 0.45:
        pieces = ["Lead", "a b", "\\u00e9", "\\n", "\\\"", "\\uD83D\\uDE00",
                  "x@example.com", "", "0", "Fail", "\\u0041"]
        bad = ["\\uD83D", "\\u0000", "\\q", "\xff", "\x01"]
        s = "".join(rng.choice(bad if rng.random() < 0.03 else pieces)
                    for _ in range(rng.randrange(4)))
        return '"%s"' % s
    if r < 0.7:
        if rng.random() < 0.03:
            return rng.choice(["12345678901234567890", "1e400", "01"])
        return rng.choice(["0", "-0", "1", "-17", "1.5", "1e5", "-0.0",
                           "123456789012345678", "2.5e-3", "1E+2",
                           str(rng.randrange(10**6))])
    if r < 0.9:
        return rng.choice(["true", "false", "null"])
    if depth > 1:
        return "null"
    return rng.choice(['{"a":%s}', '[%s]']) % gen_value(rng, depth + 1)


KEYS = ["LastName", "Company", "Email", "Phone", "NumberOfEmployees",
        "AnnualRevenue", "Id", "id", "Nope__c", "lastname", "Password",
        "LeadSource", "Status", "Title"]


def gen_record(rng, typed):
    members = []
    if typed:
        members.append('"attributes":{"type":"%s"}' % rng.choice(
            ["Lead"] * 8 + ["Contact", "Widget__c"]))
    members.append('"LastName":"G%d"' % rng.randrange(10**6))
    members.append('"Company":"Acme"')
    for _ in range(rng.randrange(5)):
        members.append('"%s":%s' % (rng.choice(KEYS), gen_value(rng)))
    rng.shuffle(members)
    ws = rng.choice(["", "", " ", "\n"])
    return "{" + ("," + ws).join(members) + "}"


def generated(seed, n):
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            body = coll(*[gen_record(rng, rng.random() > 0.02)
                          for _ in range(rng.randrange(1, 6))],
                        aon=rng.choice([None, "true", "false"]))
            out.append(("POST", COLL, body))
        else:
            out.append(("POST", V + "/sobjects/Lead/", gen_record(rng, False)))
    return out


def frozen_org(org, workdir):
    """org (None: the built-in one) with its clock frozen at a fixed time,
    so that both runs see the same times."""
    conf = {}
    if org:
        with open(org) as f:
            conf = json.load(f)
    conf["clock"] = {"start": "2026-03-02T14:00:00Z", "frozen": True}
    path = os.path.join(workdir, "org.json")
    with open(path, "w") as f:
        json.dump(conf, f)
    return path


class Sim:
    def __init__(self, binary, org, workdir):
        self.journal = os.path.join(workdir, "journal.jsonl")
        args = [binary, "--port", "0", "--seed", "7", "--journal",
                self.journal, "--org", frozen_org(org, workdir)]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://([^:]+):(\d+)", line)
        if not m:
            raise SystemExit("no listening line: %r" % line)
        self.host, self.port = m.group(1), int(m.group(2))
        st, _, body = self.call("POST", "/__sim/tokens", None, None)
        self.token = json.loads(body)["access_token"]

    def call(self, method, path, body, ctype="application/json", auth=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {}
        if auth:
            headers["Authorization"] = "Bearer " + auth
        if ctype:
            headers["Content-Type"] = ctype
        if isinstance(body, str):
            body = body.encode()
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        hdrs = sorted((k, v) for k, v in r.getheaders() if k.lower() != "date")
        conn.close()
        return r.status, hdrs, data

    def api(self, method, path, body, ctype="application/json"):
        return self.call(method, path, body, ctype, self.token)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def ids_of(answer):
    try:
        return [e.get("id") for e in json.loads(answer) if e.get("id")]
    except (ValueError, AttributeError):
        return []


def session(binary, org, workdir):
    """Every request's answer, in order, then the journal and records."""
    sim = Sim(binary, org, workdir)
    out = []

    def api(method, path, body, ctype="application/json"):
        res = sim.api(method, path, body, ctype)
        out.append((method, path, res))
        return res

    rule = ('{"path":"/services/data","scope":"record","field":"%s",'
            '"value":"%s","error_code":"UNABLE_TO_LOCK_ROW","times":%d}')
    for spec in [rule % ("LastName", "Fail*", 5),
                 rule % ("NumberOfEmployees", "1*", 2),
                 rule % ("AnnualRevenue", "1.5*", 2)]:
        out.append(("faults", "", sim.call("POST", "/__sim/faults", spec)))
    created = []
    for body in HAND:
        st, _, ans = api("POST", COLL, body)
        created += ids_of(ans)
    api("POST", COLL, coll(lead("Type")), "text/plain")
    api("POST", COLL, "", None)
    for body in ONE:
        st, _, ans = api("POST", V + "/sobjects/Lead/", body)
        try:
            created.append(json.loads(ans).get("id"))
        except (ValueError, AttributeError):
            pass
    created = [i for i in created if i]
    for k, i in enumerate(created[:6]):
        upd = [
            '{"attributes":{"type":"Lead"},"Id":"%s","Company":"Upd%d"}',
            '{"attributes":{"type":"Lead"},"id":"%s","Company":"U\\u00e9%d"}',
            '{"attributes":{"type":"Lead"},"Id":"%s","id":%d}',
            '{"attributes":{"type":"Lead"},"Id":"%s","Nope__c":%d}',
            '{"attributes":{"type":"Lead"},"Id":"%s","NumberOfEmployees":%d}',
            '{"attributes":{"type":"Lead"},"Id":"%s","Email":[%d]}',
        ][k] % (i, k)
        api("PATCH", COLL, coll(upd))
        api("PATCH", V + "/sobjects/Lead/" + i,
            '{"Company":"Single%d","NumberOfEmployees":%d.5}' % (k, k))
        api("PATCH", V + "/sobjects/Lead/" + i, '{"Id":"x","Company":"B"}')
    api("PATCH", COLL, coll(lead("NoId")))
    if created:
        api("PATCH", COLL + "/Lead/Id",
            coll('{"attributes":{"type":"Lead"},"Id":"%s","Company":"Ups"}'
                 % created[0], lead("UpsNew")))
    api("POST", V + "/composite",
        '{"compositeRequest":[{"method":"POST","url":"%s",'
        '"referenceId":"r1","body":%s}]}' % (COLL, coll(lead("Comp"))))
    api("POST", V + "/composite/tree/Lead",
        '{"records":[{"attributes":{"type":"Lead","referenceId":"t1"},'
        '"LastName":"Tree","Company":"A","NumberOfEmployees":-0}]}')
    for method, path, body in generated(11, 1500):
        api(method, path, body)
    out.append(("journal", "", sim.call("GET", "/__sim/journal?limit=100000",
                                        None, None)))
    for obj in ["Lead", "Contact", "Account"]:
        out.append(("records", obj, sim.call("GET", "/__sim/records/" + obj,
                                             None, None)))
    sim.stop()
    with open(sim.journal, "rb") as f:
        journal = f.read()
    return out, journal


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    orgs = sys.argv[3:] or [None, "bench/orgs/scale.json"]
    for org in orgs:
        with tempfile.TemporaryDirectory() as a, \
                tempfile.TemporaryDirectory() as b:
            ra, ja = session(old, org, a)
            rb, jb = session(new, org, b)
        if len(ra) != len(rb):
            raise SystemExit("org %s: %d answers vs %d" % (org, len(ra),
                                                           len(rb)))
        for k, (x, y) in enumerate(zip(ra, rb)):
            if x != y:
                sx, sy = repr(x), repr(y)
                at = next((i for i in range(min(len(sx), len(sy)))
                           if sx[i] != sy[i]), min(len(sx), len(sy)))
                print("org %s: answer %d differs at %d:\n old ...%s\n new ...%s"
                      % (org, k, at, sx[max(0, at - 300):at + 300],
                         sy[max(0, at - 300):at + 300]))
                sys.exit(1)
        if ja != jb:
            print("org %s: journal files differ" % org)
            sys.exit(1)
        statuses = {}
        for _, _, (st, _, _) in ra:
            statuses[st] = statuses.get(st, 0) + 1
        print("org %s: %d answers identical (statuses %s), journal file "
              "%d lines (%d bytes) identical"
              % (org or "(built-in)", len(ra), dict(sorted(statuses.items())),
                 ja.count(b"\n"), len(ja)))


if __name__ == "__main__":
    main()
