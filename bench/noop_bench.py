"""What an authenticated request costs in process, next to the health check: the app's fixed
cost per request, without a server, a network or PostgreSQL's processes.

    .venv/bin/python -m bench.noop_bench [--requests 1000] [--rounds 3]

A throw-away SQLite database (migrated, catalog seeded, one agency with an API token, as
`bench.bidding_bench` makes them), then Flask's test client: `GET /api/v1/health` (no login, no
database) and `GET /api/v1/session` with `Authorization: Bearer <token>` (the no-op: the token,
its user and its organization read, the user serialized), `--requests` each, alternately for
`--rounds` rounds. Per request: the process's CPU time (`time.process_time`, less sensitive to
other jobs than the wall clock), the median wall time, and the Python function calls counted by
cProfile over 200 more requests (the same on any machine). Rows `{figure, value, baseline, ratio,
target, ok}` as the other benchmarks'; the target (≤ 2) is what the no-op needs to reach half the
health check's rate when CPU is all that limits both.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import pstats
import statistics
import tempfile
import time
import warnings
from pathlib import Path

from bench.bidding_bench import Registry, make_app, migrate_and_seed, print_rows

HEALTH, NOOP = "/api/v1/health", "/api/v1/session"
PROFILED = 200


def _client(tmp: Path):
    from market import accounts

    app = make_app(f"sqlite:///{tmp / 'noop.db'}", tmp, 0)
    migrate_and_seed(app)
    registry = Registry("N")
    with app.extensions["market.db"].session() as session:
        registry.enterprise(session)
        agency = registry.agencies(session, 1)[0]
        _, plain = accounts.create_token(session, agency, "bench")
        session.commit()
    return app.test_client(use_cookies=False), {"Authorization": f"Bearer {plain}"}


def measure(requests: int, rounds: int) -> dict:
    """CPU, wall time and Python calls per request of the health check and of the no-op."""
    with tempfile.TemporaryDirectory(prefix="zjm-noop-") as folder:
        client, token = _client(Path(folder))

        def run(path: str, n: int) -> list[float]:
            headers = token if path == NOOP else {}
            times = []
            for _ in range(n):
                start = time.perf_counter()
                response = client.get(path, headers=headers)
                times.append(time.perf_counter() - start)
            assert response.status_code == 200, response.get_data(as_text=True)
            return times

        for path in (HEALTH, NOOP):
            run(path, PROFILED)  # warm-up: the first requests build caches
        calls = {}
        for path in (HEALTH, NOOP):
            profile = cProfile.Profile()
            profile.enable()
            run(path, PROFILED)
            profile.disable()
            calls[path] = pstats.Stats(profile).total_calls / PROFILED
        cpu = {HEALTH: 0.0, NOOP: 0.0}
        wall: dict[str, list[float]] = {HEALTH: [], NOOP: []}
        for _ in range(rounds):
            for path in (HEALTH, NOOP):
                start = time.process_time()
                wall[path] += run(path, requests)
                cpu[path] += time.process_time() - start
    n = requests * rounds
    return {
        path: {
            "cpu": cpu[path] / n,
            "wall": statistics.median(wall[path]),
            "calls": calls[path],
        }
        for path in (HEALTH, NOOP)
    }


def rows(requests: int = 1000, rounds: int = 3) -> list[dict]:
    from bench.bidding_bench import row

    m = measure(requests, rounds)
    noop, health = m[NOOP], m[HEALTH]
    us = 1_000_000  # microseconds: a request's cost is well under a millisecond
    return [
        row(
            "in process: no-op CPU ÷ /health CPU",
            noop["cpu"] * us,
            health["cpu"] * us,
            "<=",
            2.0,
            "µs",
        ),
        row(
            "in process: no-op median ÷ /health median",
            noop["wall"] * us,
            health["wall"] * us,
            "<=",
            2.0,
            "µs",
        ),
        row(
            "in process: Python calls, no-op ÷ /health",
            noop["calls"],
            health["calls"],
            "<=",
            2.0,
            "calls",
        ),
    ]


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    warnings.simplefilter("ignore")
    table = rows(args.requests, args.rounds)
    print_rows(table)
    return table


if __name__ == "__main__":
    main()
