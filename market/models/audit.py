"""The hash-chained audit log (docs/rules.md §9)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

GENESIS_HASH = "0" * 64


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    at: datetime = Field(sa_type=UTCDateTime)
    action: str = Field(max_length=64, index=True)
    actor_user_id: int | None = Field(default=None)
    actor_org_id: int | None = Field(default=None)
    object_type: str = Field(max_length=32)
    object_id: str = Field(max_length=64)
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    prev_hash: str = Field(sa_column=Column(String(64), nullable=False))
    hash: str = Field(sa_column=Column(String(64), nullable=False))


class AuditHead(SQLModel, table=True):
    """A single row locked while the chain is extended, so two transactions never fork it."""

    id: int = Field(default=1, primary_key=True)
    seq: int = Field(default=0)
    hash: str = Field(default=GENESIS_HASH, sa_column=Column(String(64), nullable=False))


class AuditCheckpoint(SQLModel, table=True):
    """The chain head as published each day; a rewritten chain no longer matches it."""

    day: date = Field(primary_key=True)
    seq: int
    hash: str = Field(sa_column=Column(String(64), nullable=False))
    published_at: datetime = Field(sa_type=UTCDateTime)
