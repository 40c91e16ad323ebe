"""The verifiable draw of docs/rules.md §5, as pure functions.

Every draw on the platform (the full order of a ``random`` task, a tie break, the average-price
factor, an expert panel) is computed here and nowhere else, so that the published record can be
recomputed byte for byte by anyone: by :func:`verify_record` inside the project and by the
standard-library-only ``verify_draw_standalone.py`` outside it. Nothing here touches Flask, the
database or the clock; storing the seed and choosing when to reveal it are the callers' business.

Byte layout (all hashes SHA-256, all hex lowercase):

* ``commitment = hex(SHA-256(seed))``, ``seed`` being 32 random bytes.
* ``key = SHA-256(seed ‖ UTF-8(task number) ‖ UTF-8("\\n".join(sorted receipts)) [‖ beacon])``,
  raw bytes, no separators. When a deployment uses a public randomness beacon, the raw bytes of the
  beacon's value come **last, after the receipts**; without a beacon nothing is appended.
* pick ``i`` (0-based) = ``int.from_bytes(SHA-256(key ‖ UTF-8(purpose) ‖ i as 4 big-endian
  bytes), "big") mod (candidates left)``; the picked candidate is taken out before the next pick.

"Sorted" means Python's ``sorted`` on the strings (code-point order), which is what an outsider's
verifier in any language reproduces most easily; for panels it means expert ids sorted *as strings*.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "AWARD",
    "FACTOR",
    "FACTOR_CANDIDATES",
    "PANEL",
    "commitment",
    "draw",
    "draw_key",
    "has_draws",
    "is_valid_purpose",
    "new_seed",
    "pick_index",
    "tie_purpose",
    "verify_record",
]

SEED_BYTES = 32

AWARD = "award"
FACTOR = "factor"
PANEL = "panel"
# Percentages, as strings because every candidate is a string in the record.
FACTOR_CANDIDATES: list[str] = ["95", "96", "97", "98"]

_HEX64 = re.compile(r"[0-9a-f]{64}")
_PURPOSE = re.compile(r"award|factor|panel|tie:[1-9][0-9]*")
_BEACON = re.compile(r"(?:[0-9a-f]{2})+")
_MAX_PICK_INDEX = 2**32  # i is encoded on 4 bytes


def tie_purpose(rank: int) -> str:
    """Purpose of the draw that breaks the tie group at a 1-based ``rank`` (``"tie:<rank>"``)."""
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
        raise ValueError(f"tie rank must be an int >= 1, got {rank!r}")
    return f"tie:{rank}"


def is_valid_purpose(purpose: str) -> bool:
    """Whether ``purpose`` is one the design defines; the verifier refuses any other."""
    return isinstance(purpose, str) and _PURPOSE.fullmatch(purpose) is not None


def new_seed() -> bytes:
    """A fresh seed, made when a task is published and committed to before any bid exists."""
    return secrets.token_bytes(SEED_BYTES)


def _check_seed(seed: bytes) -> None:
    if not isinstance(seed, bytes) or len(seed) != SEED_BYTES:
        raise ValueError(f"seed must be {SEED_BYTES} bytes")


def commitment(seed: bytes) -> str:
    """The published commitment to ``seed``: lowercase hex SHA-256."""
    _check_seed(seed)
    return hashlib.sha256(seed).hexdigest()


def draw_key(
    seed: bytes,
    task_number: str,
    receipts: Iterable[str],
    beacon: bytes | None = None,
) -> bytes:
    """The task's draw key from the seed and the receipts of every bid standing at the deadline.

    Receipts are sorted here so that the key does not depend on the order the caller read them in.
    They must be canonical (64 lowercase hex characters) and distinct: a receipt written in another
    case would silently change the key. ``beacon`` (the raw value of the first public-beacon round
    after the deadline) is appended after the receipts; ``None`` means the deployment names none.
    """
    _check_seed(seed)
    if not isinstance(task_number, str) or not task_number:
        raise ValueError("task_number must be a non-empty string")
    ordered = sorted(receipts)
    for receipt in ordered:
        if not isinstance(receipt, str) or not _HEX64.fullmatch(receipt):
            raise ValueError(f"receipt is not 64 lowercase hex characters: {receipt!r}")
    if len(set(ordered)) != len(ordered):
        raise ValueError("receipts contain duplicates")
    material = seed + task_number.encode("utf-8") + "\n".join(ordered).encode("utf-8")
    if beacon is not None:
        if not isinstance(beacon, bytes) or not beacon:
            raise ValueError("beacon must be non-empty bytes, or None")
        material += beacon
    return hashlib.sha256(material).digest()


def pick_index(key: bytes, purpose: str, i: int, n: int) -> int:
    """Index (in ``range(n)``) of pick ``i`` among the ``n`` candidates still left.

    The modulo bias of a 256-bit number reduced mod ``n`` < 2**16 is below 2**-240: negligible, and
    simpler for outside verifiers than rejection sampling.
    """
    if not isinstance(key, bytes) or len(key) != hashlib.sha256().digest_size:
        raise ValueError("key must be the 32-byte draw key")
    if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < _MAX_PICK_INDEX:
        raise ValueError(f"pick number must be an int in [0, 2**32), got {i!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"number of candidates must be an int >= 1, got {n!r}")
    digest = hashlib.sha256(key + purpose.encode("utf-8") + i.to_bytes(4, "big")).digest()
    return int.from_bytes(digest, "big") % n


def draw(
    key: bytes,
    purpose: str,
    candidates: Sequence[str],
    picks: int | None = None,
) -> list[str]:
    """Draw ``picks`` candidates in order (``None``: all of them, i.e. the full order).

    Candidates are used in the order given; the design has callers sort them, and the verifier
    checks that the published list is sorted. Because picks are sequential, ``draw(..., k)`` is
    always the first ``k`` of the full order, so "the next one moves up" needs no second draw.
    """
    if not is_valid_purpose(purpose):
        raise ValueError(f"unknown draw purpose: {purpose!r}")
    left = list(candidates)
    if not left:
        raise ValueError("a draw needs at least one candidate")
    if not all(isinstance(c, str) for c in left):
        raise ValueError("candidates must be strings")
    if len(set(left)) != len(left):
        raise ValueError("candidates contain duplicates")
    count = len(left) if picks is None else picks
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= len(left):
        raise ValueError(f"picks must be between 1 and {len(left)}, got {picks!r}")
    return [left.pop(pick_index(key, purpose, i, len(left))) for i in range(count)]


def _draw_problems(purpose: Any, cands: Any, picks: Any, receipts: set[str]) -> list[str]:
    """The rules a published draw must follow; its picks are recomputed only if it follows them all.

    Sorted candidates, a known purpose and the fixed factor list are what stop the platform from
    steering a draw: with a free choice of order or purpose, it could choose the winner.
    """
    problems: list[str] = []
    if not _PURPOSE.fullmatch(purpose):
        problems.append("unknown purpose")
    if not (cands and all(isinstance(c, str) for c in cands) and cands == sorted(set(cands))):
        problems.append("candidates are not a non-empty sorted list of distinct strings")
    elif (purpose == AWARD or purpose.startswith("tie:")) and not set(cands) <= receipts:
        problems.append("candidates are not all published receipts")
    if purpose == FACTOR and cands != FACTOR_CANDIDATES:
        problems.append(f"candidates are not {FACTOR_CANDIDATES}")
    if not 1 <= len(picks) <= len(cands):
        problems.append("number of picks is out of range")
    elif purpose == AWARD and len(picks) != len(cands):
        problems.append("picks are not the full order")
    return problems


def verify_record(record: dict[str, Any]) -> list[str]:
    """Recompute a published draw record; return the discrepancies found (empty: verified).

    A record without ``seed_hex`` and with no draws is that of a task that made no draw (yet): it
    verifies (see `has_draws`), unless ``draws_withheld`` says a panel's draw is kept back.

    Record keys: ``task_number``, ``commitment``, ``seed_hex``, ``receipts`` (list of
    ``{"receipt", "agency"}``), optional ``beacon_hex`` (with ``beacon_round`` naming the round;
    checking the value against the beacon itself needs the network and is left to the reader),
    optional ``key_hex``, and ``draws`` (list of ``{"purpose", "candidates", "picks"}``).

    The checks, their order and their messages are those of ``verify_draw_standalone.py``, so the
    two verifiers can be compared on any well-formed record; on a malformed one both give a single
    "record is malformed" line.
    """
    try:
        return _verify(record)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return [f"record is malformed: {exc!r}"]


def has_draws(record: dict[str, Any]) -> bool:
    """Whether the record has a draw to recompute: False for a task that made none (or none yet),
    whose record carries no seed; such a record verifies as "no draw"."""
    return "seed_hex" in record or record["draws"] != []


def _verify(record: dict[str, Any]) -> list[str]:
    if not has_draws(record) and record["task_number"]:  # nothing drawn, or nothing shown yet
        return ["draws are withheld until the result"] if record.get("draws_withheld") else []
    seed: str = record["seed_hex"]
    task: str = record["task_number"]
    # Nothing else is worth checking against a seed other than the one committed to.
    if not _HEX64.fullmatch(seed) or commitment(bytes.fromhex(seed)) != record["commitment"]:
        return ["seed_hex is not a 32-byte seed whose SHA-256 is the commitment"]
    unusable = [] if task else ["task_number is empty"]  # problems that leave no key to recompute
    receipts: list[str] = []
    for k, entry in enumerate(record["receipts"]):
        receipt = entry["receipt"]
        if not _HEX64.fullmatch(receipt) or receipt in receipts or not entry["agency"]:
            unusable.append(f"receipts[{k}] is not a new 64-lowercase-hex receipt with an agency")
        receipts.append(receipt)
    beacon_hex = record.get("beacon_hex")
    if beacon_hex is not None and not _BEACON.fullmatch(beacon_hex):
        unusable.append("beacon_hex is not lowercase hex")
    if unusable:
        return unusable
    beacon = bytes.fromhex(beacon_hex) if beacon_hex is not None else None
    key = draw_key(bytes.fromhex(seed), task, receipts, beacon)
    out: list[str] = []
    if record.get("key_hex") not in (None, key.hex()):
        out.append("key_hex is not the recomputed key")
    for n, entry in enumerate(record["draws"]):
        purpose, cands, picks = entry["purpose"], entry["candidates"], entry["picks"]
        problems = _draw_problems(purpose, cands, picks, set(receipts))
        if not problems:
            recomputed = draw(key, purpose, cands, len(picks))
            if recomputed != picks:
                problems.append(f"recorded picks {picks} differ from recomputed {recomputed}")
        out.extend(f"draws[{n}] ({purpose}): {problem}" for problem in problems)
    return out
