"""The search outbox: changes waiting to reach Meilisearch.

The embedded full-text tables (`search_document`, `search_number`, and the FTS5
table or tsvector column) are not models: they are engine-specific, created by the migration and
owned by `market.search.embedded`, and left out of the autogenerate comparison by their prefix.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class SearchOutbox(SQLModel, table=True):
    """One document to send to Meilisearch, written in the transaction that changed it.

    A row is done only when Meilisearch confirmed the task; until then the sweep retries it with
    exponential back-off (`attempts`, `next_attempt_at`, `last_error`).
    """

    __table_args__ = (Index("ix_searchoutbox_pending", "done_at", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    index_name: str = Field(max_length=32)
    doc_id: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=UTCDateTime)
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    attempts: int = Field(default=0)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    done_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
