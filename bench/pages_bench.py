"""Pages under gunicorn, measured with locust.

    .venv/bin/python -m bench.pages_bench                      # SQLite, 20 visitors, 15 s a page
    .venv/bin/python -m bench.pages_bench --db postgresql      # a throw-away PostgreSQL
    .venv/bin/python -m bench.pages_bench --users 50 --seconds 30 --tasks 2000

Builds a throw-away database (migrated, the catalog, the holidays, the demo data of
`flask seed demo`, plus `--tasks` generated published tasks so the lists page through a
realistic number), starts gunicorn with the project's `gunicorn.conf.py` on a free loopback port
(bench.bidding_bench.Server), then runs locust headless (`bench/pages_locustfile.py`, `--json`)
once per path for `--seconds`: first `GET /api/v1/health` (no database, no template: the
hello-world baseline), then the task list, the task page with the most bids, the agency
directory, an agency's profile and a search. For each page: throughput against the baseline's
(target ≥ 0.5×), median and p95 latency; and one row for the failed requests of all runs
(target 0). Each page is fetched once before its run, to fail early on anything but 200, then
warmed up by an unmeasured locust run of `--warmup` seconds (templates compiled in every worker).

Everything stays on 127.0.0.1 and is removed at the end. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "bench" / "pages_locustfile.py"
TARGET_RATIO = 0.5


# --- data -----------------------------------------------------------------------------------------


def seed(app, extra_tasks: int) -> dict[str, str]:
    """Migrate, seed the catalog, holidays and demo data, add `extra_tasks` published tasks, and
    return the paths to measure."""
    from sqlalchemy import func
    from sqlmodel import select

    from bench.bidding_bench import migrate_and_seed
    from bidding.models import Bid
    from market import clock
    from market.demo import load_all
    from market.models import Organization, Task

    migrate_and_seed(app)
    with app.app_context(), app.extensions["market.db"].transaction() as session:
        load_all(app, session)
    with app.extensions["market.db"].transaction() as session:
        template = session.exec(
            select(Task).where(Task.published_at.is_not(None)).order_by(Task.id)
        ).first()
        now = clock.now()
        for n in range(extra_tasks):
            copy = Task(
                **{
                    k: v
                    for k, v in template.model_dump().items()
                    if k not in ("id", "number", "title", "published_at", "deadline_at")
                },
                number=f"ZJ-2025-{900000 + n:06d}",
                title=f"{template.title}（第{n + 1}批）",
                published_at=now - timedelta(hours=n + 1),
                deadline_at=now + timedelta(days=5 + n % 20),
            )
            session.add(copy)
    with app.extensions["market.db"].transaction() as session:
        busiest = (
            session.exec(
                select(Task.number)
                .join(Bid, Bid.task_id == Task.id)
                .group_by(Task.number)
                .order_by(func.count().desc(), Task.number)
            ).first()
            or session.exec(select(Task.number).order_by(Task.id)).first()
        )
        agency = session.exec(
            select(Organization.id).where(Organization.kind == "agency").order_by(Organization.id)
        ).first()
    return {
        "health (baseline)": "/api/v1/health",
        "task list": "/tasks",
        "task page": f"/tasks/{busiest}",
        "agency directory": "/agencies",
        "agency profile": f"/agencies/{agency}",
        "search": "/search?q=" + quote("环评"),
    }


# --- load -----------------------------------------------------------------------------------------


def percentile(histogram: dict[str, int], fraction: float) -> float:
    """The response time (ms, locust's rounded buckets) below which `fraction` of requests fall."""
    total = sum(histogram.values())
    seen = 0
    for bucket in sorted(histogram, key=float):
        seen += histogram[bucket]
        if seen >= fraction * total:
            return float(bucket)
    return 0.0


def run_locust(port: int, path: str, users: int, seconds: float, tmp: Path) -> dict:
    """locust, headless, against `path` for `seconds`: requests, failures, req/s, median, p95."""
    env = dict(os.environ, PAGES_BENCH_PATH=path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds:g}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--json",
            "--skip-log",
            "--exit-code-on-error",
            "0",
        ],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 120,
        check=True,
    )
    entries = json.loads(done.stdout)
    if not entries:  # locust stopped before any request was made (a run of a second or so)
        return {"requests": 0, "failures": 0, "rps": 0.0, "median": 0.0, "p95": 0.0}
    (stats,) = entries
    elapsed = max(stats["last_request_timestamp"] - stats["start_time"], 1e-9)
    return {
        "requests": stats["num_requests"],
        "failures": stats["num_failures"],
        "rps": stats["num_requests"] / elapsed,
        "median": percentile(stats["response_times"], 0.5),
        "p95": percentile(stats["response_times"], 0.95),
    }


