"""Questions about a task and objections to its announcement."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class TaskQuestion(SQLModel, table=True):
    """A question about a published task (docs/rules.md §4): asked by a listed agency until one working
    day before the deadline, answered publicly by the applicant. The asker stays anonymous:
    ``asker_org_id`` is shown to nobody but the asker itself (see `bidding.questions.services`)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    asked_at: datetime = Field(sa_type=UTCDateTime)
    asker_org_id: int = Field(foreign_key="organization.id")
    question: str = Field(sa_column=Column(Text, nullable=False))
    answer: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AnnouncementObjection(SQLModel, table=True):
    """A potential bidder's objection to the announcement's conditions, until the deadline
    (docs/rules.md §4); the objector is shown to the applicant and regulators from opening on."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    objector_org_id: int = Field(foreign_key="organization.id")
    text: str = Field(sa_column=Column(Text, nullable=False))
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    reply: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    replied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
