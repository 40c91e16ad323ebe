"""Sealed bids and their versions, abnormally-low explanations and validity decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from market.db import UTCDateTime


class Bid(SQLModel, table=True):
    """An agency's bid (or sign-up) on a task: one row per agency and task, holding the current
    version. Sealed until the task's ``opened_at``; every submission is kept in `BidVersion`."""

    __table_args__ = (UniqueConstraint("task_id", "agency_id"),)
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    agency_id: int = Field(foreign_key="organization.id", index=True)
    #: Number of the current version; keeps counting after a withdrawal and a new submission.
    version: int
    price_fen: int = Field(sa_type=BigInteger)
    duration_days: int
    #: The proposal as hashed into the receipt (NFC, LF line breaks).
    proposal_text: str = Field(sa_column=Column(Text, nullable=False))
    attachments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    receipt: str = Field(sa_column=Column(String(64), nullable=False))
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    #: Set when the bidder withdrew; a withdrawn bid does not stand at the deadline.
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: Credit score (milli-points) taken at opening for `scoring`; 80 000 when the agency had none.
    credit_snapshot_milli: int | None = Field(default=None)
    #: Whether the agency was on the honour roll at the deadline, taken at opening for `scoring`
    #: with the credit snapshot (`bidding.signals.honour_as_of`); the ranking adds the bonus.
    honour_at_deadline: bool | None = Field(default=None)


class BidVersion(SQLModel, table=True):
    """Every submission of a bid: the receipt content, the receipt and the platform's signature."""

    __table_args__ = (UniqueConstraint("bid_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    bid_id: int = Field(foreign_key="bid.id", index=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    version: int
    #: Exactly the dict whose JCS is hashed into the receipt (docs/rules.md §5).
    content: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    receipt: str = Field(sa_column=Column(String(64), unique=True, nullable=False))
    #: Base64 Ed25519 signature over the receipt's ASCII (see bidding/receipts.py).
    signature: str = Field(max_length=100)
    submitted_at: datetime = Field(sa_type=UTCDateTime)
    #: Set on the version that was standing when the bidder withdrew.
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ValidityDecision(SQLModel, table=True):
    """Whether a bid standing at the deadline is valid, and why; ``valid`` None means pending
    (an abnormally low bid awaiting its explanation and the applicant's decision)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    bid_id: int = Field(foreign_key="bid.id", unique=True)
    valid: bool | None = Field(default=None)
    #: A code: "eligible", "suspended", "related_legal_representative", "abnormally_low"…
    ground: str = Field(max_length=40)
    #: Untranslated messages [{"msgid", "params"}], rendered in the reader's language.
    messages: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: The applicant's published reason, when a person decided.
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")


class ExplanationRequest(SQLModel, table=True):
    """An abnormally low bid must be explained in writing by ``due_at`` (docs/rules.md §5)."""

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True)
    bid_id: int = Field(foreign_key="bid.id", unique=True)
    #: Which tests the price failed, with their exact numbers: [{"test", "threshold", …}].
    tests: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    requested_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    explanation: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    explained_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    #: "accepted", "rejected" or "expired" (no explanation in time).
    decision: str | None = Field(default=None, max_length=16)
    decision_reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by_user_id: int | None = Field(default=None, foreign_key="user.id")
