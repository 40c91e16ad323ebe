"""Proposals for an agency's misconduct record (docs/rules.md §6): a fact found elsewhere — today
a complaint upheld against an agency's conduct — proposed for the record, for a regulator to
decide. Nothing here is a penalty until it is decided."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: `MisconductProposal.source`.
COMPLAINT = "complaint"
#: `MisconductProposal.decision`: recorded (a `MisconductRecord` names it) or dismissed.
RECORDED, DISMISSED = "recorded", "dismissed"


class MisconductProposal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    source: str = Field(max_length=20)
    #: The upheld complaint that found the agency's conduct at fault (source "complaint").
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    #: What was found, as the decision wrote it.
    facts: str = Field(sa_column=Column(Text, nullable=False))
    proposed_at: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision: str | None = Field(default=None, max_length=16)
    #: Why a proposal was dismissed (required then).
    dismissed_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")
