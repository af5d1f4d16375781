"""Independent re-implementation of the anchoring checks of a draw (the event-log section at the
end of docs/draw-algorithm.md, ssgk-draw-log/v1: sequence and contents of the logged events,
§16.4 steps 3–4), standard library only. Called by reimpl.py when testdata/events/ exists; it
checks testdata/events/vectors.json. (Leaves and inclusion proofs, step 2, are the
transparency log's and are not re-implemented here.)
"""

import copy
import hashlib
import hmac
import json
import os

LOG_FORMAT = "ssgk-draw-log/v1"
EVENT_FORMAT = "ssgk-draw-event/v1"


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


# --- the event section: digests -------------------------------------------------------------------

def summaries(teams):
    return {"teams": [{"members": [m["inspector"] for m in t["members"]], "target": t["target"]} for t in teams]}


def keyed(ref, secret: bytes, v) -> str:
    return hmac.new(secret, ref.canon_bytes(v), hashlib.sha256).hexdigest()


def outcome_digest(ref, secret, teams):
    """EXECUTE: HMAC-SHA256(secret, canonical summaries of the teams as drawn)."""
    return keyed(ref, secret, summaries(teams))


def final_digest(ref, teams):
    """REVEAL: SHA-256 of the canonical summaries of the current teams."""
    return sha256(ref.canon_bytes(summaries(teams))).hex()


def amendment_digest(ref, secret, a):
    return keyed(ref, secret, {"kind": a["kind"], "reason": a["reason"], "recused": a["recused"], "target": a["target"]})


def seed_hash(seed_hex):
    return sha256(bytes.fromhex(seed_hex)).hex()


def params_digest(ref, params):
    return sha256(ref.canon_bytes(params)).hex()


def current_teams(outcome):
    """The teams after every amendment, each in the slot of the team it replaces."""
    teams = list(outcome["teams"])
    idx = {t["target"]: i for i, t in enumerate(teams)}
    for a in outcome["amendments"]:
        if a["target"] not in idx:
            continue
        i = idx[a["target"]]
        teams[i] = a["team"]
        if a["kind"] == "REPLACE":
            del idx[a["target"]]
            idx[a["team"]["target"]] = i
    return teams


class LogMismatch(Exception):
    pass


def verify_log(ref, bundle, events):
    """The anchoring checks (sequence and contents) of a bundle already verified by §10 against
    the logged events: events = [{"leaf", "subjectType", "subjectId", "payload"}] in the order of
    bundle["log"]["events"]."""
    def bad(why):
        raise LogMismatch(why)

    log = bundle.get("log")
    if log is None:
        bad("no log member")
    if log["format"] != LOG_FORMAT:
        bad("log.format")
    if len(events) != len(log["events"]):
        bad("number of events")
    secret = bytes.fromhex(bundle["secret"])
    want = ["FREEZE", "COMMIT", "EXECUTE"]
    amends, reveal = [], None
    for i, e in enumerate(events):
        p = e["payload"]
        if p.get("event") != log["events"][i]["event"] or e["leaf"] != log["events"][i]["leaf"]:
            bad(f"event {i + 1} is not the listed one")
        if p.get("format") != EVENT_FORMAT:
            bad(f"leaf {e['leaf']}: format")
        if i > 0 and e["leaf"] <= events[i - 1]["leaf"]:
            bad("leaves not increasing")
        if e["subjectType"] != "Draw" or e["subjectId"] != events[0]["subjectId"]:
            bad(f"leaf {e['leaf']}: another draw")
        if p.get("eventSeq") != i + 1:
            bad(f"leaf {e['leaf']}: eventSeq")
        if i < len(want):
            if p["event"] != want[i]:
                bad(f"event {i + 1} should be {want[i]}")
        elif p["event"] in ("RECUSE", "REPLACE"):
            amends.append(e)
        elif p["event"] == "REVEAL" and i == len(events) - 1:
            reveal = e
        else:
            bad(f"event {p['event']} out of place")
    if reveal is None:
        bad("no REVEAL at the end")
    c = bundle["commitment"]
    fr = events[0]["payload"]
    if (fr.get("frameRoot"), fr.get("frameSize"), fr.get("inspectorPoolDigest"), fr.get("secretHash"), fr.get("parametersDigest")) != \
            (c["frameRoot"], c["frameSize"], c["inspectorPoolDigest"], c["secretHash"], params_digest(ref, c["params"])):
        bad("FREEZE differs from the commitment")
    if events[1]["payload"].get("commitmentDigest") != bundle["commitmentDigest"]:
        bad("COMMIT: commitment digest")
    ex = events[2]["payload"]
    if ex.get("entropy") != bundle["entropy"]:
        bad("EXECUTE: entropy")
    if ex.get("seedHash") != seed_hash(bundle["outcome"]["seed"]):
        bad("EXECUTE: seedHash")
    if ex.get("outcomeDigest") != outcome_digest(ref, secret, bundle["outcome"]["teams"]):
        bad("EXECUTE: outcomeDigest")
    if len(amends) != len(bundle["outcome"]["amendments"]):
        bad("number of amendments")
    for i, a in enumerate(bundle["outcome"]["amendments"]):
        p = amends[i]["payload"]
        if p.get("event") != a["kind"] or p.get("amendment") != i + 1 or p.get("amendmentDigest") != amendment_digest(ref, secret, a):
            bad(f"amendment {i + 1}")
    rv = reveal["payload"]
    if (rv.get("secret"), rv.get("entropy"), rv.get("seed")) != (bundle["secret"], bundle["entropy"], bundle["outcome"]["seed"]):
        bad("REVEAL: secret, entropy or seed")
    if rv.get("amendments") != len(bundle["outcome"]["amendments"]):
        bad("REVEAL: amendments")
    if rv.get("outcomeDigest") != final_digest(ref, current_teams(bundle["outcome"])):
        bad("REVEAL: outcomeDigest")
    if rv.get("eventLeaves") != [e["leaf"] for e in events[:-1]]:
        bad("REVEAL: eventLeaves")


