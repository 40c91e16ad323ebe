"""Pairs of bids flagged at opening as possibly related (docs/rules.md §5)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class RelationFlag(SQLModel, table=True):
    """Two bids standing at opening whose agencies may be related on a ground nobody verified: the
    same representative's identity declared by both but not verified for both, or a relation one
    of them declared. Listed for the applicant and the regulators to review; it never makes a bid
    invalid."""

    __table_args__ = (UniqueConstraint("task_id", "first_bid_id", "second_bid_id", "ground"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    first_bid_id: int = Field(foreign_key="bid.id")
    second_bid_id: int = Field(foreign_key="bid.id")
    #: "identity_unverified" or "declared_relation".
    ground: str = Field(max_length=40)
    #: Untranslated messages [{"msgid", "params"}], rendered in the reader's language.
    messages: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    flagged_at: datetime = Field(sa_type=UTCDateTime)
