"""Independent re-implementation of the event log and anchoring of a draw (the last section of
docs/draw-algorithm.md, ssgk-draw-log/v1) and of the transparency-log leaf (docs/transparency-log.md
§1–§3), standard library only. Called by reimpl.py when testdata/events/ exists.
"""

import hashlib
import hmac
import json
import os

LOG_FORMAT = "ssgk-draw-log/v1"
EVENT_FORMAT = "ssgk-draw-event/v1"


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


# --- transparency-log.md §1: the payload digest, Go's encoding/json ------------------------------

def go_json(v) -> str:
    """Go's encoding/json of a decoded JSON value: keys sorted bytewise, no whitespace, <, >, &,
    U+2028 and U+2029 escaped, integers in plain decimal."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e21:
            return str(int(v))
        return repr(v)
    if isinstance(v, str):
        s = json.dumps(v, ensure_ascii=False)
        for a, b in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
            s = s.replace(a, b)
        # Like Go (since 1.22): \b \f \n \r \t short, other controls \u00xx, U+007F raw.
        return s
    if isinstance(v, list):
        return "[" + ",".join(go_json(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(go_json(k) + ":" + go_json(v[k]) for k in sorted(v, key=lambda k: k.encode("utf-8"))) + "}"
    raise ValueError(f"not JSON: {v!r}")


def payload_digest(payload) -> str:
    return sha256(go_json(payload).encode("utf-8")).hex()


# --- transparency-log.md §2–§3: leaves and inclusion proofs ----------------------------------------

LEAF_MEMBERS = ("corrects", "digest", "index", "kind", "publicationId", "publishedAt", "subjectId", "subjectType")


def canonical_leaf(leaf: dict) -> str:
    if sorted(leaf) != sorted(LEAF_MEMBERS):
        raise ValueError(f"leaf members {sorted(leaf)}")
    return "{" + ",".join(f'"{k}":' + json.dumps(leaf[k], ensure_ascii=True) for k in LEAF_MEMBERS) + "}"


def leaf_hash(d: bytes) -> bytes:
    return sha256(b"\x00" + d)


def node_hash(l: bytes, r: bytes) -> bytes:
    return sha256(b"\x01" + l + r)


def root_from_inclusion(index: int, size: int, lh: bytes, proof) -> bytes:
    """RFC 9162 §2.1.3.2 (the RFC 6962 inclusion proof)."""
    if index >= size:
        raise ValueError("index beyond size")
    fn, sn, r = index, size - 1, lh
    for p in proof:
        if sn == 0:
            raise ValueError("proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ValueError("proof too short")
    return r


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


def check(events_dir, ref, checks):
    """Checks the vectors under events_dir. The layout is read from the directory: see the
    event-log section of docs/draw-algorithm.md."""
    raise NotImplementedError(f"event vectors in {events_dir}: layout not known yet")
