"""Independent re-implementation of the anchoring checks of a draw (the event-log section at the
end of docs/draw-algorithm.md, ssgk-draw-log/v1), standard library only. Called by reimpl.py when
testdata/events/ exists; it checks testdata/events/vectors.json (§16.4 steps 3–4: sequence and
contents of the logged events) and, when present, testdata/events/anchor.json (§16.4 step 2, from
docs/transparency-log.md: the checkpoint's Ed25519 signature, each event leaf canonical with its
leaf hash and its publication's payload digest, and its RFC 6962 inclusion proof to the
checkpoint's root) — and that every tampered anchor fails with its code.
"""

import base64
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
    check_anchor(events_dir, ref, checks, good, events)


# --- the transparency log (docs/transparency-log.md): leaves, proofs, checkpoints -----------------

CODE_PROOF = "LEDGER_PROOF_INVALID"
CODE_SIGNATURE = "LEDGER_SIGNATURE_INVALID"
CODE_RECORD = "LEDGER_RECORD_INVALID"
CODE_CHECKPOINT = "LEDGER_CHECKPOINT_INVALID"
CODE_LOG = "DRAW_LOG_MISMATCH"


class AnchorFail(Exception):
    def __init__(self, code, why):
        super().__init__(f"{code}: {why}")
        self.code = code


# Ed25519 verification (RFC 8032 §5.1.7), on the twisted Edwards curve in extended coordinates.
_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493


def _inv(x):
    return pow(x, _P - 2, _P)


_D = -121665 * _inv(121666) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _recover_x(y, sign):
    if y >= _P:
        return None
    x2 = (y * y - 1) * _inv(_D * y * y + 1) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P:
        return None
    if x & 1 != sign:
        x = _P - x
    return x


def _point(x, y):
    return (x, y, 1, x * y % _P)


_BY = 4 * _inv(5) % _P
_B = _point(_recover_x(_BY, 0), _BY)


def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, p):
    q = (0, 1, 1, 0)
    while s:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _decode_point(b):
    if len(b) != 32:
        return None
    y = int.from_bytes(b, "little")
    sign, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign)
    return None if x is None else _point(x, y)


def _same_point(p, q):
    return (p[0] * q[2] - q[0] * p[2]) % _P == 0 and (p[1] * q[2] - q[1] * p[2]) % _P == 0


