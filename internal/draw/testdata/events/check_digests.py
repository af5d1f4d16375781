#!/usr/bin/env python3
"""Recompute the digests of docs/draw-algorithm.md §16 (ssgk-draw-log/v1) from ../bundle.json and
compare them with vectors.json. Standard library only; written from the document. The full log
check (sequence, tampered cases) is for the independent re-implementation (../reimpl.py)."""
import hashlib
import hmac
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))


def canonical(v):
    # §2: keys sorted, no whitespace, minimal escaping, integers only.
    return json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def teams_summary(teams):
    return {"teams": [{"members": [m["inspector"] for m in t["members"]], "target": t["target"]} for t in teams]}


def current_teams(outcome):
    # Initial order; an amended team takes the place of the team it replaces (§16.2 REVEAL).
    cur = list(outcome["teams"])
    for a in outcome["amendments"]:
        for i, t in enumerate(cur):
            if t["target"] == a["target"]:
                cur[i] = a["team"]
                break
    return cur


def main():
    vec = json.load(open(os.path.join(here, "vectors.json"), encoding="utf-8"))
    b = json.load(open(os.path.join(here, "..", "bundle.json"), encoding="utf-8"))
    secret = bytes.fromhex(b["secret"])
    want = vec["digests"]
    got = {
        "parametersDigest": hashlib.sha256(canonical(b["commitment"]["params"])).hexdigest(),
        "seedHash": hashlib.sha256(bytes.fromhex(b["outcome"]["seed"])).hexdigest(),
        "outcomeDigest": hmac.new(secret, canonical(teams_summary(b["outcome"]["teams"])), hashlib.sha256).hexdigest(),
        "finalDigest": hashlib.sha256(canonical(teams_summary(current_teams(b["outcome"])))).hexdigest(),
        "amendmentDigests": [
            hmac.new(secret, canonical({"kind": a["kind"], "reason": a["reason"], "recused": a["recused"], "target": a["target"]}),
                     hashlib.sha256).hexdigest()
            for a in b["outcome"]["amendments"]
        ],
    }
    bad = [k for k in want if want[k] != got[k]]
    for k in bad:
        print("MISMATCH", k, "want", want[k], "got", got[k])
    # The logged EXECUTE and REVEAL carry the same values.
    ev = {e["payload"]["event"]: e["payload"] for e in vec["events"]}
    if ev["EXECUTE"]["entropy"] != b["entropy"] or ev["EXECUTE"]["outcomeDigest"] != got["outcomeDigest"]:
        bad.append("EXECUTE")
        print("MISMATCH EXECUTE event")
    if ev["REVEAL"]["outcomeDigest"] != got["finalDigest"] or ev["REVEAL"]["secret"] != b["secret"]:
        bad.append("REVEAL")
        print("MISMATCH REVEAL event")
    if bad:
        sys.exit(1)
    print("ALL OK: %d digests of ssgk-draw-log/v1" % (4 + len(got["amendmentDigests"])))


if __name__ == "__main__":
    main()
