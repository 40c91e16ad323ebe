"""Imports are at the top of their module. An import inside a function hides a dependency from the
reader and from the import graph, and is the usual way to dodge an import cycle that should have
been broken instead (by moving the shared piece where it belongs, or by inverting the dependency:
a lower module never imports a higher one). A few functions must defer an import for another
reason; they are listed here, each with its reason, and a test keeps the list short and true."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    [p for package in ("market", "bidding", "ratings") for p in (ROOT / package).rglob("*.py")]
    + [ROOT / "wsgi.py"]
)

#: (module, function) -> why that function imports inside its body.
ALLOWED = {
    ("market", "create_core_app"): "composition: every import of a market module runs the "
    "package's __init__ first, so only composing the app may load the whole core",
    ("bidding", "init_app"): "composition: every import of a bidding module runs the package's "
    "__init__ first, so only composing the app may load the whole package",
    ("market.views", "init_views"): "composition: the page modules import this package (its "
    "filters); importing the package registers no routes, composing the app does",
    ("bidding.views", "init_views"): "composition: the page modules (and the questions pages) "
    "import this package (its shared helpers); importing the package registers no routes",
    ("market.api", "init_api"): "composition: the API's route modules import this package (its "
    "blueprint); importing the package registers no routes, composing the app does",
    ("market.cli", "alembic_config"): "Alembic takes ~0.2 s to import and serves the migration "
    "commands only, never the web workers that load market.cli",
    ("market.cli", "db_upgrade"): "Alembic takes ~0.2 s to import and serves the migration "
    "commands only, never the web workers that load market.cli",
    ("market.jobs", "run_scheduler"): "APScheduler is needed by the scheduler process only, never "
    "by the web workers that load market.jobs",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def function_imports(source: str) -> list[tuple[str, int]]:
    """(the outermost function's qualified name, line) of each import inside a function body; a
    method is named `Class.method`, and an import in a nested function counts for the outer one."""
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, scope: list[str], function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, scope, function or ".".join([*scope, child.name]))
            elif isinstance(child, ast.ClassDef):
                visit(child, [*scope, child.name], function)
            elif isinstance(child, (ast.Import, ast.ImportFrom)) and function is not None:
                found.append((function, child.lineno))
            else:
                visit(child, scope, function)

    visit(ast.parse(source), [], None)
    return found


def all_function_imports() -> dict[tuple[str, str], list[int]]:
    imports: dict[tuple[str, str], list[int]] = {}
    for path in SOURCES:
        for function, line in function_imports(path.read_text(encoding="utf-8")):
            imports.setdefault((module_name(path), function), []).append(line)
    return imports


def test_the_scan_finds_imports_in_functions_methods_and_nested_functions():
    source = (
        "import os\n"
        "def f():\n    import json\n"
        "class C:\n    def m(self):\n        from x import y\n"
        "def g():\n    def inner():\n        import re\n"
        "if os:\n    import sys\n"
    )
    assert function_imports(source) == [("f", 3), ("C.m", 6), ("g", 9)]


def test_no_import_inside_a_function_except_the_allowed_ones():
    offenders = {
        f"{module}.{function} (line {', '.join(map(str, lines))})"
        for (module, function), lines in all_function_imports().items()
        if (module, function) not in ALLOWED
    }
    assert offenders == set(), (
        "Move these imports to the top of their module; if that makes an import cycle, break it "
        "(move the shared piece where it belongs, or invert the dependency) rather than hiding it "
        "in a function. Only a reason other than a cycle earns an entry in ALLOWED."
    )


def test_every_allowed_function_still_imports_inside_it():
    """An entry whose function no longer defers an import is removed, so the list stays true."""
    assert set(ALLOWED) - set(all_function_imports()) == set()
