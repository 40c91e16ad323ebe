"""The verifiable draw reproduces the test vectors of tests/data and refuses what it must (docs/rules.md §5)."""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bidding.draws import spec as d

REPO = Path(__file__).resolve().parents[2]
VECTORS_PATH = Path(__file__).resolve().parents[1] / "data" / "draw-vectors.json"
STANDALONE = REPO / "bidding" / "draws" / "verify_draw_standalone.py"

VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))["draw"]
SEED = bytes.fromhex(VECTORS["seed_hex"])
KEY = bytes.fromhex(VECTORS["key_hex"])
RECEIPTS: list[str] = VECTORS["receipts"]


def vector_record() -> dict[str, Any]:
    """The published record the vectors describe; agencies are placeholders (never hashed)."""
    agencies = [f"9122010100000000{i:02d}" for i in range(len(RECEIPTS))]
    return {
        "task_number": VECTORS["task_number"],
        "commitment": VECTORS["commitment"],
        "seed_hex": VECTORS["seed_hex"],
        "key_hex": VECTORS["key_hex"],
        "receipts": [{"receipt": r, "agency": a} for r, a in zip(RECEIPTS, agencies, strict=True)],
        "draws": copy.deepcopy(VECTORS["draws"]),
    }


def run_standalone(
    script: Path, record: Any, via_stdin: bool, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Run a copy of the standalone verifier in isolated mode (-I): standard library only."""
    text = json.dumps(record, ensure_ascii=False)
    if via_stdin:
        args, stdin = [sys.executable, "-I", str(script), "-"], text
    else:
        path = tmp_path / "record.json"
        path.write_text(text, encoding="utf-8")
        args, stdin = [sys.executable, "-I", str(script), str(path)], None
    return subprocess.run(
        args, input=stdin, capture_output=True, encoding="utf-8", check=False, timeout=60
    )


# --- the vectors -------------------------------------------------------------------------------


def test_vector_receipts_are_the_hashes_of_bid0_to_bid4_sorted() -> None:
    expected = sorted(hashlib.sha256(f"bid{i}".encode("ascii")).hexdigest() for i in range(5))
    assert expected == RECEIPTS


def test_commitment_matches_vector() -> None:
    assert d.commitment(SEED) == VECTORS["commitment"]


def test_key_matches_vector() -> None:
    assert d.draw_key(SEED, VECTORS["task_number"], RECEIPTS) == KEY


def test_key_does_not_depend_on_the_order_receipts_are_given_in() -> None:
    assert d.draw_key(SEED, VECTORS["task_number"], reversed(RECEIPTS)) == KEY


@pytest.mark.parametrize("vector", VECTORS["draws"], ids=lambda v: v["purpose"])
def test_each_vector_draw_reproduces_its_picks(vector: dict[str, Any]) -> None:
    picks = d.draw(KEY, vector["purpose"], vector["candidates"], len(vector["picks"]))
    assert picks == vector["picks"]


def test_award_vector_is_the_full_order() -> None:
    award = next(v for v in VECTORS["draws"] if v["purpose"] == d.AWARD)
    assert d.draw(KEY, d.AWARD, award["candidates"]) == award["picks"]


def test_purpose_helpers_match_the_vector_purposes() -> None:
    assert [v["purpose"] for v in VECTORS["draws"]] == [d.AWARD, d.FACTOR, d.tie_purpose(1)]
    factor = next(v for v in VECTORS["draws"] if v["purpose"] == d.FACTOR)
    assert factor["candidates"] == d.FACTOR_CANDIDATES


def test_pick_index_follows_the_formula() -> None:
    digest = hashlib.sha256(KEY + b"award" + (0).to_bytes(4, "big")).digest()
    assert d.pick_index(KEY, d.AWARD, 0, 5) == int.from_bytes(digest, "big") % 5
    award = VECTORS["draws"][0]
    assert award["candidates"][d.pick_index(KEY, d.AWARD, 0, 5)] == award["picks"][0]


def test_vector_record_verifies() -> None:
    assert d.verify_record(vector_record()) == []


# --- properties --------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 7, 50])
def test_full_order_is_a_permutation_of_the_candidates(n: int) -> None:
    candidates = [f"{i:03d}" for i in range(n)]
    order = d.draw(KEY, d.PANEL, candidates)
    assert sorted(order) == candidates
    assert len(order) == n


def test_fewer_picks_are_the_head_of_the_full_order() -> None:
    candidates = sorted(RECEIPTS)
    full = d.draw(KEY, d.AWARD, candidates)
    for k in range(1, len(candidates) + 1):
        assert d.draw(KEY, d.AWARD, candidates, k) == full[:k]


def test_draw_does_not_modify_the_callers_list() -> None:
    candidates = list(d.FACTOR_CANDIDATES)
    d.draw(KEY, d.FACTOR, candidates, 1)
    assert candidates == ["95", "96", "97", "98"]


def test_purpose_separates_draws_on_the_same_key() -> None:
    candidates = [f"{i:02d}" for i in range(20)]
    assert d.draw(KEY, d.PANEL, candidates) != d.draw(KEY, d.tie_purpose(1), candidates)


def test_new_seed_is_32_fresh_bytes() -> None:
    seeds = {d.new_seed() for _ in range(8)}
    assert len(seeds) == 8
    assert all(len(seed) == 32 for seed in seeds)


def test_beacon_is_appended_after_the_receipts() -> None:
    beacon = bytes(range(32, 64))
    expected = hashlib.sha256(
        SEED + VECTORS["task_number"].encode() + "\n".join(RECEIPTS).encode() + beacon
    ).digest()
    assert d.draw_key(SEED, VECTORS["task_number"], RECEIPTS, beacon) == expected
    assert expected != KEY


def test_tie_purpose_names_the_rank() -> None:
    assert d.tie_purpose(1) == "tie:1"
    assert d.tie_purpose(12) == "tie:12"


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidates", "picks"),
    [
        ([], None),
        (["a", "b", "a"], None),
        (["a", "b"], 3),
        (["a", "b"], 0),
        (["a", "b"], -1),
        (["a", "b"], True),
    ],
    ids=["empty", "duplicates", "too-many-picks", "zero-picks", "negative-picks", "bool-picks"],
)
def test_draw_refuses_bad_candidates_or_picks(candidates: list[str], picks: int | None) -> None:
    with pytest.raises(ValueError):
        d.draw(KEY, d.PANEL, candidates, picks)


@pytest.mark.parametrize("purpose", ["", "Award", "tie:0", "tie:01", "tie:", "factor ", "lottery"])
def test_draw_refuses_a_purpose_the_design_does_not_define(purpose: str) -> None:
    with pytest.raises(ValueError):
        d.draw(KEY, purpose, ["a", "b"])


@pytest.mark.parametrize("rank", [0, -1, True, 1.0])
def test_tie_purpose_refuses_a_rank_that_is_not_a_positive_int(rank: Any) -> None:
    with pytest.raises(ValueError):
        d.tie_purpose(rank)


@pytest.mark.parametrize(
    ("key", "i", "n"),
    [(KEY, 0, 0), (KEY, -1, 3), (KEY, 2**32, 3), (KEY[:16], 0, 3), (KEY, True, 3)],
    ids=["no-candidates", "negative-i", "i-beyond-4-bytes", "short-key", "bool-i"],
)
def test_pick_index_refuses_bad_arguments(key: bytes, i: int, n: int) -> None:
    with pytest.raises(ValueError):
        d.pick_index(key, d.PANEL, i, n)


@pytest.mark.parametrize(
    ("seed", "task", "receipts", "beacon"),
    [
        (SEED[:31], "T-1", RECEIPTS, None),
        (SEED, "", RECEIPTS, None),
        (SEED, "T-1", [RECEIPTS[0].upper()], None),
        (SEED, "T-1", [RECEIPTS[0], RECEIPTS[0]], None),
        (SEED, "T-1", RECEIPTS, b""),
    ],
    ids=["short-seed", "empty-task", "uppercase-receipt", "duplicate-receipt", "empty-beacon"],
)
def test_draw_key_refuses_non_canonical_input(
    seed: bytes, task: str, receipts: list[str], beacon: bytes | None
) -> None:
    with pytest.raises(ValueError):
        d.draw_key(seed, task, receipts, beacon)


# --- verify_record on tampered records ---------------------------------------------------------


def _tamper(change: str) -> dict[str, Any]:
    record = vector_record()
    award, factor, tie = record["draws"]
    if change == "seed":
        record["seed_hex"] = "ff" + record["seed_hex"][2:]
    elif change == "commitment":
        record["commitment"] = "0" * 64
    elif change == "key":
        record["key_hex"] = "0" * 64
    elif change == "receipt-added":  # a bid that stood at the deadline changes the key
        record["receipts"].append({"receipt": "ab" * 32, "agency": "91220101MA0Y4Q6X33"})
    elif change == "award-picks":
        award["picks"][0], award["picks"][1] = award["picks"][1], award["picks"][0]
    elif change == "award-truncated":
        award["picks"] = award["picks"][:1]
    elif change == "award-unsorted":
        award["candidates"].reverse()
    elif change == "award-stranger":
        award["candidates"][0] = "00" * 32
    elif change == "factor-list":
        factor["candidates"] = ["96", "97", "98", "99"]
    elif change == "factor-pick":
        factor["picks"] = ["98"]
    elif change == "tie-purpose":
        tie["purpose"] = "tie:0"
    elif change == "tie-too-many-picks":
        tie["picks"] = tie["candidates"] + [tie["candidates"][0]]
    elif change == "beacon":
        record["beacon_hex"] = "00" * 32
    elif change == "uppercase-receipt":
        record["receipts"][0]["receipt"] = record["receipts"][0]["receipt"].upper()
    elif change == "no-agency":
        record["receipts"][1]["agency"] = ""
    elif change == "empty-task":
        record["task_number"] = ""
    return record


TAMPERINGS = [
    "seed",
    "commitment",
    "key",
    "receipt-added",
    "award-picks",
    "award-truncated",
    "award-unsorted",
    "award-stranger",
    "factor-list",
    "factor-pick",
    "tie-purpose",
    "tie-too-many-picks",
    "beacon",
    "uppercase-receipt",
    "no-agency",
    "empty-task",
]


@pytest.mark.parametrize("change", TAMPERINGS)
def test_verify_record_reports_any_tampering(change: str) -> None:
    assert d.verify_record(_tamper(change)) != []


def test_verify_record_names_the_draw_whose_picks_differ() -> None:
    problems = d.verify_record(_tamper("factor-pick"))
    assert problems == ["draws[1] (factor): recorded picks ['98'] differ from recomputed ['95']"]


def test_verify_record_checks_a_beacon_record() -> None:
    record = vector_record()
    beacon = bytes(range(32))
    key = d.draw_key(SEED, record["task_number"], RECEIPTS, beacon)
    record.update(beacon_hex=beacon.hex(), beacon_round=123, key_hex=key.hex())
    for entry in record["draws"]:
        entry["picks"] = d.draw(key, entry["purpose"], entry["candidates"], len(entry["picks"]))
    assert d.verify_record(record) == []
    del record["beacon_hex"]
    assert "key_hex is not the recomputed key" in d.verify_record(record)


@pytest.mark.parametrize(
    "record",
    [
        {},
        [],
        {"seed_hex": 5, "task_number": "x"},
        {**vector_record(), "draws": [{"purpose": "award"}]},
    ],
    ids=["empty", "not-an-object", "seed-not-text", "draw-without-candidates"],
)
def test_verify_record_reports_a_malformed_record_instead_of_raising(record: Any) -> None:
    problems = d.verify_record(record)
    assert len(problems) == 1 and problems[0].startswith("record is malformed")


# --- the standalone verifier -------------------------------------------------------------------


def test_standalone_verifier_is_short_and_standard_library_only() -> None:
    source = STANDALONE.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 60
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            imported.add((node.module or "").split(".")[0])
    assert imported and imported <= sys.stdlib_module_names


@pytest.mark.parametrize("via_stdin", [False, True], ids=["file", "stdin"])
def test_standalone_verifier_accepts_the_vector_record(via_stdin: bool, tmp_path: Path) -> None:
    script = Path(
        shutil.copy(STANDALONE, tmp_path / "verify.py")
    )  # copied out, as docs/draw.md says
    result = run_standalone(script, vector_record(), via_stdin, tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "OK\n", "")


@pytest.mark.parametrize("change", TAMPERINGS)
def test_standalone_verifier_agrees_with_verify_record_on_tampered_records(
    change: str, tmp_path: Path
) -> None:
    script = Path(shutil.copy(STANDALONE, tmp_path / "verify.py"))
    record = _tamper(change)
    result = run_standalone(script, record, via_stdin=False, tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == d.verify_record(record)


@pytest.mark.parametrize("via_stdin", [False, True], ids=["file", "stdin"])
def test_standalone_verifier_reads_utf8_task_numbers_and_beacons(
    via_stdin: bool, tmp_path: Path
) -> None:
    record = vector_record()
    beacon = bytes(range(32))
    record.update(task_number="吉-2026-000001", beacon_hex=beacon.hex(), beacon_round=8765432)
    key = d.draw_key(SEED, record["task_number"], RECEIPTS, beacon)
    record["key_hex"] = key.hex()
    for entry in record["draws"]:
        entry["picks"] = d.draw(key, entry["purpose"], entry["candidates"], len(entry["picks"]))
    assert d.verify_record(record) == []
    script = Path(shutil.copy(STANDALONE, tmp_path / "verify.py"))
    result = run_standalone(script, record, via_stdin, tmp_path)
    assert (result.returncode, result.stdout) == (0, "OK\n")


def test_standalone_verifier_rejects_a_malformed_record(tmp_path: Path) -> None:
    script = Path(shutil.copy(STANDALONE, tmp_path / "verify.py"))
    result = run_standalone(script, {"draws": []}, via_stdin=True, tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("record is malformed")
