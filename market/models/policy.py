"""Every version of the policy that has been in force (docs/rules.md §1), kept for the record."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class PolicyVersion(SQLModel, table=True):
    """The policy as recorded: every section's settings as canonical JSON (RFC 8785), the SHA-256
    of that text, and when it was recorded. Rows are only ever added (`market.policy.record`)."""

    version: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    document: str = Field(sa_column=Column(Text, nullable=False))
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    recorded_at: datetime = Field(sa_type=UTCDateTime)
