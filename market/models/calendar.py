"""The project's own working-day calendar: official exceptions to the Monday–Friday rule."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class CalendarDay(SQLModel, table=True):
    day: date = Field(primary_key=True)
    is_workday: bool
    name: str = Field(default="", max_length=100)
    source: str = Field(default="official", max_length=16)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class CalendarYear(SQLModel, table=True):
    """A year whose official arrangement is loaded; other years fall back to weekends only."""

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    source: str = Field(max_length=16)
    loaded_at: datetime = Field(sa_type=UTCDateTime)
