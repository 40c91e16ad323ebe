"""The search port: one interface, two engines (docs/rules.md §8).

- `index(session, name, id)` — call it in the transaction of every change to a record. It updates
  the embedded index at once (same transaction) and, when Meilisearch is configured, writes an
  outbox row that the `search.outbox` sweep delivers.
- `search(session, name, Query)` — Meilisearch when `MEILISEARCH_URL` is set and it answers; the
  embedded engine (SQLite FTS5 / PostgreSQL full-text) otherwise, with `Results.fallback` set when
  Meilisearch was configured but failed. The embedded index is always maintained, so the
  fallback has data.
- `register_index(IndexSpec)` — how a package adds an index (see `market.search.registry`).

Nothing here reads Flask: `init_app` builds the port (`market.search.port.SearchPort`) once from
the app's configuration (MEILISEARCH_URL, MEILISEARCH_KEY, MEILISEARCH_INDEX_PREFIX = "zjm_",
MEILISEARCH_TIMEOUT = 3 s) and attaches it to the app's `Database`; each call finds it through its
session, so requests, CLI commands, sweeps and scripts all write the outbox alike.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from market import clock, signals
from market.search import indexes, task_index  # noqa: F401  (registers the core's indexes)
from market.search.embedded import EmbeddedEngine
from market.search.meili import ENGINE_ERRORS
from market.search.outbox import enqueue
from market.search.port import MeiliConfig, SearchPort, installed, port_of, use
from market.search.registry import (
    REGISTRY,
    Document,
    Hit,
    IndexSpec,
    Query,
    Results,
    UnknownIndex,
    get_index,
    register_index,
)
from market.search.segmenting import Segmenter, pool_size
from market.search.text import parse_query

__all__ = [
    "Document",
    "Hit",
    "IndexSpec",
    "MeiliConfig",
    "Query",
    "Results",
    "SearchPort",
    "UnknownIndex",
    "get_index",
    "index",
    "index_many",
    "init_app",
    "installed",
    "port_of",
    "register_index",
    "reindex",
    "search",
    "suggest",
    "use",
]

log = logging.getLogger(__name__)

#: After a failure, Meilisearch is not asked again for this long (pages stay fast meanwhile).
BREAKER_SECONDS = 15.0
_unavailable_until: dict[str, float] = {}


# --- writing -------------------------------------------------------------------------------------


def index(session: Session, name: str, doc_id: int | str) -> None:
    """Bring record `doc_id` of index `name` up to date, in the caller's transaction."""
    index_many(session, name, [doc_id])


def on_task_moved(task, *, session: Session, **_ignored) -> None:
    """A lifecycle transition changes what the tasks index holds (its status, open or not)."""
    index(session, "tasks", task.id)


signals.task_moved.connect(on_task_moved, weak=False)


def index_many(session: Session, name: str, doc_ids: Iterable[int | str]) -> None:
    spec = get_index(name)
    engine = EmbeddedEngine(session)
    docs, gone = [], []
    for doc_id in dict.fromkeys(str(i) for i in doc_ids):
        doc = spec.build(session, doc_id)
        if doc is None:
            gone.append(doc_id)
        else:
            docs.append(doc)
    engine.put_many(spec, docs)
    for doc_id in gone:
        engine.delete(spec, doc_id)
    if port_of(session).meilisearch is not None:
        enqueue(session, name, [d.id for d in docs] + gone, clock.now())


@dataclass
class ReindexReport:
    name: str
    documents: int
    meilisearch_error: str | None = None


def reindex(
    session: Session,
    name: str,
    on_progress: Callable[[int], None] | None = None,
    batch: int = 500,
    workers: int | None = None,
) -> ReindexReport:
    """Rebuild index `name` from the database: the embedded index in this transaction, and
    Meilisearch (settings first) when configured. A Meilisearch failure is reported, not raised,
    so the embedded index is rebuilt whatever happens. The text is cut in `workers` processes
    (default: one per core for a large index; 0: in this process) while this one reads and
    writes, a few batches ahead at most (`market.search.segmenting`)."""
    spec = get_index(name)
    ids = [str(i) for i in spec.ids(session)]
    embedded = EmbeddedEngine(session)
    embedded.clear(spec)
    config = port_of(session).meilisearch
    meili, error = (config.engine() if config else None), None
    if meili is not None:
        try:
            meili.apply_settings(spec)
            meili.clear(spec)
        except ENGINE_ERRORS as exc:
            meili, error = None, f"{type(exc).__name__}: {exc}"
    count = 0
    chunks = (ids[start : start + batch] for start in range(0, len(ids), batch))

    def build(chunk: list[str]) -> list[Document]:
        return [d for d in spec.build_all(session, chunk) if d is not None]

    with Segmenter(spec, pool_size(len(ids), workers)) as segmenter:
        for chunk, docs, weighted in segmenter.map(chunks, build):
            embedded.put_many(spec, docs, fresh=True, weighted=weighted)
            if meili is not None:
                try:
                    meili.put_many(spec, docs)
                except ENGINE_ERRORS as exc:
                    meili, error = None, f"{type(exc).__name__}: {exc}"
            count += len(docs)
            if on_progress:
                on_progress(len(chunk))
    return ReindexReport(name, count, error)


# --- reading -------------------------------------------------------------------------------------


def search(session: Session, name: str, query: Query, now: datetime | None = None) -> Results:
    spec = get_index(name)
    query = query.cleaned(spec)
    # As in Meilisearch, the last word may be the start of a longer one, unless a space follows.
    parsed = parse_query(query.text, prefix=not query.text[-1:].isspace())
    now = now or clock.now()
    if query.text.strip() and parsed.empty:
        # Only punctuation or stop words: nothing to look for, on either engine.
        return Results(
            [],
            0,
            query.page,
            query.per_page,
            {f: [] for f in spec.filters},
            engine="",
            no_terms=True,
        )
    config = port_of(session).meilisearch
    fallback = False
    if config is not None:
        if _unavailable_until.get(config.url, 0.0) <= time.monotonic():
            try:
                return config.engine().search(spec, query, parsed, now)
            except ENGINE_ERRORS as exc:
                log.warning("Meilisearch unavailable, searching the embedded index: %s", exc)
                _unavailable_until[config.url] = time.monotonic() + BREAKER_SECONDS
        fallback = True
    results = EmbeddedEngine(session).search(spec, query, parsed, now)
    results.fallback = fallback
    return results


def suggest(
    session: Session, text: str, limit: int = 5, names: Iterable[str] | None = None
) -> list[tuple[IndexSpec, Hit]]:
    """The best few titles of each index for what has been typed so far (last word a prefix)."""
    out = []
    for name in names or REGISTRY:
        spec = get_index(name)
        results = search(session, name, Query(text=text, per_page=limit, facets=False))
        out.extend((spec, hit) for hit in results.hits)
    return out


def init_app(app) -> None:
    """Build the port from the app's configuration and attach it to the app's database (the
    outbox sweep is registered by `market.jobs`, the `search` CLI group by `market.cli`)."""
    use(app.extensions["market.db"], SearchPort.from_config(app.config))
