"""An agency's credit events (信用档案): the facts its credit score is a function of
(docs/rules.md §6), and the regulator's misconduct records and commendations.

Every event is written once, with the moment it counts from (`at`), by `ratings.credit_events.record`
from the service that makes the fact; a fact undone later (a rating voided, a record repaired) is
marked `voided_at` rather than deleted, so a score as of any earlier moment can be recomputed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: `CreditEvent.kind`.
RATING = "rating"
ON_TIME, LATE = "on_time", "late"
ABANDONED, TERMINATED_FAULT = "abandoned", "terminated_fault"
MISCONDUCT_MINOR, MISCONDUCT_GENERAL, MISCONDUCT_SERIOUS = (
    "misconduct_minor",
    "misconduct_general",
    "misconduct_serious",
)
COMMENDATION = "commendation"
KINDS = (
    RATING,
    ON_TIME,
    LATE,
    ABANDONED,
    TERMINATED_FAULT,
    MISCONDUCT_MINOR,
    MISCONDUCT_GENERAL,
    MISCONDUCT_SERIOUS,
    COMMENDATION,
)
#: `MisconductRecord.severity`.
MINOR, GENERAL, SERIOUS = "minor", "general", "serious"


class CreditEvent(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("source"),)
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    kind: str = Field(max_length=24)
    #: The moment the event counts from (aware UTC; its Shanghai date starts its period).
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    #: What made it, unique: "rating:12", "contract:7:on_time", "misconduct:3", …
    source: str = Field(max_length=60)
    #: The numbers the formula needs: a rating's stars as an exact fraction ("21/5"), the
    #: contract's price in fen (anti-farming), the applicant's organization id…
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    voided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MisconductRecord(SQLModel, table=True):
    """A regulator's record of an agency's misconduct (不良行为记录), with its legal basis and facts;
    a minor one is never published (the public file shows only its points)."""

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    severity: str = Field(max_length=16)
    legal_basis: str = Field(sa_column=Column(Text, nullable=False))
    facts: str = Field(sa_column=Column(Text, nullable=False))
    decided_at: datetime = Field(sa_type=UTCDateTime)
    decided_by_user_id: int = Field(foreign_key="user.id")
    decided_by_org_id: int = Field(foreign_key="organization.id")
    #: The proposal it decided, if any.
    proposal_id: int | None = Field(default=None, foreign_key="misconductproposal.id")
    repaired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The regulator confirmed collusion (串通): proposes a serious-dishonesty listing.
    collusion: bool = Field(default=False)


class Commendation(SQLModel, table=True):
    """A regulator's commendation of an agency (表彰), +3 for 12 months by default."""

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    decided_at: datetime = Field(sa_type=UTCDateTime)
    decided_by_user_id: int = Field(foreign_key="user.id")
    decided_by_org_id: int = Field(foreign_key="organization.id")


class CreditSnapshot(SQLModel, table=True):
    """An agency's standing as one recomputation left it, written only when the score or the
    grade changed: the grade history of its credit file."""

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    score_milli: int
    grade: str = Field(max_length=1)
    #: The recorded policy version it was computed under (None before any was recorded).
    policy_version: int | None = Field(default=None)
