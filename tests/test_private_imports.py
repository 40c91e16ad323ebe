"""A leading underscore keeps a name to its module: no module of the application imports another
module's private name or reads it off the module. What another module needs is made public where
it belongs; a test keeps it so, since nothing else would catch a new `from x import _y`."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    [p for package in ("market", "bidding", "ratings") for p in (ROOT / package).rglob("*.py")]
    + [ROOT / "wsgi.py"]
)


def private(name: str) -> bool:
    """`_name` is private; a dunder (`__all__`, `__version__`) is not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_of(path: Path) -> tuple[str, str]:
    """The dotted name of the module at `path`, and the package its relative imports start from."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def submodule(module: str, attr: str) -> str | None:
    """The name of the module that `module.attr` is, if it is one (a submodule, or a module the
    other one imported), else None."""
    try:
        found = importlib.util.find_spec(f"{module}.{attr}")
    except (ImportError, ValueError):
        found = None
    if found is not None:
        return found.name
    try:
        value = getattr(importlib.import_module(module), attr, None)
    except ImportError:
        return None
    return value.__name__ if isinstance(value, ModuleType) else None


def offences(source: str, module: str, package: str) -> list[str]:
    """Each import of a private name from another module, and each `module._name` read of
    another module, in `source` (the text of `module`, whose relative imports start at
    `package`)."""
    tree = ast.parse(source)
    modules: dict[str, str] = {}  # a local name -> the module it stands for
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if any(private(part) for part in alias.name.split(".")):
                    found.append((node.lineno, f"import {alias.name}"))
                if alias.asname:
                    modules[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    modules[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = (
                package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            )
            origin = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                if private(alias.name):
                    found.append((node.lineno, f"from {origin} import {alias.name}"))
                elif (name := submodule(origin, alias.name)) is not None:
                    modules[alias.asname or alias.name] = name

    def module_named(node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return modules.get(node.id)
        if isinstance(node, ast.Attribute):
            owner = module_named(node.value)
            return submodule(owner, node.attr) if owner else None
        return None

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            owner = module_named(node.value)
            if owner is not None and owner != module:
                found.append((node.lineno, f"{owner}.{node.attr}"))
    return [f"line {line}: {what}" for line, what in sorted(found)]


def test_the_scan_finds_private_imports_and_reads_but_not_own_or_object_privates():
    source = (
        "from market.tasks import _own, get_task\n"
        "from market import tasks\n"
        "import market.web\n"
        "from flask import current_app\n"
        "from . import _helpers\n"
        "tasks._own(None, None, None)\n"
        "market.web._x\n"
        "current_app._get_current_object()\n"
        "self._cache\n"
        "tasks.__name__\n"
    )
    assert offences(source, "bidding.sample", "bidding") == [
        "line 1: from market.tasks import _own",
        "line 5: from bidding import _helpers",
        "line 6: market.tasks._own",
        "line 7: market.web._x",
    ]
    # A module may read its own private names, however it reaches itself.
    assert offences("import market.web\nmarket.web._x\n", "market.web", "market") == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_or_reads_a_private_name_of_another_module(path):
    module, package = module_of(path)
    assert offences(path.read_text(encoding="utf-8"), module, package) == []
