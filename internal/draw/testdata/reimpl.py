#!/usr/bin/env python3
"""Independent re-implementation of ssgk-draw/v1 from docs/draw-algorithm.md.

Standard library only (hashlib, json). Reads testdata/vectors.json and recomputes every value in
it — canonical JSON, leaves, Merkle roots, counts, digests, commitment, seed, tickets, selection,
inspector ranking, teams, recusals and replacements — then verifies the bundle as a stranger
would. Prints "ALL OK" and exits 0, or prints the first difference and exits 1.

Usage: python3 reimpl.py [vectors.json]
"""

import hashlib
import json
import sys

ALG = "ssgk-draw/v1"
REASONS = {"CLOSED", "RECENTLY_INSPECTED", "YEARLY_CAP", "OUT_OF_SCOPE"}
PPM = 1_000_000


class Mismatch(Exception):
    pass


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def expect(what, got, want):
    if got != want:
        raise Mismatch(f"{what}: computed {got!r}, file has {want!r}")


# --- §2 canonical JSON -------------------------------------------------------------------------

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
        return str(v)
    if isinstance(v, str):
        return quote(v)
    if isinstance(v, list):
        return "[" + ",".join(canon(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-8"))
        return "{" + ",".join(quote(k) + ":" + canon(v[k]) for k in keys) + "}"
    raise Mismatch(f"value not allowed in canonical JSON: {v!r}")  # null, floats


def canon_bytes(v) -> bytes:
    return canon(v).encode("utf-8")


def b(s: str) -> bytes:
    return s.encode("utf-8")


def bkey(s: str) -> bytes:
    """Bytewise order of UTF-8 strings."""
    return s.encode("utf-8")


def valid_name(s: str) -> bool:
    return isinstance(s, str) and s != "" and "\x00" not in s


# --- §3 frame leaves and Merkle root -------------------------------------------------------------

def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def leaf_bytes(stratum: str, key: str, reason: str) -> bytes:
    s, k, r = b(stratum), b(key), b(reason)
    status = b"\x01" if reason else b"\x00"
    return b(ALG) + b"\x00leaf\x00" + u32(len(s)) + s + u32(len(k)) + k + status + u32(len(r)) + r


def leaf_hash(leaf: bytes) -> bytes:
    return sha256(b"\x00" + leaf)


def mth(leaf_hashes):
    n = len(leaf_hashes)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaf_hashes[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return sha256(b"\x01" + mth(leaf_hashes[:k]) + mth(leaf_hashes[k:]))


def check_frame(frame):
    seen = set()
    names = [s["name"] for s in frame["strata"]]
    if [bkey(n) for n in names] != sorted(set(bkey(n) for n in names)):
        raise Mismatch("frame strata not strictly ascending")
    for s in frame["strata"]:
        if not valid_name(s["name"]):
            raise Mismatch("bad stratum name")
        el = s["eligible"]
        ex = [e["key"] for e in s["excluded"]]
        for lst in (el, ex):
            if [bkey(k) for k in lst] != sorted(set(bkey(k) for k in lst)):
                raise Mismatch(f"keys of stratum {s['name']} not strictly ascending")
        for k in el + ex:
            if not valid_name(k) or k in seen:
                raise Mismatch(f"bad or repeated key {k}")
            seen.add(k)
        for e in s["excluded"]:
            if e["reason"] not in REASONS:
                raise Mismatch(f"bad reason {e['reason']}")


def frame_leaves(frame):
    out = []
    for s in sorted(frame["strata"], key=lambda s: bkey(s["name"])):
        entries = [(k, "") for k in s["eligible"]] + [(e["key"], e["reason"]) for e in s["excluded"]]
        for k, r in sorted(entries, key=lambda e: bkey(e[0])):
            out.append(leaf_bytes(s["name"], k, r))
    return out


# --- §5 counts -------------------------------------------------------------------------------------

def draw_count(spec, n_eligible):
    if spec["mode"] == "RATIO":
        return (n_eligible * spec["ratioPpm"] + PPM - 1) // PPM
    if spec["mode"] == "COUNT":
        return min(spec["count"], n_eligible)
    raise Mismatch("bad mode")


# --- §4 parameters, pool, commitment -------------------------------------------------------------

def sorted_set(xs):
    return sorted(set(xs), key=bkey)


def check_params(p):
    def strictly_sorted(xs):
        return [bkey(x) for x in xs] == sorted(set(bkey(x) for x in xs))

    if not strictly_sorted([s["name"] for s in p["strata"]]) or not strictly_sorted([i["code"] for i in p["items"]]):
        raise Mismatch("params not canonical (strata/items order)")
    if not strictly_sorted(p["participants"]) or p["initiator"] in p["participants"]:
        raise Mismatch("params not canonical (participants)")
    for it in p["items"]:
        if not strictly_sorted(it["qualifications"]):
            raise Mismatch("params not canonical (qualifications)")
    if p["rounding"] != "CEIL":
        raise Mismatch("rounding must be CEIL")
    team = p["team"]
    required = required_departments(p)
    if team["size"] < 2 or team["size"] < len(required):
        raise Mismatch("team size below 2 or below the number of required departments")
    caps = [it["maxRatioPpm"] for it in p["items"] if it["category"] == "GENERAL"]
    for s in p["strata"]:
        if s["mode"] == "RATIO" and caps and s["ratioPpm"] > min(caps):
            raise Mismatch("ratio above a GENERAL item's cap")


def departments(p):
    return sorted_set([p["initiator"]] + p["participants"])


def required_departments(p):
    return sorted_set([p["initiator"]] + [it["department"] for it in p["items"]])


def required_qualifications(p):
    m = {}
    for it in p["items"]:
        m.setdefault(it["department"], set()).update(it["qualifications"])
    return m


def normalize_pool(pool):
    out = []
    for x in sorted(pool, key=lambda x: bkey(x["key"])):
        out.append({
            "key": x["key"], "department": x["department"], "expert": x["expert"], "active": x["active"],
            "certificateExpires": x["certificateExpires"], "qualifications": sorted_set(x["qualifications"]),
        })
    return out


def normalize_pairs(pairs):
    uniq = {(bkey(x["inspector"]), bkey(x["target"])): x for x in pairs}
    return [{"inspector": uniq[k]["inspector"], "target": uniq[k]["target"]} for k in sorted(uniq)]


def commitment(frame, params, pool, conflicts, rotation, secret):
    by_name = {s["name"]: s for s in frame["strata"]}
    for name in by_name:
        if name not in {s["name"] for s in params["strata"]}:
            raise Mismatch(f"frame stratum {name} not declared")
    strata = []
    for spec in params["strata"]:
        fs = by_name.get(spec["name"], {"eligible": [], "excluded": []})
        n_el = len(fs["eligible"])
        strata.append({"name": spec["name"], "eligible": n_el, "excluded": len(fs["excluded"]),
                       "draw": draw_count(spec, n_el)})
    leaves = frame_leaves(frame)
    return {
        "algorithm": ALG,
        "params": params,
        "frameRoot": mth([leaf_hash(l) for l in leaves]).hex(),
        "frameSize": len(leaves),
        "strata": strata,
        "inspectorPoolDigest": sha256(canon_bytes(normalize_pool(pool))).hex(),
        "conflictDigest": sha256(canon_bytes(normalize_pairs(conflicts))).hex(),
        "rotationDigest": sha256(canon_bytes(normalize_pairs(rotation))).hex(),
        "secretHash": sha256(secret).hex(),
    }


# --- §6 seed, §7 tickets and selection -------------------------------------------------------------

def seed_input(digest: bytes, secret: bytes, entropy: str) -> bytes:
    return b(ALG) + b"\x00" + digest + b"\x00" + secret + b"\x00" + b(entropy)


def ticket_input(seed: bytes, stratum: str, key: str) -> bytes:
    return seed + b"target\x00" + b(stratum) + b"\x00" + b(key)


def ticket(seed, stratum, key):
    return sha256(ticket_input(seed, stratum, key))


def ticket_order(seed, stratum, keys):
    """The whole stratum by (ticket, key) — the reference meaning of "the n smallest"."""
    return sorted(((ticket(seed, stratum, k), k) for k in keys), key=lambda tk: (tk[0], bkey(tk[1])))


# --- §8 teams ---------------------------------------------------------------------------------------

def rank_input(seed, target, inspector):
    return seed + b"inspector\x00" + b(target) + b"\x00" + b(inspector)


def rank(seed, target, inspector):
    return sha256(rank_input(seed, target, inspector))


class PoolExhausted(Exception):
    def __init__(self, target, rule):
        super().__init__(f"POOL_EXHAUSTED {rule} for {target}")
        self.target, self.rule = target, rule


class Teams:
    def __init__(self, params, pool, conflicts, rotation, seed):
        self.p, self.seed = params, seed
        depts = departments(params)
        quals = required_qualifications(params)
        end = params["window"]["end"]
        self.pool = []
        for x in normalize_pool(pool):
            if not x["active"] or x["department"] not in depts:
                continue
            # certificate valid on every inspection day; experts need none
            if not x["expert"] and (x["certificateExpires"] == "" or x["certificateExpires"] < end):
                continue
            if not quals.get(x["department"], set()) <= set(x["qualifications"]):
                continue
            self.pool.append(x)
        self.blocked = {(c["inspector"], c["target"]) for c in conflicts} | {(a["inspector"], a["target"]) for a in rotation}
        self.load = {}

    def eligible(self, target, recused, ignore_load=False):
        cap = self.p["team"]["maxPerInspector"]
        out = []
        for x in self.pool:
            if (x["key"], target) in self.blocked or x["key"] in recused:
                continue
            if not ignore_load and cap > 0 and self.load.get(x["key"], 0) >= cap:
                continue
            out.append((rank(self.seed, target, x["key"]), x))
        out.sort(key=lambda rx: (rx[0], bkey(rx[1]["key"])))
        return out

    def assign(self, target, stratum, position, tk, recused):
        elig = self.eligible(target, recused)
        officers = [rx for rx in elig if not rx[1]["expert"]]
        experts = [rx for rx in elig if rx[1]["expert"]]
        chosen = []
        for d in required_departments(self.p):
            i = next((i for i, rx in enumerate(officers) if rx[1]["department"] == d), None)
            if i is None:
                raise PoolExhausted(target, "DEPARTMENT_COVERAGE")
            if i not in chosen:
                chosen.append(i)
        i = 0
        while len(chosen) < self.p["team"]["size"]:
            if i == len(officers):
                raise PoolExhausted(target, "MIN_INSPECTORS")
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


# --- the whole draw -------------------------------------------------------------------------------

def run(bundle):
    """Verify a bundle from scratch; return the recomputed intermediate values."""
    if bundle["algorithm"] != ALG or bundle["commitment"]["algorithm"] != ALG:
        raise Mismatch("algorithm")
    frame, params = bundle["frame"], bundle["commitment"]["params"]
    check_frame(frame)
    check_params(params)
    secret = bytes.fromhex(bundle["secret"])
    if len(secret) != 32:
        raise Mismatch("secret must be 32 bytes")
    c = commitment(frame, params, bundle["inspectors"], bundle["conflicts"], bundle["rotation"], secret)
    expect("commitment", canon(c), canon(bundle["commitment"]))
    digest = sha256(canon_bytes(c))
    expect("commitment digest", digest.hex(), bundle["commitmentDigest"])
    entropy = bundle["entropy"]
    seed = sha256(seed_input(digest, secret, entropy))
    out = bundle["outcome"]
    expect("seed", seed.hex(), out["seed"])

    # targets
    by_name = {s["name"]: s for s in frame["strata"]}
    orders, draws = {}, []
    for st in c["strata"]:
        keys = by_name.get(st["name"], {"eligible": []})["eligible"]
        orders[st["name"]] = ticket_order(seed, st["name"], keys)
        draws.append({"stratum": st["name"],
                      "drawn": [{"key": k, "ticket": t.hex()} for t, k in orders[st["name"]][: st["draw"]]]})
    expect("drawn targets", draws, out["strata"])

    # teams, in global ticket order
    teams = Teams(params, bundle["inspectors"], bundle["conflicts"], bundle["rotation"], seed)
    slots = []
    for d in draws:
        for pos, p in enumerate(d["drawn"]):
            slots.append((bytes.fromhex(p["ticket"]), p["key"], d["stratum"], pos))
    slots.sort(key=lambda s: (s[0], bkey(s[1])))
    initial = [teams.assign(k, s, pos, t, set()) for t, k, s, pos in slots]
    expect("teams", initial, out["teams"])

    # amendments, in order
    current = {t["target"]: t for t in initial}
    drawn_n = {st["name"]: st["draw"] for st in c["strata"]}
    replaced = {}
    recused = {}
    for idx, a in enumerate(out["amendments"]):
        cur = current.get(a["target"])
        if cur is None:
            raise Mismatch(f"amendment {idx + 1}: {a['target']} is not a current target")
        if a["kind"] == "RECUSE":
            rs = sorted_set(a["recused"])
            expect(f"amendment {idx + 1} recused list", rs, a["recused"])
            if not rs or any(r not in {m["inspector"] for m in cur["members"]} for r in rs):
                raise Mismatch(f"amendment {idx + 1}: recused inspector not in the team")
            recused.setdefault(a["target"], set()).update(rs)
            teams.release(cur)
            team = teams.assign(a["target"], cur["stratum"], cur["position"], bytes.fromhex(cur["ticket"]), recused[a["target"]])
            expect(f"amendment {idx + 1} replacement", None, a["replacement"])
            current[a["target"]] = team
        elif a["kind"] == "REPLACE":
            s = cur["stratum"]
            r = drawn_n[s] + replaced.get(s, 0)
            if r >= len(orders[s]):
                raise Mismatch(f"amendment {idx + 1}: replacement order exhausted")
            t, k = orders[s][r]
            expect(f"amendment {idx + 1} replacement", {"key": k, "ticket": t.hex()}, a["replacement"])
            expect(f"amendment {idx + 1} recused list", [], a["recused"])
            teams.release(cur)
            team = teams.assign(k, s, r, t, set())
            replaced[s] = replaced.get(s, 0) + 1
            del current[a["target"]]
            current[k] = team
        else:
            raise Mismatch(f"amendment {idx + 1}: unknown kind {a['kind']}")
        expect(f"amendment {idx + 1} team", team, a["team"])

    return {"commitment": c, "digest": digest, "seed": seed, "secret": secret, "orders": orders, "teams": teams}


def main(path):
    with open(path, encoding="utf-8") as f:
        v = json.load(f)
    expect("algorithm", v["algorithm"], ALG)
    checks = 0

    for cv in v["canonicalJson"]:
        got = canon(cv["value"])
        expect("canonical JSON", got, cv["canonical"])
        # The document claims equivalence with Python's own canonical settings.
        expect("json.dumps equivalence", json.dumps(cv["value"], sort_keys=True, separators=(",", ":"), ensure_ascii=False), got)
        expect("canonical JSON sha256", sha256(b(got)).hex(), cv["sha256"])
        checks += 3

    for lv in v["leaves"]:
        leaf = leaf_bytes(lv["stratum"], lv["key"], lv["reason"])
        expect(f"leaf {lv['key']}", leaf.hex(), lv["leaf"])
        expect(f"leaf hash {lv['key']}", leaf_hash(leaf).hex(), lv["leafHash"])
        checks += 2

    for cv in v["counts"]:
        expect(f"count N={cv['eligible']} {cv['spec']}", draw_count(cv["spec"], cv["eligible"]), cv["draw"])
        checks += 1

    bundle = v["bundle"]
    r = run(bundle)
    checks += 6  # commitment, digest, seed, targets, teams, amendments

    e = v["expected"]
    frame = bundle["frame"]
    hashes = [leaf_hash(l) for l in frame_leaves(frame)]
    expect("frame leaf hashes", [h.hex() for h in hashes], e["frameLeafHashes"])
    expect("prefix roots", [mth(hashes[:k]).hex() for k in range(len(hashes) + 1)], e["prefixRoots"])
    expect("frame root", r["commitment"]["frameRoot"], e["frameRoot"])
    expect("inspector pool canonical", canon(normalize_pool(bundle["inspectors"])), e["inspectorPoolCanonical"])
    for k in ("inspectorPoolDigest", "conflictDigest", "rotationDigest", "secretHash"):
        expect(k, r["commitment"][k], e[k])
    expect("commitment canonical", canon(r["commitment"]), e["commitmentCanonical"])
    expect("commitment digest", r["digest"].hex(), e["commitmentDigest"])
    expect("seed input", seed_input(r["digest"], r["secret"], bundle["entropy"]).hex(), e["seedInput"])
    expect("seed", r["seed"].hex(), e["seed"])
    checks += 12

    seed = r["seed"]
    tickets = [{"stratum": s["name"], "key": k, "ticket": ticket(seed, s["name"], k).hex()}
               for s in frame["strata"] for k in s["eligible"]]
    expect("tickets", tickets, e["tickets"])
    order = [{"stratum": s, "drawn": [{"key": k, "ticket": t.hex()} for t, k in o]} for s, o in r["orders"].items()]
    expect("ticket order", order, e["ticketOrder"])
    first = frame["strata"][0]
    expect("first ticket input", ticket_input(seed, first["name"], first["eligible"][0]).hex(), e["firstTicketInput"])
    fresh = Teams(bundle["commitment"]["params"], bundle["inspectors"], bundle["conflicts"], bundle["rotation"], seed)
    ranking = [{"inspector": x["key"], "rank": rk.hex()} for rk, x in fresh.eligible(e["rankingTarget"], set(), ignore_load=True)]
    expect("inspector ranking", ranking, e["ranking"])
    expect("first inspector rank input", rank_input(seed, e["rankingTarget"], ranking[0]["inspector"]).hex(), e["firstInspectorRankInput"])
    checks += 5

    for sv in v["seedVariants"]:
        expect(f"seed for entropy {sv['entropy']!r}", sha256(seed_input(r["digest"], r["secret"], sv["entropy"])).hex(), sv["seed"])
        checks += 1

    print(f"ALL OK: {checks} checks of {path} — canonical JSON, {len(v['leaves'])} leaves, "
          f"{len(hashes)}-leaf frame root and {len(hashes) + 1} prefix roots, {len(v['counts'])} counts, commitment, seed, "
          f"{len(tickets)} tickets, selection, ranking, {len(bundle['outcome']['teams'])} teams, "
          f"{len(bundle['outcome']['amendments'])} amendments, {len(v['seedVariants'])} seed variants")


if __name__ == "__main__":
    try:
        main(sys.argv[1] if len(sys.argv) > 1 else "vectors.json")
    except (Mismatch, PoolExhausted) as err:
        print(f"MISMATCH: {err}")
        sys.exit(1)
