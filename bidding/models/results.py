"""Results: the full ranking with its exact numbers, and the award candidate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class RankingEntry(SQLModel, table=True):
    """A valid bid's place in the result, with every number needed to recompute it."""

    __table_args__ = (UniqueConstraint("task_id", "rank"), UniqueConstraint("task_id", "bid_id"))
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    bid_id: int = Field(foreign_key="bid.id")
    rank: int
    #: Exact fractions as strings, e.g. {"price_fen": "90000", "reference_fen": "281333/3"}.
    numbers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: The draw purpose that placed it inside a tie group, if any.
    tie_purpose: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Award(SQLModel, table=True):
    """The award candidate (rank 1 at first); a later revocation moves the next rank up."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    bid_id: int = Field(foreign_key="bid.id")
    rank: int
    candidate_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
