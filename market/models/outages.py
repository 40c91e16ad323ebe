"""Platform outages and the deadlines their notices moved (docs/rules.md §4, outage)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class OutageNotice(SQLModel, table=True):
    """A published notice (公告) of a platform outage: from when until when the platform was
    unusable, why, and by how many working days it extended the deadlines it caught."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime = Field(sa_type=UTCDateTime)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    extension_wd: int
    #: Deadlines after `started_at` and no later than this (24:00 of the `extension_wd`-th working
    #: day after the outage's last day) were moved.
    window_ends_at: datetime = Field(sa_type=UTCDateTime)
    published_at: datetime = Field(sa_type=UTCDateTime)
    published_by_user_id: int = Field(foreign_key="user.id")


class OutageMove(SQLModel, table=True):
    """One deadline an outage notice moved: which (`kind`: a task's bidding deadline, or a
    deadline another package keeps on the task), from when to when."""

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(foreign_key="outagenotice.id", index=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    kind: str = Field(max_length=32)
    old_at: datetime = Field(sa_type=UTCDateTime)
    new_at: datetime = Field(sa_type=UTCDateTime)
