#!/usr/bin/env python3
"""Independent re-implementation of ssgk-draw/v1, written from docs/draw-algorithm.md.

Standard library only. Given the testdata directory, it

  1. recomputes every value of vectors.json (canonical JSON, leaves, Merkle roots, counts,
     digests, commitment, seed, tickets, ticket orders, ranking, teams, amendments);
  2. recomputes the whole draw from inputs.json (the data of §12.1) and compares the bundle it
     builds with bundle.json and with the bundle inside vectors.json;
  3. decodes (§10.1) and verifies (§10.2) every case of tampered.json — bundle.json patched —
     and compares the result, VALID or the cause of the first failure (§11.2), with the file;
  4. if events/ exists (the event-log section at the end of the document), checks its vectors.

Prints "ALL OK: …" and exits 0, or prints "MISMATCH: …" and exits 1.

Usage: python3 reimpl.py [testdata directory]   (default: the directory of this file)
"""

import copy
import datetime
import hashlib
import json
import os
import re
import sys

ALG = "ssgk-draw/v1"
REASONS = ("CLOSED", "RECENTLY_INSPECTED", "YEARLY_CAP", "OUT_OF_SCOPE")
PPM = 1_000_000
MAX_INT = 2**53 - 1
MAX_N = 2**32 - 1


class Mismatch(Exception):
    """The file disagrees with what this program computes."""


class Fail(Exception):
    """A draw error (§11): code, and for a verification the cause."""

    def __init__(self, code, why=""):
        super().__init__(f"{code}: {why}")
        self.code = code


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def expect(what, got, want):
    if got != want:
        raise Mismatch(f"{what}: computed {got!r}, file has {want!r}")


def u8(s: str) -> bytes:
    return s.encode("utf-8")


def bkey(s: str) -> bytes:
    """§0 bytewise order of UTF-8 strings."""
    return s.encode("utf-8")


def is_name(s) -> bool:
    """§0: non-empty, valid UTF-8 (no lone surrogate), no 0x00."""
    return isinstance(s, str) and s != "" and "\x00" not in s and not any(0xD800 <= ord(c) < 0xE000 for c in s)


def strictly_ascending(xs) -> bool:
    return all(bkey(a) < bkey(b) for a, b in zip(xs, xs[1:]))


def sorted_set(xs):
    return sorted(set(xs), key=bkey)


DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def is_date(s) -> bool:
    """§4.1 step 7: YYYY-MM-DD, a real calendar day, year 0001–9999."""
    if not isinstance(s, str) or not DATE.match(s):
        return False
    try:
        datetime.date(int(s[0:4]), int(s[5:7]), int(s[8:10]))
    except ValueError:
        return False
    return True


# --- §2 canonical JSON ---------------------------------------------------------------------------

SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def quote(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in SHORT:
            out.append(SHORT[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canon(v) -> str:
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        if not -(2**63) <= v < 2**63:
            raise Fail("INVALID_PARAMETERS", f"integer out of the signed 64-bit range: {v}")
        return str(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, list):
        return "[" + ",".join(canon(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=bkey)
        return "{" + ",".join(quote(k) + ":" + canon(v[k]) for k in keys) + "}"
    raise Fail("INVALID_PARAMETERS", f"value not allowed in canonical JSON: {v!r}")  # null, floats


def canon_bytes(v) -> bytes:
    return u8(canon(v))


# --- §10.1 strict decoding -------------------------------------------------------------------------

class BadNumber:
    """A JSON number that is not a plain non-negative decimal integer."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return f"BadNumber({self.text})"


PLAIN_INT = re.compile(r"^(0|[1-9][0-9]*)$")


def _pairs(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise Fail("INVALID_BUNDLE", f"member {k!r} twice")
        d[k] = v
    return d


def _bad_constant(name):
    raise Fail("INVALID_BUNDLE", f"{name} is not JSON")


def strict_loads(raw: bytes):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Fail("INVALID_BUNDLE", f"not UTF-8: {e}")
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_float=BadNumber,
                          parse_int=lambda s: int(s) if PLAIN_INT.match(s) else BadNumber(s),
                          parse_constant=_bad_constant)
    except json.JSONDecodeError as e:
        raise Fail("INVALID_BUNDLE", f"not JSON: {e}")


# Shapes: "str", "bool", "int", "hash", ("list", shape), ("null|", shape), or a dict of members.
HEX64 = re.compile(r"^[0-9a-f]{64}$")
PICK = {"key": "str", "ticket": "hash"}
MEMBER = {"inspector": "str", "department": "str", "expert": "bool", "rank": "hash"}
TEAM = {"target": "str", "stratum": "str", "position": "int", "ticket": "hash", "members": ("list", MEMBER)}
PARAMS = {
    "task": "str",
    "strata": ("list", {"name": "str", "mode": "str", "ratioPpm": "int", "count": "int"}),
    "rounding": "str",
    "items": ("list", {"code": "str", "department": "str", "category": "str", "maxRatioPpm": "int", "qualifications": ("list", "str")}),
    "initiator": "str",
    "participants": ("list", "str"),
    "window": {"start": "str", "end": "str"},
    "exclusion": {"recentMonths": "int", "yearlyCap": "int"},
    "team": {"size": "int", "experts": "int", "maxPerInspector": "int", "rotationMonths": "int"},
}
COMMITMENT = {
    "algorithm": "str", "params": PARAMS, "frameRoot": "hash", "frameSize": "int",
    "strata": ("list", {"name": "str", "eligible": "int", "excluded": "int", "draw": "int"}),
    "inspectorPoolDigest": "hash", "conflictDigest": "hash", "rotationDigest": "hash", "secretHash": "hash",
}
FRAME = {"strata": ("list", {"name": "str", "eligible": ("list", "str"), "excluded": ("list", {"key": "str", "reason": "str"})})}
INSPECTOR = {"key": "str", "department": "str", "expert": "bool", "active": "bool", "certificateExpires": "str", "qualifications": ("list", "str")}
PAIR = {"inspector": "str", "target": "str"}
AMENDMENT = {"kind": "str", "target": "str", "recused": ("list", "str"), "reason": "str", "replacement": ("null|", PICK), "team": TEAM}
OUTCOME = {"seed": "hash", "strata": ("list", {"stratum": "str", "drawn": ("list", PICK)}), "teams": ("list", TEAM), "amendments": ("list", AMENDMENT)}
BUNDLE = {
    "algorithm": "str", "commitment": COMMITMENT, "commitmentDigest": "hash", "frame": FRAME,
    "inspectors": ("list", INSPECTOR), "conflicts": ("list", PAIR), "rotation": ("list", PAIR),
    "entropy": "str", "secret": "str", "outcome": OUTCOME,
}
# The event-log section's optional member (absent, or an object — never null).
ANCHORED_BUNDLE = dict(BUNDLE, log=("optional", {"format": "str", "events": ("list", {"event": "str", "leaf": "int"})}))


def check_shape(v, shape, path="$"):
    """§10.1 items 2–5 on a decoded value."""
    def bad(why):
        raise Fail("INVALID_BUNDLE", f"{path}: {why}")

    if isinstance(shape, tuple) and shape[0] == "null|":
        if v is None:
            return
        shape = shape[1]
    if v is None:
        bad("null")
    if isinstance(shape, dict):
        if not isinstance(v, dict):
            bad("not an object")
        for k in v:
            if k not in shape:
                bad(f"unknown member {k!r}")
        for k, s in shape.items():
            optional = isinstance(s, tuple) and s[0] == "optional"
            if k not in v:
                if optional:
                    continue
                bad(f"missing member {k!r}")
            check_shape(v[k], s[1] if optional else s, f"{path}.{k}")
    elif isinstance(shape, tuple):
        if not isinstance(v, list):
            bad("not an array")
        for i, x in enumerate(v):
            check_shape(x, shape[1], f"{path}[{i}]")
    elif shape in ("str", "hash"):
        if not isinstance(v, str):
            bad("not a string")
        if any(0xD800 <= ord(c) < 0xE000 for c in v):
            bad("unpaired surrogate")
        if shape == "hash" and not HEX64.match(v):
            bad("not 64 lowercase hex digits")
    elif shape == "bool":
        if not isinstance(v, bool):
            bad("not a boolean")
    elif shape == "int":
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= MAX_INT:
            bad(f"not an integer in 0 … 2^53−1: {v!r}")
    else:
        raise AssertionError(shape)


def parse_bundle(raw: bytes):
    b = strict_loads(raw)
    check_shape(b, BUNDLE)
    return b


# --- §3 frame ------------------------------------------------------------------------------------

def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def leaf_bytes(stratum: str, key: str, reason: str) -> bytes:
    s, k, r = u8(stratum), u8(key), u8(reason)
    status = b"\x01" if reason else b"\x00"
    return u8(ALG) + b"\x00leaf\x00" + u32(len(s)) + s + u32(len(k)) + k + status + u32(len(r)) + r


def leaf_hash(leaf: bytes) -> bytes:
    return sha256(b"\x00" + leaf)


def mth(hashes):
    """RFC 6962 §2.1 over leaf hashes."""
    n = len(hashes)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + mth(hashes[:k]) + mth(hashes[k:]))


def validate_frame(frame):
    """§3.1, INVALID_FRAME."""
    strata = frame["strata"]
    seen = {}
    for i, s in enumerate(strata):
        if not is_name(s["name"]):
            raise Fail("INVALID_FRAME", "stratum name")
        if i > 0 and not bkey(strata[i - 1]["name"]) < bkey(s["name"]):
            raise Fail("INVALID_FRAME", "strata not strictly ascending")
        ex = [e["key"] for e in s["excluded"]]
        for lst in (s["eligible"], ex):
            for j, k in enumerate(lst):
                if not is_name(k):
                    raise Fail("INVALID_FRAME", f"key {k!r}")
                if j > 0 and not bkey(lst[j - 1]) < bkey(k):
                    raise Fail("INVALID_FRAME", f"keys of {s['name']} not strictly ascending")
        for e in s["excluded"]:
            if e["reason"] not in REASONS:
                raise Fail("INVALID_FRAME", f"reason {e['reason']!r}")
    for s in strata:
        for k in s["eligible"] + [e["key"] for e in s["excluded"]]:
            if k in seen:
                raise Fail("INVALID_FRAME", f"key {k} twice")
            seen[k] = s["name"]


def frame_leaves(frame):
    """§3.3: by stratum, then key — eligible and excluded interleaved."""
    out = []
    for s in frame["strata"]:
        entries = [(k, "") for k in s["eligible"]] + [(e["key"], e["reason"]) for e in s["excluded"]]
        for k, r in sorted(entries, key=lambda e: bkey(e[0])):
            out.append(leaf_bytes(s["name"], k, r))
    return out


def frame_root(frame):
    return mth([leaf_hash(x) for x in frame_leaves(frame)])


def frame_from_lists(strata):
    """The canonical frame of §3.1 from per-stratum lists in any order."""
    out = []
    for s in sorted(strata, key=lambda s: bkey(s["name"])):
        out.append({"name": s["name"], "eligible": sorted(s["eligible"], key=bkey),
                    "excluded": sorted(s["excluded"], key=lambda e: bkey(e["key"]))})
    return {"strata": out}


# --- §4 parameters, pool, commitment; §5 counts ----------------------------------------------------

def normalize_params(p):
    """§4.1 normal form."""
    q = copy.deepcopy(p)
    q["strata"] = sorted(q["strata"], key=lambda s: bkey(s["name"]))  # stable, repeats kept
    q["items"] = sorted(q["items"], key=lambda it: bkey(it["code"]))
    for it in q["items"]:
        it["qualifications"] = sorted_set(it["qualifications"])
    q["participants"] = sorted_set([d for d in p["participants"] if d != p["initiator"]])
    if q["rounding"] == "":
        q["rounding"] = "CEIL"
    if q["team"]["size"] == 0:
        q["team"]["size"] = 2
    return q


def departments(p):
    return sorted_set([p["initiator"]] + p["participants"])


def required_departments(p):
    return sorted_set([p["initiator"]] + [it["department"] for it in p["items"]])


def required_qualifications(p):
    m = {}
    for it in p["items"]:
        m.setdefault(it["department"], set()).update(it["qualifications"])
    return m


def general_cap(p):
    caps = [it["maxRatioPpm"] for it in p["items"] if it["category"] == "GENERAL"]
    return min(caps) if caps else None


def in_range(n):
    return 0 <= n <= MAX_INT


def validate_params(p):
    """§4.1 validity, steps 1–9, INVALID_PARAMETERS."""
    def bad(why):
        raise Fail("INVALID_PARAMETERS", why)

    if not is_name(p["task"]):
        bad("task")
    if not p["strata"]:
        bad("no stratum")
    for i, s in enumerate(p["strata"]):
        if not is_name(s["name"]) or (i > 0 and not bkey(p["strata"][i - 1]["name"]) < bkey(s["name"])):
            bad("stratum name or order")
        if s["mode"] == "RATIO":
            if not (0 <= s["ratioPpm"] <= PPM) or s["count"] != 0:
                bad("ratio stratum")
        elif s["mode"] == "COUNT":
            if not in_range(s["count"]) or s["ratioPpm"] != 0:
                bad("count stratum")
        else:
            bad("mode")
    if p["rounding"] != "CEIL":
        bad("rounding")
    if not is_name(p["initiator"]):
        bad("initiator")
    for i, d in enumerate(p["participants"]):
        if not is_name(d) or d == p["initiator"] or (i > 0 and not bkey(p["participants"][i - 1]) < bkey(d)):
            bad("participants")
    depts = departments(p)
    if not p["items"]:
        bad("no item")
    for i, it in enumerate(p["items"]):
        if not is_name(it["code"]) or (i > 0 and not bkey(p["items"][i - 1]["code"]) < bkey(it["code"])):
            bad("item code or order")
        if it["department"] not in depts:
            bad("item department")
        qs = it["qualifications"]
        if not all(is_name(q) for q in qs) or not strictly_ascending(qs):
            bad("item qualifications")
        if it["category"] == "GENERAL":
            if not 1 <= it["maxRatioPpm"] <= PPM:
                bad("GENERAL without an upper limit")
        elif it["category"] == "KEY":
            if it["maxRatioPpm"] != 0:
                bad("KEY with an upper limit")
        else:
            bad("category")
    cap = general_cap(p)
    if cap is not None:
        for s in p["strata"]:
            if s["mode"] == "RATIO" and s["ratioPpm"] > cap:  # ppm against ppm
                bad("ratio above the GENERAL cap")
    w = p["window"]
    if not is_date(w["start"]) or not is_date(w["end"]):
        bad("window dates")
    if w["end"] < w["start"]:
        bad("window end before start")
    if not in_range(p["exclusion"]["recentMonths"]) or not in_range(p["exclusion"]["yearlyCap"]):
        bad("exclusion")
    t = p["team"]
    if not 2 <= t["size"] <= MAX_INT:
        bad("team size")
    if len(required_departments(p)) > t["size"]:
        bad("team size below the number of required departments")
    if not all(in_range(t[k]) for k in ("experts", "maxPerInspector", "rotationMonths")):
        bad("team numbers")


def normalize_pool(pool):
    """§4.2: by key (stable), qualifications sorted and unique; exactly the six members."""
    return [{"key": x["key"], "department": x["department"], "expert": x["expert"], "active": x["active"],
             "certificateExpires": x["certificateExpires"], "qualifications": sorted_set(x["qualifications"])}
            for x in sorted(pool, key=lambda x: bkey(x["key"]))]


def pair_key(x):
    return (bkey(x["inspector"]), bkey(x["target"]))


def normalize_pairs(pairs):
    uniq = {pair_key(x): {"inspector": x["inspector"], "target": x["target"]} for x in pairs}
    return [uniq[k] for k in sorted(uniq)]


def validate_pool(pool, conflicts, rotation):
    """§4.2 validity on the normalised lists, INVALID_POOL."""
    for i, x in enumerate(pool):
        if not is_name(x["key"]) or (i > 0 and pool[i - 1]["key"] == x["key"]):
            raise Fail("INVALID_POOL", f"inspector key {x['key']!r}")
        if not is_name(x["department"]):
            raise Fail("INVALID_POOL", "department")
        if x["certificateExpires"] != "" and not is_date(x["certificateExpires"]):
            raise Fail("INVALID_POOL", "certificate date")
        if not all(is_name(q) for q in x["qualifications"]):
            raise Fail("INVALID_POOL", "qualification")
    for c in conflicts + rotation:
        if not is_name(c["inspector"]) or not is_name(c["target"]):
            raise Fail("INVALID_POOL", "pair")


def draw_count(spec, n):
    """§5, integer arithmetic."""
    if spec["mode"] == "RATIO":
        return (n * spec["ratioPpm"] + PPM - 1) // PPM
    if spec["mode"] == "COUNT":
        return min(spec["count"], n)
    return 0


def prepare(frame, params, pool, conflicts, rotation):
    """Validation of the inputs in the order of §10.2 step 5; returns the normalised inputs and
    the per-stratum counts."""
    validate_frame(frame)
    p = normalize_params(params)
    validate_params(p)
    pool, conflicts, rotation = normalize_pool(pool), normalize_pairs(conflicts), normalize_pairs(rotation)
    validate_pool(pool, conflicts, rotation)
    by_name = {s["name"]: s for s in frame["strata"]}
    cap = general_cap(p)
    counts = []
    for spec in p["strata"]:
        fs = by_name.get(spec["name"], {"eligible": [], "excluded": []})
        n_el = len(fs["eligible"])
        if n_el > MAX_N:
            raise Fail("INVALID_FRAME", "N above 2^32−1")
        n = draw_count(spec, n_el)
        if cap is not None and spec["mode"] == "COUNT" and n > (n_el * cap + PPM - 1) // PPM:  # targets against targets
            raise Fail("INVALID_PARAMETERS", "count above the GENERAL cap")
        counts.append({"name": spec["name"], "eligible": n_el, "excluded": len(fs["excluded"]), "draw": n})
    declared = {s["name"] for s in p["strata"]}
    for s in frame["strata"]:
        if s["name"] not in declared:
            raise Fail("INVALID_FRAME", f"stratum {s['name']} not declared")
    return {"frame": frame, "params": p, "pool": pool, "conflicts": conflicts, "rotation": rotation, "counts": counts}


def make_commitment(pr, secret_hash: bytes):
    """§4.4."""
    return {
        "algorithm": ALG,
        "params": pr["params"],
        "frameRoot": frame_root(pr["frame"]).hex(),
        "frameSize": len(frame_leaves(pr["frame"])),
        "strata": pr["counts"],
        "inspectorPoolDigest": sha256(canon_bytes(pr["pool"])).hex(),
        "conflictDigest": sha256(canon_bytes(pr["conflicts"])).hex(),
        "rotationDigest": sha256(canon_bytes(pr["rotation"])).hex(),
        "secretHash": secret_hash.hex(),
    }


# --- §6 seed, §7 targets ---------------------------------------------------------------------------

def seed_input(digest: bytes, secret: bytes, entropy: str) -> bytes:
    return u8(ALG) + b"\x00" + digest + b"\x00" + secret + b"\x00" + u8(entropy)


def ticket_input(seed: bytes, stratum: str, key: str) -> bytes:
    return seed + b"target\x00" + u8(stratum) + b"\x00" + u8(key)


def ticket(seed, stratum, key):
    return sha256(ticket_input(seed, stratum, key))


def ticket_order(seed, stratum, keys):
    """The whole stratum by (ticket, key): [(ticket, key)]."""
    return sorted(((ticket(seed, stratum, k), k) for k in keys), key=lambda tk: (tk[0], bkey(tk[1])))


# --- §8 teams ---------------------------------------------------------------------------------------

def rank_input(seed, target, inspector):
    return seed + b"inspector\x00" + u8(target) + b"\x00" + u8(inspector)


def rank(seed, target, inspector):
    return sha256(rank_input(seed, target, inspector))


class Teams:
    """§8.2–§8.3 with the workload of the draw so far."""

    def __init__(self, pr, seed):
        p = self.p = pr["params"]
        self.seed = seed
        depts, quals, end = departments(p), required_qualifications(p), p["window"]["end"]
        self.pool = []
        for x in pr["pool"]:
            if not x["active"] or x["department"] not in depts:  # rules 1, 2
                continue
            if not x["expert"] and (x["certificateExpires"] == "" or x["certificateExpires"] < end):  # rule 3
                continue
            if not quals.get(x["department"], set()) <= set(x["qualifications"]):  # rule 4, experts too
                continue
            self.pool.append(x)
        self.blocked = {(c["inspector"], c["target"]) for c in pr["conflicts"] + pr["rotation"]}  # rules 5, 6
        self.load = {}

    def eligible(self, target, recused, ignore_load=False):
        cap = self.p["team"]["maxPerInspector"]
        out = []
        for x in self.pool:
            if (x["key"], target) in self.blocked or x["key"] in recused:  # rules 5–7
                continue
            if not ignore_load and cap > 0 and self.load.get(x["key"], 0) >= cap:  # rule 8
                continue
            out.append((rank(self.seed, target, x["key"]), x))
        out.sort(key=lambda rx: (rx[0], bkey(rx[1]["key"])))
        return out

    def assign(self, target, stratum, position, tk: bytes, recused):
        elig = self.eligible(target, recused)
        officers = [rx for rx in elig if not rx[1]["expert"]]
        experts = [rx for rx in elig if rx[1]["expert"]]
        chosen = []
        for d in required_departments(self.p):
            i = next((i for i, rx in enumerate(officers) if rx[1]["department"] == d), None)
            if i is None:
                raise Fail("POOL_EXHAUSTED", f"DEPARTMENT_COVERAGE for {target}")
            if i not in chosen:
                chosen.append(i)
        i = 0
        while len(chosen) < self.p["team"]["size"]:
            if i == len(officers):
                raise Fail("POOL_EXHAUSTED", f"MIN_INSPECTORS for {target}")
            if i not in chosen:
                chosen.append(i)
            i += 1
        members = [officers[i] for i in sorted(chosen)] + experts[: self.p["team"]["experts"]]
        for _, x in members:
            self.load[x["key"]] = self.load.get(x["key"], 0) + 1
        return {"target": target, "stratum": stratum, "position": position, "ticket": tk.hex(),
                "members": [{"inspector": x["key"], "department": x["department"], "expert": x["expert"],
                             "rank": r.hex()} for r, x in members]}

    def release(self, team):
        for m in team["members"]:
            self.load[m["inspector"]] -= 1


# --- the draw: §7, §8, §9 ---------------------------------------------------------------------------

class Draw:
    def __init__(self, pr, seed):
        self.pr, self.seed = pr, seed
        by_name = {s["name"]: s for s in pr["frame"]["strata"]}
        self.orders = {c["name"]: ticket_order(seed, c["name"], by_name.get(c["name"], {"eligible": []})["eligible"])
                       for c in pr["counts"]}
        self.strata = [{"stratum": c["name"], "drawn": [{"key": k, "ticket": t.hex()} for t, k in self.orders[c["name"]][: c["draw"]]]}
                       for c in pr["counts"]]
        self.teams = Teams(pr, seed)
        slots = [(bytes.fromhex(p["ticket"]), p["key"], d["stratum"], pos)
                 for d in self.strata for pos, p in enumerate(d["drawn"])]
        slots.sort(key=lambda s: (s[0], bkey(s[1])))  # §8.1 global ticket order
        self.initial = [self.teams.assign(k, s, pos, t, set()) for t, k, s, pos in slots]
        self.current = list(self.initial)  # slots
        self.index = {t["target"]: i for i, t in enumerate(self.current)}
        self.drawn_n = {c["name"]: c["draw"] for c in pr["counts"]}
        self.replaced = {}
        self.recused = {}

    def apply(self, kind, target, recused, reason):
        """§9: returns the derived amendment."""
        if target not in self.index:
            raise Fail("NOT_DRAWN", target)
        i = self.index[target]
        cur = self.current[i]
        if kind == "RECUSE":
            rs = sorted_set(recused)
            if not rs:
                raise Fail("INVALID_PARAMETERS", "no recused inspector")
            for r in rs:
                if r not in {m["inspector"] for m in cur["members"]}:
                    raise Fail("NOT_IN_TEAM", r)
            self.recused.setdefault(target, set()).update(rs)
            self.teams.release(cur)
            team = self.teams.assign(target, cur["stratum"], cur["position"], bytes.fromhex(cur["ticket"]), self.recused[target])
            self.current[i] = team
            return {"kind": kind, "target": target, "recused": rs, "reason": reason, "replacement": None, "team": team}
        if kind == "REPLACE":
            s = cur["stratum"]
            pos = self.drawn_n[s] + self.replaced.get(s, 0)
            if pos >= len(self.orders[s]):
                raise Fail("REPLACEMENT_EXHAUSTED", s)
            t, k = self.orders[s][pos]
            self.teams.release(cur)
            team = self.teams.assign(k, s, pos, t, set())
            self.replaced[s] = self.replaced.get(s, 0) + 1
            del self.index[target]
            self.index[k] = i
            self.current[i] = team
            return {"kind": kind, "target": target, "recused": [], "reason": reason,
                    "replacement": {"key": k, "ticket": t.hex()}, "team": team}
        raise Fail("INVALID_PARAMETERS", f"kind {kind!r}")


# --- §10.2 verification ------------------------------------------------------------------------------

def first_diff(pairs):
    """pairs: [(cause, derived, recorded)] compared in order."""
    for cause, a, b in pairs:
        if a != b:
            raise Fail(cause, f"{a!r} ≠ {b!r}")


def diff_team(cause, want, got):
    first_diff([(cause, want[k], got[k]) for k in ("target", "stratum", "position", "ticket")])
    for w, g in zip(want["members"], got["members"]):
        first_diff([(cause, w["inspector"], g["inspector"]),
                    (cause, (w["department"], w["expert"], w["rank"]), (g["department"], g["expert"], g["rank"]))])
    first_diff([(cause, len(want["members"]), len(got["members"]))])


def verify(b):
    """§10.2 on a decoded bundle: None, or raises Fail with the cause."""
    c = b["commitment"]
    if b["algorithm"] != ALG or c["algorithm"] != ALG:  # 1
        raise Fail("UNSUPPORTED_ALGORITHM")
    if not HEX64.match(b["secret"]):  # 2
        raise Fail("INVALID_SECRET", "format")
    secret = bytes.fromhex(b["secret"])
    if canon(c["params"]) != canon(normalize_params(c["params"])):  # 3
        raise Fail("INVALID_PARAMETERS", "params not in normal form")
    insp = b["inspectors"]  # 4
    if not all(bkey(x["key"]) < bkey(y["key"]) for x, y in zip(insp, insp[1:])):
        raise Fail("INVALID_POOL", "inspectors not strictly ascending")
    if any(x["qualifications"] != sorted_set(x["qualifications"]) for x in insp):
        raise Fail("INVALID_POOL", "qualifications")
    for pairs in (b["conflicts"], b["rotation"]):
        if not all(pair_key(x) < pair_key(y) for x, y in zip(pairs, pairs[1:])):
            raise Fail("INVALID_POOL", "pairs not strictly ascending")
    pr = prepare(b["frame"], c["params"], insp, b["conflicts"], b["rotation"])  # 5
    want = make_commitment(pr, sha256(secret))  # 6
    first_diff([("FRAME_MISMATCH", want["frameRoot"], c["frameRoot"]), ("FRAME_MISMATCH", want["frameSize"], c["frameSize"]),
                ("COUNTS_MISMATCH", len(want["strata"]), len(c["strata"]))])
    for w, g in zip(want["strata"], c["strata"]):
        first_diff([("COUNTS_MISMATCH", w[k], g[k]) for k in ("name", "eligible", "excluded", "draw")])
    first_diff([("DIGEST_MISMATCH", want[k], c[k]) for k in ("inspectorPoolDigest", "conflictDigest", "rotationDigest")]
               + [("INVALID_SECRET", want["secretHash"], c["secretHash"])])
    digest = sha256(canon_bytes(want))  # 7
    first_diff([("COMMITMENT_DIGEST_MISMATCH", digest.hex(), b["commitmentDigest"])])
    if b["entropy"] == "":  # 8
        raise Fail("INVALID_ENTROPY")
    seed = sha256(seed_input(digest, secret, b["entropy"]))  # 9
    o = b["outcome"]
    first_diff([("SEED_MISMATCH", seed.hex(), o["seed"])])
    d = Draw(pr, seed)  # 10 (POOL_EXHAUSTED raised here)
    first_diff([("TARGETS_MISMATCH", len(d.strata), len(o["strata"]))])
    for w, g in zip(d.strata, o["strata"]):
        first_diff([("TARGETS_MISMATCH", w["stratum"], g["stratum"])])
        for wp, gp in zip(w["drawn"], g["drawn"]):
            first_diff([("TARGETS_MISMATCH", wp["key"], gp["key"]), ("TARGETS_MISMATCH", wp["ticket"], gp["ticket"])])
        first_diff([("TARGETS_MISMATCH", len(w["drawn"]), len(g["drawn"]))])
    first_diff([("TEAMS_MISMATCH", len(d.initial), len(o["teams"]))])  # 11
    for w, g in zip(d.initial, o["teams"]):
        diff_team("TEAMS_MISMATCH", w, g)
    for a in o["amendments"]:  # 12
        got = d.apply(a["kind"], a["target"], a["recused"], a["reason"])
        first_diff([("AMENDMENT_MISMATCH", got["recused"], a["recused"]),
                    ("AMENDMENT_MISMATCH", got["replacement"] is None, a["replacement"] is None),
                    ("AMENDMENT_MISMATCH", got["replacement"], a["replacement"])])
        diff_team("AMENDMENT_MISMATCH", got["team"], a["team"])
    return {"pr": pr, "commitment": want, "digest": digest, "seed": seed, "secret": secret, "draw": d}


def result_of(raw: bytes) -> str:
    """VALID, or the cause of the first failure (§11.2)."""
    try:
        verify(parse_bundle(raw))
    except Fail as f:
        return f.code
    return "VALID"


# --- the whole draw from its inputs (§12.1) -----------------------------------------------------------

def draw_from_inputs(inp):
    """What the hub does — freeze, commit, draw, amend — and the bundle it publishes."""
    frame = frame_from_lists(inp["frame"]["strata"])
    pr = prepare(frame, inp["params"], inp["inspectors"], inp["conflicts"], inp["rotation"])
    secret = bytes.fromhex(inp["secret"])
    c = make_commitment(pr, sha256(secret))
    digest = sha256(canon_bytes(c))
    seed = sha256(seed_input(digest, secret, inp["entropy"]))
    d = Draw(pr, seed)
    amendments = [d.apply(a["kind"], a["target"], a["recused"], a["reason"]) for a in inp["amendments"]]
    return {
        "algorithm": ALG, "commitment": c, "commitmentDigest": digest.hex(), "frame": frame,
        "inspectors": pr["pool"], "conflicts": pr["conflicts"], "rotation": pr["rotation"],
        "entropy": inp["entropy"], "secret": inp["secret"],
        "outcome": {"seed": seed.hex(), "strata": d.strata, "teams": d.initial, "amendments": amendments},
    }


# --- tampered.json: patches of bundle.json ------------------------------------------------------------

def apply_patch(text: str, ops):
    if ops and ops[0]["op"] == "text":
        for op in ops:
            if op["op"] != "text" or op["find"] not in text:
                raise Mismatch(f"text step {op} does not apply")
            text = text.replace(op["find"], op["replace"], 1)
        return text
    if not ops:
        return text
    doc = json.loads(text)
    for op in ops:
        parts = op["path"].split("/")[1:]
        parent = doc
        for p in parts[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent[p]
        last = parts[-1]
        if isinstance(parent, list):
            i = len(parent) if last == "-" else int(last)
            if op["op"] == "add":
                parent.insert(i, op["value"])
            elif op["op"] == "replace":
                parent[i] = op["value"]
            elif op["op"] == "remove":
                del parent[i]
        else:
            if op["op"] in ("add", "replace"):
                if op["op"] == "replace" and last not in parent:
                    raise Mismatch(f"{op} does not apply")
                parent[last] = op["value"]
            elif op["op"] == "remove":
                del parent[last]
    return json.dumps(doc, ensure_ascii=False)


# --- main ------------------------------------------------------------------------------------------------

def check_vectors(v, checks):
    expect("algorithm", v["algorithm"], ALG)
    for cv in v["canonicalJson"]:
        got = canon(cv["value"])
        expect("canonical JSON", got, cv["canonical"])
        # §2: for this value set the result equals Python's json.dumps with these settings.
        expect("json.dumps equivalence", json.dumps(cv["value"], sort_keys=True, separators=(",", ":"), ensure_ascii=False), got)
        expect("canonical JSON sha256", sha256(u8(got)).hex(), cv["sha256"])
        checks["canonical JSON"] += 1
    for lv in v["leaves"]:
        leaf = leaf_bytes(lv["stratum"], lv["key"], lv["reason"])
        expect(f"leaf {lv['key']}", leaf.hex(), lv["leaf"])
        expect(f"leaf hash {lv['key']}", leaf_hash(leaf).hex(), lv["leafHash"])
        checks["leaves"] += 1
    for cv in v["counts"]:
        expect(f"count N={cv['eligible']} {cv['spec']}", draw_count(cv["spec"], cv["eligible"]), cv["draw"])
        checks["counts"] += 1

    bundle = v["bundle"]
    check_shape(bundle, BUNDLE)
    r = verify(bundle)
    checks["bundle verified"] += 1
    e = v["expected"]
    frame = bundle["frame"]
    hashes = [leaf_hash(x) for x in frame_leaves(frame)]
    expect("frame leaf hashes", [h.hex() for h in hashes], e["frameLeafHashes"])
    expect("prefix roots", [mth(hashes[:k]).hex() for k in range(len(hashes) + 1)], e["prefixRoots"])
    checks["Merkle roots"] += len(hashes) + 1
    c = r["commitment"]
    expect("frame root", c["frameRoot"], e["frameRoot"])
    expect("inspector pool canonical", canon(normalize_pool(bundle["inspectors"])), e["inspectorPoolCanonical"])
    for k in ("inspectorPoolDigest", "conflictDigest", "rotationDigest", "secretHash"):
        expect(k, c[k], e[k])
    expect("commitment canonical", canon(c), e["commitmentCanonical"])
    expect("commitment digest", r["digest"].hex(), e["commitmentDigest"])
    expect("seed input", seed_input(r["digest"], r["secret"], bundle["entropy"]).hex(), e["seedInput"])
    expect("seed", r["seed"].hex(), e["seed"])
    checks["commitment and seed"] += 1
    seed = r["seed"]
    tickets = [{"stratum": s["name"], "key": k, "ticket": ticket(seed, s["name"], k).hex()}
               for s in frame["strata"] for k in s["eligible"]]
    expect("tickets", tickets, e["tickets"])
    checks["tickets"] += len(tickets)
    order = [{"stratum": s, "drawn": [{"key": k, "ticket": t.hex()} for t, k in o]} for s, o in r["draw"].orders.items()]
    expect("ticket order", order, e["ticketOrder"])
    first = frame["strata"][0]
    expect("first ticket input", ticket_input(seed, first["name"], first["eligible"][0]).hex(), e["firstTicketInput"])
    fresh = Teams(r["pr"], seed)
    ranking = [{"inspector": x["key"], "rank": rk.hex()} for rk, x in fresh.eligible(e["rankingTarget"], set(), ignore_load=True)]
    expect("inspector ranking", ranking, e["ranking"])
    expect("first inspector rank input", rank_input(seed, e["rankingTarget"], ranking[0]["inspector"]).hex(), e["firstInspectorRankInput"])
    checks["ranks"] += len(ranking)
    for sv in v["seedVariants"]:
        expect(f"seed for entropy {sv['entropy']!r}", sha256(seed_input(r["digest"], r["secret"], sv["entropy"])).hex(), sv["seed"])
        checks["seed variants"] += 1


def main(d):
    from collections import Counter
    checks = Counter()
    read = lambda name: open(os.path.join(d, name), "rb").read()

    v = json.loads(read("vectors.json"))
    check_vectors(v, checks)

    bundle_raw = read("bundle.json")
    published = parse_bundle(bundle_raw)
    built = draw_from_inputs(json.loads(read("inputs.json")))
    same = lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False)  # the bundle has a null: not canon()
    expect("bundle drawn from inputs.json = bundle.json", same(built), same(published))
    expect("bundle drawn from inputs.json = the bundle of vectors.json", same(built), same(v["bundle"]))
    checks["draw from inputs.json"] += 1

    tf = json.loads(read("tampered.json"))
    base = read(tf["base"]).decode("utf-8")
    for case in tf["cases"]:
        got = result_of(apply_patch(base, case["patch"]).encode("utf-8"))
        expect(f"tampered case {case['name']!r}", got, case["expect"])
        checks["tampered cases" if case["expect"] != "VALID" else "valid variants"] += 1

    events = os.path.join(d, "events")
    if os.path.isdir(events):
        import reimpl_events  # noqa: E402 — only when the event-log vectors exist
        reimpl_events.check(events, sys.modules[__name__], checks)

    print("ALL OK: " + ", ".join(f"{n} {k}" for k, n in checks.items()))


if __name__ == "__main__":
    sys.dont_write_bytecode = True  # nothing written into testdata
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__)))
    except (Mismatch, Fail, KeyError, ValueError) as err:
        print(f"MISMATCH: {type(err).__name__}: {err}")
        sys.exit(1)
