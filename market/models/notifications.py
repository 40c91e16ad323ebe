"""Notifications: a fact told to one user, shown in the app and mailed by a sweep."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class Notification(SQLModel, table=True):
    """One per recipient. `data` holds only the values the message needs (a task's number and
    title, dates as ISO strings): the message itself is translated when it is shown, in the
    reader's language, from the kind's registered text (`market.notifications`)."""

    __table_args__ = (
        Index("ix_notification_user_id_read_at", "user_id", "read_at"),
        UniqueConstraint("user_id", "number"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id")
    #: The notification's number among its user's (1, 2, …): what pages, the API and cursors
    #: show, never `id`. The table's id counts every user's notifications, so the gap between two
    #: of one user's ids would tell how many others were notified meanwhile — say, how many
    #: agencies bid on an amended task (docs/rules.md §5).
    number: int
    org_id: int | None = Field(default=None, foreign_key="organization.id")
    kind: str = Field(max_length=40)
    task_id: int | None = Field(default=None, foreign_key="task.id")
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    mailed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Delivery attempts by the mail sweep; it gives up after `market.notifications.MAX_ATTEMPTS`.
    mail_attempts: int = Field(default=0)
    mail_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
