"""The honour roll (守信典型名单, docs/rules.md §6): the monthly record of each agency's grade that
the roll's rule reads, the rolls published each month and their entries with the numbers behind
each, so anyone can check an entry from what is published."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class HonourGrade(SQLModel, table=True):
    """An agency's grade as the monthly computation found it (as of 00:00 Shanghai of the 1st)."""

    __table_args__ = (UniqueConstraint("month", "agency_id"),)
    id: int | None = Field(default=None, primary_key=True)
    #: The first day of the month (Asia/Shanghai).
    month: date = Field(index=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    score_milli: int
    grade: str = Field(max_length=1)


class HonourRoll(SQLModel, table=True):
    """One month's roll, published once by the sweep `ratings.honour_roll`."""

    __table_args__ = (UniqueConstraint("month"),)
    id: int | None = Field(default=None, primary_key=True)
    month: date
    #: The moment its conditions were evaluated as of (00:00 Shanghai of the month's 1st).
    as_of: datetime = Field(sa_type=UTCDateTime)
    published_at: datetime = Field(sa_type=UTCDateTime)
    #: The rule's numbers it applied (months of grade A, contracts, applicants, window).
    rule: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class HonourEntry(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("roll_id", "agency_id"),)
    id: int | None = Field(default=None, primary_key=True)
    roll_id: int = Field(foreign_key="honourroll.id", index=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    #: The first month of the agency's current run on the roll.
    since: date
    #: The numbers behind the entry: the grades by month, contracts accepted, their applicants,
    #: misconduct records and upheld conduct complaints in the window (both 0).
    numbers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
