"""Ratings (服务评价) of a contract's parties by each other, and the appeals against them
(docs/rules.md §6). A rating is double-blind: hidden and not counted until both sides rated or the
window closed (`published_at`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: `Rating.side`: who rates — the applicant rates the agency, the agency rates the applicant.
BY_APPLICANT, BY_AGENCY = "applicant", "agency"
#: The five dimensions, each 1–5 stars.
DIMENSIONS = ("quality", "timeliness", "attitude", "fees", "conduct")
#: `RatingAppeal.decision`.
UPHELD, VOIDED = "upheld", "voided"


class Rating(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("contract_id", "side"),)
    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    side: str = Field(max_length=16)
    rater_org_id: int = Field(foreign_key="organization.id", index=True)
    rated_org_id: int = Field(foreign_key="organization.id", index=True)
    rated_by_user_id: int = Field(foreign_key="user.id")
    quality: int
    timeliness: int
    attitude: int
    fees: int
    conduct: int
    comment: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    #: Shown and counted from this moment: both sides rated, or the window closed.
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The rated side's one public reply.
    reply: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    replied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Voided by a regulator on appeal: still shown, as voided, and no longer counted.
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    void_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class RatingAppeal(SQLModel, table=True):
    """The rated side's appeal of a published rating, decided by a regulator of the jurisdiction."""

    __table_args__ = (UniqueConstraint("rating_id"),)
    id: int | None = Field(default=None, primary_key=True)
    rating_id: int = Field(foreign_key="rating.id", index=True)
    appellant_org_id: int = Field(foreign_key="organization.id", index=True)
    filed_by_user_id: int = Field(foreign_key="user.id")
    reason: str = Field(sa_column=Column(Text, nullable=False))
    filed_at: datetime = Field(sa_type=UTCDateTime)
    decide_by: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    decision: str | None = Field(default=None, max_length=16)
    decision_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