def tamper(ref, good, events, case):
    """A tampered case of events/vectors.json: the bundle changed as the case says, and the
    events a verifier then fetches (those its log lists)."""
    b = copy.deepcopy(good)
    c = b["commitment"]
    secret = bytes.fromhex(b["secret"])
    pr = ref.prepare(b["frame"], c["params"], b["inspectors"], b["conflicts"], b["rotation"])
    if case.get("entropy"):
        # other entropy: seed, targets and teams recomputed, no amendments (§6–§8)
        b["entropy"] = case["entropy"]
        seed = ref.sha256(ref.seed_input(bytes.fromhex(b["commitmentDigest"]), secret, b["entropy"]))
        d = ref.Draw(pr, seed)
        b["outcome"] = {"seed": seed.hex(), "strata": d.strata, "teams": d.initial, "amendments": []}
    drop = set(case.get("dropAmendments") or [])
    b["outcome"]["amendments"] = [a for i, a in enumerate(b["outcome"]["amendments"]) if i not in drop]
    if case.get("appendRecusal"):
        # one more recusal (§9.1): the last current team's first member
        last = current_teams(b["outcome"])[-1]
        d = ref.Draw(pr, bytes.fromhex(b["outcome"]["seed"]))
        for a in b["outcome"]["amendments"]:
            d.apply(a["kind"], a["target"], a["recused"], a["reason"])
        b["outcome"]["amendments"].append(d.apply("RECUSE", last["target"], [last["members"][0]["inspector"]], case["appendRecusal"]))
    dropped = set(case.get("dropLogEvents") or [])
    b["log"] = {"format": b["log"]["format"], "events": [e for i, e in enumerate(b["log"]["events"]) if i not in dropped]}
    return b, [e for i, e in enumerate(events) if i not in dropped]


def check(events_dir, ref, checks):
    """Checks events/vectors.json: the digests, the fixture's bundle with its log against the
    logged events, and every tampered case (it must pass §10 and fail here)."""
    with open(os.path.join(events_dir, "vectors.json"), "rb") as f:
        v = json.loads(f.read())
    ref.expect("event vectors format", v["format"], LOG_FORMAT)
    with open(os.path.join(events_dir, "..", "bundle.json"), "rb") as f:
        good = ref.parse_bundle(f.read())
    good["log"] = v["log"]
    ref.check_shape(good, ref.ANCHORED_BUNDLE)
    ref.verify(good)
    secret = bytes.fromhex(good["secret"])
    o = good["outcome"]
    dg = v["digests"]
    ref.expect("parametersDigest", params_digest(ref, good["commitment"]["params"]), dg["parametersDigest"])
    ref.expect("seedHash", seed_hash(o["seed"]), dg["seedHash"])
    ref.expect("outcomeDigest (EXECUTE)", outcome_digest(ref, secret, o["teams"]), dg["outcomeDigest"])
    ref.expect("outcomeDigest (REVEAL)", final_digest(ref, current_teams(o)), dg["finalDigest"])
    ref.expect("amendmentDigests", [amendment_digest(ref, secret, a) for a in o["amendments"]], dg["amendmentDigests"])
    checks["event digests"] += 4 + len(o["amendments"])
    events = v["events"]
    try:
        verify_log(ref, good, events)
    except LogMismatch as e:
        raise ref.Mismatch(f"the fixture's anchored bundle fails against its logged events: {e}")
    checks["anchored bundle verified"] += 1
    v1 = copy.deepcopy(good)
    del v1["log"]
    try:
        verify_log(ref, v1, events)
        raise ref.Mismatch("a bundle without log passed the anchoring check")
    except LogMismatch:
        pass
    for case in v["tampered"]:
        b, fetched = tamper(ref, good, events, case)
        try:
            ref.verify(b)  # §10 alone accepts it: only the log can tell
        except ref.Fail as f:
            raise ref.Mismatch(f"event case {case['name']!r}: refused by §10 already ({f})")
        try:
            verify_log(ref, b, fetched)
            got = "VALID"
        except LogMismatch:
            got = "DRAW_LOG_MISMATCH"
        ref.expect(f"event case {case['name']!r}", got, case["expect"])
        checks["event tampered cases"] += 1
