"""The search port's configuration, and how code holding only a session reaches it.

The port is built once from the app's configuration by `market.search.init_app` and attached to
the app's `Database` rather than installed process-wide like the clock: every session that
Database makes — a request's, a CLI command's, a sweep's, a script's — reaches the same port
without Flask, so a write outside a request still feeds the Meilisearch outbox; and two apps in
one process (the tests compose several) never see each other's Meilisearch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session

from market.db import Database
from market.search.meili import MeiliEngine

#: Key of the port in `Database.extensions`.
EXTENSION = "market.search"


@dataclass(frozen=True)
class MeiliConfig:
    url: str
    api_key: str
    prefix: str
    timeout: float

    def engine(self) -> MeiliEngine:
        return MeiliEngine(self.url, self.api_key, self.prefix, self.timeout)


@dataclass(frozen=True)
class SearchPort:
    """Which engines a database's search uses: the embedded index always, Meilisearch (written
    through the outbox, asked first when searching) when `meilisearch` is set."""

    meilisearch: MeiliConfig | None = None

    @classmethod
    def from_config(cls, config: Mapping) -> SearchPort:
        """MEILISEARCH_URL (empty: embedded only), MEILISEARCH_KEY, MEILISEARCH_INDEX_PREFIX
        ("zjm_"), MEILISEARCH_TIMEOUT (3 s)."""
        if not config.get("MEILISEARCH_URL"):
            return EMBEDDED_ONLY
        return cls(
            MeiliConfig(
                config["MEILISEARCH_URL"],
                config.get("MEILISEARCH_KEY") or "",
                config.get("MEILISEARCH_INDEX_PREFIX", "zjm_"),
                float(config.get("MEILISEARCH_TIMEOUT", 3)),
            )
        )


#: The port of a database nobody configured, and of a session no `Database` made: such code was
#: given no Meilisearch to feed, so it maintains the embedded index only.
EMBEDDED_ONLY = SearchPort()


def use(database: Database, port: SearchPort) -> SearchPort:
    """Attach `port` to `database`; returns the previous one so a caller can restore it."""
    previous = installed(database)
    database.extensions[EXTENSION] = port
    return previous


def installed(database: Database) -> SearchPort:
    return database.extensions.get(EXTENSION, EMBEDDED_ONLY)


def port_of(session: Session) -> SearchPort:
    """The port of the database that made `session`."""
    database = Database.of(session)
    return EMBEDDED_ONLY if database is None else installed(database)
