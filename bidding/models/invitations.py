"""Invitations of a `direct` selection: the applicant invites one agency, which accepts with a
price and a duration or declines with a reason; unanswered at the task's deadline, it lapses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class Invitation(SQLModel, table=True):
    """One invitation of a `direct` task to one agency (docs/rules.md §5). A task holds its whole
    history: the current invitation is the latest; an earlier one was declined or lapsed.
    Its state is derived from the timestamps (`bidding.invitations.state`)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    invited_at: datetime = Field(sa_type=UTCDateTime)
    invited_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    #: The answer is due strictly before this moment (the task's deadline when it was made).
    due_at: datetime = Field(sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    price_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    duration_days: int | None = Field(default=None)
    #: The bid the acceptance made (the award candidate's, through the ordinary result).
    bid_id: int | None = Field(default=None, foreign_key="bid.id")
    declined_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decline_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    lapsed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_by_user_id: int | None = Field(default=None, foreign_key="user.id")
