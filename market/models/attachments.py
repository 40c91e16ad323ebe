"""Files attached to a task (by its applicant), to a bid (by the bidding agency), or a task's
contract document (by its applicant).

The bytes live under UPLOAD_DIR, outside the web root, named by their SHA-256; this row keeps who
uploaded what, for which task, under which (sanitized) original name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime

#: Owner kinds: a task's own documents, one agency's files for its bid on the task, or a contract
#: document the applicant uploaded for its task's contract.
TASK, BID, CONTRACT = "task", "bid", "contract"
#: … the contracted agency's delivered work, and the applicant's acceptance report (验收报告).
DELIVERY, REPORT = "delivery", "report"


class Attachment(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("task_id", "owner_kind", "uploaded_by_org_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(sa_column=Column(String(64), nullable=False, index=True))
    size: int = Field(sa_type=BigInteger)
    content_type: str = Field(max_length=40)
    filename: str = Field(max_length=200)
    uploaded_at: datetime = Field(sa_type=UTCDateTime)
    uploaded_by_org_id: int = Field(foreign_key="organization.id", index=True)
    owner_kind: str = Field(max_length=8)
    task_id: int = Field(foreign_key="task.id", index=True)
