"""Reindex benchmark: `flask search reindex tasks` on 100,000 published tasks — documents per second
and the peak RSS of the process doing it.

    .venv/bin/python -m bench.reindex_bench [--db postgresql] [--tasks 100000]

A throw-away database (a temporary SQLite file, or a PostgreSQL server from `tests/pgserver.py`)
is migrated with the real migrations, the service catalog seeded, and `--tasks` published tasks
(titles, descriptions and applicants like the search benchmark's; 500 applicants) written
straight into `task` in batches. Then, in a process of its own (so `resource.getrusage`'s peak RSS
is the reindex's), `market.search.reindex(session, "tasks")` rebuilds the embedded index in one
transaction, as the CLI command does, and is committed; the benchmark checks the number of
documents indexed and that a search finds them.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
#: Targets: documents per second, and the reindex's own memory (peak RSS minus the RSS of the
#: process before it started: the app and its imports).
TARGET_DOCS_PER_S = 1000
TARGET_EXTRA_MIB = 200


def make_app(url: str):
    from wsgi import create_app

    return create_app({"DATABASE_URL": url, "MEILISEARCH_URL": "", "TESTING": True})


def generate(url: str, tasks: int, seed: int = 11) -> float:
    from alembic import command

    from bench.search_bench import CITIES, DISTRICTS, FUNDINGS, METHODS, PHRASES, PROJECTS
    from market.catalog import seed_catalog
    from market.cli import alembic_config
    from market.models import Organization, ServiceItem, Task, User

    app = make_app(url)
    with app.app_context():
        command.upgrade(alembic_config(), "head")
    rng = random.Random(seed)
    database = app.extensions["market.db"]
    started = time.perf_counter()
    with database.transaction() as session:
        seed_catalog(session)
        items = session.execute(select(ServiceItem.id, ServiceItem.name_zh)).all()
        session.execute(
            insert(Organization),
            [
                {
                    "kind": "applicant",
                    "name": f"{rng.choice(CITIES)}{rng.choice(DISTRICTS)}建设单位{n:03d}",
                    "created_at": NOW,
                }
                for n in range(500)
            ],
        )
        orgs = session.execute(select(Organization.id)).scalars().all()
        session.execute(
            insert(User),
            [
                {
                    "organization_id": orgs[0],
                    "email": "bench@example.test",
                    "name": "bench",
                    "password_hash": "x",
                    "created_at": NOW,
                }
            ],
        )
        user = session.execute(select(User.id)).scalar_one()
    for start in range(0, tasks, 10_000):
        rows = []
        for n in range(start, min(tasks, start + 10_000)):
            item_id, item_name = rng.choice(items)
            published = NOW - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            rows.append(
                {
                    "number": f"B{n:09d}",
                    "applicant_org_id": rng.choice(orgs),
                    "created_by_user_id": user,
                    "service_item_id": item_id,
                    "title": f"{rng.choice(CITIES)}{rng.choice(DISTRICTS)}"
                    f"{rng.choice(PROJECTS)}{item_name}",
                    "description": "；".join(rng.sample(PHRASES, 3))
                    + f"。项目编号{rng.randint(10**5, 10**6)}。",
                    "funding": rng.choice(FUNDINGS),
                    "method": rng.choice(METHODS),
                    "price_cap_fen": rng.randint(1, 500) * 1000_00,
                    "service_days": 30,
                    "required_qualifications": [],
                    "created_at": published,
                    "published_at": published,
                    "deadline_at": published + timedelta(days=rng.randint(3, 20)),
                }
            )
        with database.transaction() as session:
            session.execute(insert(Task), rows)
    database.engine.dispose()
    return time.perf_counter() - started


def reindex(url: str, batch: int, workers: int | None = None) -> None:
    """Run in a process of its own: the peak RSS reported is the reindex's."""
    from market import search
    from market.search import segmenting
    from market.search.registry import Query

    app = make_app(url)
    database = app.extensions["market.db"]
    with database.session() as session:  # the app and the segmenter loaded, as the CLI has them
        search.get_index("tasks").build_all(session, ["1"])
    from market.search.text import tokenizer

    tokenizer().check_initialized()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    with database.transaction() as session:
        report = search.reindex(session, "tasks", batch=batch, workers=workers)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu
    # The segmenting workers (none when the text was cut in this process): their CPU, and the
    # largest one's peak RSS (forked: most of it the app's pages, shared with this process).
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with database.session() as session:
        stored = session.execute(
            text("SELECT count(*) FROM search_document WHERE index_name = 'tasks'")
        ).scalar_one()
        found = search.search(session, "tasks", Query(text="环境影响评价", per_page=1), now=NOW)
    print(
        json.dumps(
            {
                "documents": report.documents,
                "stored": stored,
                "found": found.total,
                "seconds": seconds,
                "cpu_seconds": cpu,
                "worker_cpu_seconds": children.ru_utime + children.ru_stime,
                "worker_peak_rss_kib": children.ru_maxrss,
                "workers": segmenting.pool_size(report.documents, workers),
                "rss_before_kib": before,
                "peak_rss_kib": peak,
            }
        )
    )


