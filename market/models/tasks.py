"""Tasks (选取公告) and their lifecycle timestamps. Status is derived from these, never stored."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Column, String, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class Funding(StrEnum):
    private = "private"
    state_owned = "state_owned"
    budget = "budget"


class Method(StrEnum):
    direct = "direct"
    random = "random"
    lowest_price = "lowest_price"
    average_price = "average_price"
    scoring = "scoring"


#: The only grounds on which an applicant may exclude an agency (docs/rules.md §5).
EXCLUSION_GROUNDS = ("conflict_of_interest", "dishonesty_list", "earlier_work_on_project")


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(sa_column=Column(String(20), unique=True, nullable=False))
    applicant_org_id: int = Field(foreign_key="organization.id", index=True)
    created_by_user_id: int = Field(foreign_key="user.id")
    service_item_id: int = Field(foreign_key="serviceitem.id", index=True)
    title: str = Field(max_length=200)
    description: str = Field(sa_column=Column(Text, nullable=False))
    project_code: str | None = Field(default=None, max_length=40)
    approval_item: str | None = Field(default=None, max_length=200)
    funding: str = Field(max_length=16)
    budget_code: str | None = Field(default=None, max_length=60)
    method: str = Field(max_length=16)
    price_cap_fen: int | None = Field(default=None, sa_type=BigInteger)
    fixed_fee_fen: int | None = Field(default=None, sa_type=BigInteger)
    min_bids: int = Field(default=3)
    weight_price: int | None = Field(default=None)
    weight_credit: int | None = Field(default=None)
    weight_quality: int | None = Field(default=None)
    panel_size: int | None = Field(default=None)
    invited_agency_id: int | None = Field(default=None, foreign_key="organization.id")
    service_days: int
    bidding_wd: int = Field(default=5)
    #: Names chosen only from the service item's legally required qualifications.
    required_qualifications: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    reposted_from_id: int | None = Field(default=None, foreign_key="task.id")
    # --- lifecycle timestamps (docs/rules.md §4) ---
    created_at: datetime = Field(sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    deadline_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The deadline assumed weekends only for a year without an official calendar.
    deadline_calendar_fallback: bool = Field(default=False)
    opened_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    publicity_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    publicity_ends_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    awarded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    contracted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    suspended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    terminated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    cancel_requested_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_approved_by_user_id: int | None = Field(default=None, foreign_key="user.id")


class TaskAmendment(SQLModel, table=True):
    """One published change to a task: the change log anyone can read."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    #: {field: {"old": ..., "new": ...}}
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    deadline_extended_to: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: The outage notice that made this change (`market.outages`), if one did.
    outage_notice_id: int | None = Field(default=None, foreign_key="outagenotice.id")


class TaskExclusion(SQLModel, table=True):
    """An agency excluded from a task on a listed ground, stated publicly."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    agency_id: int = Field(foreign_key="organization.id")
    ground: str = Field(max_length=32)
    statement: str = Field(sa_column=Column(Text, nullable=False))


class TaskSuspension(SQLModel, table=True):
    """One suspension of a task, kept after it ends: who halted the task, why, from when, until when
    (docs/rules.md §4). `Task.suspended_at` is the start of the suspension in force, if any."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    started_at: datetime = Field(sa_type=UTCDateTime)
    by_user_id: int | None = Field(default=None, foreign_key="user.id")
    by_org_id: int | None = Field(default=None, foreign_key="organization.id")
    reason: str = Field(sa_column=Column(Text, nullable=False))
    #: What the suspension serves, e.g. "complaint:12" (the complaint it waits for), or None.
    cause: str | None = Field(default=None, max_length=40)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    ended_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    end_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
