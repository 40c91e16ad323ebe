"""Objections (异议; 质疑 for `budget` tasks) by a task's bidders against its result during
publicity, the applicant's answers, and complaints (投诉) to the regulator (docs/rules.md §4).
Their state is derived from their timestamps; every deadline is computed once, when the step that
starts it happens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: `Objection.kind`: 异议 for `private`/`state_owned` tasks, 质疑 for `budget` tasks.
OBJECTION, CHALLENGE = "objection", "challenge"
#: `Complaint.decision`.
UPHELD, DISMISSED = "upheld", "dismissed"


class Objection(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    #: The award candidate objected to (the current one when filed).
    award_id: int = Field(foreign_key="award.id", index=True)
    #: The objector's own bid on the task (only a bidder of the task may object).
    bid_id: int = Field(foreign_key="bid.id")
    agency_id: int = Field(foreign_key="organization.id", index=True)
    kind: str = Field(max_length=16)
    grounds: str = Field(sa_column=Column(Text, nullable=False))
    filed_at: datetime = Field(sa_type=UTCDateTime)
    filed_by_user_id: int = Field(foreign_key="user.id")
    #: The applicant answers before this moment.
    answer_due_at: datetime = Field(sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    #: A complaint about this objection may be filed before this moment (set when answered, or when
    #: the answer's time ran out unanswered).
    complaint_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Complaint(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    objection_id: int = Field(foreign_key="objection.id", index=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    grounds: str = Field(sa_column=Column(Text, nullable=False))
    filed_at: datetime = Field(sa_type=UTCDateTime)
    filed_by_user_id: int = Field(foreign_key="user.id")
    #: The regulator decides before this moment.
    decide_by: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    decided_by_org_id: int | None = Field(default=None, foreign_key="organization.id")
    decision: str | None = Field(default=None, max_length=16)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: An upheld complaint that found an agency's conduct at fault names it (a misconduct ground).
    conduct_agency_id: int | None = Field(default=None, foreign_key="organization.id")
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
