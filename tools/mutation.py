"""Mutation testing of the rules (`make mutate`, docs/testing.md): which mutants are left to run,
and the score per mutated module, read from the results mutmut keeps in mutants/.

    python -m tools.mutation pending 'bidding.selection*'   # names of the mutants not yet run
    python -m tools.mutation score                          # killed / total per module

mutmut records each verdict as it comes (mutants/<path>.meta), so a run stopped by the time bound
keeps what it measured and the next one continues.
"""

from __future__ import annotations

import fnmatch
import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

MUTANTS = Path("mutants")
#: The verdicts in the order the table shows them.
COLUMNS = ("killed", "survived", "timeout", "no tests", "not checked")


def results() -> dict[str, dict[str, str]]:
    """{module: {mutant name: status}}, from every meta file mutmut wrote."""
    out: dict[str, dict[str, str]] = {}
    for meta in sorted(MUTANTS.glob("**/*.py.meta")):
        source = meta.relative_to(MUTANTS).as_posix().removesuffix(".py.meta")
        module = source.replace("/", ".").removesuffix(".__init__")
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        if codes:
            out[module] = {name: status_by_exit_code[code] for name, code in codes.items()}
    return out


def pending(pattern: str) -> list[str] | None:
    """The mutants matching `pattern` that have no verdict yet; None when none matching exists yet
    (not generated: the pattern itself is then passed on to mutmut)."""
    names = {
        name: status
        for statuses in results().values()
        for name, status in statuses.items()
        if fnmatch.fnmatch(name, pattern)
    }
    if not names:
        return None
    return sorted(name for name, status in names.items() if status == "not checked")


def score_table(by_module: dict[str, dict[str, str]]) -> str:
    header = f"{'module':34} {'killed/total':>13} {'score':>6}" + "".join(
        f" {column:>11}" for column in COLUMNS[1:]
    )
    lines = [header, "-" * len(header)]
    sums: Counter[str] = Counter()
    for module, statuses in sorted(by_module.items()):
        counts = Counter(statuses.values())
        sums.update(counts)
        lines.append(row(module, counts, len(statuses)))
    lines.append("-" * len(header))
    lines.append(row("all", sums, sum(sums.values())))
    return "\n".join(lines)


def row(label: str, counts: Counter[str], total: int) -> str:
    """Score = killed / mutants that got a verdict (not checked ones are left out)."""
    checked = total - counts["not checked"]
    score = f"{100 * counts['killed'] / checked:5.1f}%" if checked else "    -"
    other = sum(n for status, n in counts.items() if status not in COLUMNS)
    cells = "".join(f" {counts[column]:>11}" for column in COLUMNS[1:])
    note = f"  (+{other} other)" if other else ""
    return f"{label:34} {counts['killed']:>6}/{total:<6} {score:>6}{cells}{note}"


def main(argv: list[str]) -> int:
    if argv[:1] == ["pending"] and len(argv) == 2:
        names = pending(argv[1])
        print(argv[1] if names is None else "\n".join(names))
        return 0
    if argv == ["score"]:
        by_module = results()
        if not by_module:
            print("No mutation results yet (run `make mutate`).")
            return 0
        print(score_table(by_module))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
