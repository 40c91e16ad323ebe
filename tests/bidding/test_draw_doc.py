"""docs/draw.md's standalone verifier is exactly the tested file, so readers run what we test."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_documented_verifier_is_the_tested_file():
    doc = (ROOT / "docs" / "draw.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- verifier:start -->\n```python\n(.*?)```\n<!-- verifier:end -->", doc, re.S
    )
    assert block is not None
    assert block.group(1) == (ROOT / "bidding" / "draws" / "verify_draw_standalone.py").read_text(
        encoding="utf-8"
    )
