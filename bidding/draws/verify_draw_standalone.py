"""Verify a published draw record (docs/draw.md), standard library only: copy this file anywhere.
Usage: python verify_draw_standalone.py RECORD.json (or - for stdin). Prints OK (OK: no draw for a
task that made none) and exits 0 when the record recomputes exactly, else each discrepancy, exit 1."""
import json
import re
import sys
from hashlib import sha256

HEX64, BEACON = re.compile(r"[0-9a-f]{64}"), re.compile(r"(?:[0-9a-f]{2})+")
PURPOSE, FACTORS = re.compile(r"award|factor|panel|tie:[1-9][0-9]*"), ["95", "96", "97", "98"]


def verify(rec):
    if "seed_hex" not in rec and rec["draws"] == [] and rec["task_number"]:  # nothing drawn yet
        return ["draws are withheld until the result"] if rec.get("draws_withheld") else []
    seed, task, beacon = rec["seed_hex"], rec["task_number"], rec.get("beacon_hex")
    if not HEX64.fullmatch(seed) or sha256(bytes.fromhex(seed)).hexdigest() != rec["commitment"]:
        return ["seed_hex is not a 32-byte seed whose SHA-256 is the commitment"]
    receipts = [e["receipt"] for e in rec["receipts"]]
    fatal = [] if task else ["task_number is empty"]  # problems that leave no key to recompute
    for k, e in enumerate(rec["receipts"]):
        if not HEX64.fullmatch(receipts[k]) or receipts[k] in receipts[:k] or not e["agency"]:
            fatal.append(f"receipts[{k}] is not a new 64-lowercase-hex receipt with an agency")
    if beacon is not None and not BEACON.fullmatch(beacon):
        fatal.append("beacon_hex is not lowercase hex")
    if fatal:
        return fatal
    key = sha256(bytes.fromhex(seed) + task.encode() + "\n".join(sorted(receipts)).encode()
                 + bytes.fromhex(beacon or "")).digest()
    out = [] if rec.get("key_hex") in (None, key.hex()) else ["key_hex is not the recomputed key"]
    for n, d in enumerate(rec["draws"]):
        p, cands, picks, bad = d["purpose"], d["candidates"], d["picks"], []
        if not PURPOSE.fullmatch(p):
            bad.append("unknown purpose")
        if not (cands and all(isinstance(c, str) for c in cands) and cands == sorted(set(cands))):
            bad.append("candidates are not a non-empty sorted list of distinct strings")
        elif (p == "award" or p.startswith("tie:")) and not set(cands) <= set(receipts):
            bad.append("candidates are not all published receipts")
        if p == "factor" and cands != FACTORS:
            bad.append(f"candidates are not {FACTORS}")
        if not 1 <= len(picks) <= len(cands):
            bad.append("number of picks is out of range")
        elif p == "award" and len(picks) != len(cands):
            bad.append("picks are not the full order")
        left = list(cands)  # picks are recomputed only for a well-formed draw
        got = [left.pop(int.from_bytes(sha256(key + p.encode() + i.to_bytes(4, "big")).digest(),
                                       "big") % len(left)) for i in range(0 if bad else len(picks))]
        if not bad and got != picks:
            bad.append(f"recorded picks {picks} differ from recomputed {got}")
        out += [f"draws[{n}] ({p}): {msg}" for msg in bad]
    return out


if __name__ == "__main__":
    try:  # read bytes (fd 0 is stdin), so the console's encoding cannot matter
        problems = verify(rec := json.load(open(0 if sys.argv[1] == "-" else sys.argv[1], "rb")))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems = [f"record is malformed: {exc!r}"]
    print("\n".join(problems) or ("OK" if "seed_hex" in rec else "OK: no draw"))
    sys.exit(1 if problems else 0)
