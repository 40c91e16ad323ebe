"""The exit rules' tables (docs/rules.md §6, "Lists and exit rules"): the actions taken on an
agency's standing (warning, suspension, removal), the appeals against them, and the notices sent
ahead of a legally required qualification's expiry."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: `ExitAction.kind`.
WARNING, SUSPENSION, REMOVAL = "warning", "suspension", "removal"
KINDS = (WARNING, SUSPENSION, REMOVAL)
#: `ExitAction.cause`.
GRADE_D = "grade_d"
SCORE_BELOW = "score_below"
CONDUCT_COMPLAINTS = "conduct_complaints"
SERIOUS_RECORDS = "serious_records"
DISHONESTY_LIST = "dishonesty_list"
QUALIFICATION_EXPIRED = "qualification_expired"
QUALIFICATION_REVOKED = "qualification_revoked"
LICENCE_CANCELLED = "licence_cancelled"
CAUSES = (
    GRADE_D,
    SCORE_BELOW,
    CONDUCT_COMPLAINTS,
    SERIOUS_RECORDS,
    DISHONESTY_LIST,
    QUALIFICATION_EXPIRED,
    QUALIFICATION_REVOKED,
    LICENCE_CANCELLED,
)
#: `ExitAction.state`: a warning or suspension is in force from its start; a removal is proposed,
#: then confirmed or dismissed by a regulator.
IN_FORCE, PROPOSED, CONFIRMED, DISMISSED = "in_force", "proposed", "confirmed", "dismissed"
#: `ExitAction.end_reason`.
LEFT_CONDITION = "left_condition"  # the agency left grade D
CAUSE_ENDED = "cause_ended"  # listing lifted or over, qualification renewed
OVERTURNED = "overturned"  # an appeal overturned it
REINSTATED = "reinstated"  # a regulator reinstated a removed agency
#: `ExitAppeal.decision`.
UPHELD = "upheld"
APPEAL_DECISIONS = (UPHELD, OVERTURNED)


class ExitAction(SQLModel, table=True):
    """One automatic action on an agency's standing, from the moment its condition was entered.

    `source` names the fact that caused it once ("standing:<at>", "complaint:<id>",
    "dishonesty:<entry>", "qualification:<id>:<valid until>", "licence:<reference>"), so a fact
    acted upon is never acted upon twice."""

    __table_args__ = (UniqueConstraint("agency_id", "kind", "source"),)
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    kind: str = Field(max_length=16)
    cause: str = Field(max_length=32)
    source: str = Field(sa_column=Column(String(120), nullable=False))
    #: What the cause was, in facts a reader can check (scores, counts, ids, dates, reference).
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(max_length=16)
    #: When the condition was entered (a removal: when it was proposed).
    started_at: datetime = Field(sa_type=UTCDateTime)
    #: A suspension's end; a removal's cause's known end (a listing's end), else None.
    until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The legally required qualification whose lapse caused a removal.
    qualification_id: int | None = Field(default=None, foreign_key="qualification.id")
    #: A removal's confirmation or dismissal by a regulator, with its reason.
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    decision_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: When it stopped being in force, and why (a suspension that runs to `until` keeps None).
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    end_reason: str | None = Field(default=None, max_length=20)


class ExitAppeal(SQLModel, table=True):
    """The agency's one appeal against an action, decided by a regulator covering the agency."""

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="exitaction.id", unique=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    filed_at: datetime = Field(sa_type=UTCDateTime)
    filed_by_user_id: int = Field(foreign_key="user.id")
    decide_by: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision: str | None = Field(default=None, max_length=16)
    decision_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")


class ExitNotice(SQLModel, table=True):
    """A notice sent ahead of a legally required qualification's expiry, once per expiry date."""

    __table_args__ = (UniqueConstraint("qualification_id", "valid_until"),)
    id: int | None = Field(default=None, primary_key=True)
    qualification_id: int = Field(foreign_key="qualification.id", index=True)
    valid_until: date
    agency_id: int = Field(foreign_key="organization.id", index=True)
    sent_at: datetime = Field(sa_type=UTCDateTime)
