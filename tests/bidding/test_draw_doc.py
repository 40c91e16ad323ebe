"""docs/draw.md is the draw specification: its standalone verifier is exactly the tested file, its
example record verifies, and its worked example uses the test vectors' values, so readers run and
read what we test."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

from bidding.draws import spec

ROOT = Path(__file__).resolve().parents[2]
DRAW_DOC = ROOT / "docs" / "draw.md"
STANDALONE = ROOT / "bidding" / "draws" / "verify_draw_standalone.py"
VECTORS = json.loads((ROOT / "tests" / "data" / "draw-vectors.json").read_text(encoding="utf-8"))


def _block(name: str, language: str) -> str:
    text = DRAW_DOC.read_text(encoding="utf-8")
    found = re.findall(
        rf"<!-- {name}:start -->\n```{language}\n(.*?)```\n<!-- {name}:end -->", text, re.S
    )
    assert len(found) == 1, f"docs/draw.md needs exactly one {name} block"
    return found[0]


def test_the_documented_verifier_is_the_tested_file():
    assert _block("verifier", "python") == STANDALONE.read_text(encoding="utf-8")


def test_the_readme_no_longer_carries_a_copy_of_the_verifier():
    assert "verifier:start" not in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_example_record_verifies(tmp_path: Path):
    record = json.loads(_block("example-record", "json"))
    assert spec.verify_record(record) == []
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(STANDALONE), str(path)], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout) == (0, "OK\n")


def test_the_worked_example_quotes_the_test_vectors():
    text = DRAW_DOC.read_text(encoding="utf-8")
    draw, receipt = VECTORS["draw"], VECTORS["receipt"]
    values = [draw["seed_hex"], draw["commitment"], draw["key_hex"], *draw["receipts"]]
    values += [receipt["content"]["proposal_sha256"], receipt["jcs"], receipt["receipt"]]
    assert [v for v in values if v not in text] == []


def test_the_worked_example_intermediate_hashes_are_right():
    """Every 64-hex value the worked example shows for a pick is SHA-256(key ‖ purpose ‖ i)."""
    key = bytes.fromhex(VECTORS["draw"]["key_hex"])
    text = DRAW_DOC.read_text(encoding="utf-8").split("## 11. Test vectors", 1)[1]
    expected = {
        (p, i): hashlib.sha256(key + p.encode() + i.to_bytes(4, "big")).hexdigest()
        for p, n in (("award", 5), ("factor", 1), ("tie:1", 1))
        for i in range(n)
    }
    rows = re.findall(r"^\| (\d) \| `([0-9a-f]{64})` \|", text, re.M)
    assert rows == [(str(i), expected[("award", i)]) for i in range(5)]
    assert expected[("factor", 0)] in text
    assert expected[("tie:1", 0)] in text
