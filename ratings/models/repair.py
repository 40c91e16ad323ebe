"""Credit repair (信用修复, docs/rules.md §6): an agency's application to repair one of its
misconduct records, with evidence of correction and a public credit commitment, and a covering
regulator's decision (repaired, or refused with a reason)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: `RepairApplication.decision`.
REPAIRED, REFUSED = "repaired", "refused"


class RepairApplication(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="misconductrecord.id", index=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    #: What the agency did to correct the misconduct (read by the regulators).
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    #: The agency's public credit commitment (信用承诺), published with the decision.
    commitment: str = Field(sa_column=Column(Text, nullable=False))
    applied_at: datetime = Field(sa_type=UTCDateTime)
    applied_by_user_id: int = Field(foreign_key="user.id")
    #: The regulator decides before this moment (`decision_wd` working days); overdue after.
    decide_by: datetime = Field(sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision: str | None = Field(default=None, max_length=16)
    #: Why it was refused (required then), or the regulator's note on a repair.
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")
    decided_by_org_id: int | None = Field(default=None, foreign_key="organization.id")
