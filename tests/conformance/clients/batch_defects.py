#!/usr/bin/env python3
"""Batch clients with one deliberate bug each, for sfconform's batch cases.

Each runs the bundled sfdeliver (SFDELIVER, default client/sfdeliver of
this tree) under sfconform's client contract, then does what a client
with the defect would have done instead:

  trusts-collection-200   a lead of a collection answered 200 is reported
                          delivered, whatever its own element says
  trusts-jobcomplete      every row of a Bulk job that ended JobComplete is
                          reported delivered, failedResults/ included
  resends-whole-batch     a collection call in which any element failed is
                          sent again whole (a second sfdeliver run over
                          every lead), the succeeded ones included
  saves-state-at-exit     the state directory (the Bulk job it started,
                          tokens) is written only when the run ends
                          cleanly: sfdeliver works on a private copy
                          that is copied back at exit, so a run killed
                          mid-job leaves no trace of its job and the next
                          run uploads the same leads again

Anything else is sfdeliver's own behaviour, so these clients pass every
case that is not aimed at their defect (tests/e2e/test_conformance.c
checks it against NAME.fails).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SFDELIVER = os.environ.get(
    "SFDELIVER", os.path.join(HERE, "..", "..", "..", "client", "sfdeliver"))


def read_lines(path):
    out = []
    if os.path.exists(path):
        with open(path) as f:
            out = [json.loads(l) for l in f if l.strip()]
    return out


def run_sfdeliver(env, outcomes, log):
    e = dict(env, SFCONFORM_OUTCOMES=outcomes)
    return subprocess.call([SFDELIVER, "--log", log], env=e)


def partial_failure(log):
    """1 when an element of a collection answered 200 said success:false."""
    for line in read_lines(log):
        body = line.get("body") or ""
        if line.get("lead_id") and line.get("status") == 200 and \
                '"success":false' in body.replace(" ", ""):
            return True
    return False


def trusts_collection_200(line):
    if line.get("outcome") != "delivered" and line.get("status") == 200:
        line = dict(line, outcome="delivered")
    return line


def trusts_jobcomplete(line):
    # Rows of a JobComplete job: in failedResults/ (reason validation) or
    # never processed (sfdeliver says so in the error).
    complete = line.get("reason") == "validation" or \
        line.get("error") == "the job never processed this row"
    if line.get("outcome") != "delivered" and complete:
        line = dict(line, outcome="delivered")
    return line


def private_state(env, tmp):
    """saves-state-at-exit: sfdeliver gets a copy of the state directory."""
    mine = os.path.join(tmp, "state")
    shutil.copytree(env["SFCONFORM_STATE"], mine)
    env["SFCONFORM_STATE"] = mine
    return mine


def main():
    defect = sys.argv[2] if len(sys.argv) > 2 and sys.argv[1] == "--defect" else ""
    env = dict(os.environ)
    final = env["SFCONFORM_OUTCOMES"]
    state = env["SFCONFORM_STATE"]
    with open(env["SFCONFORM_BUYER"]) as f:
        fmt = json.load(f).get("delivery", {}).get("format")
    # Beside the state directory, in the case's work directory: a run
    # killed on purpose leaves it to sfconform's clean-up.
    tmp = tempfile.mkdtemp(prefix="batch-defect-",
                           dir=os.path.dirname(os.path.abspath(state)))
    try:
        if defect == "saves-state-at-exit":
            mine = private_state(env, tmp)
        first = os.path.join(tmp, "outcomes-1.ndjson")
        log = os.path.join(tmp, "log-1.ndjson")
        rc = run_sfdeliver(env, first, log)
        if rc != 0:
            return rc
        lines = read_lines(first)
        if defect == "trusts-collection-200" and fmt == "collection":
            lines = [trusts_collection_200(l) for l in lines]
        elif defect == "trusts-jobcomplete" and fmt == "bulk":
            lines = [trusts_jobcomplete(l) for l in lines]
        elif defect == "resends-whole-batch" and fmt == "collection" and \
                partial_failure(log):
            second = os.path.join(tmp, "outcomes-2.ndjson")
            rc = run_sfdeliver(env, second, os.path.join(tmp, "log-2.ndjson"))
            if rc != 0:
                return rc
            used = {l["lead_id"]: l.get("attempts", 0) for l in lines}
            lines = [dict(l, attempts=l.get("attempts", 0) + used.get(l["lead_id"], 0))
                     for l in read_lines(second)]
        with open(final, "a") as f:
            for l in lines:
                f.write(json.dumps(l) + "\n")
        if defect == "saves-state-at-exit":
            shutil.copytree(mine, state, dirs_exist_ok=True)
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