def ed25519_verify(pub: bytes, msg: bytes, sig: bytes) -> bool:
    if len(pub) != 32 or len(sig) != 64:
        return False
    a, r = _decode_point(pub), _decode_point(sig[:32])
    s = int.from_bytes(sig[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(sig[:32] + pub + msg).digest(), "little") % _L
    return _same_point(_mul(s, _B), _add(r, _mul(k, a)))


# Go's encoding/json, which the publication digest is computed over (transparency-log.md §1).
def _go_str(s):
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20 or ch in "<>&" or o in (0x2028, 0x2029):
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _go_float(f):
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    if 1e-6 <= abs(f) < 1e21:
        import decimal
        return format(decimal.Decimal(repr(f)), "f")
    m, e = repr(f).split("e")
    return m + "e" + ("-" if e.startswith("-") else "+") + e.lstrip("+-").lstrip("0")


def go_json(v) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _go_float(v)
    if isinstance(v, str):
        return _go_str(v)
    if isinstance(v, list):
        return "[" + ",".join(go_json(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-8"))
        return "{" + ",".join(_go_str(k) + ":" + go_json(v[k]) for k in keys) + "}"
    raise ValueError(f"not JSON: {v!r}")


LEAF_MEMBERS = ["corrects", "digest", "index", "kind", "publicationId", "publishedAt", "subjectId", "subjectType"]


def canonical_leaf(leaf: dict) -> str:
    return "{" + ",".join(json.dumps(m) + ":" + json.dumps(leaf[m], ensure_ascii=True, separators=(",", ":")) for m in LEAF_MEMBERS) + "}"


def is_hex(s, n):
    return isinstance(s, str) and len(s) == n and all(c in "0123456789abcdef" for c in s)


def verify_inclusion(index, size, leaf_hash: bytes, proof, root: bytes) -> bool:
    """RFC 9162 §2.1.3.2 (the RFC 6962 audit path, lowest level first)."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = sha256(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def checkpoint_text(c) -> bytes:
    if c.get("auditHead"):
        return f"ssgk-ledger/v2\n{c['size']}\n{c['root']}\n{c['at']}\n{c['auditSeq']}\n{c['auditHead']}\n".encode()
    return f"ssgk-ledger/v1\n{c['size']}\n{c['root']}\n{c['at']}\n".encode()


def verify_checkpoint(c, pub: bytes):
    import re
    if not isinstance(c.get("size"), int) or c["size"] < 0 or not is_hex(c.get("root"), 64) or \
            not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", c.get("at", "")):
        raise AnchorFail(CODE_CHECKPOINT, "checkpoint form")
    if c.get("keyId") != sha256(pub).hex()[:16]:
        raise AnchorFail(CODE_SIGNATURE, "key id")
    try:
        sig = base64.b64decode(c.get("signature", ""), validate=True)
    except ValueError:
        raise AnchorFail(CODE_SIGNATURE, "signature encoding")
    if not ed25519_verify(pub, checkpoint_text(c), sig):
        raise AnchorFail(CODE_SIGNATURE, "signature does not verify")


def verify_record(rec):
    """A record by itself: the leaf canonical, its hash, the publication the leaf names, its
    payload digest. Returns the parsed leaf."""
    try:
        leaf = json.loads(rec["leaf"])
    except ValueError:
        raise AnchorFail(CODE_RECORD, "leaf is not JSON")
    if not isinstance(leaf, dict) or sorted(leaf) != sorted(LEAF_MEMBERS) or canonical_leaf(leaf) != rec["leaf"]:
        raise AnchorFail(CODE_RECORD, f"leaf {rec['index']} is not canonical")
    if leaf["index"] != rec["index"]:
        raise AnchorFail(CODE_RECORD, "leaf index")
    if sha256(b"\x00" + rec["leaf"].encode("utf-8")).hex() != rec["leafHash"]:
        raise AnchorFail(CODE_RECORD, f"leaf hash of {rec['index']}")
    p = rec.get("publication")
    if p is None:
        raise AnchorFail(CODE_LOG, f"leaf {rec['index']} without its publication")
    if (p["id"], p["kind"], p["subjectType"], p["subjectId"], p["publishedAt"]) != \
            (leaf["publicationId"], leaf["kind"], leaf["subjectType"], leaf["subjectId"], leaf["publishedAt"]):
        raise AnchorFail(CODE_RECORD, f"publication of leaf {rec['index']}")
    d = sha256(go_json(p["payload"]).encode("utf-8")).hex()
    if d != leaf["digest"] or p["digest"] != leaf["digest"]:
        raise AnchorFail(CODE_RECORD, f"payload digest of leaf {rec['index']}")
    return leaf


def verify_anchor(bundle, anchor, pinned_key=None):
    """§16.4 step 2: the checkpoint's signature (pinned key, else the checkpoint's own), each
    listed event leaf's record and inclusion in the checkpoint. Returns the events for
    verify_log."""
    cp = anchor["checkpoint"]
    pub = base64.b64decode(pinned_key or cp.get("publicKey", ""))
    verify_checkpoint(cp, pub)
    listed = bundle["log"]["events"]
    recs, proofs = anchor["records"], anchor["proofs"]
    if len(recs) != len(listed) or len(proofs) != len(recs):
        raise AnchorFail(CODE_LOG, "number of records and proofs")
    events = []
    for i, rec in enumerate(recs):
        if rec["index"] != listed[i]["leaf"]:
            raise AnchorFail(CODE_LOG, f"record {i + 1} is not the listed leaf")
        verify_record(rec)
        pr = proofs[i]
        if pr["index"] != rec["index"] or pr["size"] != cp["size"]:
            raise AnchorFail(CODE_PROOF, f"proof of record {i + 1} is for leaf {pr['index']} of {pr['size']}")
        if not all(is_hex(h, 64) for h in pr["hashes"]):
            raise AnchorFail(CODE_PROOF, "proof hash form")
        if not verify_inclusion(pr["index"], pr["size"], bytes.fromhex(rec["leafHash"]),
                                [bytes.fromhex(h) for h in pr["hashes"]], bytes.fromhex(cp["root"])):
            raise AnchorFail(CODE_PROOF, f"leaf {rec['index']} is not included in the checkpoint")
        p = rec["publication"]
        events.append({"leaf": rec["index"], "subjectType": p["subjectType"], "subjectId": p["subjectId"], "payload": p["payload"]})
    return events


def tamper_anchor(anchor, case):
    """A tampered case of anchor.json, applied as its members say."""
    a = copy.deepcopy(anchor)
    pr = a["proofs"][case.get("record", 0)]
    if "flipProofHash" in case:
        i = case["flipProofHash"]
        h = pr["hashes"][i]
        pr["hashes"][i] = ("1" if h[0] == "0" else "0") + h[1:]
    elif case.get("dropProofHash"):
        pr["hashes"] = pr["hashes"][:-1]
    elif case.get("swapProofHashes"):
        pr["hashes"][0], pr["hashes"][1] = pr["hashes"][1], pr["hashes"][0]
    elif "proofOf" in case:
        pr["hashes"] = list(a["proofs"][case["proofOf"]]["hashes"])
    elif case.get("payloadEntropy"):
        a["records"][case["record"]]["publication"]["payload"]["entropy"] = case["payloadEntropy"]
    elif case.get("flipRoot"):
        r = a["checkpoint"]["root"]
        a["checkpoint"]["root"] = ("1" if r[0] == "0" else "0") + r[1:]
    elif case.get("flipSignature"):
        sig = bytearray(base64.b64decode(a["checkpoint"]["signature"]))
        sig[0] ^= 1
        a["checkpoint"]["signature"] = base64.b64encode(bytes(sig)).decode()
    else:
        raise ValueError(f"unknown anchor case {case['name']!r}")
    return a


def check_anchor(events_dir, ref, checks, good, logged):
    """Checks events/anchor.json: the fixture's anchored bundle passes step 2 and then steps 3–4
    with the events the anchor carries (the same as events/vectors.json's), and every tampered
    anchor fails with its code."""
    path = os.path.join(events_dir, "anchor.json")
    if not os.path.exists(path):
        return
    with open(path, "rb") as f:
        anchor = json.loads(f.read())
    try:
        events = verify_anchor(good, anchor)
    except AnchorFail as e:
        raise ref.Mismatch(f"the fixture's anchor fails: {e}")
    ref.expect("events carried by the anchor", json.dumps(events, sort_keys=True), json.dumps(logged, sort_keys=True))
    try:
        verify_log(ref, good, events)
    except LogMismatch as e:
        raise ref.Mismatch(f"the anchored events fail the log check: {e}")
    checks["anchored leaves included"] += len(events)
    pinned = anchor["checkpoint"]["publicKey"]
    for case in anchor["tampered"]:
        try:
            verify_log(ref, good, verify_anchor(good, tamper_anchor(anchor, case), pinned))
            got = "VALID"
        except AnchorFail as e:
            got = e.code
        except LogMismatch:
            got = CODE_LOG
        ref.expect(f"anchor case {case['name']!r}", got, case["expect"])
        checks["anchor tampered cases"] += 1
