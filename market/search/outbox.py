"""The outbox that feeds Meilisearch: rows written in the transaction of a change, delivered by a
sweep, so an engine that is down loses nothing and catches up.

The sweep (every 10 s) claims a batch of due rows with a lease, builds their documents from the
database as it is now, commits, and only then talks to Meilisearch — so no database lock is held
while the network is slow. A row is marked done only after Meilisearch reports its task
`succeeded`; a failure increments `attempts`, keeps `last_error`, and sets `next_attempt_at` with
exponential back-off. On PostgreSQL rows are claimed `FOR UPDATE SKIP LOCKED`, so two scheduler
processes never send the same row twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select

from market import clock
from market.models import SearchOutbox
from market.search.meili import ENGINE_ERRORS
from market.search.port import port_of
from market.search.registry import REGISTRY

BATCH = 200
BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_MAX = timedelta(hours=1)
#: A claimed batch is due again after this long if the sweep dies while sending it.
LEASE = timedelta(minutes=2)
KEEP_DONE = timedelta(days=7)


def enqueue(session: Session, name: str, doc_ids: list[str], now: datetime) -> None:
    for doc_id in doc_ids:
        session.add(
            SearchOutbox(index_name=name, doc_id=doc_id, created_at=now, next_attempt_at=now)
        )


def backoff(attempts: int) -> timedelta:
    """Delay before attempt `attempts + 1`: 10 s, 20 s, 40 s … at most an hour."""
    return min(BACKOFF_BASE * (2 ** max(0, attempts - 1)), BACKOFF_MAX)


def pending(session: Session) -> list[SearchOutbox]:
    return list(
        session.exec(
            select(SearchOutbox)
            .where(col(SearchOutbox.done_at).is_(None))
            .order_by(SearchOutbox.id)
        )
    )


def _claim(session: Session, now: datetime) -> list[SearchOutbox]:
    query = (
        select(SearchOutbox)
        .where(col(SearchOutbox.done_at).is_(None), SearchOutbox.next_attempt_at <= now)
        .order_by(SearchOutbox.id)
        .limit(BATCH)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.exec(query))
    for row in rows:
        row.next_attempt_at = now + LEASE
        session.add(row)
    return rows


def deliver(session: Session) -> int:
    """The sweep: deliver one batch of due rows; returns how many rows were confirmed."""
    config = port_of(session).meilisearch
    if config is None:
        return 0
    now = clock.now()
    session.execute(
        delete(SearchOutbox).where(
            col(SearchOutbox.done_at).is_not(None), SearchOutbox.done_at < now - KEEP_DONE
        )
    )
    rows = _claim(session, now)
    if not rows:
        return 0
    by_index: dict[str, list[SearchOutbox]] = defaultdict(list)
    for row in rows:
        by_index[row.index_name].append(row)
    work = []
    for name, index_rows in by_index.items():
        spec = REGISTRY.get(name)
        if spec is None:
            work.append((None, index_rows, [], [], f"unknown index {name!r}"))
            continue
        docs, gone = [], []
        for doc_id in dict.fromkeys(r.doc_id for r in index_rows):
            doc = spec.build(session, doc_id)
            if doc is None:
                gone.append(doc_id)
            else:
                docs.append(doc)
        work.append((spec, index_rows, docs, gone, None))
    session.commit()  # the lease is taken; release the database before the network

    engine = config.engine()
    outcome = []
    for spec, index_rows, docs, gone, error in work:
        if error is None:
            try:
                engine.ensure_settings(spec)
                engine.put_many(spec, docs)
                engine.delete_many(spec, gone)
            except ENGINE_ERRORS as exc:
                error = f"{type(exc).__name__}: {exc}"
        outcome.append((index_rows, error))

    done_at = clock.now()
    confirmed = 0
    for index_rows, error in outcome:
        for row in index_rows:
            if error is None:
                row.done_at = done_at
                row.last_error = None
                confirmed += 1
            else:
                row.attempts += 1
                row.last_error = error[:2000]
                row.next_attempt_at = done_at + backoff(row.attempts)
            session.add(row)
    session.flush()
    return confirmed
