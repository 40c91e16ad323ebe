"""`python -m bench` (make bench): every benchmark, bounded in size so that the whole run ends in
about 15 minutes on a busy 2-core machine, then ONE table of all their rows — figure, value,
baseline, ratio, target, ✓/✗.

    .venv/bin/python -m bench                        # search, reindex, bidding, pages; SQLite
    .venv/bin/python -m bench --only pages,search    # some of them
    .venv/bin/python -m bench --db postgresql        # each on a throw-away PostgreSQL
    .venv/bin/python -m bench --search "--tasks 100000 --agencies 20000 --repeat 20"

Each benchmark's own options (see its module) can be given whole with `--search`, `--reindex`,
`--bidding`, `--pages`; they replace that benchmark's small defaults below. A benchmark that
fails prints its error and leaves one ✗ row; the others still run.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
import traceback
import unicodedata

#: Each benchmark's options for `make bench`: small enough to finish in ~15 minutes in all.
SMALL = {
    "search": "--tasks 20000 --agencies 4000 --repeat 5",
    "reindex": "--tasks 10000",
    "bidding": "--bids 300 --reps 2 --clients 20 --requests 10 --seconds 60",
    "pages": "--users 20 --seconds 15 --tasks 500",
}


def _search(db: str, argv: list[str]) -> list[dict]:
    from bench import search_bench

    parser = argparse.ArgumentParser(prog="--search")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--agencies", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    return search_bench.bench_rows(db, args.tasks, args.agencies, args.repeat)


def _reindex(db: str, argv: list[str]) -> list[dict]:
    from bench import reindex_bench

    parser = argparse.ArgumentParser(prog="--reindex")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args(argv)
    return reindex_bench.bench_rows(db, args.tasks, args.batch)


def _bidding(db: str, argv: list[str]) -> list[dict]:
    from bench import bidding_bench

    return bidding_bench.main(["--db", db, *argv])


def _pages(db: str, argv: list[str]) -> list[dict]:
    from bench import pages_bench

    return pages_bench.rows(["--db", db, *argv])


BENCHMARKS = {"search": _search, "reindex": _reindex, "bidding": _bidding, "pages": _pages}


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def columns(text: str) -> int:
    """The columns `text` takes on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - columns(text))


#: A row's `ok`: met, missed, or None for a row given for information (no target).
MARK = {True: "✓", False: "✗", None: "·"}


def print_table(rows: list[dict]) -> None:
    """One table of every benchmark's rows."""
    width = max([len("figure"), *(columns(r["figure"]) for r in rows)]) + 2
    target = max([len("target"), *(columns(str(r["target"])) for r in rows)]) + 2
    header = f"{pad('figure', width)}{'value':>12}{'baseline':>12}{'ratio':>9}  {pad('target', target)}ok"
    print("\n" + header + "\n" + "-" * len(header))
    for r in rows:
        print(
            f"{pad(r['figure'], width)}{cell(r['value']):>12}{cell(r['baseline']):>12}"
            f"{cell(r['ratio']):>9}  {pad(str(r['target']), target)}{MARK[r['ok']]}"
        )
    targets = [r for r in rows if r["ok"] is not None]
    met = sum(1 for r in targets if r["ok"])
    print(
        f"\n{met} of {len(targets)} targets met ({len(rows) - len(targets)} rows for information)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--only", default=",".join(BENCHMARKS), help="comma-separated: " + ", ".join(BENCHMARKS)
    )
    for name, options in SMALL.items():
        parser.add_argument(f"--{name}", default=options, help=f"its options (default: {options})")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    rows: list[dict] = []
    for name in chosen:
        started = time.monotonic()
        print(f"\n=== {name} ({getattr(args, name)}) ===", flush=True)
        try:
            rows += BENCHMARKS[name](args.db, shlex.split(getattr(args, name)))
        except (Exception, SystemExit) as exc:  # one benchmark's failure leaves the others' rows
            traceback.print_exc()
            rows.append(
                {
                    "figure": f"{name}: the benchmark ran",
                    "value": None,
                    "baseline": None,
                    "ratio": None,
                    "target": "no error",
                    "ok": False,
                }
            )
            print(f"{name} failed: {exc!r}", file=sys.stderr)
        print(f"=== {name}: {time.monotonic() - started:.0f} s ===", flush=True)
    print_table(rows)


main()
