"""The repository stands alone: a clean clone with nothing beside it reads completely.

No tracked text file refers to documents outside the repository, and every relative link in the
README and in docs/ points at something the repository holds.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
THIS_FILE = PurePosixPath(Path(__file__).resolve().relative_to(ROOT).as_posix())

#: Strings that point outside the repository, at the design notes it was built from.
#: Spelled in parts, so that searching the repository for them finds only the files at fault.
OUTSIDE_REFERENCES = ("../" + "shared", "DESIGN" + ".md", "DESIGN" + " §", "STYLE" + ".md")

#: Known occurrences, each allowed exactly as written (file → the whole line that may hold it).
KNOWN_OUTSIDE_REFERENCES: dict[str, str] = {}


_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.S)
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def tracked_files() -> list[PurePosixPath]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [PurePosixPath(p) for p in out.split("\0") if p]


def read_text(path: PurePosixPath) -> str | None:
    """The file's text, or None for a binary (or a tracked file missing from the work tree)."""
    try:
        data = (ROOT / path).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def test_no_tracked_text_file_refers_outside_the_repository():
    offenders = []
    for path in tracked_files():
        if path == THIS_FILE:
            continue
        text = read_text(path)
        if text is None:
            continue
        allowed = KNOWN_OUTSIDE_REFERENCES.get(str(path))
        for number, line in enumerate(text.splitlines(), start=1):
            if line == allowed:
                continue
            offenders += [f"{path}:{number}: {s}" for s in OUTSIDE_REFERENCES if s in line]
    assert offenders == []


def documents() -> list[PurePosixPath]:
    return [p for p in tracked_files() if p == PurePosixPath("README.md") or _in_docs(p)]


def _in_docs(path: PurePosixPath) -> bool:
    return path.parent == PurePosixPath("docs") and path.suffix == ".md"


def relative_links(markdown: str) -> list[str]:
    """Targets of `[text](target)` links (and images) without a scheme, outside code."""
    prose = _CODE_SPAN.sub("", _FENCE.sub("", markdown))
    return [t for t in _LINK.findall(prose) if not _SCHEME.match(t) and not t.startswith("#")]


def _normalize(path: PurePosixPath) -> PurePosixPath | None:
    """Resolve `.` and `..` inside the repository; None when the path leaves it."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return PurePosixPath(*parts) if parts else PurePosixPath(".")


def test_the_documents_are_found():
    assert {"README.md", "docs/architecture.md", "docs/draw.md", "docs/rules.md"} <= {
        str(p) for p in documents()
    }


def test_link_extraction_skips_code_schemes_and_anchors():
    text = (
        "[a](docs/a.md) [b](https://example.org) [c](#top) `[d](no.md)` ![e](img.png)\n"
        '[f](docs/f.md#part) [g](<docs/g.md> "title")\n```\n[h](in-code.md)\n```\n'
    )
    assert relative_links(text) == ["docs/a.md", "img.png", "docs/f.md#part", "docs/g.md"]


def test_every_relative_link_points_into_the_repository():
    tracked = set(tracked_files())
    directories = {parent for p in tracked for parent in p.parents}
    broken = []
    for doc in documents():
        for target in relative_links((ROOT / doc).read_text(encoding="utf-8")):
            path = target.split("#", 1)[0]
            resolved = _normalize(doc.parent / path) if path else doc
            if resolved is not None and (resolved in tracked or resolved in directories):
                continue
            broken.append(f"{doc}: ({target})")
    assert broken == []
