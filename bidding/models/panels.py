"""Expert panels of `scoring` tasks: the members drawn and their marks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class PanelMember(SQLModel, table=True):
    """An expert called onto a `scoring` task's panel, in the order of the "panel" draw."""

    __table_args__ = (UniqueConstraint("task_id", "expert_org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    expert_org_id: int = Field(foreign_key="organization.id")
    #: 0-based place in the drawn order; a recusal calls the next place not yet called.
    position: int
    called_at: datetime = Field(sa_type=UTCDateTime)
    declared_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    recused_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    statement: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PanelMark(SQLModel, table=True):
    """A panellist's mark (0–100) for a valid bid's proposal; published by name with the result."""

    __table_args__ = (UniqueConstraint("task_id", "expert_org_id", "bid_id"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    expert_org_id: int = Field(foreign_key="organization.id")
    bid_id: int = Field(foreign_key="bid.id")
    mark: int
    comment: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    marked_at: datetime = Field(sa_type=UTCDateTime)
