"""The README's standalone verifier is exactly the tested file, so readers run what we test."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_readme_verifier_is_the_tested_file():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- verifier:start -->\n```python\n(.*?)```\n<!-- verifier:end -->", readme, re.S
    )
    assert block is not None
    assert block.group(1) == (ROOT / "bidding" / "draws" / "verify_draw_standalone.py").read_text(
        encoding="utf-8"
    )
