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


#: Why an award stopped being current (`Award.revoked_because`).
COMPLAINT_UPHELD, ABANDONED = "complaint_upheld", "abandoned"


class Award(SQLModel, table=True):
    """An award candidate (rank 1 at first). A task keeps every one it had: the current one is the
    latest not revoked; a revoked one (an upheld complaint, an abandoned award) hands over to the
    next in line (`bidding.awards`). It becomes final, with its award notice, when its publicity
    ends with nothing pending."""

    __table_args__ = (UniqueConstraint("notice_number"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    bid_id: int = Field(foreign_key="bid.id")
    rank: int
    candidate_at: datetime = Field(sa_type=UTCDateTime)
    #: End of this candidate's publicity (each candidate has its own).
    publicity_ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Bidders object to this candidate before this moment: the end of publicity, or for a
    #: `budget` task the end of the longer challenge (质疑) period. Never final before it.
    objections_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The award became final and its award notice (中选通知书) was issued at this moment.
    final_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    notice_number: str | None = Field(default=None, max_length=32)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_because: str | None = Field(default=None, max_length=20)
    revoked_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
