"""Credit engine benchmark: (a) one credit event → the agency's updated standing, (b) a full
recomputation of every agency's standing from its events, streamed with bounded memory.

A temporary SQLite database (or `--url`) is migrated with the real migrations; `--agencies`
listed agencies and `--events` credit events (ratings, on-time and late contracts, abandoned
awards, misconduct records, commendations, 5 % of them voided, spread over five years) are written
straight into the tables in batches. Then:

(a) `ratings.credit_events.record` of one new event for a random agency with its ~`events/agencies`
    events, through the real handler (the agency's events read, scored, the standing, a snapshot
    and the search document written) **plus the commit**, `--reps` times: median and p95;
(b) `ratings.standing.recompute_all` as `flask credit recompute` runs it, in a fresh process (so its
    peak RSS is its own, measured with `resource.getrusage`), with the time taken. The standing is
    first cleared so that every agency is written, snapshotted and reindexed;
(c) then the daily sweep `ratings.standing.refresh_due` at the same moment: every agency read and
    scored again, nothing to write.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, update

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)


def make_app(url: str):
    from wsgi import create_app

    return create_app({"DATABASE_URL": url, "MEILISEARCH_URL": "", "TESTING": True})


def generate(url: str, agencies: int, events: int, seed: int = 7) -> None:
    from alembic import command

    from market import clock
    from market.cli import alembic_config
    from market.models import Organization
    from ratings.models.credit import KINDS, RATING, CreditEvent

    app = make_app(url)
    with app.app_context():
        command.upgrade(alembic_config(), "head")
    clock.use(clock.FrozenClock(START))
    rng = random.Random(seed)
    database = app.extensions["market.db"]
    with database.transaction() as session:
        ids = []
        for start in range(0, agencies, 5000):
            rows = [
                {
                    "kind": "agency",
                    "name": f"中介机构{n:06d}",
                    "region_code": "220102",
                    "created_at": START,
                    "listed_at": START,
                }
                for n in range(start, min(agencies, start + 5000))
            ]
            session.execute(insert(Organization), rows)
        ids = [
            row[0]
            for row in session.execute(
                Organization.__table__.select().with_only_columns(Organization.id)
            )
        ]
    kinds = [RATING] * 6 + [k for k in KINDS if k != RATING]
    t0 = time.perf_counter()
    for start in range(0, events, 20_000):
        rows = []
        for n in range(start, min(events, start + 20_000)):
            kind = rng.choice(kinds)
            at = START - timedelta(minutes=rng.randrange(5 * 365 * 1440))
            data = {"price_fen": rng.choice([50_000, 300_000, 2_000_000])}
            if kind == RATING:
                data |= {"stars": f"{rng.randrange(5, 26)}/5", "applicant_id": rng.randrange(500)}
            voided = at + timedelta(days=rng.randrange(1, 300)) if rng.random() < 0.05 else None
            rows.append(
                {
                    "agency_id": rng.choice(ids),
                    "kind": kind,
                    "at": at,
                    "source": f"bench:{n}",
                    "data": data,
                    "created_at": at,
                    "voided_at": voided,
                }
            )
        with database.transaction() as session:
            session.execute(insert(CreditEvent), rows)
    print(
        f"generated {agencies:,} agencies and {events:,} events in {time.perf_counter() - t0:.1f} s"
    )


def one_event(url: str, reps: int, seed: int = 8) -> None:
    from market import clock
    from market.models import Organization
    from ratings import credit_events
    from ratings.models.credit import COMMENDATION

    app = make_app(url)
    clock.use(clock.FrozenClock(START))
    rng = random.Random(seed)
    database = app.extensions["market.db"]
    with database.transaction() as session:
        ids = [
            row[0]
            for row in session.execute(
                Organization.__table__.select().with_only_columns(Organization.id)
            )
        ]
    samples = []
    with app.app_context():
        for n in range(reps + 1):
            agency = rng.choice(ids)
            started = time.perf_counter()
            with database.transaction() as session:
                credit_events.record(session, agency, COMMENDATION, START, f"bench:one:{n}")
            if n:  # the first is a warm-up
                samples.append(time.perf_counter() - started)
    samples.sort()
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    print(
        f"(a) one event -> standing, {reps} events: median {statistics.median(samples) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms"
    )


def recompute(url: str, batch: int) -> None:
    """Run in a process of its own: the peak RSS reported is the recomputation's."""
    from market import clock
    from market.models import Organization
    from market.policy import registry_of
    from ratings.credit_policy import DEFAULT_POLICY
    from ratings.standing import recompute_all, refresh_due

    app = make_app(url)
    clock.use(clock.FrozenClock(START + timedelta(days=1)))
    database = app.extensions["market.db"]
    with database.transaction() as session:  # every agency is written again
        session.execute(update(Organization).values(credit_score_milli=None, grade=None))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with app.app_context(), database.transaction() as session:
        seen, changed = recompute_all(session, DEFAULT_POLICY, None, batch)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()  # (c) the daily sweep at the same moment: nothing to write
    with app.app_context(), database.transaction() as session:
        swept = refresh_due(session, registry_of(app))
    sweep_seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seen": seen,
                "changed": changed,
                "seconds": elapsed,
                "rss_before_kib": before,
                "peak_rss_kib": peak,
                "sweep_changed": swept,
                "sweep_seconds": sweep_seconds,
            }
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--url", help="an existing database already generated (skips generation)")
    parser.add_argument("--phase", choices=["all", "recompute"], default="all")
    args = parser.parse_args(argv)
    if args.phase == "recompute":
        recompute(args.url, args.batch)
        return
    with tempfile.TemporaryDirectory(prefix="zjm-bench-") as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'credit.db'}"
        if not args.url:
            generate(url, args.agencies, args.events)
        one_event(url, args.reps)
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.credit_bench",
                "--phase",
                "recompute",
                "--url",
                url,
                "--batch",
                str(args.batch),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"(b) full recomputation: {result['seen']:,} agencies with events, "
            f"{result['changed']:,} written, {result['seconds']:.1f} s; peak RSS "
            f"{result['peak_rss_kib'] / 1024:.0f} MiB (before it: {result['rss_before_kib'] / 1024:.0f} MiB)"
        )
        print(
            f"(c) the daily sweep right after it: {result['sweep_changed']:,} changed, "
            f"{result['sweep_seconds']:.1f} s"
        )


if __name__ == "__main__":
    main()