def fetch_once(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def measure(url: str, tmp: Path, paths: dict[str, str], args, cache_seconds: float) -> dict:
    """One gunicorn with PUBLIC_PAGE_CACHE_SECONDS=`cache_seconds`; locust on every path."""
    from bench.bidding_bench import Server

    previous = os.environ.get("PUBLIC_PAGE_CACHE_SECONDS")
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = f"{cache_seconds:g}"
    try:
        server = Server(url, tmp, 0, "gunicorn", args.workers)
    finally:
        if previous is None:
            del os.environ["PUBLIC_PAGE_CACHE_SECONDS"]
        else:
            os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = previous
    try:
        results = {}
        for name, path in paths.items():
            status = fetch_once(server.port, path)
            if status != 200:
                raise RuntimeError(f"{name}: GET {path} answered {status}")
            print(f"locust, page cache {cache_seconds:g} s: {name} ({path}) …", file=sys.stderr)
            if args.warmup > 0:  # every worker compiles its templates, fills its caches
                run_locust(server.port, path, args.users, args.warmup, tmp)
            results[name] = run_locust(server.port, path, args.users, args.seconds, tmp)
            time.sleep(1)  # let the last run's connections close
        results["tracebacks"] = server.log().count("Traceback")
    finally:
        server.stop()
    results["workers"] = server.workers
    return results


def table(results: dict, label: str, args, url: str, target: bool) -> list[dict]:
    """Print one pass's results and return its rows: throughput against /health's (the target
    when `target`, else for information) and the failed requests."""
    results = dict(results)
    workers, tracebacks = results.pop("workers"), results.pop("tracebacks")
    base = results.pop("health (baseline)")
    print(
        f"\n{label}: gunicorn (gunicorn.conf.py: {workers} gthread workers), locust: "
        f"{args.users} users, {args.seconds:g} s a path, database {url.split(':')[0]}"
    )
    print(f"{'path':<20}{'requests':>10}{'failed':>8}{'req/s':>9}{'median ms':>11}{'p95 ms':>8}")
    for name, r in [("health (baseline)", base), *results.items()]:
        print(
            f"{name:<20}{r['requests']:>10}{r['failures']:>8}{r['rps']:>9.1f}"
            f"{r['median']:>11.0f}{r['p95']:>8.0f}"
        )
    rows = []
    prefix = "pages" if target else f"pages, {label}"
    for name, r in results.items():
        ratio = r["rps"] / base["rps"] if base["rps"] else None
        rows.append(
            {
                "figure": f"{prefix}: {name} throughput (req/s)",
                "value": round(r["rps"], 1),
                "baseline": round(base["rps"], 1),
                "ratio": None if ratio is None else round(ratio, 3),
                "target": f"≥ {TARGET_RATIO}" if target else "(info)",
                "ok": (ratio is not None and ratio >= TARGET_RATIO) if target else None,
            }
        )
    failed = sum(r["failures"] for r in (base, *results.values()))
    total = sum(r["requests"] for r in (base, *results.values()))
    rows.append(
        {
            "figure": f"{prefix}: failed requests (of all)",
            "value": failed,
            "baseline": total,
            "ratio": round(failed / total, 3) if total else None,
            "target": "= 0",
            "ok": failed == 0 and tracebacks == 0 and total > 0,
        }
    )
    if tracebacks:
        print(f"gunicorn logged {tracebacks} tracebacks")
    return rows


def bench(url: str, args) -> list[dict]:
    """The pages with the production settings (the public's page cache on, `--page-cache`
    seconds), then, unless `--uncached 0`, again with the cache off: what a page costs
    when it is rendered for every request (a logged-in user's case), for information."""
    from bench.bidding_bench import load_average, make_app

    print(f"load average at start: {load_average()}")
    with tempfile.TemporaryDirectory(prefix="zjm-pagesbench-") as tmp_name:
        tmp = Path(tmp_name)
        app = make_app(url, tmp, 0)
        print(f"seeding {app.extensions['market.db'].dialect}…", file=sys.stderr)
        paths = seed(app, args.tasks)
        app.extensions["market.db"].engine.dispose()
        cached = measure(url, tmp, paths, args, args.page_cache)
        rendered = measure(url, tmp, paths, args, 0) if args.uncached else None
    rows = table(cached, f"page cache {args.page_cache:g} s", args, url, target=True)
    if rendered is not None:
        rows += table(rendered, "page cache off", args, url, target=False)
    print(f"load average at end: {load_average()}")
    return rows


def rows(argv: list[str] | None = None) -> list[dict]:
    """Run the benchmark (options as on the command line) and return its rows."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--users", type=int, default=20, help="concurrent locust users")
    parser.add_argument("--seconds", type=float, default=15.0, help="locust's run per path")
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="an unmeasured locust run before each path's"
    )
    parser.add_argument(
        "--tasks", type=int, default=500, help="published tasks generated besides the demo's"
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (0: gunicorn.conf.py's)"
    )
    parser.add_argument(
        "--page-cache",
        type=float,
        default=2.0,
        help="PUBLIC_PAGE_CACHE_SECONDS of the measured run (the production default: 2)",
    )
    parser.add_argument(
        "--uncached",
        type=int,
        default=1,
        help="1: a second run with the page cache off, for information (0: skip it)",
    )
    args = parser.parse_args(argv)
    if args.db == "postgresql":
        sys.path.insert(0, str(ROOT))
        from tests.pgserver import PostgresServer

        pg = PostgresServer()
        try:
            return bench(pg.start(), args)
        finally:
            pg.stop()
    with tempfile.TemporaryDirectory(prefix="zjm-pagesbench-") as tmp:
        return bench(f"sqlite:///{Path(tmp) / 'bench.db'}", args)


def main(argv: list[str] | None = None) -> None:
    from bench.bidding_bench import print_rows

    print_rows(rows(argv))


if __name__ == "__main__":
    main()