def rows(result: dict) -> list[dict]:
    """The benchmark's figures as rows of the common table."""
    rate = result["documents"] / result["seconds"]
    cpu_rate = result["documents"] / (result["cpu_seconds"] + result["worker_cpu_seconds"])
    extra = (result["peak_rss_kib"] - result["rss_before_kib"]) / 1024
    return [
        {
            "figure": f"reindex {result['documents']:,} tasks (docs/s)",
            "value": round(rate),
            "baseline": TARGET_DOCS_PER_S,
            "ratio": rate / TARGET_DOCS_PER_S,
            "target": f"≥ {TARGET_DOCS_PER_S:,} docs/s",
            "ok": rate >= TARGET_DOCS_PER_S,
        },
        {
            # The CPU time of the process and its segmenting workers: what the rate would be
            # with a core to itself (the database's work on PostgreSQL is in another process
            # and not counted here).
            "figure": "reindex per CPU second, workers incl. (docs/s)",
            "value": round(cpu_rate),
            "baseline": TARGET_DOCS_PER_S,
            "ratio": cpu_rate / TARGET_DOCS_PER_S,
            "target": f"≥ {TARGET_DOCS_PER_S:,} docs/s",
            "ok": cpu_rate >= TARGET_DOCS_PER_S,
        },
        {
            "figure": "reindex peak RSS above the idle app (MiB)",
            "value": round(extra),
            "baseline": round(result["rss_before_kib"] / 1024),
            "ratio": extra / (result["rss_before_kib"] / 1024),
            "target": f"≤ {TARGET_EXTRA_MIB} MiB, not growing with the corpus",
            "ok": extra <= TARGET_EXTRA_MIB,
        },
    ]


def print_table(table: list[dict]) -> None:
    header = f"{'figure':<46}{'value':>10}{'baseline':>10}{'ratio':>8}  {'target':<34}ok"
    print(header + "\n" + "-" * len(header))
    for r in table:
        print(
            f"{r['figure']:<46}{r['value']:>10,}{r['baseline']:>10,}{r['ratio']:>7.2f}x  "
            f"{r['target']:<34}{'✓' if r['ok'] else '✗'}"
        )


def measure(
    url: str, tasks: int, batch: int, fresh: bool = True, workers: int | None = None
) -> list[dict]:
    if fresh:
        seconds = generate(url, tasks)
        print(f"generated {tasks:,} published tasks in {seconds:.0f} s", file=sys.stderr)
    out = subprocess.run(
        [sys.executable, "-m", "bench.reindex_bench", "--phase", "reindex", "--url", url]
        + ["--batch", str(batch)]
        + ([] if workers is None else ["--workers", str(workers)]),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(out.returncode)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["documents"] == result["stored"] == tasks, result
    assert result["found"] > 0, result
    print(
        f"reindexed {result['documents']:,} documents in {result['seconds']:.1f} s "
        f"({result['cpu_seconds']:.1f} s of CPU, {result['workers']} segmenting workers "
        f"{result['worker_cpu_seconds']:.1f} s); peak RSS "
        f"{result['peak_rss_kib'] / 1024:.0f} MiB (before it: "
        f"{result['rss_before_kib'] / 1024:.0f} MiB; largest worker "
        f"{result['worker_peak_rss_kib'] / 1024:.0f} MiB)"
    )
    return rows(result)


def bench_rows(db: str = "sqlite", tasks: int = 100_000, batch: int = 1000) -> list[dict]:
    """Generate and reindex on a throw-away database; the rows for a table of every benchmark."""
    if db == "postgresql":
        sys.path.insert(0, str(ROOT))
        from tests.pgserver import PostgresServer

        server = PostgresServer()
        try:
            return measure(server.start(), tasks, batch)
        finally:
            server.stop()
    with tempfile.TemporaryDirectory(prefix="zjm-bench-") as tmp:
        return measure(f"sqlite:///{Path(tmp) / 'reindex.db'}", tasks, batch)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument(
        "--workers",
        type=int,
        help="segmenting processes (default: one per core, as search.reindex chooses; 0: none)",
    )
    parser.add_argument("--url", help="an existing database already generated (skips generation)")
    parser.add_argument("--phase", choices=["all", "reindex"], default="all")
    args = parser.parse_args(argv)
    if args.phase == "reindex":
        reindex(args.url, args.batch, args.workers)
        return
    if args.url:
        print_table(measure(args.url, args.tasks, args.batch, fresh=False, workers=args.workers))
    else:
        print_table(bench_rows(args.db, args.tasks, args.batch))


if __name__ == "__main__":
    main()
