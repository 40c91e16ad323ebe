"""No two modules import each other, directly or around a loop: every dependency points one way.

A cycle between modules works only while each side looks the other's names up late, and breaks the
day one of them reads a name at import time; it also hides which of the two is the lower layer.
The graph here is built from module-level imports (imports inside a function are kept to a short,
explained list by `tests/test_function_imports.py`). `from package import submodule` is an edge to
the submodule alone: a package's `__init__` that gathers its children is no cycle with them.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("market", "bidding", "ratings")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    found = {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    found["wsgi"] = ROOT / "wsgi.py"
    return found


def imports_of(tree: ast.Module, known: set[str]) -> set[str]:
    """The project's modules that a module imports at its top level."""
    out = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{alias.name}" for alias in node.names} & known
            names_from_module = len(submodules) < len(node.names)
            out |= submodules
            if names_from_module and node.module in known:
                out.add(node.module)
    return out


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {
        name: imports_of(ast.parse(path.read_text(encoding="utf-8")), known) - {name}
        for name, path in found.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_scan_finds_a_loop_and_ignores_a_package_gathering_its_children():
    known = {"p", "p.a", "p.b", "q"}
    sources = {
        "p": "from p import a, b\n",
        "p.a": "from p.b import thing\n",
        "p.b": "import q\n",
        "q": "from p.a import other\n",
    }
    edges = {name: imports_of(ast.parse(src), known) for name, src in sources.items()}
    assert edges["p"] == {"p.a", "p.b"}
    assert cycles(edges) == [["p.a", "p.b", "q"]]


def test_no_module_imports_itself_around_a_loop():
    assert cycles(graph()) == []
